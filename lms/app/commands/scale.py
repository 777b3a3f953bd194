"""``lms seed-scale``: a program at the size of a real one, for the load benchmark."""

import time

import click
from flask.cli import with_appcontext

from lms.app.demo import demo_password
from lms.app.demo.scale import finish_bulk_load, seed_scale
from lms.core.extensions import db


@click.command("seed-scale")
@click.option("--learners", type=click.IntRange(1, 2_000_000), required=True, help="How many learners.")
@click.option("--cohort-size", type=click.IntRange(1, 2_000), default=200, show_default=True)
@click.option("--password", default=None, help="Password for every account (the demo's if not given).")
@with_appcontext
def seed_scale_command(learners, cohort_size, password):
    """Install a program of N learners in cohorts, with their learning and outcomes, written in bulk."""
    started = time.monotonic()
    password = demo_password(password)
    try:
        result = seed_scale(learners, password, cohort_size)
    except ValueError as refused:
        db.session.rollback()
        raise click.ClickException(str(refused)) from refused
    db.session.commit()
    finish_bulk_load()
    db.session.commit()
    click.echo(
        f"{result.program_name}: {result.learners:,} learners in {result.cohorts:,} cohorts, "
        f"{result.graduates:,} graduates, in {time.monotonic() - started:.0f} s."
    )
    click.echo(f"Lead {result.lead_login}; mentors {result.mentor_logins[0]} and on; password: {password}")
