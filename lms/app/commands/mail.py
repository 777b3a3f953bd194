"""``flask --app wsgi lms send-mail``: deliver the email outbox over SMTP."""

import time

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.core.extensions import db
from lms.notifications import mail


def send_once(settings: mail.SmtpSettings) -> None:
    report = mail.deliver_due(settings)
    waiting = mail.pending_count()
    db.session.commit()
    click.echo(f"{report.sent} email(s) sent, {report.failed} failed; {waiting} waiting in the outbox.")
    for error in dict.fromkeys(report.errors):
        click.echo(f"  error: {error}")


@click.command("send-mail")
@click.option(
    "--loop",
    "interval",
    type=click.IntRange(5, 3600),
    default=None,
    metavar="SECONDS",
    help="Keep running, sending every SECONDS (5 to 3600) until stopped with Ctrl+C.",
)
@click.option("--runs", type=click.IntRange(1), default=None, hidden=True, help="With --loop: stop after this many.")
@with_appcontext
def send_mail(interval, runs):
    """Send the emails waiting in the outbox; failed ones are tried again later, never dropped."""
    settings = mail.smtp_settings(current_app.config)
    if settings is None:
        waiting = mail.pending_count()
        db.session.commit()
        click.echo(
            f"No mail server configured (set LMS_SMTP_HOST and LMS_MAIL_FROM): nothing sent; "
            f"{waiting} email(s) kept in the outbox."
        )
        return
    done = 0
    try:
        while True:
            send_once(settings)
            done += 1
            if interval is None or (runs is not None and done >= runs):
                return
            time.sleep(interval)
    except KeyboardInterrupt:
        db.session.rollback()
        click.echo("Stopped.")
