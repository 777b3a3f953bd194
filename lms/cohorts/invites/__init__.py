"""Invite codes and joining a cohort with one."""
