"""One module per group of routes: search, atom (/api/search.atom), records, why
(/api/records/{id}/why), libraries (+ /healthz), status (/api/status, /status), oai, pages
(/, /records/{id}, /widget.js, /opensearch.xml) and docs (/docs, /redoc)."""
