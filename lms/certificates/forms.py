"""Forms of the certificate pages: typing a code to verify, revoking with a reason."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from lms.certificates.services import clean_code
from lms.core.forms import BaseForm


class VerifyForm(BaseForm):
    """The code printed under a certificate's QR code, as anyone types it."""

    code = StringField(
        _l("Verification code"),
        validators=[DataRequired(), Length(max=64)],
        description=_l("It is printed on the certificate, under the QR code."),
        render_kw={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"},
    )

    def validate_code(self, field):
        if not clean_code(field.data):
            raise ValidationError(_l("A code has only letters A–Z and digits 2–7. Please check it."))

    @property
    def cleaned_code(self) -> str:
        return clean_code(self.code.data)


class RevokeForm(BaseForm):
    """A lead withdraws a certificate and says why (kept for leads, never shown publicly)."""

    reason = TextAreaField(
        _l("Reason for revoking"),
        validators=[DataRequired(), Length(max=1000)],
        description=_l("Only program leads see the reason. The public page says only that it was revoked."),
    )
