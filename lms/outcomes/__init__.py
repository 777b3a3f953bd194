"""Outcomes: what the program changed in graduates' lives."""

from flask import Blueprint

bp = Blueprint("outcomes", __name__)
