"""Forms for joining a cohort and setting programs and cohorts up."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import BooleanField, EmailField, IntegerField, SelectField, StringField, TelField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp, ValidationError

from lms.accounts.forms import AccountFieldsMixin, NewPasswordMixin, new_password_fields, phone_number
from lms.accounts.models import User
from lms.cohorts import services
from lms.cohorts.invites import services as invite_services
from lms.cohorts.models import Cohort, Program
from lms.core.extensions import db
from lms.core.forms import BaseForm, BoundedDateField, YuanField, coerce_id

# Large enough for any cohort, small enough for a 32-bit integer column.
MAX_COUNT = 1_000_000


def invite_code_field():
    return StringField(
        _l("Invite code"),
        validators=[DataRequired(), Length(max=32)],
        description=_l("Your program gives you this code."),
        render_kw={"autocapitalize": "characters", "autocomplete": "off"},
    )


class InviteCodeMixin:
    """Finds the cohort of the typed code and says why it cannot be used now, if it cannot."""

    cohort: Cohort | None = None

    def validate_invite_code(self, field):
        self.cohort = invite_services.find_cohort_by_invite(field.data)
        if self.cohort is None:
            raise ValidationError(_l("This invite code is not valid. Please check it with your program."))
        problem = invite_services.invite_problem(self.cohort)
        if problem:
            raise ValidationError(problem)


class JoinForm(InviteCodeMixin, NewPasswordMixin, AccountFieldsMixin, BaseForm):
    invite_code = invite_code_field()
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


class JoinAnotherCohortForm(InviteCodeMixin, BaseForm):
    """A signed-in learner joins one more cohort: the code is all it takes."""

    invite_code = invite_code_field()


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
    """A new cohort (with its program), or, given ``cohort``, an existing one's settings."""

    program_id = SelectField(_l("Program"), coerce=coerce_id, validators=[DataRequired()])
    name = StringField(_l("Cohort name"), validators=[DataRequired(), Length(max=200)])
    province = StringField(_l("Province"), validators=[Optional(), Length(max=50)])
    city = StringField(_l("City"), validators=[Optional(), Length(max=50)])
    county = StringField(_l("County"), validators=[DataRequired(), Length(max=50)])
    township = StringField(_l("Township"), validators=[Optional(), Length(max=50)])
    poverty_county = BooleanField(_l("The county is a national-level poverty-stricken county"))
    starts_on = BoundedDateField(_l("Starts on"), validators=[Optional()])
    ends_on = BoundedDateField(_l("Ends on"), validators=[Optional()])
    capacity = IntegerField(
        _l("Capacity"),
        validators=[Optional(), NumberRange(min=1, max=MAX_COUNT, message=_l("Enter a number above 0."))],
        description=_l("Most learners at once; leave empty for no limit."),
        render_kw={"inputmode": "numeric"},
    )
    rule_courses = BooleanField(_l("To graduate: every required course complete"), default=True)
    rule_assignments = BooleanField(_l("To graduate: every required assignment accepted"), default=True)
    rule_business_plan_lesson_id = SelectField(
        _l("To graduate: the business plan accepted"),
        coerce=coerce_id,
        validators=[Optional()],
        description=_l("An assignment of a course offered to this cohort."),
    )
    rule_baseline = BooleanField(_l("To graduate: the intake form (baseline) filled in"), default=True)

    def __init__(self, *args, cohort: Cohort | None = None, user: User | None = None, **kwargs):
        super().__init__(*args, obj=cohort, **kwargs)
        self.editing = cohort
        if cohort is None:
            # Only the programs this person runs; a program she does not lead is not a choice.
            self.program_id.choices = [
                (program.id, program.name) for program in db.session.scalars(services.programs_for(user))
            ]
            del self.rule_business_plan_lesson_id
        else:
            del self.program_id
            self.rule_business_plan_lesson_id.choices = [(0, _l("No business plan rule"))] + [
                (lesson.id, f"{lesson.module.course.title}: {lesson.title}")
                for lesson in services.business_plan_choices(cohort)
            ]
            if not self.is_submitted():
                self.rule_business_plan_lesson_id.data = cohort.rule_business_plan_lesson_id or 0

    def validate_name(self, field):
        program_id = self.editing.program_id if self.editing else self.program_id.data
        query = select(Cohort.id).where(Cohort.program_id == program_id, Cohort.name == field.data.strip())
        if self.editing:
            query = query.where(Cohort.id != self.editing.id)
        if db.session.scalar(query):
            raise ValidationError(_l("This program already has a cohort with this name."))

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date must be after the start date."))


class AssignMentorForm(BaseForm):
    mentor_id = SelectField(_l("Mentor"), coerce=coerce_id, validators=[DataRequired()])

    def __init__(self, cohort: Cohort, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mentor_id.choices = [
            (mentor.id, mentor.name) for mentor in db.session.scalars(services.available_mentors(cohort))
        ]


# A program's month of text messages costs far less; a larger figure is a typing slip.
MAX_SMS_CAP_YUAN = 1_000_000


class SmsCapForm(BaseForm):
    """A lead sets what the program's text messages may cost a month; empty means no cap."""

    cap_yuan = YuanField(
        _l("Monthly cap for text messages (yuan)"),
        validators=[
            Optional(),
            NumberRange(
                min=0,
                max=MAX_SMS_CAP_YUAN,
                message=_l("Enter an amount from 0 to %(most)s yuan, or leave it empty for no cap.", most="1,000,000"),
            ),
        ],
        description=_l(
            "Messages that would pass it wait until next month, or until you raise it; codes always go. "
            "Its leads are told when 80 per cent of it is spent."
        ),
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )


class SignInTextsForm(BaseForm):
    """A lead requires, or not, a texted code at each sign-in of the program's learners."""

    required = BooleanField(
        _l("Learners type a code texted to their phone after their password"),
        description=_l(
            "Each sign-in of a learner active in one of this program's cohorts then costs a text message. "
            "A learner with no mobile number on her account cannot sign in until one is added."
        ),
    )
