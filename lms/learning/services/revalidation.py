"""A lesson page's ETag: a learner who opens a lesson again that has not changed for her gets 304 and no body.

The tag is a digest of everything the page shows her: the lesson's version as a phone saving it offline has it
(``saving.lesson_version``: its text, files and the video her browser plays first), the course's content version
(its outline, titles, questions, rubric, resources), her progress on the course (lessons done, work waiting,
which modules are locked, where she continues), her attempts and due date on this lesson, the header's unread
count, her language, and who she is with which form key. Any of them changing gives another tag, so the page is
sent again.
"""

import hashlib
from datetime import date

from lms.accounts.models import User
from lms.courses.models import Lesson
from lms.learning.services.lessons import LessonPage
from lms.learning.services.saving import Viewer, lesson_version


def lesson_page_etag(
    lesson: Lesson, page: LessonPage, learner: User, viewer: Viewer, *, language: str, unread: int, form_key: str
) -> str:
    """The ETag of ``page`` as ``learner`` sees it now; ``form_key``: what the forms' CSRF tokens are made from
    (the session's key and the period they stay valid in), so a kept page never carries an expired token."""
    outline = page.outline
    due_on: date | None = page.due_on
    parts = (
        learner.id,
        learner.role,
        language,
        form_key,
        unread,
        lesson_version(lesson, viewer),
        lesson.module.course.content_version,
        sorted(outline.done),
        sorted(outline.waiting),
        outline.next_id,
        [(item.module.id, item.locked_by.id if item.locked_by else None) for item in outline.modules],
        [(attempt.number, attempt.score_percent, attempt.passed) for attempt in page.attempts],
        due_on.isoformat() if due_on else None,
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
