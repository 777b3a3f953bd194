"""Sign-in codes for staff: an authenticator app's codes (TOTP) and single-use recovery codes."""
