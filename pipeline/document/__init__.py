"""Document: one topic's source made into one laid-out, checked PDF.

Owns render (HTML from templates), cite (CSL formatting of citations and bibliographies), typeset
(WeasyPrint behind the project-only fetcher, with its checks; tagging and tagtree complete its tags),
assets (images and fonts checked before WeasyPrint reads them), glyphs (characters the layout's fonts
have), problem and trace (typeset problems traced to their source line), fit and reflow (one-pager
fitting, and the forecast it steps down by) and packet (documents combined behind a cover).
May import: pipeline.sources, pipeline.pdf, pipeline.errors; never build or personalize.
"""
