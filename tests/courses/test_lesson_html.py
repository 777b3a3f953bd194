"""A lesson keeps its text rendered and sanitised from when it was saved; its page shows that."""

from lms.core.extensions import db
from lms.courses.markdown import render_markdown
from tests.factories import LessonFactory


def test_a_saved_lesson_keeps_its_text_rendered_and_sanitised():
    lesson = LessonFactory(body="**Tea** <script>alert(1)</script>", transcript="Say *hello*")
    db.session.flush()
    assert lesson.body_html == "<p><strong>Tea</strong> </p>\n"
    assert lesson.transcript_html == str(render_markdown("Say *hello*"))
    lesson.body = "Now *honey*"
    db.session.flush()
    db.session.expire(lesson)
    assert lesson.rendered_body == render_markdown("Now *honey*")
    assert "<script" not in lesson.rendered_body
