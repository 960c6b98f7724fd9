"""carekg's HTTP service: a SPARQL 1.1 endpoint, a REST API of factor profiles, linked-data
dereferencing and HTML pages, all over :mod:`carekg.services` (this package depends on carekg,
never the reverse)."""
