"""A rebuild large enough for worker processes (index/prepare.py) indexes what one process would."""

from __future__ import annotations

import index.build
import store.workers as store_workers
from index import SearchIndex, SearchParams, build_index
from index.prepare import BATCH_RECORDS

try:  # tests/ as a package, or as a plain directory on sys.path
    from tests.test_index import LIBRARIES, union
    from tests.conftest import make_settings
except ModuleNotFoundError:
    from conftest import make_settings
    from test_index import LIBRARIES, union


def test_rebuild_through_worker_processes_indexes_every_record_with_its_fields(store, data_dir, monkeypatch):
    """Two workers whatever the machine's cores: on one core the run would start no process."""
    monkeypatch.setattr(index.build, "default_workers", lambda: 2)
    pools: list[int] = []

    class CountedPool(store_workers.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append(kwargs["max_workers"])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(store_workers, "ProcessPoolExecutor", CountedPool)
    settings = make_settings(data_dir, LIBRARIES)
    count = 2 * BATCH_RECORDS + 7  # three jobs: the first done here, the others by worker processes
    libraries = ("tv-tinh", "tv-long-my", "thpt-vi-thanh")
    records = [union(f"w{n:05d}", f"Địa chí Hậu Giang tập {n}", libraries=libraries[:1 + n % 3],
                     authors=[f"Nguyễn Văn {n}"], year=1960 + n % 60) for n in range(count)]
    store.save_clusters({}, records)

    summary = build_index(store, settings, rebuild=True)

    assert (summary.indexed, summary.documents) == (count, count)
    assert pools == [2]
    search = SearchIndex(settings)
    for n in (0, BATCH_RECORDS + 1, count - 1):  # one record of each job
        result = search.search(SearchParams(q=f"dia chi tap {n}"))
        assert [hit["id"] for hit in result.hits][:1] == [f"w{n:05d}"]
        hit = result.hits[0]
        assert (hit["title"], hit["authors"], hit["year"]) == (f"Địa chí Hậu Giang tập {n}", [f"Nguyễn Văn {n}"],
                                                               1960 + n % 60)
        assert sorted(h["library"] for h in hit["holdings"]) == sorted(libraries[:1 + n % 3])
    held_by_school = sum(1 for n in range(count) if n % 3 == 2)
    assert search.search(SearchParams(q="hau giang", library=("thpt-vi-thanh",))).total == held_by_school
    assert search.search(SearchParams(q=f'author:"Nguyễn Văn {count - 1}"')).total == 1
