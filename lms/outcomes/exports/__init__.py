"""The one-row-per-follow-up export and its columns."""
