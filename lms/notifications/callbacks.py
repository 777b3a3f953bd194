"""What the providers tell us back: replies from phones (a stop word stops text messages to that number),
and delivery receipts (a message sent becomes delivered, or failed).

Each provider has its own shape:
- Tencent Cloud SMS, reply callback: one JSON object ``{"mobile": "138...", "nationcode": "86", "text": "TD", ...}``
  (a list of them is read too); it wants ``{"result": 0, "errmsg": "OK"}`` back.
- Aliyun SMS, uplink (SmsUp) push: a JSON list ``[{"phone_number": "138...", "content": "TD", ...}]``
  (mainland numbers without +86); it wants ``{"code": 0, "msg": "成功"}`` back.
- A generic gateway: a JSON object (or a list) or a form, whose fields are named by
  ``LMS_SMS_HTTP_REPLY_FROM_FIELD`` and ``LMS_SMS_HTTP_REPLY_TEXT_FIELD``.

Delivery receipts: Tencent's status callback, a list of ``{"sid": ..., "report_status": "SUCCESS"|"FAIL",
"errmsg": ...}``; Aliyun's SmsReport push, a list of ``{"biz_id": ..., "success": true|false, "err_code": ...}``;
a gateway's, its ``LMS_SMS_HTTP_RECEIPT_ID_FIELD`` and ``LMS_SMS_HTTP_RECEIPT_STATUS_FIELD``
(delivered when the status reads delivered, DELIVRD, success or ok). Each names the provider's id kept on
the message.

No confirmation is texted back: the rules for commercial text messages ask that a stop be honoured
at once, not answered, and another message would be one more she pays attention to (and we pay for).
Her settings page says the messages are stopped, and turns them on again.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from lms.accounts.services import normalize_phone
from lms.core.errors import UserFacingError
from lms.core.extensions import db
from lms.notifications.channels import is_stop_word, stop_sms
from lms.notifications.models import OutboxSms, SmsState, SmsStopSource

PROVIDERS = ("tencent", "aliyun", "http")
# Aliyun and Tencent name mainland numbers without their country code.
MAINLAND = "CN"
MOST_ITEMS = 500  # a push holds at most this many; more is not a provider's


class CallbackRefusedError(UserFacingError):
    """A callback body that is not the provider's shape: answered 400, nothing written."""


@dataclass(frozen=True)
class Reply:
    phone: str  # E.164
    text: str


def items_of(body) -> list[dict]:
    """The body as a list of objects (one object is a list of one)."""
    items = body if isinstance(body, list) else [body]
    if not items or len(items) > MOST_ITEMS or not all(isinstance(item, dict) for item in items):
        raise CallbackRefusedError(_l("The body is not a callback this site reads."))
    return items


def field(item: dict, name: str) -> str:
    value = item.get(name)
    if not isinstance(value, str | int) or isinstance(value, bool) or str(value).strip() == "":
        raise CallbackRefusedError(_l("The callback lacks the field “%(name)s”.", name=name))
    return str(value).strip()


def phone_of(raw: str, country_code: str | None = None) -> str:
    phone = normalize_phone(f"+{country_code}{raw}" if country_code else raw, MAINLAND)
    if phone is None:
        raise CallbackRefusedError(_l("“%(number)s” is not a mobile number.", number=raw[:30]))
    return phone


def parse_replies(provider: str, body, config) -> list[Reply]:
    """The replies a callback carries, each with her number in E.164; CallbackRefusedError when it is not one."""
    items = items_of(body)
    if provider == "tencent":
        return [
            Reply(phone_of(field(item, "mobile"), str(item.get("nationcode") or "86").lstrip("+")), field(item, "text"))
            for item in items
        ]
    if provider == "aliyun":
        return [Reply(phone_of(field(item, "phone_number")), field(item, "content")) for item in items]
    from_field, text_field = config["LMS_SMS_HTTP_REPLY_FROM_FIELD"], config["LMS_SMS_HTTP_REPLY_TEXT_FIELD"]
    return [Reply(phone_of(field(item, from_field)), field(item, text_field)) for item in items]


def take_replies(replies: list[Reply]) -> int:
    """Stop text messages to each number that answered with a stop word; how many did."""
    stopped = 0
    for reply in replies:
        if is_stop_word(reply.text):
            stop_sms(reply.phone, SmsStopSource.REPLY, word=reply.text.strip())
            stopped += 1
    return stopped


@dataclass(frozen=True)
class Receipt:
    message_id: str
    delivered: bool


DELIVERED_WORDS = frozenset({"delivered", "delivrd", "success", "ok"})


def parse_receipts(provider: str, body, config) -> list[Receipt]:
    """The delivery receipts a callback carries; CallbackRefusedError when it is not one."""
    items = items_of(body)
    if provider == "tencent":
        return [Receipt(field(item, "sid"), field(item, "report_status").upper() == "SUCCESS") for item in items]
    if provider == "aliyun":
        return [Receipt(field(item, "biz_id"), str(item.get("success")).lower() == "true") for item in items]
    id_field, status_field = config["LMS_SMS_HTTP_RECEIPT_ID_FIELD"], config["LMS_SMS_HTTP_RECEIPT_STATUS_FIELD"]
    return [Receipt(field(item, id_field), field(item, status_field).lower() in DELIVERED_WORDS) for item in items]


def take_receipts(receipts: list[Receipt]) -> int:
    """Mark the messages they name delivered or failed (two UPDATEs for any number); how many changed.

    Only a message still "sent" changes: a receipt repeated, or one for a message we do not know, does nothing.
    """
    changed = 0
    for delivered in (True, False):
        ids = [receipt.message_id[:100] for receipt in receipts if receipt.delivered is delivered]
        if not ids:
            continue
        values = (
            {"state": SmsState.DELIVERED}
            if delivered
            else {
                "state": SmsState.FAILED,
                "error_kind": "undelivered",
                "last_error": "the provider's receipt says it did not reach the phone",
            }
        )
        result = db.session.execute(
            update(OutboxSms)
            .where(OutboxSms.provider_message_id.in_(ids), OutboxSms.state == SmsState.SENT)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        changed += result.rowcount
    return changed


def answer_for(provider: str) -> dict:
    """What the provider expects when the callback was taken."""
    if provider == "tencent":
        return {"result": 0, "errmsg": "OK"}
    if provider == "aliyun":
        return {"code": 0, "msg": "成功"}
    return {"ok": True}
