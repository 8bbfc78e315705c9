"""The dashboard's memo: each key computed once, bounded, and (in a server) cached values kept
out of the garbage collector's scans."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from scrutiny.analysis.data import LruCache, freeze_cached


@pytest.fixture()
def freezing() -> Iterator[None]:
    freeze_cached(True)
    try:
        yield
    finally:
        freeze_cached(False)
        gc.unfreeze()


def test_each_key_is_computed_once_under_concurrent_requests() -> None:
    cache = LruCache(8)
    calls: list[int] = []
    gate = threading.Event()

    def compute() -> str:
        gate.wait(10)
        calls.append(1)
        return "page"

    threads = [threading.Thread(target=cache.get, args=("k", compute)) for _ in range(5)]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join(10)
    assert calls == [1]
    assert cache.peek("k") == "page"


def test_the_oldest_key_is_dropped_beyond_the_size() -> None:
    cache = LruCache(2)
    for key in ("a", "b", "c"):
        cache.get(key, lambda key=key: key.upper())
    assert cache.peek("a") is None
    assert (cache.peek("b"), cache.peek("c"), len(cache)) == ("B", "C", 2)


def test_a_server_moves_cached_values_out_of_the_collectors_scans(freezing: None) -> None:
    gc.unfreeze()
    cache = LruCache(8)
    value = cache.get("rows", lambda: [{"area": "x", "count": i} for i in range(1000)])
    assert gc.get_freeze_count() >= 1000  # the rows and their dicts, at least
    assert not any(o is value for o in gc.get_objects())  # no longer scanned
    del value
    assert cache.peek("rows") is not None


def test_elsewhere_nothing_is_frozen() -> None:
    gc.unfreeze()
    cache = LruCache(8)
    cache.get("rows", lambda: [{"area": "x"} for _ in range(100)])
    assert gc.get_freeze_count() == 0
