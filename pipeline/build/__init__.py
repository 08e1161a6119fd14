"""Build: many documents brought up to date, incrementally and in parallel.

Owns graph (input hashes, the cache, the lock on out/), workers (supervised worker processes), finish
(atomic writes), release (publish and verify), progress (what a run prints) and run (the orchestrator).
May import: pipeline.sources, pipeline.document, pipeline.pdf, pipeline.errors; never personalize.
"""
