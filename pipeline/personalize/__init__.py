"""Personalize: one verified one-pager per office, in walking order, from a recipients source.

Owns recipients (the CSV format and the checks of every recipient), congress (the congress-legislators
format), cache (a source as read, kept in out/.cache/), qr (QR codes) and run (plan, base, workers, index
and print file).
May import: pipeline.sources, pipeline.document, pipeline.build, pipeline.pdf, pipeline.errors.
"""
