"""Where a text message leaves: one small interface, its backend chosen by ``LMS_SMS_PROVIDER``.

``dev`` only records (``make run``, tests); ``http`` posts to a gateway; ``aliyun`` calls Aliyun SMS
through its SDK. A backend raises ``SmsUnavailableError`` when the provider did not answer (the
message waits and is tried again) and ``SmsRefusedError`` when it said no (trying again will not help).
"""

import json
import logging
import secrets
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import quote

import requests
from alibabacloud_dysmsapi20170525 import models as aliyun_models
from alibabacloud_dysmsapi20170525.client import Client as AliyunClient
from alibabacloud_tea_openapi import models as openapi_models
from alibabacloud_tea_util import models as util_models
from Tea.exceptions import TeaException, UnretryableException

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class SmsReceipt:
    message_id: str


class SmsUnavailableError(Exception):
    """The provider did not answer or failed on its side: the message waits."""


class SmsRefusedError(Exception):
    """The provider refused this message (a bad number, an unknown template): it is not tried again."""


class SmsProvider(Protocol):
    def send(self, to_number: str, text: str) -> SmsReceipt: ...


class DevProvider:
    """Records messages in memory and in the log; sends nothing."""

    sent: list[tuple[str, str]] = []
    KEEP = 100  # a development worker runs for days: only the latest are kept

    def send(self, to_number: str, text: str) -> SmsReceipt:
        DevProvider.sent.append((to_number, text))
        del DevProvider.sent[: -self.KEEP]
        log.info("text message (not sent: LMS_SMS_PROVIDER=dev) to %s: %s", to_number, text)
        return SmsReceipt(message_id=f"dev-{secrets.token_hex(6)}")


class HttpProvider:
    """A local telecom gateway: a URL, a method, a body with {to} and {text}, an authorisation header."""

    def __init__(self, config):
        self.url = config["LMS_SMS_HTTP_URL"]
        self.method = config["LMS_SMS_HTTP_METHOD"]
        self.body = config["LMS_SMS_HTTP_BODY"]
        name, _colon, value = config["LMS_SMS_HTTP_AUTH_HEADER"].partition(":")
        self.headers = {name.strip(): value.strip()} if value.strip() else {}
        self.json = self.body.lstrip().startswith("{")
        self.headers["Content-Type"] = "application/json" if self.json else "application/x-www-form-urlencoded"

    def fill(self, value: str) -> str:
        # Escaped for where it goes: inside a JSON string, or a form field.
        return json.dumps(value)[1:-1] if self.json else quote(value, safe="")

    def send(self, to_number: str, text: str) -> SmsReceipt:
        body = self.body.replace("{to}", self.fill(to_number)).replace("{text}", self.fill(text))
        try:
            response = requests.request(
                self.method, self.url, data=body.encode(), headers=self.headers, timeout=TIMEOUT_SECONDS
            )
        except requests.RequestException as error:
            raise SmsUnavailableError(str(error) or type(error).__name__) from error
        if response.status_code >= 500 or response.status_code == 429:
            raise SmsUnavailableError(f"HTTP {response.status_code}")
        if response.status_code >= 400:
            raise SmsRefusedError(f"HTTP {response.status_code}: {response.text[:200]}")
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        message_id = (answer.get("id") or answer.get("message_id")) if isinstance(answer, dict) else None
        return SmsReceipt(message_id=str(message_id or ""))


class AliyunProvider:
    """Aliyun SMS (SendSms, 2017-05-25): the approved sign name and template; the text fills its ${text}."""

    def __init__(self, config):
        endpoint = config["LMS_SMS_ALIYUN_ENDPOINT"]
        protocol, _sep, host = endpoint.rpartition("://")
        self.client = AliyunClient(
            openapi_models.Config(
                access_key_id=config["LMS_SMS_ALIYUN_ACCESS_KEY_ID"],
                access_key_secret=config["LMS_SMS_ALIYUN_ACCESS_KEY_SECRET"],
                endpoint=host,
                protocol=protocol or "https",
            )
        )
        self.sign_name = config["LMS_SMS_ALIYUN_SIGN_NAME"]
        self.template_code = config["LMS_SMS_ALIYUN_TEMPLATE_CODE"]
        self.runtime = util_models.RuntimeOptions(
            connect_timeout=TIMEOUT_SECONDS * 1000, read_timeout=TIMEOUT_SECONDS * 1000, autoretry=False
        )

    def send(self, to_number: str, text: str) -> SmsReceipt:
        request = aliyun_models.SendSmsRequest(
            # Aliyun takes mainland numbers without +86; others with their country code.
            phone_numbers=to_number.removeprefix("+86") if to_number.startswith("+86") else to_number.lstrip("+"),
            sign_name=self.sign_name,
            template_code=self.template_code,
            template_param=json.dumps({"text": text}, ensure_ascii=False),
        )
        try:
            response = self.client.send_sms_with_options(request, self.runtime)
        except UnretryableException as error:
            raise SmsUnavailableError(str(error)) from error
        except TeaException as error:
            status = (error.data or {}).get("statusCode") if isinstance(error.data, dict) else None
            if status is not None and int(status) < 500:
                raise SmsRefusedError(f"{error.code}: {error.message}") from error
            raise SmsUnavailableError(f"{error.code}: {error.message}") from error
        except OSError as error:
            raise SmsUnavailableError(str(error) or type(error).__name__) from error
        body = response.body
        if body.code == "OK":
            return SmsReceipt(message_id=body.biz_id or "")
        if body.code in {"isv.BUSINESS_LIMIT_CONTROL", "SignatureNonceUsed", "isp.SYSTEM_ERROR"}:
            raise SmsUnavailableError(f"{body.code}: {body.message}")
        raise SmsRefusedError(f"{body.code}: {body.message}")


def sms_provider(config) -> SmsProvider:
    """The backend the settings name (read and checked in ``core/config.py``)."""
    name = config.get("LMS_SMS_PROVIDER", "dev")
    if name == "http":
        return HttpProvider(config)
    if name == "aliyun":
        return AliyunProvider(config)
    return DevProvider()
