"""Accounts: people, passwords, sign-in and its sessions, setup codes, and the security event log."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
