"""Every copy a story has seen, held compactly enough for 100,000 of them.

A copy is kept as its runs (the 5-word runs' hashes, sorted, for containment) and its MinHash
bands (for finding candidates). datasketch's MinHashLSH would keep the bands in a dict of sets
per band: about 4.9 KB a copy, 490 MB for 100,000. Here each band is one 64-bit key in a sorted
array (12 bytes a band with its copy's id, 170 bytes a copy), with the last few hundred copies
in a small dict until they are merged in.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .features import Features, hash64, runs_array
from .text import shingles

# datasketch's optimum for a Jaccard threshold of 0.5 over 64 permutations (MinHashLSH's b, r)
BANDS, ROWS = 14, 4
_MERGE_AT = 512  # copies held in the dict before they join the sorted arrays
# odd 64-bit constants that mix a band's four values into one key (wrapping multiplication)
_MIX = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93],
    dtype=np.uint64,
)


def band_keys(hashvalues: np.ndarray) -> np.ndarray:
    """One key per band of a MinHash signature; two signatures that agree on a band's values
    share its key (other pairs only by a 64-bit accident, which costs one needless check)."""
    rows = np.asarray(hashvalues[: BANDS * ROWS], dtype=np.uint64).reshape(BANDS, ROWS)
    with np.errstate(over="ignore"):
        keys = (rows * _MIX).sum(axis=1, dtype=np.uint64)
        # the band's position is part of its key: band 1 of one copy never meets band 2 of another
        return keys ^ (np.arange(BANDS, dtype=np.uint64) * np.uint64(0xFF51AFD7ED558CCD))


class CopyIndex:
    """The runs of every copy seen, by id, and the ids whose bands meet a signature's."""

    def __init__(self) -> None:
        self._runs: dict[int, np.ndarray] = {}
        self._keys = np.empty(0, dtype=np.uint64)  # sorted
        self._ids = np.empty(0, dtype=np.int64)  # the copy of each key
        self._recent: dict[int, list[int]] = {}  # key -> ids, not merged yet
        self._unmerged = 0  # copies in `_recent`

    def add(self, ident: int, hashvalues: np.ndarray, runs: np.ndarray) -> None:
        """A copy seen (its first sighting counts: the same id again changes nothing)."""
        if ident in self._runs:
            return
        self._runs[ident] = runs
        for key in band_keys(hashvalues).tolist():
            self._recent.setdefault(key, []).append(ident)
        self._unmerged += 1
        if self._unmerged >= _MERGE_AT:
            self._merge()

    def candidates(self, hashvalues: np.ndarray) -> set[int]:
        """The ids of the copies that share at least one band with the signature."""
        keys = band_keys(hashvalues)
        found = set()
        lo = np.searchsorted(self._keys, keys, side="left")
        hi = np.searchsorted(self._keys, keys, side="right")
        for a, b in zip(lo.tolist(), hi.tolist(), strict=True):
            found.update(self._ids[a:b].tolist())
        for key in keys.tolist():
            found.update(self._recent.get(key, ()))
        return found

    def _merge(self) -> None:
        recent = [(key, ident) for key, ids in self._recent.items() for ident in ids]
        keys = np.concatenate([self._keys, np.fromiter((k for k, _ in recent), np.uint64)])
        ids = np.concatenate([self._ids, np.fromiter((i for _, i in recent), np.int64)])
        order = np.argsort(keys, kind="stable")
        self._keys, self._ids = keys[order], ids[order]
        self._recent, self._unmerged = {}, 0

    def __getitem__(self, ident: int) -> np.ndarray:
        return self._runs[ident]

    def __len__(self) -> int:
        return len(self._runs)

    def keys(self):
        return self._runs.keys()


def nearest_copy(f: Features, copies: CopyIndex, known: Iterable[int]) -> tuple[int | None, float]:
    """The seen text that holds most of the article's shingles, and that share. LSH finds
    copies of similar length; what the story knows (`known`) is few texts, checked one by
    one, because a copy can be a short part of a long one (a blog post without its comment
    thread)."""
    best, best_share = None, 0.0
    if not f.shingles:
        return None, 0.0
    own = runs_of(f)
    for ident in sorted(copies.candidates(f.minhash.hashvalues) | set(known)):
        share = _shared(own, copies[ident]) / len(own)
        if share > best_share:  # ties keep the lowest id: the first copy
            best, best_share = ident, share
    return best, best_share


def copied_word_for_word(sentence: str, copy: np.ndarray) -> bool:
    """Whether the copy has this sentence word for word (every 5-word run of it)."""
    runs = runs_array(frozenset(hash64(" ".join(run)) for run in shingles(sentence)))
    return _shared(runs, copy) == len(runs)


def runs_of(f: Features) -> np.ndarray:
    """The article's 5-word runs as a copy is kept: sorted hashes, made once."""
    if f.runs is None:
        f.runs = runs_array(f.shingles)
    return f.runs


def _shared(runs: np.ndarray, copy: np.ndarray) -> int:
    """How many of `runs` the copy has: both sorted, without repeats."""
    return int(np.isin(runs, copy, assume_unique=True).sum())
