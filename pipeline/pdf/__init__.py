"""PDF: finished PDFs read and changed at the byte level.

Owns fonts (subsetting, CID-keyed CFF), update (the personalized copy as an incremental update),
collate (the print file) and proof (a copy checked as a reader gets it).
May import: pipeline.errors, pipeline.colour and third-party libraries only.
"""
