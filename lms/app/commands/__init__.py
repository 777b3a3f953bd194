"""``flask --app wsgi lms ...`` commands for operators."""

import click
from flask import Flask
from flask.cli import AppGroup

from lms.accounts import services as accounts
from lms.app import demo
from lms.app.commands.backup import backup, restore
from lms.app.commands.files import sweep_stored_files
from lms.app.commands.follow_ups import notify_follow_ups
from lms.app.commands.mail import send_mail
from lms.app.commands.media import process_videos
from lms.app.commands.scale import seed_scale_command
from lms.app.commands.security_log import purge_security_events
from lms.app.commands.worker import worker
from lms.core.errors import UserFacingError
from lms.core.extensions import db
from lms.core.roles import Role
from lms.courses.tasks import convert_lesson_video

lms_cli = AppGroup("lms", help="Operate the learning management system.")


@lms_cli.command("create-user")
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--name", required=True)
@click.option("--email", default=None, help="Email address (this or --phone is needed).")
@click.option("--phone", default=None, help="Mobile number (this or --email is needed).")
@click.password_option(help="Asked for when not given.")
def create_user(role, name, email, phone, password):
    """Create an account of any role."""
    if not email and not phone:
        raise click.UsageError("give --email or --phone")
    if phone and accounts.normalize_phone(phone) is None:
        raise click.BadParameter("not a mobile number", param_hint="--phone")
    taken = accounts.login_taken(email, phone)
    if any(taken.values()):
        raise click.ClickException("an account with this email or phone already exists")
    if len(password) < 8:
        raise click.BadParameter("use at least 8 characters", param_hint="--password")
    try:
        user = accounts.create_user(name=name, role=role, password=password, email=email, phone=phone)
    except UserFacingError as refused:
        raise click.BadParameter(str(refused), param_hint="--password") from refused
    db.session.commit()
    click.echo(f"Created {user.role} {user.name} ({user.login_name}).")


@lms_cli.command("seed-demo")
@click.option("--password", default=None, help="Password for every demo account (random if not given).")
@click.option("--videos/--no-videos", default=True, help="Make demo clips for the video lessons (needs ffmpeg).")
def seed_demo(password, videos):
    """Install a demo program; running it again changes nothing but the password."""
    result = demo.seed(password, videos=videos)
    db.session.commit()
    for lesson_id in result.video_lesson_ids:
        convert_lesson_video(lesson_id)
    if result.video_lesson_ids:
        click.echo(f"The queue worker makes the small versions of {len(result.video_lesson_ids)} demo videos.")
    click.echo("Demo program: " + result.program_name)
    click.echo(f"Demo logins (password for all: {result.password}):")
    for role, name, login in result.logins:
        click.echo(f"  {role:<8} {name:<12} {login}")
    click.echo("Demo learners, one of each stage (sign in with the mobile number):")
    for stage, name, phone in result.stages:
        click.echo(f"  {stage:<24} {name:<6} {phone.removeprefix('+86')}")
    if result.open_cohort:
        name, code = result.open_cohort
        click.echo(f"Invite code of {name}, under way: {code} (join at /join/{code})")


def register_commands(app: Flask) -> None:
    app.cli.add_command(lms_cli)
    lms_cli.add_command(process_videos)
    lms_cli.add_command(send_mail)
    lms_cli.add_command(notify_follow_ups)
    lms_cli.add_command(backup)
    lms_cli.add_command(restore)
    lms_cli.add_command(sweep_stored_files)
    lms_cli.add_command(purge_security_events)
    lms_cli.add_command(worker)
    lms_cli.add_command(seed_scale_command)
