"""XML namespaces of the MARC formats several stages read or write, named once."""

MARC_NS = "http://www.loc.gov/MARC21/slim"
# MarcXchange (ISO 25577): MARCXML's shape in its own namespace, written by some Nordic and European
# systems; its records may carry MARC 21 or another MARC format (its `format` attribute says which).
MARCXCHANGE_NS = "info:lc/xmlns/marcxchange-v1"
# OAI-PMH's unqualified Dublin Core (oai_dc) and its elements: the harvest reads, normalize maps, the feed writes.
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
