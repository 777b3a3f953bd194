"""Where a text message leaves: one small interface, its backend chosen by ``LMS_SMS_PROVIDER``.

``dev`` only records (``make run``, tests); ``http`` posts to a gateway; ``aliyun`` and ``tencent``
call Aliyun SMS and Tencent Cloud SMS through their SDKs. A backend raises ``SmsUnavailableError``
when the provider did not answer (the message waits and is tried again) and ``SmsRefusedError``
when it said no (trying again will not help).
"""

import importlib
import json
import logging
import secrets
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import quote

import requests

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


# The cloud SDKs are imported only where their backend is chosen: together they hold about 25 MiB in every
# process, web and worker, that would never send through them.
CLOUD_PROVIDERS = {"aliyun": "lms.notifications.sms_aliyun", "tencent": "lms.notifications.sms_tencent"}


def sms_provider(config) -> SmsProvider:
    """The backend the settings name (read and checked in ``core/config.py``)."""
    name = config.get("LMS_SMS_PROVIDER", "dev")
    if name == "http":
        return HttpProvider(config)
    if name in CLOUD_PROVIDERS:
        return importlib.import_module(CLOUD_PROVIDERS[name]).Provider(config)
    return DevProvider()
