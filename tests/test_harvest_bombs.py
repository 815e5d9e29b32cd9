"""A hostile library server cannot make the harvester hold more than `max_response_bytes`."""

from __future__ import annotations

import gzip
import tracemalloc

import pytest

from config.errors import HarvestError
from harvester.transport import fetch, make_client
from tests.test_harvest_support import Canned, fast_settings

LIMIT_BYTES = 1_000_000
INFLATED_BYTES = 64 * 1024 * 1024


def test_a_small_body_in_stacked_gzip_layers_is_refused_without_inflating_it(fault_server):
    """`Content-Encoding: gzip, gzip` on 200 bytes was inflated by httpx chunk by chunk, 64 MB at once
    (a third layer: gigabytes) before the size limit was looked at: a harvest killed for memory."""
    bomb = gzip.compress(gzip.compress(b"\0" * INFLATED_BYTES, 9), 9)
    server = fault_server([Canned(bomb, headers={"Content-Type": "text/xml", "Content-Encoding": "gzip, gzip"})])
    settings = fast_settings(max_response_bytes=LIMIT_BYTES, max_retries=0)
    tracemalloc.start()
    try:
        with make_client(settings) as client, pytest.raises(HarvestError) as refused:
            fetch(client, server.url, None, settings, "tv-test")
        _, peak_bytes = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak_bytes < 8 * LIMIT_BYTES
    assert "Content-Encoding 'gzip, gzip'" in str(refused.value)
