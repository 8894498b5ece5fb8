"""The story's copy index finds what datasketch's MinHash-LSH finds, in a fraction of the
memory (bench.matching measures it)."""

import numpy as np
from datasketch import MinHash, MinHashLSH

from pipeline.matching.copies import BANDS, ROWS, CopyIndex
from pipeline.matching.features import NUM_PERM

SCHEME = MinHash(NUM_PERM, seed=7).scheme


def test_candidates_are_those_minhash_lsh_finds():
    rng = np.random.default_rng(3)
    lsh = MinHashLSH(threshold=0.5, num_perm=NUM_PERM)
    assert (lsh.b, lsh.r) == (BANDS, ROWS)
    index = CopyIndex()
    seen = rng.integers(1, 2**32 - 1, (1_300, NUM_PERM), dtype=np.uint64)
    for n, signature in enumerate(seen):  # past several merges of the recent copies
        index.add(n, signature, np.arange(n, n + 3, dtype=np.uint32))
        lsh.insert(str(n), MinHash(NUM_PERM, seed=7, hashvalues=signature, scheme=SCHEME))
    queries = rng.integers(1, 2**32 - 1, (300, NUM_PERM), dtype=np.uint64)
    for q, signature in enumerate(queries):
        # a query shares one or more bands with a few seen copies, some just added
        for band, n in enumerate(rng.choice(len(seen), size=q % 4, replace=False)):
            rows = slice(band * ROWS, (band + 1) * ROWS)
            signature[rows] = seen[n][rows]
        expected = {
            int(k)
            for k in lsh.query(MinHash(NUM_PERM, seed=7, hashvalues=signature, scheme=SCHEME))
        }
        assert index.candidates(signature) == expected
    assert sum(bool(index.candidates(s)) for s in queries) == 225


def test_a_copy_seen_again_changes_nothing():
    index = CopyIndex()
    signature = np.arange(NUM_PERM, dtype=np.uint64)
    index.add(7, signature, np.array([1, 2], dtype=np.uint32))
    index.add(7, signature, np.array([9], dtype=np.uint32))
    assert list(index.candidates(signature)) == [7]
    assert index[7].tolist() == [1, 2] and len(index) == 1
