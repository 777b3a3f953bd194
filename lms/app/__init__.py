"""The application: the factory that puts the areas together."""

import os
from pathlib import Path

from flask import Flask

from lms.accounts import bp as auth_bp
from lms.accounts import views as account_views  # noqa: F401 - registers its routes
from lms.app import commands, template_globals
from lms.app.operations import bp as operations_bp
from lms.app.operations import health as operation_health  # noqa: F401 - registers its routes
from lms.app.operations import metrics as operation_metrics  # noqa: F401 - registers its routes
from lms.cohorts import bp as cohorts_bp
from lms.cohorts import tasks as cohort_tasks  # noqa: F401 - registers its jobs
from lms.cohorts import views as cohort_views  # noqa: F401 - registers its routes
from lms.core import errors, i18n, logs, metrics, queue, security, web
from lms.core.config import env, file_mask, settings_from_environment, unknown_settings
from lms.core.extensions import babel, compress, csrf, db, limiter, login_manager, migrate
from lms.courses import bp as courses_bp
from lms.courses import views as course_views  # noqa: F401 - registers its routes
from lms.learning import views as learning_views  # noqa: F401 - registers its routes
from lms.media import bp as media_bp
from lms.media import tasks as media_tasks  # noqa: F401 - registers its jobs
from lms.media import views as media_views  # noqa: F401 - registers its routes
from lms.media.stores import init_store
from lms.notifications import bp as notifications_bp
from lms.notifications import views as notification_views  # noqa: F401 - registers its routes
from lms.outcomes import bp as outcomes_bp
from lms.outcomes import views as outcome_views  # noqa: F401 - registers its routes
from lms.outcomes.follow_ups import tasks as follow_up_tasks  # noqa: F401 - registers its jobs
from lms.privacy import bp as privacy_bp
from lms.privacy import tasks as privacy_tasks  # noqa: F401 - registers its jobs
from lms.privacy import views as privacy_views  # noqa: F401 - registers its routes
from lms.progress import bp as progress_bp
from lms.progress import views as progress_views  # noqa: F401 - registers its routes

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# A checkout keeps templates, static files and migrations beside the package; a built wheel carries them in it.
BUNDLED = Path(__file__).resolve().parents[1] / "bundled"
RESOURCES = BUNDLED if BUNDLED.is_dir() else PROJECT_ROOT


def create_app(config: dict | None = None) -> Flask:
    """Build the application; ``config`` overrides settings (tests pass theirs here)."""
    app = Flask(
        "lms",  # the package root: its translations folder
        instance_path=env("INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
        template_folder=str(RESOURCES / "templates"),
        static_folder=str(RESOURCES / "static"),
    )
    # Whatever the app creates (database, uploads, exports) is its own unless an operator widens it.
    os.umask(file_mask())
    Path(app.instance_path).mkdir(mode=0o700, parents=True, exist_ok=True)
    app.config.from_mapping(settings_from_environment(app.instance_path))
    if config:
        app.config.from_mapping(config)
    logs.configure_logging(app)
    for warning in unknown_settings():
        app.logger.warning(warning)
    web.trust_proxies(app)
    register_extensions(app)
    web.register_url_converters(app)
    register_blueprints(app)
    template_globals.register_template_policies(app)
    template_globals.register_template_helpers(app)
    security.init_security(app)
    security.check_declarations(app)
    errors.register_errorhandlers(app)
    web.register_response_hooks(app)
    web.register_request_limits(app)
    metrics.register_request_metrics(app)
    logs.register_request_logging(app)  # first of all: every line after it carries the request's id
    commands.register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        web.configure_database(db.engine, app.config["LMS_DATABASE_CONNECT_SECONDS"])
    migrate.init_app(app, db, directory=str(RESOURCES / "migrations"))
    csrf.init_app(app)
    compress.init_app(app)
    limiter.init_app(app)
    queue.init_queue(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    login_manager.init_app(app)
    i18n.init_app(app)
    init_store(app)


def register_blueprints(app: Flask) -> None:
    app.register_blueprint(auth_bp)
    app.register_blueprint(progress_bp)
    app.register_blueprint(cohorts_bp)
    app.register_blueprint(courses_bp)
    app.register_blueprint(outcomes_bp)
    app.register_blueprint(operations_bp)
    app.register_blueprint(media_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(notifications_bp)
