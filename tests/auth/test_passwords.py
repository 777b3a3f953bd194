"""Guessable passwords are refused everywhere one is set: common ones, and the person's own number or name."""

import pytest
from sqlalchemy import func, select

from lms.accounts import services
from lms.accounts.models import User
from lms.accounts.passwords.services import PasswordRefusedError, common_passwords, password_problem
from lms.core.extensions import db
from tests.conftest import TEST_PASSWORD
from tests.factories import AdminFactory, CohortFactory, UserFactory

COMMON = ["12345678", "password", "woaini1314", "qq123456", "Password", "ＰＡＳＳＷＯＲＤ", "1qaz2wsx", "5201314520"]
COMMON_MESSAGE = "one of the most common ones"


def test_the_shipped_list_holds_ten_thousand_long_enough_passwords_and_the_chinese_favourites():
    long_enough = [word for word in common_passwords() if len(word) >= 8]
    assert len(long_enough) >= 10_000
    for favourite in ("woaini1314", "qq123456", "12345678", "password", "woaini520", "a5201314"):
        assert favourite in common_passwords()


@pytest.mark.parametrize("password", COMMON)
def test_common_passwords_are_refused_in_any_case_or_width(password):
    assert COMMON_MESSAGE in password_problem(password)


def test_a_persons_own_number_and_name_are_refused_but_other_passwords_pass():
    person = {"name": "Wang Fang", "phone": "+8613912345678", "email": "wangfang@example.org"}
    for own in ("13912345678", "+86 139 1234 5678", "139-1234-5678a", "wangfang88", "WangFang!", "Fang2027!"):
        assert password_problem(own, **person) is not None, own
    assert password_problem("王芳123456789", name="王芳") is not None
    for fine in ("tea and arrowroot", "banana hills 7", "my tea garden"):
        assert password_problem(fine, name="An Li", phone="+8613912345678") is None, fine


def test_joining_with_a_common_password_or_ones_own_number_is_refused(client):
    CohortFactory(invite_code="HENGFENG")
    base = {"invite_code": "HENGFENG", "name": "江金春", "phone": "139 1234 5678", "email": ""}
    for password, message in (("woaini1314", COMMON_MESSAGE), ("13912345678", "mobile number"), ("江金春2027", "name")):
        page = client.post("/join", data={**base, "password": password, "confirm": password}).text
        assert message in page, password
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_a_setup_code_will_not_set_a_common_password_or_the_learners_name(client):
    learner = services.create_invited_learner(
        name="Jiang Jinchun", phone="+8613700000001", email=None, township="", village=""
    )
    code = services.issue_setup_code(learner, None)
    db.session.commit()
    for password, message in (("qq123456", COMMON_MESSAGE), ("jiangjinchun", "name")):
        page = client.post(
            "/setup-password", data={"phone": "13700000001", "code": code, "password": password, "confirm": password}
        ).text
        assert message in page, password
    assert client.post("/login", data={"login": "13700000001", "password": "jiangjinchun"}).status_code == 200
    # The code was not used up by the refused tries.
    fine = client.post(
        "/setup-password",
        data={"phone": "13700000001", "code": code, "password": "my tea garden", "confirm": "my tea garden"},
    )
    assert fine.status_code == 302


def test_changing_to_a_common_password_or_ones_own_number_is_refused(client, auth):
    user = UserFactory(phone="+8613912345678")
    auth.login(user)
    for password in ("12345678", "13912345678"):
        response = client.post(
            "/account/password", data={"current": TEST_PASSWORD, "password": password, "confirm": password}
        )
        assert response.status_code == 200
        assert "Please choose another" in response.text
    auth.logout()
    auth.login(user)


def test_a_lead_or_admin_cannot_give_a_new_account_a_common_password(client, auth):
    auth.login(AdminFactory())
    data = {"name": "Liu Yang", "role": "mentor", "phone": "13911112222", "password": "password", "confirm": "password"}
    assert COMMON_MESSAGE in client.post("/accounts/new", data=data).text
    assert db.session.scalar(select(func.count()).select_from(User).where(User.name == "Liu Yang")) == 0


def test_the_command_line_and_the_services_refuse_them_too(app):
    with pytest.raises(PasswordRefusedError):
        services.create_user(name="Ops", role="admin", password="password", email="ops@example.org")
    result = app.test_cli_runner().invoke(
        args=[
            "lms",
            "create-user",
            "--role",
            "admin",
            "--name",
            "Ops",
            "--email",
            "ops@example.org",
            "--password",
            "iloveyou",
        ]
    )
    assert result.exit_code != 0
    assert "most common" in result.output


def test_the_refusal_reads_in_chinese_too(client):
    CohortFactory(invite_code="HENGFENG")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    page = client.post(
        "/join",
        data={
            "invite_code": "HENGFENG",
            "name": "江金春",
            "phone": "139 1234 5678",
            "password": "woaini1314",
            "confirm": "woaini1314",
        },
    ).text
    assert "这个密码太常见" in page
