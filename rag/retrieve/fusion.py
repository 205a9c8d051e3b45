"""Fusion of rankings: reciprocal-rank fusion over the dense and keyword rankings, restricted to allowed rows."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Ranking = Sequence[tuple[int, float]]  # (row, score), best first


@dataclass(frozen=True)
class ReciprocalRankFusion:
    """score(row) = sum over rankings of 1 / (k + rank); deterministic; k=60 as in Cormack et al. (2009)."""
    k: int = 60

    def fuse(self, rankings: Sequence[Ranking], allowed: Sequence[bool] | None = None) -> dict[int, float]:
        fused: dict[int, float] = {}
        for ranking in rankings:
            ranked = [row for row, _ in ranking if allowed is None or allowed[row]]
            for rank, row in enumerate(ranked):
                fused[row] = fused.get(row, 0.0) + 1.0 / (self.k + rank + 1)
        return fused
