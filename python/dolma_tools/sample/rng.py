"""A seeded ``random.Random`` whose ``randint`` and ``choice`` are several times cheaper.

The standard ones reject-sample on random bits for exact uniformity; the generator calls
them hundreds of thousands of times per second, and float scaling is uniform enough here.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from _typeshed import SupportsLenAndGetItem

T = TypeVar("T")


class FastRandom(random.Random):
    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq: SupportsLenAndGetItem[T]) -> T:
        return seq[int(self.random() * len(seq))]
