"""Languages: the person's choice, else a cookie, else the browser's Accept-Language."""

import math
from contextlib import contextmanager

from babel.lists import format_list
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import force_locale, format_decimal, get_locale
from flask_babel import gettext as _
from flask_login import current_user

LANGUAGES = {"en": "English", "zh_Hans": "中文"}
LANGUAGE_COOKIE = "lms_lang"


def language_from_header() -> str | None:
    for value, _quality in request.accept_languages:
        tag = value.lower().replace("_", "-")
        if tag.startswith("zh"):
            return "zh_Hans"
        if tag.startswith("en"):
            return "en"
    return None


def select_locale() -> str:
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]  # commands and background jobs
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in LANGUAGES:
        return cookie
    return language_from_header() or current_app.config["BABEL_DEFAULT_LOCALE"]


@contextmanager
def in_language_of(person):
    """Words written inside are in ``person``'s language (a message, a file made for her by a job)."""
    # flask_babel only honours force_locale when ``g`` holds something (it is empty in a bare CLI context).
    g.setdefault("lms_in_language_of", True)
    with force_locale(getattr(person, "locale", None) or current_app.config["BABEL_DEFAULT_LOCALE"]):
        yield


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def html_lang() -> str:
    """The BCP 47 tag for the page's ``lang`` attribute."""
    return "zh-Hans" if str(get_locale()) == "zh_Hans" else "en"


def enumeration(items) -> str:
    """Items joined as the page's language lists them: "tea, honey, and rice"; "茶叶、蜂蜜和大米"."""
    texts = [str(item) for item in items]
    return format_list(texts, style="standard", locale=get_locale()) if texts else ""


def data_size(size_bytes: int) -> str:
    """What a file costs to download, the same on every page: KB under a megabyte, else MB with one decimal.

    Rounded up and never 0: a learner on metered data is told at least what she will pay.
    """
    if size_bytes < 1024 * 1024:
        return _("%(size)s KB", size=format_decimal(max(math.ceil(size_bytes / 1024), 1), format="#,##0"))
    megabytes = math.ceil(size_bytes / (1024 * 1024) * 10) / 10
    return _("%(size)s MB", size=format_decimal(megabytes, format="#,##0.0"))


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(LANGUAGES=LANGUAGES, html_lang=html_lang, get_locale=get_locale)
    app.jinja_env.filters.update(enumeration=enumeration, data_size=data_size)
