"""What every template may call without its view passing it, registered once, here at the top layer.

A page's data comes from its view: where one area adds a card to another's page (the follow-ups on the
homes), the view of that page asks the area's service and passes the result. What is left for templates
to call is what runs no query: formatting helpers. The one exception is the header's unread count,
worked out lazily, once per request (lms.notifications.header).
"""

from flask import Flask

from lms.courses.markdown import render_markdown
from lms.learning.forms.quizzes import answer_field_name
from lms.notifications.header import unread_notifications
from lms.notifications.services import notification_text
from lms.outcomes.views.follow_up_common import wave_label

TEMPLATE_HELPERS = {
    "render_markdown": render_markdown,
    "answer_field_name": answer_field_name,
    "notification_text": notification_text,
    "wave_label": wave_label,
    "unread_notifications": unread_notifications,
}


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(TEMPLATE_HELPERS)
