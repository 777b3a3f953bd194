"""``flask --app wsgi lms process-videos``: convert the lesson videos still waiting, here and now.

The worker does this on its own; this is for a machine without one. Conversions claim their
lesson as the worker's do, so running both converts each video once.
"""

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.core.extensions import db
from lms.courses import video


@click.command("process-videos")
@click.option(
    "--retry",
    is_flag=True,
    help="Also convert again the videos that failed or were kept as uploaded (after installing ffmpeg, say).",
)
@with_appcontext
def process_videos(retry):
    """Make the 360p, 240p and sound-only versions and poster of every lesson video still waiting (after a restart)."""
    if retry:
        requeued = video.requeue_videos()
        db.session.commit()
        click.echo(f"{len(requeued)} video(s) to convert again.")
    lesson_ids = db.session.scalars(video.lessons_waiting_for_video()).all()
    db.session.commit()  # each lesson is processed in a session of its own
    if not current_app.config.get("LMS_FFMPEG"):
        click.echo("ffmpeg is not installed (or LMS_FFMPEG is not set): videos are served as uploaded.")
    for lesson_id in lesson_ids:
        status = video.process_video(lesson_id)
        click.echo(f"lesson {lesson_id}: {status or 'changed meanwhile, skipped'}")
    click.echo(f"{len(lesson_ids)} video(s) processed.")
