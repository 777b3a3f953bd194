"""``flask --app wsgi lms purge-security-events``: keep the security event log only as long as the setting says."""

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.accounts.security_log.services import purge_security_events as purge
from lms.core.extensions import db


@click.command("purge-security-events")
@click.option(
    "--days",
    type=click.IntRange(1),
    default=None,
    help="Keep this many days instead of LMS_SECURITY_LOG_DAYS.",
)
@with_appcontext
def purge_security_events(days):
    """Delete security events older than LMS_SECURITY_LOG_DAYS (run it daily, e.g. from cron)."""
    keep = days or current_app.config["LMS_SECURITY_LOG_DAYS"]
    removed = purge(keep)
    db.session.commit()
    click.echo(f"{removed} security event(s) older than {keep} days deleted.")
