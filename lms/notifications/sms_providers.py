"""Where a text message leaves: one small interface, its backend chosen by ``LMS_SMS_PROVIDER``.

``dev`` only records (``make run``, tests); ``http`` posts the text to a gateway; ``aliyun`` and
``tencent`` call Aliyun SMS and Tencent Cloud SMS through their SDKs, each kind of message through
the template registered for it (``registered_template``), filled with the message's parameters.
A backend raises ``SmsUnavailableError`` when the provider did not answer (the message waits and
is tried again) and ``SmsRefusedError`` when it said no (trying again will not help).
"""

import importlib
import json
import logging
import secrets
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class OutgoingSms:
    """One message as a backend sends it: the number, the whole text, and what its kind's template is filled with."""

    to_number: str  # E.164
    text: str
    kind: str = ""
    language: str = ""
    params: dict[str, str] = field(default_factory=dict)


class SmsProvider(Protocol):
    def send(self, message: OutgoingSms) -> SmsReceipt: ...


def registered_template(templates: dict[str, dict[str, str]], message: OutgoingSms) -> str:
    """The provider's template for the message's kind in its language (the installation's language when that one
    has none; both are checked at start, ``core/config.py``); SmsRefusedError for a kind without one."""
    by_language = templates.get(message.kind) or {}
    template = by_language.get(message.language) or by_language.get("")
    if not template:
        raise SmsRefusedError(f"no template is configured for text messages of the kind {message.kind}")
    return template


def template_values(message: OutgoingSms, names: tuple[str, ...]) -> list[str]:
    """The template's parameters in their order; SmsRefusedError when the message lacks one (queued before)."""
    missing = [name for name in names if not message.params.get(name)]
    if missing:
        raise SmsRefusedError(f"the message lacks its template's {', '.join(missing)}")
    return [str(message.params[name]) for name in names]


class DevProvider:
    """Records messages in memory and in the log; sends nothing."""

    sent: list[tuple[str, str]] = []
    KEEP = 100  # a development worker runs for days: only the latest are kept

    def send(self, message: OutgoingSms) -> SmsReceipt:
        DevProvider.sent.append((message.to_number, message.text))
        del DevProvider.sent[: -self.KEEP]
        log.info("text message (not sent: LMS_SMS_PROVIDER=dev) to %s: %s", message.to_number, message.text)
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

    def send(self, message: OutgoingSms) -> SmsReceipt:
        body = self.body.replace("{to}", self.fill(message.to_number)).replace("{text}", self.fill(message.text))
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
