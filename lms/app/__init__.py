"""The application: the factory that puts the areas together."""

import logging
import os
from pathlib import Path

from flask import Flask

from lms.accounts.views import bp as auth_bp
from lms.app import commands, template_globals
from lms.cohorts import bp as cohorts_bp
from lms.cohorts import views as cohort_views  # noqa: F401 - registers its routes
from lms.core import errors, i18n, security, web
from lms.core.config import env, file_mask, settings_from_environment, unknown_settings
from lms.core.extensions import babel, compress, csrf, db, limiter, login_manager, migrate
from lms.courses import bp as courses_bp
from lms.courses import views as course_views  # noqa: F401 - registers its routes
from lms.learning import views as learning_views  # noqa: F401 - registers its routes
from lms.outcomes import bp as outcomes_bp
from lms.outcomes import views as outcome_views  # noqa: F401 - registers its routes
from lms.progress import bp as progress_bp
from lms.progress import views as progress_views  # noqa: F401 - registers its routes

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def create_app(config: dict | None = None) -> Flask:
    """Build the application; ``config`` overrides settings (tests pass theirs here)."""
    app = Flask(
        "lms",  # the package root: its translations folder
        instance_path=env("INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    # Whatever the app creates (database, uploads, exports) is its own unless an operator widens it.
    os.umask(file_mask())
    Path(app.instance_path).mkdir(mode=0o700, parents=True, exist_ok=True)
    app.config.from_mapping(settings_from_environment(app.instance_path))
    if config:
        app.config.from_mapping(config)
    configure_logging(app)
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
    commands.register_commands(app)
    return app


def configure_logging(app: Flask) -> None:
    level = app.config["LMS_LOG_LEVEL"]
    app.logger.setLevel(level)
    logging.getLogger("lms").setLevel(level)


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        web.configure_database(db.engine)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    compress.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    login_manager.init_app(app)
    i18n.init_app(app)


def register_blueprints(app: Flask) -> None:
    app.register_blueprint(auth_bp)
    app.register_blueprint(progress_bp)
    app.register_blueprint(cohorts_bp)
    app.register_blueprint(courses_bp)
    app.register_blueprint(outcomes_bp)
