"""Courses: what the incubation program teaches."""

from flask import Blueprint

bp = Blueprint("courses", __name__)
