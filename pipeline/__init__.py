"""Position Press: YAML positions with citations in, branded briefing and one-pager PDFs out."""

__version__ = "0.1.0"
KINDS = ("briefing", "one-pager")  # the two documents made for every topic
