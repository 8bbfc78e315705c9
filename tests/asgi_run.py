"""Run one coroutine to the end from synchronous test code, on a thread of its own.

``asyncio.run`` refuses to start inside a running event loop, and the browser tests' Playwright
keeps one running in the main thread for the whole session."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_apart(main: Coroutine[Any, Any, T]) -> T:
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, main).result()
