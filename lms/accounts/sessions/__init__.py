"""Sign-in sessions kept on the server, so that signing out, a new password or a switched-off account ends them."""
