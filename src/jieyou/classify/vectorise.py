"""TF-IDF over blocks of terms, as plain arrays.

One small implementation serves training and prediction alike, so a saved model (a vocabulary
and an idf array per block) reads text exactly as it was trained, with no pickled estimator.
Per block: counts, sublinear tf (1 + ln count), times idf (sklearn's smoothed form,
ln((1 + n) / (1 + df)) + 1), l2-normalised, times the block's weight; then the joined row is
l2-normalised again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from operator import is_not
from typing import TypeGuard, cast

import numpy as np
from scipy import sparse

Terms = Sequence[Sequence[str]]  # one block: a list of terms per message
# "is not None" as a C callable, typed as the narrowing it is.
_is_known = cast("Callable[[int | None], TypeGuard[int]]", partial(is_not, None))


@dataclass
class Block:
    vocabulary: dict[str, int]  # term -> column inside this block
    idf: np.ndarray  # float32, one per term
    weight: float

    @property
    def size(self) -> int:
        return len(self.vocabulary)


@dataclass
class Vectoriser:
    blocks: list[Block]

    @property
    def n_features(self) -> int:
        return sum(b.size for b in self.blocks)

    def terms_in_order(self) -> list[str]:
        """Every block's terms in column order (block after block): the saved vocabulary."""
        out: list[str] = []
        for block in self.blocks:
            ordered = [""] * block.size
            for term, column in block.vocabulary.items():
                ordered[column] = term
            out.extend(ordered)
        return out

    @classmethod
    def fit(cls, blocks: Sequence[Terms], weights: Sequence[float], *, min_df: int) -> Vectoriser:
        fitted = []
        for docs, weight in zip(blocks, weights, strict=True):
            df: Counter[str] = Counter()
            for doc in docs:
                df.update(set(doc))
            # Sorted, so the same data always gives the same columns (and the same version hash).
            kept = sorted(t for t, n in df.items() if n >= min_df)
            counts = np.array([df[t] for t in kept], dtype=np.float64)
            idf = np.log((1 + len(docs)) / (1 + counts)) + 1.0
            fitted.append(Block({t: i for i, t in enumerate(kept)}, idf.astype(np.float32), weight))
        return cls(fitted)

    def transform(self, blocks: Sequence[Terms]) -> sparse.csr_matrix:
        """Rows of l2-normalised TF-IDF, one per message."""
        parts = [_block_matrix(b, docs) for b, docs in zip(self.blocks, blocks, strict=True)]
        return _l2_rows(sparse.hstack(parts, format="csr", dtype=np.float32))


def _block_matrix(block: Block, docs: Terms) -> sparse.csr_matrix:
    lookup = block.vocabulary.get
    indptr = [0]
    columns: list[int] = []
    for doc in docs:
        # filter/map run in C; this loop is half of prediction time.
        columns.extend(filter(_is_known, map(lookup, doc)))
        indptr.append(len(columns))
    data = np.ones(len(columns), dtype=np.float32)
    matrix = sparse.csr_matrix(
        (data, np.array(columns, dtype=np.int32), np.array(indptr, dtype=np.int64)),
        shape=(len(docs), block.size),
    )
    matrix.sum_duplicates()  # repeated terms become counts
    np.log(matrix.data, out=matrix.data)
    matrix.data += 1.0
    matrix.data *= block.idf[matrix.indices]
    matrix = _l2_rows(matrix)
    matrix.data *= np.float32(block.weight)
    return matrix


def _l2_rows(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    scale = np.repeat((1.0 / norms).astype(np.float32), np.diff(matrix.indptr))
    matrix.data *= scale
    return matrix
