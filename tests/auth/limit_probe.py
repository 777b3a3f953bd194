"""A process of its own: a fresh app tries to sign in with a wrong password and prints each answer.

``python -m tests.auth.limit_probe STORAGE_URL KEY_PREFIX TRIES LOGIN`` prints a JSON list of statuses;
the rate limiter's warnings go to standard error.
"""

import json
import logging
import os
import sys
import tempfile

from lms.app import create_app
from lms.core.extensions import db


def probe(storage_url: str, key_prefix: str, tries: int, login: str) -> list[int]:
    with tempfile.TemporaryDirectory() as folder:
        os.environ["LMS_INSTANCE_PATH"] = folder
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/probe.sqlite3",
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_STORAGE_URI": storage_url,
                "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
                "RATELIMIT_KEY_PREFIX": key_prefix,
                "LMS_PASSWORD_TIME_COST": 1,
                "LMS_PASSWORD_MEMORY_KIB": 64,
            }
        )
        with app.app_context():
            db.create_all()
        client = app.test_client()
        return [
            client.post("/login", data={"login": login, "password": "not the password"}).status_code
            for _ in range(tries)
        ]


if __name__ == "__main__":
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    storage, prefix, count, account = sys.argv[1:5]
    sys.stdout.write(json.dumps(probe(storage, prefix, int(count), account)) + "\n")
