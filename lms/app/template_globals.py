"""What every template may call without its view passing it, registered once, here at the top layer.

A page's data comes from its view: where one area adds a card to another's page (the follow-ups on the
homes), the view of that page asks the area's service and passes the result. What is left for templates
to call is what runs no query: formatting helpers, and the role policies a template hides a link or a
button with (``{% if can_manage_courses(current_user) %}``), never a role's name. The one exception is
the header's counts (unread notifications, reviews waiting), each worked out lazily, once per request
(lms.notifications.header).
"""

from flask import Flask

from lms.cohorts.policies import can_manage_cohorts
from lms.core.security import is_admin, is_learner, is_mentor, is_program_manager, is_staff
from lms.core.web import external_url
from lms.courses.markdown import render_markdown
from lms.courses.policies import can_manage_courses
from lms.learning.forms.quizzes import answer_field_name
from lms.learning.policies import can_view_turnaround
from lms.learning.services.preview import course_url, lesson_url, previewed_cohort
from lms.notifications.header import header_count, unread_notifications
from lms.notifications.services import notification_text
from lms.outcomes.policies import can_manage_outcomes
from lms.outcomes.views.follow_up_common import wave_label

# Each decides from the person's role alone, so a template may call them in a loop.
TEMPLATE_POLICIES = {
    policy.__name__: policy
    for policy in (
        is_learner,
        is_mentor,
        is_staff,
        is_program_manager,
        is_admin,
        can_manage_cohorts,
        can_manage_courses,
        can_view_turnaround,
        can_manage_outcomes,
    )
}

TEMPLATE_HELPERS = {
    "render_markdown": render_markdown,
    "external_url": external_url,
    "answer_field_name": answer_field_name,
    "notification_text": notification_text,
    "wave_label": wave_label,
    "unread_notifications": unread_notifications,
    "header_count": header_count,
    # The learner pages' links stay inside a preview as a learner, and its banner knows the cohort.
    "lesson_url": lesson_url,
    "course_url": course_url,
    "previewed_cohort": previewed_cohort,
}


def register_template_policies(app: Flask) -> None:
    app.jinja_env.globals.update(TEMPLATE_POLICIES)


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(TEMPLATE_HELPERS)
