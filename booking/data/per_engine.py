"""One object per database engine, made on first use and forgotten with the engine."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from sqlalchemy import Engine

T = TypeVar("T")


class PerEngine(Generic[T]):
    """``of(engine)``: the engine's own object, made by ``make(engine)`` once (thread-safe)."""

    def __init__(self, make: Callable[[Engine], T]):
        self._make = make
        self._made: weakref.WeakKeyDictionary[Engine, T] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def of(self, engine: Engine) -> T:
        made = self._made.get(engine)
        if made is None:
            with self._lock:
                made = self._made.get(engine)
                if made is None:
                    made = self._made[engine] = self._make(engine)
        return made

    def __iter__(self) -> Iterator[T]:
        with self._lock:
            return iter(list(self._made.values()))
