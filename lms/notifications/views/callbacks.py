"""The SMS providers' callbacks: replies from phones (a stop word stops text messages to that number), and
delivery receipts.

No person signs in here, and no browser posts a form: the provider proves itself with the shared
secret (``LMS_SMS_CALLBACK_SECRET``, as ``?token=`` in the address it is given, or an
``X-Callback-Token`` header), compared in constant time; these are the only routes without a CSRF token.
"""

import hmac

from flask import abort, current_app, jsonify, request

from lms.core.extensions import csrf, db
from lms.core.security import public
from lms.notifications import bp, callbacks


def require_secret() -> None:
    """403 unless the request carries the configured secret; with none configured, every callback is refused."""
    secret = current_app.config.get("LMS_SMS_CALLBACK_SECRET") or ""
    given = request.args.get("token") or request.headers.get("X-Callback-Token") or ""
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        abort(403)


def callback_body(provider: str):
    """The JSON body, or for a generic gateway a form; None when it is neither."""
    body = request.get_json(silent=True)
    if body is None and provider == "http" and request.form:
        body = request.form.to_dict()
    return body


def refused(error: callbacks.CallbackRefusedError):
    return jsonify(error=str(error.message)), 400


def take_callback(provider: str, parse, take):
    """A provider's callback: known provider, right secret, a readable body (else 400, nothing written)."""
    if provider not in callbacks.PROVIDERS:
        abort(404)
    require_secret()
    try:
        items = parse(provider, callback_body(provider), current_app.config)
    except callbacks.CallbackRefusedError as error:
        return refused(error)
    take(items)
    db.session.commit()
    return jsonify(callbacks.answer_for(provider))


@bp.route("/sms/callbacks/<provider>/replies", methods=["POST"])
@public
@csrf.exempt
def sms_replies(provider: str):
    return take_callback(provider, callbacks.parse_replies, callbacks.take_replies)


@bp.route("/sms/callbacks/<provider>/receipts", methods=["POST"])
@public
@csrf.exempt
def sms_receipts(provider: str):
    return take_callback(provider, callbacks.parse_receipts, callbacks.take_receipts)
