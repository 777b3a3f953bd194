"""``flask --app wsgi lms worker``: run the job queue (video conversions, emails, periodic work)."""

import logging

import click
from flask.cli import with_appcontext

from lms.core.extensions import db
from lms.core.queue import huey


@click.command("worker")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True, help="Jobs run at once.")
@click.option(
    "--periodic/--no-periodic",
    default=True,
    show_default=True,
    help="Also enqueue the periodic work (reminders, outbox sweep); safe on every machine.",
)
@click.option(
    "--max-delay",
    type=click.FloatRange(0.05, 60),
    default=10.0,
    show_default=True,
    help="Longest pause, in seconds, between looks at an idle queue.",
)
@with_appcontext
def worker(workers, periodic, max_delay):
    """Run queued jobs until stopped: Ctrl+C lets running jobs finish, SIGTERM stops them (ffmpeg too)."""
    if huey.immediate:
        raise click.ClickException("LMS_QUEUE_IMMEDIATE is on: jobs run where they are enqueued, not in a worker.")
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(processName)s %(name)s: %(message)s")
    # Each worker is a forked process: none may share the parent's database connections.
    db.session.remove()
    db.engine.dispose()
    consumer = huey.create_consumer(workers=workers, worker_type="process", periodic=periodic, max_delay=max_delay)
    consumer.run()
