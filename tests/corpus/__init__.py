"""The bad-input corpus: one table of cases per surface, each run as a user would run it."""
