"""Forms for authoring courses: courses, modules, lessons of each kind, questions, rubrics, offers."""

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DecimalField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from lms.accounts.models import User
from lms.cohorts.services import programs_for
from lms.core.extensions import db
from lms.core.forms import BaseForm, MultiCheckboxField, coerce_id
from lms.core.i18n import LANGUAGES
from lms.courses.models import AnswerReveal, Course, Question, QuestionKind, UnlockRule
from lms.courses.policies import managed_course_filter
from lms.courses.services.quizzes import MAX_POINTS, fits_column, question_problems

LESSON_KIND_LABELS = {
    "video": _l("Video"),
    "reading": _l("Reading"),
    "quiz": _l("Quiz"),
    "assignment": _l("Assignment"),
}
QUESTION_KIND_LABELS = {
    "single": _l("Single choice"),
    "multiple": _l("Multiple choice"),
    "true_false": _l("True or false"),
    "numeric": _l("Number (with a tolerance)"),
}
SUBMISSION_KIND_LABELS = {
    "text": _l("Text"),
    "link": _l("Link"),
    "photo": _l("Photo"),
    "video": _l("Video"),
    "file": _l("File"),
}
ANSWER_REVEAL_LABELS = {
    AnswerReveal.PASSED: _l("After the learner passes (or has used every attempt)"),
    AnswerReveal.EACH_ATTEMPT: _l("After each attempt"),
    AnswerReveal.LAST_ATTEMPT: _l("After the last attempt"),
    AnswerReveal.NEVER: _l("Never"),
}
UNLOCK_RULE_LABELS = {
    UnlockRule.SUBMISSION: _l("When its assignments are handed in"),
    UnlockRule.ACCEPTANCE: _l("When a mentor accepts its assignments"),
}
MARKDOWN_HINT = _l("Markdown: **bold**, *italic*, lists with -, links as [text](https://…).")
OPTION_ROWS = 6


def choices_of(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


def title_field(label):
    return StringField(label, validators=[DataRequired(), Length(max=200)])


def markdown_field(label, description=MARKDOWN_HINT):
    return TextAreaField(
        label, validators=[Optional(), Length(max=100_000)], description=description, render_kw={"rows": 14}
    )


class CourseForm(BaseForm):
    program_id = SelectField(_l("Program"), coerce=coerce_id, validators=[DataRequired()])
    title = title_field(_l("Course title"))
    summary = TextAreaField(
        _l("Summary"),
        validators=[Optional(), Length(max=2000)],
        description=_l("One or two sentences: what a learner can do after the course."),
    )
    language = SelectField(
        _l("Language of the course"), choices=choices_of({"zh_Hans": LANGUAGES["zh_Hans"], "en": LANGUAGES["en"]})
    )
    translation_of_id = SelectField(
        _l("The same course in another language"),
        coerce=coerce_id,
        default=0,
        description=_l(
            "Offer both to a cohort: each learner is shown the one in her language, the other only if she asks."
        ),
    )
    estimated_minutes = IntegerField(
        _l("Estimated minutes"), default=0, validators=[Optional(), NumberRange(min=0, max=100_000)]
    )
    sequential = BooleanField(_l("Open each module only after the one before it is complete"))
    unlock_on = RadioField(
        _l("In that case, a module's assignments count as complete"),
        choices=choices_of(UNLOCK_RULE_LABELS),
        default=UnlockRule.SUBMISSION,
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the programs this person runs, and their courses: another program's is not a choice.
        self.program_id.choices = [(program.id, program.name) for program in db.session.scalars(programs_for(user))]
        if self.translation_of_id.data is None:  # an original's None, or a form without the field: "none"
            self.translation_of_id.data = 0
        self.translation_of_id.choices = [(0, _l("None: this is the original"))] + [
            (course.id, f"{course.title} ({LANGUAGES.get(course.language, course.language)})")
            for course in db.session.scalars(
                select(Course)
                .where(Course.translation_of_id.is_(None), managed_course_filter(user))
                .order_by(Course.title, Course.id)
            )
        ]


class ModuleForm(BaseForm):
    title = title_field(_l("Module title"))
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=2000)])


class NewLessonForm(BaseForm):
    kind = SelectField(_l("Kind of lesson"), choices=choices_of(LESSON_KIND_LABELS))
    title = title_field(_l("Lesson title"))
    minutes = IntegerField(
        _l("Minutes"),
        default=5,
        validators=[Optional(), NumberRange(min=0, max=600)],
        description=_l("About how long a learner needs."),
    )


class LessonForm(BaseForm):
    title = title_field(_l("Lesson title"))
    minutes = IntegerField(_l("Minutes"), validators=[Optional(), NumberRange(min=0, max=600)])


class ReadingLessonForm(LessonForm):
    body = markdown_field(_l("Text of the reading"))


class VideoLessonForm(LessonForm):
    transcript = markdown_field(
        _l("Transcript"), _l("What is said in the video, for learners who would rather read. Markdown or plain text.")
    )


class QuizLessonForm(LessonForm):
    body = markdown_field(_l("Introduction"))
    pass_mark = IntegerField(
        _l("Pass mark (%)"),
        validators=[InputRequired(), NumberRange(min=0, max=100)],
        render_kw={"inputmode": "numeric"},
    )
    attempts_allowed = IntegerField(
        _l("Attempts allowed"),
        validators=[InputRequired(), NumberRange(min=0, max=100)],
        description=_l("0 means no limit."),
    )
    show_answers = SelectField(
        _l("Show the right answers"),
        choices=choices_of(ANSWER_REVEAL_LABELS),
        default=AnswerReveal.PASSED,
        description=_l("The feedback on each choice shows at the same time."),
    )


class AssignmentLessonForm(LessonForm):
    body = markdown_field(_l("Instructions"))
    accepts = MultiCheckboxField(_l("Learners may submit"), choices=choices_of(SUBMISSION_KIND_LABELS))
    due_days = IntegerField(
        _l("Due this many days after the cohort starts"),
        validators=[Optional(), NumberRange(min=0, max=3650)],
        description=_l("Leave empty for no due date."),
    )

    def validate_accepts(self, field):
        if not field.data:
            raise ValidationError(_l("Accept at least one kind of submission."))


LESSON_FORMS = {
    "video": VideoLessonForm,
    "reading": ReadingLessonForm,
    "quiz": QuizLessonForm,
    "assignment": AssignmentLessonForm,
}


class OptionRowForm(Form):
    """One answer option of a choice question; a blank row is ignored."""

    Meta = BaseForm.Meta

    text = StringField(_l("Option"), validators=[Optional(), Length(max=1000)])
    correct = BooleanField(_l("Correct"))
    feedback = StringField(_l("Feedback for this option"), validators=[Optional(), Length(max=2000)])


def decimal_in_column(_form, field):
    if field.data is not None and not fits_column(field.data):
        raise ValidationError(_l("Use a number below 10,000,000,000 with at most 4 decimals."))


def plain_decimal(value: Decimal | None) -> Decimal | None:
    """12.5000 → 12.5 and 1E+2 → 100, so the lead sees the number as they typed it."""
    return None if value is None else Decimal(format(value.normalize(), "f"))


class QuestionForm(BaseForm):
    """One question; only the fields of its kind are kept (``kind`` is fixed when it is made).

    Build it with ``question_form``, which adds the option rows ``option_0``, ``option_1``…:
    fields with fixed names, so row 2 always edits option 2, whichever rows a browser sends.
    """

    class Meta:
        def bind_field(self, form, unbound_field, options):
            # A row takes no filters itself; its own fields drop NUL characters.
            if unbound_field.field_class is FormField:
                return unbound_field.bind(form=form, **options)
            return BaseForm.Meta.bind_field(self, form, unbound_field, options)

    prompt = TextAreaField(_l("Question"), validators=[DataRequired(), Length(max=5000)])
    points = IntegerField(_l("Points"), default=1, validators=[InputRequired(), NumberRange(min=0, max=MAX_POINTS)])
    answer = DecimalField(_l("Right answer"), validators=[InputRequired(), decimal_in_column])
    tolerance = DecimalField(
        _l("Tolerance"),
        default=Decimal(0),
        validators=[Optional(), NumberRange(min=0), decimal_in_column],
        description=_l("How far from the right answer still counts as right, e.g. 0.5."),
    )
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=20)], description=_l("For example 元 or kg."))
    feedback_correct = TextAreaField(_l("Feedback when right"), validators=[Optional(), Length(max=2000)])
    feedback_wrong = TextAreaField(_l("Feedback when wrong"), validators=[Optional(), Length(max=2000)])

    row_count = 0

    def __init__(self, kind: str, *args, question: Question | None = None, **kwargs):
        super().__init__(*args, obj=question, **kwargs)
        self.kind = kind
        if kind == QuestionKind.NUMERIC:
            if question is not None and not self.is_submitted():
                self.answer.data = plain_decimal(question.answer)
                self.tolerance.data = plain_decimal(question.tolerance)
        else:
            del self.answer
            del self.tolerance
            del self.unit

    @property
    def option_rows(self) -> list[FormField]:
        return [self[f"option_{number}"] for number in range(self.row_count)]

    @property
    def data(self):
        data = {name: value for name, value in super().data.items() if not name.startswith("option_")}
        data["options"] = [row.data for row in self.option_rows]
        return data

    def validate(self, extra_validators=None):
        if not super().validate(extra_validators):
            return False
        problems = question_problems(self.kind, self.data)
        self.form_errors.extend(problems)
        return not problems


def question_form(kind: str, question: Question | None = None) -> QuestionForm:
    """The form for a question of ``kind``, with a row per option plus empty rows to add more."""
    if kind == QuestionKind.NUMERIC:
        rows, prefill = 0, []
    elif question is not None:
        prefill = [{"text": o.text, "correct": o.correct, "feedback": o.feedback} for o in question.options]
        rows = max(2 if kind == QuestionKind.TRUE_FALSE else OPTION_ROWS, len(prefill))
    elif kind == QuestionKind.TRUE_FALSE:
        rows, prefill = 2, [{"text": _l("True")}, {"text": _l("False")}]
    else:
        rows, prefill = OPTION_ROWS, []
    fields = {f"option_{number}": FormField(OptionRowForm) for number in range(rows)}
    form_class = type("QuestionForm", (QuestionForm,), {**fields, "row_count": rows})
    return form_class(kind, question=question, data={f"option_{n}": row for n, row in enumerate(prefill)})


class CriterionForm(BaseForm):
    criterion = TextAreaField(
        _l("Criterion"),
        validators=[DataRequired(), Length(max=2000)],
        description=_l("What the mentor looks for, e.g. “The product fills the frame”."),
    )
    points = IntegerField(_l("Points"), default=5, validators=[InputRequired(), NumberRange(min=1, max=MAX_POINTS)])


class OfferForm(BaseForm):
    """Which cohorts of the course's program take it, and for which it is required."""

    offered = SelectMultipleField(_l("Offered"), coerce=coerce_id, validate_choice=True)
    required = SelectMultipleField(_l("Required"), coerce=coerce_id, validate_choice=True)

    def __init__(self, cohorts, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(cohort.id, cohort.name) for cohort in cohorts]
        self.offered.choices = choices
        self.required.choices = choices

    def offers(self) -> dict[int, bool]:
        """Cohort id → required?; ticking "required" alone offers the course too."""
        required = set(self.required.data or ())
        return {cohort_id: cohort_id in required for cohort_id in {*(self.offered.data or ()), *required}}


class CohortOfferForm(OfferForm):
    """Which courses of its program a cohort takes, and which of them are required."""

    def __init__(self, courses, *args, **kwargs):
        super().__init__([], *args, **kwargs)
        choices = [(course.id, course.title) for course in courses]
        self.offered.choices = choices
        self.required.choices = choices


class ConfirmDeleteForm(BaseForm):
    """The button of a confirmation page: a post without its ``confirm`` field deletes nothing."""

    confirm = HiddenField(default="yes", validators=[InputRequired(), AnyOf(["yes"])])
