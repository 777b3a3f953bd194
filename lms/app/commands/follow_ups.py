"""``flask --app wsgi lms notify-follow-ups``: tell graduates a follow-up is due (run daily, e.g. from cron)."""

from datetime import date

import click
from flask.cli import with_appcontext

from lms.core.extensions import db
from lms.outcomes.follow_ups import waves


@click.command("notify-follow-ups")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Count due dates from this day (YYYY-MM-DD) instead of today in the program's time zone.",
)
@with_appcontext
def notify_follow_ups(today):
    """Notify each graduate whose follow-up fell due; a wave is announced once, so running it again adds nothing."""
    day: date | None = today.date() if today else None
    sent = waves.notify_due_follow_ups(day)
    again = waves.notify_missing_follow_ups(day)
    db.session.commit()
    click.echo(f"{sent} graduate(s) told a follow-up is due, {again} reminded of one still missing.")
