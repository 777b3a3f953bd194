"""Where a text message leaves: one small interface, its backend chosen by ``LMS_SMS_PROVIDER``.

``dev`` only records (``make run``, tests); ``http`` posts to a gateway; ``aliyun`` and ``tencent``
call Aliyun SMS and Tencent Cloud SMS through their SDKs. A backend raises ``SmsUnavailableError``
when the provider did not answer (the message waits and is tried again) and ``SmsRefusedError``
when it said no (trying again will not help).
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
from tencentcloud.common.credential import Credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models as tencent_models
from tencentcloud.sms.v20210111.sms_client import SmsClient as TencentClient

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class SmsReceipt:
    message_id: str
    # How many messages the provider billed (a long text is several); one unless it says.
    billed: int = 1


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


# Tencent's answers that mean "not now" rather than "never": network, its own errors, rate limits.
TENCENT_TRY_AGAIN = (
    "ClientNetworkError",
    "ServerNetworkError",
    "InternalError",
    "RequestLimitExceeded",
    "LimitExceeded",
)


class TencentProvider:
    """Tencent Cloud SMS (SendSms, 2021-01-11): the app's SDK id, approved sign and template; the text fills {1}."""

    def __init__(self, config):
        protocol, _sep, host = config["LMS_SMS_TENCENT_ENDPOINT"].rpartition("://")
        profile = HttpProfile(protocol=protocol or "https", endpoint=host, reqTimeout=TIMEOUT_SECONDS)
        self.client = TencentClient(
            Credential(config["LMS_SMS_TENCENT_SECRET_ID"], config["LMS_SMS_TENCENT_SECRET_KEY"]),
            config["LMS_SMS_TENCENT_REGION"],
            ClientProfile(httpProfile=profile),
        )
        self.app_id = config["LMS_SMS_TENCENT_SDK_APP_ID"]
        self.sign_name = config["LMS_SMS_TENCENT_SIGN_NAME"]
        self.template_id = config["LMS_SMS_TENCENT_TEMPLATE_ID"]

    def send(self, to_number: str, text: str) -> SmsReceipt:
        request = tencent_models.SendSmsRequest()
        request.PhoneNumberSet = [to_number]
        request.SmsSdkAppId = self.app_id
        request.SignName = self.sign_name
        request.TemplateId = self.template_id
        request.TemplateParamSet = [text]
        try:
            response = self.client.SendSms(request)
        except TencentCloudSDKException as error:
            if str(error.code or "").startswith(TENCENT_TRY_AGAIN):
                raise SmsUnavailableError(f"{error.code}: {error.message}") from error
            raise SmsRefusedError(f"{error.code}: {error.message}") from error
        except (OSError, ValueError) as error:
            raise SmsUnavailableError(str(error) or type(error).__name__) from error
        [status] = response.SendStatusSet
        if status.Code == "Ok":
            return SmsReceipt(message_id=status.SerialNo or "", billed=int(status.Fee or 1))
        if str(status.Code).startswith(TENCENT_TRY_AGAIN):
            raise SmsUnavailableError(f"{status.Code}: {status.Message}")
        raise SmsRefusedError(f"{status.Code}: {status.Message}")


def sms_provider(config) -> SmsProvider:
    """The backend the settings name (read and checked in ``core/config.py``)."""
    name = config.get("LMS_SMS_PROVIDER", "dev")
    if name == "http":
        return HttpProvider(config)
    if name == "aliyun":
        return AliyunProvider(config)
    if name == "tencent":
        return TencentProvider(config)
    return DevProvider()
