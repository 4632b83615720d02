"""Hypothesis strategies for networks: small graphs as node counts and edge lists."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st

import npolitics as npl

#: The spaces' properties run a quarter of the profile's examples (12 by default, 50 in CI):
#: each is cheap to state but the quick test loop has little time to spare.
quick = settings(max_examples=max(10, settings.default.max_examples // 4))


@st.composite
def edge_lists(draw: Any, *, directed: bool = False, max_nodes: int = 9) -> tuple[int, list[Any]]:
    """``(n, edges)``: a graph on ``n`` nodes without self-loops or repeated edges (an
    undirected edge once, in either order)."""
    n = draw(st.integers(1, max_nodes))
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda e: e[0] != e[1])
    key = (lambda e: e) if directed else (lambda e: frozenset(e))
    edges = draw(st.lists(pairs, max_size=3 * n, unique_by=key))
    return n, edges


@st.composite
def networks(draw: Any, *, directed: bool | None = None, weighted: bool = False) -> npl.Network:
    """A network from an edge list, directed or not (drawn unless given)."""
    d = draw(st.booleans()) if directed is None else directed
    n, edges = draw(edge_lists(directed=d))
    weights = (
        draw(
            st.lists(
                st.sampled_from([0.5, 1.0, 2.0, 3.0]), min_size=len(edges), max_size=len(edges)
            )
        )
        if weighted
        else None
    )
    return npl.Network.from_edges(edges, n=n, directed=d, weights=weights)


def values_for(network: npl.Network) -> st.SearchStrategy[np.ndarray[Any, Any]]:
    """One small integer value per node (exact sums, so gather can be compared exactly)."""
    return st.lists(st.integers(-5, 5), min_size=network.n, max_size=network.n).map(
        lambda v: np.array(v, np.int64)
    )
