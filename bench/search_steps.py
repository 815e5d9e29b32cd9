"""Where the CPU of an uncached search goes, step by step, for each query of bench/search.py's QUERY_MIX.

    python bench/search_steps.py --work DIR [--repeats 7]

DIR is a `--work` directory of bench/search.py (its `index/` is opened read-only).
Each step is timed with `time.process_time` (CPU, not wall time: the machine is
shared), the median of `--repeats` runs per query, in milliseconds:

- parse: `parse_query`; build: the scored query with its filters;
- search: Tantivy's top-20 with `count=True` and the holdings weight, and the
  same without `count` (the count's own cost is the difference);
- hits: the 20 hits rendered (stored document, orjson, enrich, highlight);
- facet query and facets: the cheap counting query and `facet_counts`;
- total: `SearchIndex.search` with the answer cache off, end to end.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.search import QUERY_MIX, settings_for  # noqa: E402
from index import SearchIndex  # noqa: E402
from index.facets import facet_counts  # noqa: E402
from index.filtered import full_query  # noqa: E402
from index.hits import render_hit  # noqa: E402
from index.query_language import parse_query  # noqa: E402
from index.query_words import positive_words  # noqa: E402
from index.schema import RANK_WEIGHT_FIELD  # noqa: E402
from index.params import SearchParams  # noqa: E402

STEPS: tuple[str, ...] = ("parse", "build", "search", "search_nocount", "hits", "facet_query", "facets", "total")


def step_times(index: SearchIndex, q: str, repeats: int) -> dict[str, float]:
    """Median CPU milliseconds of each step of one uncached search of `q`."""
    live, _ = index._snapshot()
    searcher, schema = live.searcher(), live.schema
    params = SearchParams(q=q)
    runs: dict[str, list[float]] = {step: [] for step in STEPS}

    def timed(step: str, work):
        started = time.process_time()
        result = work()
        runs[step].append((time.process_time() - started) * 1000)
        return result

    for _ in range(repeats):
        tree = timed("parse", lambda: parse_query(q))
        query = timed("build", lambda: full_query(index._settings, schema, tree, params, frozenset()))
        found = timed("search", lambda: searcher.search(query, limit=params.size, count=True,
                                                        weight_by_field=RANK_WEIGHT_FIELD))
        timed("search_nocount", lambda: searcher.search(query, limit=params.size, count=False,
                                                        weight_by_field=RANK_WEIGHT_FIELD))
        words = (positive_words(tree), positive_words(tree, "title"))
        timed("hits", lambda: [render_hit(searcher, address, index._registry, score, words) for score, address in found.hits])
        counted = timed("facet_query", lambda: full_query(index._settings, schema, tree, params, frozenset(), scoring=False))
        timed("facets", lambda: facet_counts(searcher, index._settings, counted))
        timed("total", lambda: index.search(params))
    return {step: statistics.median(times) for step, times in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, required=True, help="a bench/search.py --work directory")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    index = SearchIndex(settings_for(args.work, cached_searches=0))
    print(f"{'query (CPU ms, median)':34}" + "".join(f"{step[:13]:>14}" for step in STEPS))
    rows = []
    for q in QUERY_MIX:
        row = step_times(index, q, args.repeats)
        rows.append(row)
        print(f"{q[:34]:34}" + "".join(f"{row[step]:14.2f}" for step in STEPS), flush=True)
    print(f"{'mean':34}" + "".join(f"{statistics.mean(row[step] for row in rows):14.2f}" for step in STEPS))


if __name__ == "__main__":
    main()
