"""Things built once and kept, shared by every session's thread: a bounded store (least
recently used dropped) for what is costly to build and never changed once built (the
overview's statements, its chart figures)."""

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")
_EVERY: "weakref.WeakSet[Kept]" = weakref.WeakSet()


class Kept(Generic[T]):
    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        _EVERY.add(self)

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        """The thing kept under `key`, built by `build()` the first time (two threads may both
        build it: the last one is kept, both are the same)."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        built = build()
        with self._lock:
            self._items[key] = built
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return built

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def forget_everything() -> None:
    """Empty every store: what they keep was built from the catalogue and code of the time
    (tests that change the catalogue)."""
    for kept in list(_EVERY):
        kept.clear()
