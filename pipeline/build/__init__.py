"""Build: many documents brought up to date, incrementally and in parallel.

Owns graph (input hashes, the cache, the lock on out/), workers (supervised worker processes), finish
(atomic writes), release (publish and verify), site (the web twins written into out/site/, incrementally),
progress (what a run prints) and run (the orchestrator).
May import: pipeline.sources, pipeline.document, pipeline.pdf, pipeline.site, pipeline.errors; never
personalize.
"""
