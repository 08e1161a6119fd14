"""PDF: finished PDFs read and changed at the byte level.

Owns fonts (subsetting, CID-keyed CFF), update (the personalized copy as an incremental update) with
bandtags (the band's and the QR code's tags), collate (the print file and fly-in packets) with tagged
(tagged PDFs merged, their tags kept), printfile (copies of one base as the base and one update) and
pressfile (their print-shop variants), proof (a copy checked as a reader gets it) and audit (PDF/UA-1 and
text extraction checked on finished PDFs, with audit_catalog, audit_structure, audit_content, audit_fonts
and audit_text beside it).
May import: pipeline.errors, pipeline.colour and third-party libraries only.
"""
