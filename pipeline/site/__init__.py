"""Site: the web twin of every document, out/site/, for a QR code or an emailed link to open.

Owns pages (a topic's briefing and one-pager as web pages, and the index that lists the topics, from the
layout's templates/site/ and css/site/ with the same citations as the PDFs) and publish (what a build writes
under out/site/: only the pages whose inputs changed, and their assets, atomically, with a manifest).
May import: pipeline.sources, pipeline.document, pipeline.errors; never build or personalize.
"""
