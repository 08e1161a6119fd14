"""Sources: everything read from a project and checked before anything is made.

Owns files (every source file read or listed, none through a link out of the project; layouts/base/ files
taken from the base layout the package ships when the project has no copy), load (strict YAML with marks),
model (the documented source format), text (Markdown with Pandoc citations), references (the citation
library: CSL-JSON, CSL-YAML, BibTeX), layouts (inheritance chains, tokens, templates in a sandbox), gather
(all of it for one project), schema (JSON Schemas for editors) and skeleton (`press new`: a topic, layout or
project written from pipeline/skeletons/).
May import: pipeline.errors and pipeline's top level; no other pipeline package.
"""
