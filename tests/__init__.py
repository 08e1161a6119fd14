"""Position Press tests: one file per pipeline module, fixture projects under tests/roots/."""
