"""Follow-ups: the wave calendar, each graduate's waves, recording, the staff's lists."""
