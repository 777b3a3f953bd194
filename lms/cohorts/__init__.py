"""Cohorts and mentors: programs, cohorts, enrolment, invites, imports, mentors and their check-ins."""

from flask import Blueprint

bp = Blueprint("cohorts", __name__)
