"""Which contracts a shard checks: `--shard I/N` takes the contracts whose name hashes to I modulo N.

Called by `reconciler fleet check`. Every contract falls in exactly one shard for any N, and its shard depends
only on its name and N (adding or removing a contract moves no other), so the N pods of an Indexed Job
(`JOB_COMPLETION_INDEX` = I) check the fleet once between them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from reconciler.base.errors import InputError

MAX_SHARDS = 1000


@dataclass(frozen=True)
class Shard:
    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def holds(self, name: str) -> bool:
        return shard_of(name, self.count) == self.index


WHOLE = Shard(0, 1)


def shard_of(name: str, count: int) -> int:
    """The shard of the contract `name` among `count`: the first 8 bytes of its SHA-256, modulo `count`."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big") % count


def parse_shard(text: str) -> Shard:
    """`I/N` (0 <= I < N, as JOB_COMPLETION_INDEX counts); InputError naming --shard otherwise."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if match is None:
        raise InputError.single("<option --shard>", "", f"expected I/N, e.g. 0/4 (I from 0 to N-1); got {text!r}")
    index, count = int(match.group(1)), int(match.group(2))
    if not 1 <= count <= MAX_SHARDS:
        raise InputError.single("<option --shard>", "", f"N must be from 1 to {MAX_SHARDS}; got {count}")
    if index >= count:
        raise InputError.single(
            "<option --shard>", "", f"I counts from 0 (JOB_COMPLETION_INDEX): {index} is not below {count}"
        )
    return Shard(index, count)


_T = TypeVar("_T")


def in_shard(items: Sequence[_T], shard: Shard, name: Callable[[_T], str]) -> list[_T]:
    """The items of `shard`, in their order."""
    return [item for item in items if shard.holds(name(item))]
