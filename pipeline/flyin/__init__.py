"""Fly-in: a day of meetings on the Hill made into each team's itinerary and packet, and an overview.

Owns schedule (the schedule CSV and its checks), walking (minutes between buildings), pages (the itinerary
and overview, typeset), state (what is up to date) and run (the copies, packets and files of a day).
May import: pipeline.sources, pipeline.document, pipeline.build, pipeline.personalize, pipeline.pdf,
pipeline.errors.
"""
