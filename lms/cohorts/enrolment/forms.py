"""Forms for invite settings, moving and withdrawing learners, pairing them with a mentor, importing."""

from datetime import UTC

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, IntegerField, SelectField
from wtforms.validators import DataRequired, NumberRange, Optional

from lms.accounts.models import User
from lms.cohorts.forms import MAX_COUNT
from lms.cohorts.models import Cohort
from lms.core.calendar import program_zone
from lms.core.forms import BaseForm, BoundedDateTimeLocalField, coerce_id


class InviteSettingsForm(BaseForm):
    invite_enabled = BooleanField(_l("The invite code works"))
    invite_expires_at = BoundedDateTimeLocalField(
        _l("Works until"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        validators=[Optional()],
        description=_l("Local time. Leave empty for no end."),
    )
    invite_max_uses = IntegerField(
        _l("Most uses"),
        validators=[Optional(), NumberRange(min=1, max=MAX_COUNT, message=_l("Enter a number above 0."))],
        description=_l("How many people may join with this code; leave empty for no limit."),
        render_kw={"inputmode": "numeric"},
    )

    def __init__(self, cohort: Cohort, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_submitted():
            self.invite_enabled.data = cohort.invite_enabled
            self.invite_max_uses.data = cohort.invite_max_uses
            if cohort.invite_expires_at is not None:
                local = cohort.invite_expires_at.astimezone(program_zone())
                self.invite_expires_at.data = local.replace(tzinfo=None, second=0, microsecond=0)

    def settings(self) -> dict:
        """The settings, with the expiry typed in the program's time zone stored in UTC."""
        expires = self.invite_expires_at.data
        if expires is not None:
            expires = expires.replace(tzinfo=program_zone()).astimezone(UTC)
        return {
            "invite_enabled": self.invite_enabled.data,
            "invite_expires_at": expires,
            "invite_max_uses": self.invite_max_uses.data,
        }


class MoveForm(BaseForm):
    cohort_id = SelectField(_l("Move to"), coerce=coerce_id, validators=[DataRequired()])

    def __init__(self, targets: list[Cohort], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort_id.choices = [(cohort.id, cohort.name) for cohort in targets]


class PairForm(BaseForm):
    mentor_id = SelectField(_l("Paired mentor"), coerce=coerce_id)

    def __init__(self, mentors: list[User], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mentor_id.choices = [(0, _l("No paired mentor"))] + [(mentor.id, mentor.name) for mentor in mentors]


class ImportUploadForm(BaseForm):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(_l("Choose a CSV file."))],
        description=_l(
            "Columns: name, phone, email (may be left out), county, township, village, gender, birth_year, "
            "or in Chinese: 姓名, 手机号, 邮箱, 县, 乡镇, 村, 性别, 出生年份. UTF-8 or GBK."
        ),
        render_kw={"accept": ".csv,text/csv"},
    )


class ImportConfirmForm(BaseForm):
    # Names the preview the lead looked at; it must match the one their session holds.
    token = HiddenField(validators=[DataRequired()])
