"""Forms for signing in, joining, passwords, a learner's settings and staff accounts."""

import re

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TelField,
)
from wtforms.validators import AnyOf, DataRequired, Email, EqualTo, InputRequired, Length, Optional, ValidationError

from lms.accounts import services
from lms.accounts.models import VideoChoice
from lms.accounts.passwords.services import password_problem
from lms.accounts.texted_codes import clean_texted_code
from lms.core.forms import BaseForm
from lms.core.roles import Role

PASSWORD_MIN = 8
ROLE_LABELS = {
    Role.LEARNER: _l("Learner"),
    Role.MENTOR: _l("Mentor"),
    Role.LEAD: _l("Program lead"),
    Role.ADMIN: _l("Administrator"),
}


def phone_number(form, field):
    if field.data and services.normalize_phone(field.data) is None:
        raise ValidationError(_l("Enter a mobile number, for example 138 1234 5678."))


def new_password_fields():
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(),
            Length(min=PASSWORD_MIN, max=128, message=_l("Use %(min)d to %(max)d characters.")),
        ],
        description=_l("At least %(min)d characters.", min=PASSWORD_MIN),
    )
    confirm = PasswordField(
        _l("Password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords are not the same."))],
    )
    return password, confirm


class NewPasswordMixin:
    """Refuses a guessable new password: a common one, or the person's own phone number or name."""

    def password_owner(self) -> dict:
        """The name, phone and email of the person choosing the password, as far as the form knows them."""
        return {
            "name": getattr(getattr(self, "name", None), "data", None) or "",
            "phone": getattr(getattr(self, "phone", None), "data", None),
            "email": getattr(getattr(self, "email", None), "data", None),
        }

    def validate_password(self, field):
        problem = password_problem(field.data or "", **self.password_owner())
        if problem:
            raise ValidationError(problem)


class LoginForm(BaseForm):
    login = StringField(
        _l("Mobile number or email"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me signed in on this phone"))


class AccountFieldsMixin:
    """Checks shared by forms that make a new account: a way to sign in, not taken yet.

    The words for a taken number or address do not say that someone has an account with it:
    anyone may type anyone's number into the join form.
    """

    taken_email_message = _l("We cannot create an account with this email. If you have joined before, sign in with it.")
    taken_phone_message = _l(
        "We cannot create an account with this mobile number. If you have joined before, sign in with it "
        "or ask your program lead for a setup code."
    )

    def validate_email(self, field):
        if field.data and services.login_taken(field.data, None)["email"]:
            raise ValidationError(self.taken_email_message)

    def validate_phone(self, field):
        if field.data and services.login_taken(None, field.data)["phone"]:
            raise ValidationError(self.taken_phone_message)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not self.email.data and not self.phone.data:
            self.phone.errors.append(_l("Enter a mobile number or an email address."))
            return False
        return valid


class ChangePasswordForm(NewPasswordMixin, BaseForm):
    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    password, confirm = new_password_fields()

    def password_owner(self) -> dict:
        return {"name": current_user.name, "phone": current_user.phone, "email": current_user.email}


class NewAccountForm(NewPasswordMixin, AccountFieldsMixin, BaseForm):
    """A lead or admin adds a staff account; they may see who has one, so the words say so."""

    taken_email_message = _l("An account with this email already exists.")
    taken_phone_message = _l("An account with this mobile number already exists.")

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    role = SelectField(_l("Role"), validators=[DataRequired()])
    phone = TelField(_l("Mobile number"), validators=[Optional(), Length(max=30), phone_number])
    email = EmailField(_l("Email"), validators=[Optional(), Length(max=254), Email()])
    password, confirm = new_password_fields()

    def __init__(self, roles, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [(role, ROLE_LABELS[role]) for role in roles]


class SetupPasswordForm(NewPasswordMixin, BaseForm):
    """A learner added by their program lead chooses a password with the one-time code they were given."""

    phone = TelField(
        _l("Mobile number"),
        validators=[DataRequired(), Length(max=30), phone_number],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    code = StringField(
        _l("Setup code"),
        validators=[DataRequired(), Length(max=20)],
        description=_l("The code your program lead gave you, for example ABCD-EFGH."),
        render_kw={"autocapitalize": "characters", "autocomplete": "one-time-code"},
    )
    password, confirm = new_password_fields()


VIDEO_CHOICE_LABELS = {
    VideoChoice.AUDIO: _l("Audio only"),
    VideoChoice.SMALL: _l("Small video"),
    VideoChoice.NORMAL: _l("Normal video"),
}

VIDEO_CHOICE_MISSING = _l("Choose audio only, small video or normal video.")


class VideoChoiceForm(BaseForm):
    """A learner picks which version of a lesson video plays first; the others stay a tap away."""

    video_choice = RadioField(
        _l("What lesson videos play first"),
        choices=[SelectChoice(value, label) for value, label in VIDEO_CHOICE_LABELS.items()],
        # Our own check and words instead of WTForms' "Not a valid choice".
        validate_choice=False,
        validators=[
            InputRequired(message=VIDEO_CHOICE_MISSING),
            AnyOf(list(VIDEO_CHOICE_LABELS), message=VIDEO_CHOICE_MISSING),
        ],
        description=_l(
            "Audio only uses the least data, a small video about half of a normal one; "
            "each lesson still lists every version with its size."
        ),
    )


class SignInCodeForm(BaseForm):
    """A code from her authenticator app (or a recovery code): after the password, or to change her codes."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(message=_l("Type the code.")), Length(max=20, message=_l("A code is 6 digits."))],
        description=_l("The 6 digits your authenticator app shows now, or one of your recovery codes."),
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "autocapitalize": "characters"},
    )


class NewKeyCodeForm(SignInCodeForm):
    """The first code of a key she has just added to her app: it proves the app and the site agree."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(message=_l("Type the code.")), Length(max=20, message=_l("A code is 6 digits."))],
        description=_l("The 6 digits the app shows now for this site."),
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


def reset_phone_field():
    return TelField(
        _l("Mobile number"),
        validators=[DataRequired(), Length(max=30), phone_number],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )


class ForgotPasswordForm(BaseForm):
    """She asks for a code by text message to choose a new password."""

    phone = reset_phone_field()


def six_digits(form, field):
    if not re.fullmatch(r"\d{6}", clean_texted_code(field.data or "")):
        raise ValidationError(_l("Enter the 6 digits of the code we texted you."))


class ResetPasswordForm(NewPasswordMixin, BaseForm):
    """The texted code and a new password."""

    phone = reset_phone_field()
    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=20), six_digits],
        description=_l("The 6 digits we texted you. The code works for 10 minutes."),
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    password, confirm = new_password_fields()


class TextedCodeForm(BaseForm):
    """The 6-digit code we texted her: after her password, or to turn sign-in codes by text on."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(message=_l("Type the code.")), Length(max=20), six_digits],
        description=_l("The 6 digits we texted you. The code works for 10 minutes."),
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class TurnOffSignInTextsForm(BaseForm):
    """Her password, to stop the texted codes (someone holding her unlocked phone should not)."""

    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
