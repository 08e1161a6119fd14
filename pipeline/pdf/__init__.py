"""PDF: finished PDFs read and changed at the byte level.

Owns fonts (subsetting, CID-keyed CFF), update (the personalized copy as an incremental update),
collate (the print file), proof (a copy checked as a reader gets it) and audit (PDF/UA-1 and text
extraction checked on finished PDFs, with audit_catalog, audit_structure, audit_content, audit_fonts and
audit_text beside it).
May import: pipeline.errors, pipeline.colour and third-party libraries only.
"""
