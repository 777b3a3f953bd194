"""Course and program certificates, and their public verification."""
