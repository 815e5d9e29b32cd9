"""One module per group of routes: search, records, libraries (+ /healthz), pages."""
