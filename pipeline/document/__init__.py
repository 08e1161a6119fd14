"""Document: one topic's source made into one laid-out, checked PDF.

Owns render (HTML from templates), cite (CSL formatting of citations and bibliographies), typeset
(WeasyPrint behind the project-only fetcher, with its checks), fit (one-pager fitting) and packet
(documents combined behind a cover).
May import: pipeline.sources, pipeline.pdf, pipeline.errors; never build or personalize.
"""
