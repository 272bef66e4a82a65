"""The glossary as data: export to TBX, SKOS, CSV and JSON, and import from TBX and CSV.

Every format goes through one intermediate form, :class:`~glosa.exchange.concepts.Glossary`
(concepts, each with a term per language), so export and import agree on what a concept is.
Nothing here imports MkDocs. Submodules are imported where they are used: the ``glosa``
command line loads none of them (nor lxml) until an export or import runs.
"""
