"""Forms for handing in work, reviewing it, and extending a due date.

The file fields say which files to pick (``accept``) only to help the phone's file chooser;
``lms.courses.media.store_upload`` checks what each file really is.
"""

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput

from lms.core.forms import BaseForm, BoundedDateField, DateRequired, MultiCheckboxField, coerce_id, first_link, web_link
from lms.core.web import MAX_ID
from lms.courses.models import Lesson
from lms.learning.forms.offline import OfflineFields
from lms.learning.models.submission import ReviewDecision, extension_bounds
from lms.learning.services.due_dates import assignment_due_on

MAX_PHOTOS = 6


def few_photos(form, field):
    if field.data and len(field.data) > MAX_PHOTOS:
        raise ValidationError(_l("Choose at most %(count)d photos.", count=MAX_PHOTOS))


class SubmissionForm(OfflineFields, BaseForm):
    text = TextAreaField(_l("Your answer"), validators=[Optional(), Length(max=10000)])
    link = StringField(
        _l("Link"),
        filters=[first_link],
        validators=[Optional(), Length(max=500), web_link],
        description=_l("For example the address of your online shop, or the text that Share → Copy link gives."),
        render_kw={"inputmode": "url", "autocomplete": "url"},
    )
    photo = MultipleFileField(
        _l("Photos"), validators=[few_photos], render_kw={"accept": "image/jpeg,image/png,image/webp"}
    )
    video = FileField(_l("Short video"), render_kw={"accept": "video/mp4,video/webm,.mp4,.webm"})
    file = FileField(_l("File"))
    keep_files = BooleanField(_l("Keep the files I sent last time"), default=True)


def submission_form(lesson: Lesson, has_files: bool, **kwargs) -> SubmissionForm:
    """The hand-in form with only the fields this assignment accepts."""
    form = SubmissionForm(**kwargs)
    for kind in ("text", "link", "photo", "video", "file"):
        if kind not in lesson.accepted_kinds:
            delattr(form, kind)
    if not has_files:
        delattr(form, "keep_files")
    return form


class ReviewForm(BaseForm):
    row_version = IntegerField(widget=HiddenInput(), validators=[InputRequired(), NumberRange(0, MAX_ID)])
    version_id = IntegerField(widget=HiddenInput(), validators=[InputRequired(), NumberRange(1, MAX_ID)])
    feedback = TextAreaField(
        _l("Feedback for the learner"),
        validators=[Optional(), Length(max=10000)],
        description=_l("What is good, and what to change."),
    )
    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice(ReviewDecision.ACCEPTED.value, _l("Accept")),
            SelectChoice(ReviewDecision.REVISION_REQUESTED.value, _l("Ask for a revision")),
        ],
        validators=[DataRequired(_l("Choose accept or ask for a revision."))],
    )

    criteria: list = []

    def score_fields(self):
        return [self[f"score_{criterion.id}"] for criterion in self.criteria]

    def scores(self) -> dict[int, int | None]:
        return {criterion.id: self[f"score_{criterion.id}"].data for criterion in self.criteria}

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.decision.data == ReviewDecision.ACCEPTED:
            for score in self.score_fields():
                if score.data is None and not score.errors:
                    score.errors.append(_l("Give a score to accept the work."))
                    valid = False
        if self.decision.data == ReviewDecision.REVISION_REQUESTED and not (self.feedback.data or "").strip():
            self.feedback.errors.append(_l("Tell the learner what to change."))
            valid = False
        return valid


def review_form(lesson: Lesson, **kwargs) -> ReviewForm:
    """A review form with a score field (0 to its points) for each rubric criterion of the lesson."""

    class LessonReviewForm(ReviewForm):
        criteria = list(lesson.rubric)

    for criterion in lesson.rubric:
        setattr(
            LessonReviewForm,
            f"score_{criterion.id}",
            IntegerField(
                criterion.criterion,
                validators=[Optional(), NumberRange(0, criterion.points)],
                description=_l("0 to %(points)d points", points=criterion.points),
                render_kw={"inputmode": "numeric", "min": 0, "max": criterion.points},
            ),
        )
    return LessonReviewForm(**kwargs)


def within_extension_bounds(form, field):
    """A new due date from today to a year ahead, said with the dates."""
    first, last = extension_bounds()
    if field.data is not None and not first <= field.data <= last:
        raise ValidationError(
            _l(
                "Choose a date from %(first)s to %(last)s.",
                first=format_date(first, "long"),
                last=format_date(last, "long"),
            )
        )


class ExtensionForm(BaseForm):
    lesson_id = SelectField(_l("Assignment"), coerce=coerce_id, validators=[DataRequired()])
    due_on = BoundedDateField(
        _l("New due date"), validators=[DateRequired(_l("Give the new due date.")), within_extension_bounds]
    )

    def __init__(self, assignments, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.assignments = {item.lesson.id: item for item in assignments}
        self.lesson_id.choices = [
            SelectChoice(item.lesson.id, f"{item.course_title}: {item.lesson.title}") for item in assignments
        ]

    def validate_due_on(self, field):
        chosen = self.assignments.get(self.lesson_id.data)
        usual = assignment_due_on(chosen.lesson, chosen.cohort) if chosen else None
        if usual is not None and field.data < usual:
            raise ValidationError(
                _l("An extension gives a later due date: on or after %(date)s.", date=format_date(usual, "medium"))
            )


class CohortExtensionForm(BaseForm):
    """One assignment's new due date for every learner of a cohort, or for the ones ticked."""

    lesson_id = SelectField(_l("Assignment"), coerce=coerce_id, validators=[DataRequired()])
    everyone = RadioField(
        _l("For whom"),
        choices=[
            SelectChoice("all", _l("Every learner of the cohort")),
            SelectChoice("chosen", _l("The learners ticked below")),
        ],
        default="all",
        validators=[InputRequired()],
    )
    learner_ids = MultiCheckboxField(_l("Learners"), coerce=coerce_id)
    due_on = BoundedDateField(
        _l("New due date"), validators=[DateRequired(_l("Give the new due date.")), within_extension_bounds]
    )

    def __init__(self, cohort, assignments, learners, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        self.lessons = {lesson.id: lesson for lesson, _title in assignments}
        self.lesson_id.choices = [SelectChoice(lesson.id, f"{title}: {lesson.title}") for lesson, title in assignments]
        self.learner_ids.choices = [SelectChoice(learner.id, learner.name) for learner in learners]

    def validate_due_on(self, field):
        lesson = self.lessons.get(self.lesson_id.data)
        usual = assignment_due_on(lesson, self.cohort) if lesson else None
        if usual is not None and field.data < usual:
            raise ValidationError(
                _l("An extension gives a later due date: on or after %(date)s.", date=format_date(usual, "medium"))
            )

    def validate_learner_ids(self, field):
        if self.everyone.data == "chosen" and not field.data:
            raise ValidationError(_l("Tick the learners who get more time, or choose every learner."))

    def chosen_ids(self) -> list[int]:
        if self.everyone.data == "all":
            return [choice.value for choice in self.learner_ids.choices]
        return list(self.learner_ids.data or [])
