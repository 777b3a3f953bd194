"""Queued jobs of the courses area: lesson video conversions, and taking up those a stopped worker left."""

from lms.core.extensions import db
from lms.core.queue import crontab, enqueue_after_commit, huey, in_app_context, job, periodic_job
from lms.courses import video

CONVERSION_RETRIES = 3
CONVERSION_RETRY_SECONDS = 60


@job(retries=CONVERSION_RETRIES, retry_delay=CONVERSION_RETRY_SECONDS, retry_backoff=2, context=True)
def convert_lesson_video(lesson_id: int, task=None) -> str | None:
    """Make one lesson's small versions and poster; an error (not a bad video) is retried, then marked failed."""
    try:
        return video.process_video(lesson_id)
    except Exception:
        if task is not None and task.retries == 0:
            mark_failed_for_good(lesson_id)
        raise


def mark_failed_for_good(lesson_id: int) -> None:
    db.session.rollback()
    video.mark_failed(lesson_id)
    db.session.commit()


def convert_after_commit(lesson_id: int) -> None:
    """Convert the lesson's video once the request's transaction holding its new state commits."""
    enqueue_after_commit(db.session(), convert_lesson_video, lesson_id)


def enqueue_waiting_conversions(query) -> int:
    lesson_ids = list(db.session.scalars(query))
    db.session.commit()
    for lesson_id in lesson_ids:
        convert_lesson_video(lesson_id)
    return len(lesson_ids)


@huey.on_startup()
@in_app_context
def take_up_waiting_conversions() -> int:
    """A worker starting enqueues the videos nobody works on: after a restart, nothing waits for ever."""
    return enqueue_waiting_conversions(video.lessons_waiting_for_video())


@periodic_job(crontab(minute="*"))
def take_up_stopped_conversions() -> int:
    """Every minute: the conversions whose worker stopped (their claim ran out) go back in the queue."""
    return enqueue_waiting_conversions(video.lessons_left_by_stopped_workers())
