"""Each SMS provider against a local stand-in that speaks its API: the real request checked, failures kept."""

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from lms.core.config import SMS_TEMPLATE_KINDS, SettingsError, settings_from_environment, unknown_settings
from lms.core.extensions import db
from lms.notifications import sms
from lms.notifications.models import NotificationKind, OutboxSms, SmsKind, SmsState
from lms.notifications.sms_aliyun import AliyunProvider
from lms.notifications.sms_providers import (
    DevProvider,
    HttpProvider,
    OutgoingSms,
    SmsRefusedError,
    SmsUnavailableError,
    sms_provider,
)
from lms.notifications.sms_tencent import TencentProvider
from lms.notifications.sms_texts import TEMPLATE_PARAMS
from tests.factories import UserFactory
from tests.sms.providers import (
    ALIYUN_KEYS,
    ALIYUN_TEMPLATES,
    ANSWERS,
    CONFIGS,
    TENCENT_KEYS,
    TENCENT_TEMPLATES,
    aliyun_config,
    aliyun_template_variables,
    http_config,
    tencent_answer,
    tencent_config,
    tencent_template_variables,
)
from tests.sms.stand_in import running_stand_in

MORNING = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
TEXT = '【乡村创业学堂】你的班级有新公告："开店" & more'
URL = "https://lms.example.org/n/7"
# An announcement in Chinese: the gateway sends the text, the clouds the announcement's template with its link.
MESSAGE = OutgoingSms("+8613912345678", TEXT, "announcement", "zh_Hans", {"url": URL})


@pytest.fixture
def stand_in():
    with running_stand_in() as server:
        yield server


ENDPOINTS = {"aliyun": "LMS_SMS_ALIYUN_ENDPOINT", "tencent": "LMS_SMS_TENCENT_ENDPOINT", "http": "LMS_SMS_HTTP_URL"}


def test_aliyun_sends_its_signed_send_sms_request_with_sign_and_the_kinds_template_and_parameters(stand_in):
    stand_in.answer = {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": "F655A8D5"}
    receipt = AliyunProvider(aliyun_config(stand_in)).send(MESSAGE)
    assert receipt.message_id == "900619746936498440^0"
    [request] = stand_in.received
    assert (request.method, request.headers["x-acs-action"], request.headers["x-acs-version"]) == (
        "POST",
        "SendSms",
        "2017-05-25",
    )
    assert request.headers["authorization"].startswith("ACS3-HMAC-SHA256 Credential=test-key-id,")
    assert "Signature=" in request.headers["authorization"]
    assert request.query["PhoneNumbers"] == "13912345678"
    assert request.query["SignName"] == "乡村创业学堂"
    assert request.query["TemplateCode"] == ALIYUN_TEMPLATES["announcement"]["zh_Hans"]
    assert json.loads(request.query["TemplateParam"]) == {"url": URL}


def test_aliyun_refusing_a_number_is_refused_and_its_stand_in_stopped_is_unavailable(stand_in):
    stand_in.answer = {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "invalid number", "RequestId": "1"}
    provider = AliyunProvider(aliyun_config(stand_in))
    with pytest.raises(SmsRefusedError, match="MOBILE_NUMBER_ILLEGAL"):
        provider.send(MESSAGE)
    stand_in.status, stand_in.answer = 503, {"Code": "ServiceUnavailable", "Message": "busy"}
    with pytest.raises(SmsUnavailableError):
        provider.send(MESSAGE)
    stand_in.stop()
    with pytest.raises(SmsUnavailableError):
        provider.send(MESSAGE)


def test_tencent_sends_its_signed_send_sms_request_with_app_sign_and_the_kinds_template_and_parameters(stand_in):
    stand_in.answer = tencent_answer()
    receipt = TencentProvider(tencent_config(stand_in)).send(MESSAGE)
    assert receipt.message_id == "2028:f825"
    [request] = stand_in.received
    assert (request.headers["x-tc-action"], request.headers["x-tc-version"]) == ("SendSms", "2021-01-11")
    assert request.headers["x-tc-region"] == "ap-guangzhou"
    assert request.headers["authorization"].startswith("TC3-HMAC-SHA256 Credential=test-secret-id/")
    assert "Signature=" in request.headers["authorization"]
    assert json.loads(request.body) == {
        "PhoneNumberSet": ["+8613912345678"],
        "SmsSdkAppId": "1400000000",
        "SignName": "乡村创业学堂",
        "TemplateId": TENCENT_TEMPLATES["announcement"]["zh_Hans"],
        "TemplateParamSet": [URL],
    }


def test_tencent_refusing_a_number_is_refused_its_errors_and_its_stand_in_stopped_are_unavailable(stand_in):
    provider = TencentProvider(tencent_config(stand_in))
    stand_in.answer = tencent_answer(code="InvalidParameterValue.IncorrectPhoneNumber")
    with pytest.raises(SmsRefusedError, match="IncorrectPhoneNumber"):
        provider.send(MESSAGE)
    stand_in.answer = {"Response": {"Error": {"Code": "InternalError.Timeout", "Message": "busy"}, "RequestId": "1"}}
    with pytest.raises(SmsUnavailableError):
        provider.send(MESSAGE)
    stand_in.answer = {
        "Response": {"Error": {"Code": "AuthFailure.SignatureFailure", "Message": "no"}, "RequestId": "1"}
    }
    with pytest.raises(SmsRefusedError):
        provider.send(MESSAGE)
    stand_in.stop()
    with pytest.raises(SmsUnavailableError):
        provider.send(MESSAGE)


@pytest.mark.parametrize("build", [AliyunProvider, TencentProvider], ids=["aliyun", "tencent"])
def test_a_message_without_its_templates_parameters_or_of_an_unknown_kind_is_refused_unsent(stand_in, build):
    provider = build(CONFIGS["aliyun" if build is AliyunProvider else "tencent"](stand_in))
    # Queued before its parameters were kept: the text alone cannot fill the template.
    with pytest.raises(SmsRefusedError, match="lacks its template's url"):
        provider.send(OutgoingSms("+8613912345678", TEXT, "announcement", "zh_Hans", {}))
    with pytest.raises(SmsRefusedError, match="no template is configured"):
        provider.send(OutgoingSms("+8613912345678", TEXT, "notification", "zh_Hans", {"url": URL}))
    assert stand_in.received == []


def test_a_language_without_its_own_template_gets_the_installations(stand_in):
    stand_in.answer = tencent_answer()
    config = tencent_config(stand_in)
    config["LMS_SMS_TENCENT_TEMPLATES"] = {**TENCENT_TEMPLATES, "announcement": {"zh_Hans": "77", "en": "77", "": "77"}}
    TencentProvider(config).send(OutgoingSms("+8613912345678", TEXT, "announcement", "fr", {"url": URL}))
    TencentProvider(config).send(
        OutgoingSms("+8613912345678", TEXT, "sign_in_code", "en", {"code": "1", "minutes": "10"})
    )
    assert [json.loads(request.body)["TemplateId"] for request in stand_in.received] == [
        "77",
        TENCENT_TEMPLATES["sign_in_code"]["en"],
    ]


def test_the_http_gateway_gets_the_body_template_filled_and_escaped_with_its_auth_header(stand_in):
    stand_in.answer = {"id": "gw-77"}
    receipt = HttpProvider(http_config(stand_in)).send(MESSAGE)
    assert receipt.message_id == "gw-77"
    [request] = stand_in.received
    assert (request.method, request.path) == ("POST", "/send")
    assert request.headers["authorization"] == "Bearer gateway-token"
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.body) == {"to": "+8613912345678", "text": TEXT}


def test_the_http_gateway_takes_a_form_body_too(stand_in):
    HttpProvider(http_config(stand_in, body="mobile={to}&content={text}")).send(MESSAGE)
    [request] = stand_in.received
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    fields = {key: value for key, _sep, value in (pair.partition("=") for pair in request.body.decode().split("&"))}
    assert fields["mobile"] == "%2B8613912345678"


def test_the_http_gateway_says_unavailable_for_5xx_and_no_answer_refused_for_4xx(stand_in):
    provider = HttpProvider(http_config(stand_in))
    stand_in.status = 400
    with pytest.raises(SmsRefusedError):
        provider.send(MESSAGE)
    stand_in.status = 502
    with pytest.raises(SmsUnavailableError):
        provider.send(MESSAGE)
    stand_in.stop()
    with pytest.raises(SmsUnavailableError):
        provider.send(MESSAGE)


@pytest.mark.parametrize("backend", ["aliyun", "tencent", "http"])
def test_provider_down_the_message_waits_and_goes_out_once_when_it_is_back(app, monkeypatch, backend):
    with running_stand_in() as first:
        config = CONFIGS[backend](first)
        first.stop()  # down before the message is sent
    user = UserFactory()
    message = sms.queue_sms(
        user.phone, "hello", "announcement", user_id=user.id, now=MORNING, params={"url": URL}, language="zh_Hans"
    )
    db.session.commit()
    monkeypatch.setitem(app.config, "LMS_SMS_PRICE_FEN", 4)
    for key, value in config.items():
        monkeypatch.setitem(app.config, key, value)
    sms.deliver_sms(sms_provider(app.config), message.id, MORNING)
    db.session.expire_all()
    assert (message.state, message.attempts, message.error_kind) == (SmsState.WAITING, 1, "unreachable")
    with running_stand_in() as back:
        back.answer = ANSWERS[backend]
        monkeypatch.setitem(app.config, ENDPOINTS[backend], f"{back.url}/send" if backend == "http" else back.url)
        later = message.next_attempt_at
        assert sms.deliver_due_sms(sms_provider(app.config), later) == 1
        assert sms.deliver_due_sms(sms_provider(app.config), later) == 0
        assert len(back.received) == 1
    db.session.expire_all()
    sent = db.session.get(OutboxSms, message.id)
    # Tencent says how many messages it billed.
    assert (sent.state, sent.provider_message_id, sent.cost_fen) == (
        SmsState.SENT,
        "b-1",
        8 if backend == "tencent" else 4,
    )


class KilledMidRun:
    """The chosen backend, whose stand-in is killed once it answered ``answered`` messages of a sweep."""

    def __init__(self, provider, stand_in, answered: int):
        self.provider, self.stand_in, self.left = provider, stand_in, answered

    def send(self, message):
        receipt = self.provider.send(message)
        self.left -= 1
        if self.left == 0:
            self.stand_in.stop()
        return receipt


@pytest.mark.parametrize("backend", ["aliyun", "tencent", "http"])
def test_a_stand_in_killed_mid_sweep_leaves_the_rest_waiting_and_each_message_goes_out_exactly_once(
    app, monkeypatch, backend
):
    learners = [UserFactory(email=None) for _ in range(4)]
    for learner in learners:
        sms.queue_sms(
            learner.phone, "hello", "announcement", user_id=learner.id, now=MORNING, params={"url": URL}, language="en"
        )
    db.session.commit()
    numbers: list[str] = []
    with running_stand_in() as first:
        first.answer = ANSWERS[backend]
        for key, value in CONFIGS[backend](first).items():
            monkeypatch.setitem(app.config, key, value)
        assert sms.deliver_due_sms(KilledMidRun(sms_provider(app.config), first, answered=2), MORNING) == 2
        numbers += [str(received.query) + received.body.decode() for received in first.received]
    db.session.expire_all()
    rows = db.session.scalars(db.select(OutboxSms).order_by(OutboxSms.id)).all()
    assert [(row.state, row.attempts) for row in rows] == [(SmsState.SENT, 0)] * 2 + [(SmsState.WAITING, 1)] * 2
    # Until it is back, every sweep finds it down again; nothing is lost or sent.
    assert sms.deliver_due_sms(sms_provider(app.config), rows[2].next_attempt_at) == 0
    db.session.expire_all()
    with running_stand_in() as back:
        back.answer = ANSWERS[backend]
        monkeypatch.setitem(app.config, ENDPOINTS[backend], f"{back.url}/send" if backend == "http" else back.url)
        later = max(row.next_attempt_at for row in rows)
        assert sms.deliver_due_sms(sms_provider(app.config), later) == 2
        assert sms.deliver_due_sms(sms_provider(app.config), later + timedelta(days=1)) == 0
        numbers += [str(received.query) + received.body.decode() for received in back.received]
    # Four requests in all, one to each number.
    assert len(numbers) == 4
    for learner in learners:
        assert sum(learner.phone.removeprefix("+86") in request for request in numbers) == 1
    db.session.expire_all()
    assert {row.state for row in db.session.scalars(db.select(OutboxSms))} == {SmsState.SENT}


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"LMS_SMS_PROVIDER": "twilio"}, "LMS_SMS_PROVIDER=twilio: give one of dev, http, aliyun, tencent"),
        ({"LMS_SMS_PROVIDER": "http"}, "LMS_SMS_HTTP_URL is required when LMS_SMS_PROVIDER=http"),
        (
            {"LMS_SMS_PROVIDER": "http", "LMS_SMS_HTTP_URL": "http://127.0.0.1/x", "LMS_SMS_HTTP_BODY": "{to}"},
            "must hold {to} and {text}",
        ),
        (
            {"LMS_SMS_PROVIDER": "http", "LMS_SMS_HTTP_URL": "http://127.0.0.1/x", "LMS_SMS_HTTP_AUTH_HEADER": "abc"},
            "LMS_SMS_HTTP_AUTH_HEADER: give a header and its value",
        ),
        ({"LMS_SMS_PROVIDER": "aliyun"}, "LMS_SMS_ALIYUN_ACCESS_KEY_ID is required when LMS_SMS_PROVIDER=aliyun"),
        ({"LMS_SMS_PROVIDER": "tencent"}, "LMS_SMS_TENCENT_SECRET_ID is required when LMS_SMS_PROVIDER=tencent"),
        ({"LMS_SMS_PER_DAY": "0"}, "LMS_SMS_PER_DAY=0"),
        (
            {**ALIYUN_KEYS, **aliyun_template_variables(), "LMS_SMS_ALIYUN_TEMPLATE_FOLLOW_UP_OVERDUE_ZH_HANS": ""},
            "LMS_SMS_ALIYUN_TEMPLATE_FOLLOW_UP_OVERDUE_ZH_HANS is required when LMS_SMS_PROVIDER=aliyun",
        ),
        (
            {**ALIYUN_KEYS, **aliyun_template_variables(), "LMS_SMS_ALIYUN_TEMPLATE_ANNOUNCEMENT_EN": "1234"},
            "LMS_SMS_ALIYUN_TEMPLATE_ANNOUNCEMENT_EN=1234: give the code aliyun shows for the approved template, "
            "such as SMS_123456789",
        ),
        (
            {**TENCENT_KEYS, **tencent_template_variables(), "LMS_SMS_TENCENT_TEMPLATE_SIGN_IN_CODE_ZH_HANS": "SMS_1"},
            "LMS_SMS_TENCENT_TEMPLATE_SIGN_IN_CODE_ZH_HANS=SMS_1: give the code tencent shows",
        ),
        (
            # An installation in English needs its templates in English; Chinese ones are then optional.
            {**TENCENT_KEYS, **tencent_template_variables(), "LMS_DEFAULT_LOCALE": "en"},
            "LMS_SMS_TENCENT_TEMPLATE_SIGN_IN_CODE_EN is required when LMS_SMS_PROVIDER=tencent",
        ),
    ],
)
def test_sms_settings_are_checked_with_a_clear_message(monkeypatch, tmp_path, variables, message):
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as refused:
        settings_from_environment(str(tmp_path))
    assert message in str(refused.value)


def test_the_cloud_providers_templates_are_read_per_kind_and_language_english_falling_back(monkeypatch, tmp_path):
    variables = {**ALIYUN_KEYS, **aliyun_template_variables(), "LMS_SMS_TENCENT_TEMPLATE_SIGN_IN_CODE_EN": "1"}
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    settings = settings_from_environment(str(tmp_path))
    templates = settings["LMS_SMS_ALIYUN_TEMPLATES"]
    assert templates["sign_in_code"] == {"zh_Hans": "SMS_100", "en": "SMS_200", "": "SMS_100"}
    assert templates["follow_up_overdue"]["en"] == templates["follow_up_overdue"]["zh_Hans"]
    assert len({kind["zh_Hans"] for kind in templates.values()}) == len(SMS_TEMPLATE_KINDS)
    # Every such variable is a setting, the other provider's too (only the chosen one's are required).
    assert unknown_settings(variables) == []


def test_a_template_is_configured_for_every_kind_of_text_message():
    # The settings' list of kinds (core cannot import the notifications area) is every kind a text may be.
    assert set(SMS_TEMPLATE_KINDS) == {SmsKind.SIGN_IN_CODE, *NotificationKind}
    assert set(TEMPLATE_PARAMS) <= set(SMS_TEMPLATE_KINDS)


def test_dev_is_the_default_provider(monkeypatch, tmp_path):
    monkeypatch.delenv("LMS_SMS_PROVIDER", raising=False)
    assert settings_from_environment(str(tmp_path))["LMS_SMS_PROVIDER"] == "dev"


@pytest.mark.one_database
def test_each_backend_is_built_from_its_setting_and_the_cloud_sdks_load_only_when_chosen(app):
    for name, kind in (("dev", DevProvider), ("http", HttpProvider), ("aliyun", AliyunProvider)):
        config = {**app.config, "LMS_SMS_PROVIDER": name, "LMS_SMS_HTTP_URL": "http://127.0.0.1:9/sms"}
        assert isinstance(sms_provider(config), kind)
    # A process that never texts through a cloud never holds its SDK (about 25 MiB together).
    probe = "import sys, lms.app; print(sorted({m.split('.')[0] for m in sys.modules} & {'Tea', 'tencentcloud'}))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
