"""Serve: a live preview for authors: the topics, their pages as images and fit meters, rebuilt as they save.

Owns paths (which files may be served), watch (the polled signature of the sources), problems (diagnostics
with the source lines around them), meter (a one-pager's fit in millimetres and words), pages (PDF pages as
PNG images), studio (the state the page and /status.json show), server (HTTP, events) and run (the lock, the
build loop, Ctrl-C). A third consumer of sources and documents, beside build.
May import: pipeline.sources, pipeline.document, pipeline.build, pipeline.pdf, pipeline.errors.
"""
