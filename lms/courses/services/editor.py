"""The lesson editor's one form: every button saves what was typed before it publishes or adds to the lesson."""

from enum import StrEnum

from lms.courses.models import Lesson, RubricCriterion
from lms.courses.services.authoring import set_lesson_published, update_lesson
from lms.courses.services.quizzes import save_criterion


class EditorAction(StrEnum):
    SAVE = "save"
    PUBLISH = "publish"
    UNPUBLISH = "unpublish"
    ADD_CRITERION = "add_criterion"
    ADD_QUESTION = "add_question"


def editor_action(value: str | None) -> EditorAction:
    """The button pressed; anything unknown (or none, as Enter in a field sends) only saves."""
    return EditorAction(value) if value in tuple(EditorAction) else EditorAction.SAVE


def save_lesson(
    lesson: Lesson, data: dict, action: EditorAction, criterion: dict | None = None
) -> RubricCriterion | None:
    """Save the lesson's typed fields, then do what the button asked; AuthoringError, and nothing kept, if refused."""
    update_lesson(lesson, data)
    if action in (EditorAction.PUBLISH, EditorAction.UNPUBLISH):
        set_lesson_published(lesson, action == EditorAction.PUBLISH)
    elif action == EditorAction.ADD_CRITERION and criterion is not None:
        return save_criterion(lesson, criterion)
    return None
