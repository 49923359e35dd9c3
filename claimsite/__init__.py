"""claimsite: a static evidence-review site generator (claims in YAML, sources in BibTeX, MkDocs output)."""

__version__ = "0.1.0"
