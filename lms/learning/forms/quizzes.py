"""Forms a learner sends on a lesson: "Mark as done" and answers to a quiz."""

import re

from wtforms import HiddenField
from wtforms.validators import Optional, Regexp

from lms.core.forms import ActionForm, BaseForm
from lms.learning.forms.offline import OfflineFields

# Each question's inputs are named "question-<id>"; their values are option ids or a typed number.
ANSWER_FIELD = re.compile(r"question-(\d{1,10})")


def answer_field_name(question_id: int) -> str:
    return f"question-{question_id}"


class QuizForm(OfflineFields, BaseForm):
    """The quiz's questions are rendered by hand; this form carries CSRF and the attempt number."""

    number = HiddenField(validators=[Optional(), Regexp(r"^\d{1,6}$")])

    @property
    def attempt_number(self) -> int | None:
        return int(self.number.data) if self.number.data else None


class DoneForm(OfflineFields, ActionForm):
    """ "Mark as done": its CSRF token, and the phone's id and time when it was done offline."""


def posted_answers(formdata) -> dict[int, list[str]]:
    """question id → the values posted for it (NUL characters removed); other fields are ignored."""
    answers: dict[int, list[str]] = {}
    for name in formdata:
        match = ANSWER_FIELD.fullmatch(name)
        if match:
            answers[int(match.group(1))] = [value.replace("\x00", "") for value in formdata.getlist(name)]
    return answers
