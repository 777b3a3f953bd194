"""The yardstick for the load benchmark: a bare Flask page that renders one row from the same database.

gunicorn -c gunicorn.conf.py benchmarks.bare:app   (with BARE_DATABASE_URL set)
"""

import os

from flask import Flask, render_template_string
from sqlalchemy import create_engine, text

app = Flask(__name__)
engine = create_engine(os.environ["BARE_DATABASE_URL"])
PAGE = "<!doctype html><title>{{ name }}</title><p>{{ name }} ({{ role }})</p>"


@app.route("/")
def one_row():
    with engine.connect() as connection:
        name, role = connection.execute(text("SELECT name, role FROM users WHERE id = 1")).one()
    return render_template_string(PAGE, name=name, role=role)
