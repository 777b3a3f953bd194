"""Repeated failed sign-ins are slowed down, per account and per address."""

from tests.conftest import TEST_PASSWORD
from tests.factories import UserFactory


def fail(client, login, address="203.0.113.5"):
    return client.post(
        "/login", data={"login": login, "password": "wrong password"}, environ_base={"REMOTE_ADDR": address}
    )


def test_an_account_is_locked_for_a_while_after_five_failures(client):
    user = UserFactory(phone="+8613912345678")
    for _ in range(5):
        assert fail(client, "13912345678").status_code == 200
    blocked = fail(client, "139 1234 5678", address="198.51.100.7")
    assert blocked.status_code == 429
    assert "wait a few minutes" in blocked.text
    # Even the right password waits: the limit protects the account, not the address.
    right = client.post("/login", data={"login": user.phone, "password": TEST_PASSWORD})
    assert right.status_code == 429


def test_successful_sign_ins_do_not_count_as_failures(client):
    user = UserFactory(phone="+8613912345678")
    for _ in range(8):
        response = client.post("/login", data={"login": user.phone, "password": TEST_PASSWORD})
        assert response.status_code == 302
        client.post("/logout")


def test_one_address_trying_many_accounts_is_slowed_down(client):
    for number in range(20):
        assert fail(client, f"1391234{number:04d}").status_code == 200
    assert fail(client, "13912349999").status_code == 429
    assert fail(client, "13912349999", address="198.51.100.7").status_code == 200
