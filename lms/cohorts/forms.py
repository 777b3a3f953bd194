"""Forms for joining a cohort and setting programs and cohorts up."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import DateField, EmailField, SelectField, StringField, TelField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError

from lms.auth.forms import AccountFieldsMixin, new_password_fields, phone_number
from lms.cohorts import services
from lms.cohorts.models import Cohort, Program
from lms.extensions import db
from lms.forms import BaseForm


class JoinForm(AccountFieldsMixin, BaseForm):
    invite_code = StringField(
        _l("Invite code"),
        validators=[DataRequired(), Length(max=32)],
        description=_l("Your program gives you this code."),
        render_kw={"autocapitalize": "characters", "autocomplete": "off"},
    )
    name = StringField(
        _l("Your name"), validators=[DataRequired(), Length(max=100)], render_kw={"autocomplete": "name"}
    )
    phone = TelField(
        _l("Mobile number"),
        validators=[Optional(), Length(max=30), phone_number],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    email = EmailField(
        _l("Email (if you have one)"),
        validators=[Optional(), Length(max=254), Email()],
        render_kw={"autocomplete": "email"},
    )
    password, confirm = new_password_fields()

    cohort: Cohort | None = None

    def validate_invite_code(self, field):
        self.cohort = services.find_cohort_by_invite(field.data)
        if self.cohort is None:
            raise ValidationError(_l("This invite code is not valid. Please check it with your program."))


class ProgramForm(BaseForm):
    name = StringField(_l("Program name"), validators=[DataRequired(), Length(max=200)])
    currency = StringField(
        _l("Reporting currency"),
        default="CNY",
        validators=[
            DataRequired(),
            Regexp(r"^[A-Za-z]{3}$", message=_l("Use a three-letter code such as CNY.")),
        ],
    )

    def validate_name(self, field):
        if db.session.scalar(select(Program.id).where(Program.name == field.data.strip())):
            raise ValidationError(_l("A program with this name already exists."))


class CohortForm(BaseForm):
    program_id = SelectField(_l("Program"), coerce=int, validators=[DataRequired()])
    name = StringField(_l("Cohort name"), validators=[DataRequired(), Length(max=200)])
    province = StringField(_l("Province"), validators=[Optional(), Length(max=50)])
    city = StringField(_l("City"), validators=[Optional(), Length(max=50)])
    county = StringField(_l("County"), validators=[DataRequired(), Length(max=50)])
    starts_on = DateField(_l("Starts on"), validators=[Optional()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.program_id.choices = [
            (program.id, program.name) for program in db.session.scalars(select(Program).order_by(Program.name))
        ]

    def validate_name(self, field):
        taken = db.session.scalar(
            select(Cohort.id).where(Cohort.program_id == self.program_id.data, Cohort.name == field.data.strip())
        )
        if taken:
            raise ValidationError(_l("This program already has a cohort with this name."))

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date must be after the start date."))


class AssignMentorForm(BaseForm):
    mentor_id = SelectField(_l("Mentor"), coerce=int, validators=[DataRequired()])

    def __init__(self, cohort: Cohort, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mentor_id.choices = [
            (mentor.id, mentor.name) for mentor in db.session.scalars(services.available_mentors(cohort))
        ]
