"""The normalize stage: raw records (MARCXML, ISO 2709, oai_dc) → Records.

Reads raw records from the store, repairs encodings (wrong leader/09, TCVN3 and
VNI fonts), cleans text, and writes one Record per source record, or a Rejected
that says what is wrong and what to do.
"""

from normalize.errors import RecordError
from normalize.normalizer import normalize_raw
from normalize.run import NormalizeSummary, run_normalize

__all__ = ["NormalizeSummary", "RecordError", "normalize_raw", "run_normalize"]
