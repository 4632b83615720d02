"""Networks: who is whose neighbour, for scalar agents and for populations.

A :class:`Network` is a fixed graph on the nodes ``0 .. n-1`` (the indices of a group's
agents), stored in compressed sparse rows: node i's neighbours are
``indices[indptr[i]:indptr[i + 1]]``. Scalar agents ask for ``neighbours(i)``; populations
work on every node at once, gathering their neighbours' values (``gather``), sending their
own to them (``scatter``) or picking one neighbour each at random (``random_neighbours``).
A network is checked when it is made and never changes afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, get_args

import attrs
import numpy as np
import numpy.typing as npt

from ._errors import ArgumentError, DefinitionError

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

Reduce = Literal["sum", "mean", "min", "max", "any", "all"]
"""How ``gather`` combines the values of a node's neighbours."""

_REDUCES: tuple[str, ...] = get_args(Reduce)


def _frozen(a: npt.NDArray[Any]) -> npt.NDArray[Any]:
    a.setflags(write=False)
    return a


def _integers(values: Any, what: str) -> IntArray:
    """``values`` as a new 1-D int64 array, or an error naming ``what`` was not integers."""
    a = np.asarray(values)
    if a.size == 0:
        return np.zeros(0, np.int64)
    if a.dtype.kind not in "iu":
        raise ArgumentError(f"{what} must hold integers, got {a.dtype} values")
    if a.ndim != 1:
        raise ArgumentError(f"{what} must be one-dimensional, got shape {a.shape}")
    return np.array(a, dtype=np.int64)


def _indptr(values: Any) -> IntArray:
    return _integers(values, "indptr")


def _indices(values: Any) -> IntArray:
    return _integers(values, "indices")


def _count(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
        raise ArgumentError(f"{what} must be an integer ≥ 0, got {value!r}")
    return int(value)


def _check_nodes(nodes: IntArray, n: int, what: str) -> None:
    """Every entry of ``nodes`` is a node of a network of ``n`` nodes."""
    if nodes.size == 0:
        return
    low, high = int(nodes.min()), int(nodes.max())
    if low < 0:
        raise ArgumentError(f"{what} must be node indices ≥ 0, got {low}")
    if high >= n:
        raise ArgumentError(
            f"{what}: node {high} is out of range for a network of {n} nodes (0..{n - 1})"
            if n
            else f"{what}: node {high} is out of range for a network of no nodes"
        )


@attrs.frozen(eq=False)
class Network:
    """A fixed graph on the nodes ``0 .. n-1``, in compressed sparse rows (CSR).

    Node i's neighbours are ``indices[indptr[i]:indptr[i + 1]]``, with optional edge
    ``weights`` alongside. An undirected network holds each edge in both rows; a directed
    one holds edge i → j in row i only (j is i's neighbour, not the other way round).
    Self-loops are refused unless ``self_loops=True``; a self-loop makes i one of its own
    neighbours, once. Made directly from CSR arrays it is checked entirely (nothing is made
    from a malformed graph); :meth:`from_edges`, :meth:`from_networkx` and
    :meth:`from_scipy` are the usual ways in.
    """

    indptr: IntArray = attrs.field(converter=_indptr)
    indices: IntArray = attrs.field(converter=_indices)
    weights: FloatArray | None = attrs.field(default=None, kw_only=True)
    directed: bool = attrs.field(default=False, kw_only=True)
    self_loops: bool = attrs.field(default=False, kw_only=True)

    def __attrs_post_init__(self) -> None:
        indptr, indices = self.indptr, self.indices
        if indptr.size == 0 or indptr[0] != 0:
            raise ArgumentError("indptr must start with 0 (it has one entry per node, plus one)")
        if np.any(np.diff(indptr) < 0):
            raise ArgumentError("indptr must never decrease: row i is indptr[i]:indptr[i+1]")
        if indptr[-1] != indices.size:
            raise ArgumentError(
                f"indptr ends at {indptr[-1]}, but there are {indices.size} indices: "
                "the last entry of indptr is the number of edges stored"
            )
        n = indptr.size - 1
        _check_nodes(indices, n, "indices")
        if self.weights is not None:
            weights = np.array(self.weights, dtype=np.float64)
            if weights.shape != indices.shape:
                raise ArgumentError(
                    f"weights must have one entry per stored edge ({indices.size}), "
                    f"got shape {weights.shape}"
                )
            if not np.all(np.isfinite(weights)):
                raise ArgumentError("weights must be finite numbers")
            object.__setattr__(self, "weights", _frozen(weights))
        rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
        _refuse_self_loops(rows, indices, self.self_loops)
        forward = np.sort(rows * n + indices)  # edge i → j as the key i·n + j
        twice = np.flatnonzero(np.diff(forward) == 0)
        if twice.size:
            i, j = divmod(int(forward[twice[0]]), n)
            raise ArgumentError(f"edge {i} → {j} is stored twice: a network has no multi-edges")
        if not self.directed:
            _refuse_asymmetry(rows, indices, self.weights, n, forward)
        _frozen(indptr)
        _frozen(indices)

    # -- constructors ----------------------------------------------------------------------

    @classmethod
    def from_edges(
        cls,
        edges: Any,
        *,
        n: int,
        directed: bool = False,
        weights: Sequence[float] | npt.ArrayLike | None = None,
        self_loops: bool = False,
    ) -> Network:
        """The network on ``n`` nodes with the given edges: pairs ``(i, j)``, as a list or an
        array of shape ``(edges, 2)``, with one weight per edge if ``weights`` is given.

        Undirected, each edge is given once (either way round) and joins both nodes; an
        edge given twice is refused, as are self-loops unless ``self_loops=True``.
        Neighbours are kept in increasing order.
        """
        n = _count(n, "n (the number of nodes)")
        pairs = np.asarray(edges)
        if pairs.size == 0:
            pairs = np.zeros((0, 2), np.int64)
        if pairs.ndim != 2 or pairs.shape[1] != 2:
            raise ArgumentError(
                f"edges must be pairs (i, j): a list of pairs or an array of shape (edges, 2), "
                f"got shape {pairs.shape}"
            )
        if pairs.dtype.kind not in "iu":
            raise ArgumentError(f"edges must hold integer node indices, got {pairs.dtype} values")
        pairs = pairs.astype(np.int64)
        _check_nodes(pairs.reshape(-1), n, "edges")
        source, target = pairs[:, 0], pairs[:, 1]
        _refuse_self_loops(source, target, self_loops)
        w = None
        if weights is not None:
            w = np.array(weights, dtype=np.float64)
            if w.shape != (len(pairs),):
                raise ArgumentError(
                    f"weights must have one entry per edge ({len(pairs)}), got shape {w.shape}"
                )
            if not np.all(np.isfinite(w)):
                raise ArgumentError("weights must be finite numbers")
        if not directed:
            low, high = np.minimum(source, target), np.maximum(source, target)
            _refuse_repeats(low * n + high, pairs, "–")
            mirror = source != target  # a self-loop is stored once
            source, target = (
                np.concatenate([source, target[mirror]]),
                np.concatenate([target, source[mirror]]),
            )
            if w is not None:
                w = np.concatenate([w, w[mirror]])
        else:
            _refuse_repeats(source * n + target, pairs, " → ")
        order = np.argsort(source * n + target)  # row by row, neighbours in increasing order
        indptr = np.zeros(n + 1, np.int64)
        np.cumsum(np.bincount(source, minlength=n), out=indptr[1:])
        return _trusted(
            indptr,
            target[order],
            None if w is None else w[order],
            directed=directed,
            self_loops=self_loops,
        )

    @classmethod
    def from_networkx(
        cls,
        graph: Any,
        *,
        n: int | None = None,
        weight: str | None = None,
        self_loops: bool = False,
    ) -> Network:
        """The network of a networkx graph whose nodes are the integers ``0 .. n-1`` (agent
        indices), directed if the graph is.

        ``n``, when given (the size of the population the network is for), must be the
        graph's number of nodes. ``weight`` names the edge attribute to keep as weights
        (1 where an edge lacks it). networkx is needed only here: ``pip install networkx``.
        """
        try:
            import networkx as nx  # optional: imported only when used
        except ImportError as missing:  # pragma: no cover - a graph implies networkx
            raise ImportError(
                "Network.from_networkx needs networkx: pip install 'npolitics[networks]'"
            ) from missing
        if not isinstance(graph, nx.Graph):
            raise DefinitionError(
                f"from_networkx takes a networkx graph, got {type(graph).__name__}; "
                "use Network.from_edges for a list of pairs"
            )
        if graph.is_multigraph():
            raise ArgumentError(
                "a network has no multi-edges, but the graph is a multigraph: "
                "convert it with networkx.Graph(graph) or networkx.DiGraph(graph)"
            )
        size = graph.number_of_nodes()
        if n is not None and n != size:
            raise ArgumentError(
                f"the graph has {size} nodes, but n={n}: a network for {n} agents "
                f"needs exactly {n} nodes"
            )
        nodes = list(graph.nodes)
        if not all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in nodes) or (
            sorted(int(v) for v in nodes) != list(range(size))
        ):
            shown = ", ".join(repr(v) for v in nodes[:3]) + (", …" if size > 3 else "")
            raise ArgumentError(
                f"the graph's nodes must be the integers 0..{size - 1} (agent indices), "
                f"got {shown}: relabel it with networkx.convert_node_labels_to_integers(graph)"
            )
        edges = [(int(u), int(v)) for u, v in graph.edges()]
        weights = (
            None
            if weight is None
            else [float(d.get(weight, 1.0)) for _, _, d in graph.edges(data=True)]
        )
        return cls.from_edges(
            edges, n=size, directed=graph.is_directed(), weights=weights, self_loops=self_loops
        )

    @classmethod
    def from_scipy(
        cls,
        matrix: Any,
        *,
        n: int | None = None,
        directed: bool = False,
        weighted: bool = False,
        self_loops: bool = False,
    ) -> Network:
        """The network whose edge i → j is entry (i, j) of a square scipy.sparse matrix, when
        it is stored and nonzero; an undirected network needs a symmetric matrix.

        ``weighted=True`` keeps the entries as edge weights. ``n``, when given (the size of
        the population the network is for), must be the matrix's size.
        """
        try:
            import scipy.sparse  # optional: imported only when used
        except ImportError as missing:  # pragma: no cover - a matrix implies scipy
            raise ImportError("Network.from_scipy needs scipy: pip install scipy") from missing
        if not scipy.sparse.issparse(matrix):
            raise DefinitionError(
                f"from_scipy takes a scipy.sparse matrix, got {type(matrix).__name__}; "
                "use Network.from_edges for a list of pairs"
            )
        rows, cols = matrix.shape
        if rows != cols:
            raise ArgumentError(f"the matrix must be square (nodes × nodes), got {rows} × {cols}")
        if n is not None and n != rows:
            raise ArgumentError(
                f"the matrix has {rows} nodes, but n={n}: a network for {n} agents "
                f"needs a {n} × {n} matrix"
            )
        csr = scipy.sparse.csr_matrix(matrix, copy=True)
        csr.sum_duplicates()
        csr.eliminate_zeros()
        csr.sort_indices()
        return cls(
            csr.indptr,
            csr.indices,
            weights=np.asarray(csr.data, dtype=np.float64) if weighted else None,
            directed=directed,
            self_loops=self_loops,
        )

    # -- structure ---------------------------------------------------------------------------

    @property
    def n(self) -> int:
        """The number of nodes."""
        return int(self.indptr.size - 1)

    def __len__(self) -> int:
        return self.n

    @property
    def degree(self) -> IntArray:
        """Each node's number of neighbours (out-neighbours, if directed)."""
        return np.diff(self.indptr)

    @property
    def edge_count(self) -> int:
        """The number of edges: each undirected edge counts once."""
        stored = self.indices.size
        if self.directed:
            return int(stored)
        loops = int(np.count_nonzero(self.indices == self._rows()))
        return (stored + loops) // 2

    def neighbours(self, i: int) -> IntArray:
        """Node i's neighbours (where its edges lead, if directed): a read-only view."""
        if not 0 <= i < self.n:
            raise ArgumentError(f"node {i} is out of range for a network of {self.n} nodes")
        return self.indices[self.indptr[i] : self.indptr[i + 1]]

    def edges(self) -> IntArray:
        """Every edge as a row ``(i, j)``: an array of shape ``(edge_count, 2)``, undirected
        edges once each, with ``i ≤ j``."""
        rows = self._rows()
        keep = slice(None) if self.directed else rows <= self.indices
        return np.stack([rows[keep], self.indices[keep]], axis=1)

    def _rows(self) -> IntArray:
        return np.repeat(np.arange(self.n, dtype=np.int64), self.degree)

    # -- vectorised operations ----------------------------------------------------------------

    def gather(
        self,
        values: npt.ArrayLike,
        reduce: Reduce = "sum",
        *,
        weighted: bool = False,
        fill: Any = None,
    ) -> npt.NDArray[Any]:
        """For every node at once, ``reduce`` the values of its neighbours.

        ``values`` has one entry (or one row) per node. ``reduce`` is ``"sum"``, ``"mean"``,
        ``"min"``, ``"max"``, ``"any"`` or ``"all"``; ``weighted=True`` weighs each
        neighbour's value by its edge's weight (for ``"sum"`` and ``"mean"``). A node with no
        neighbours gets ``fill``: by default 0 for a sum, NaN for a mean, min or max (so
        integer values give floats; pass a fill of their type to keep it), False for
        ``"any"`` and True for ``"all"``.
        """
        v = self._values(values)
        if reduce not in _REDUCES:
            raise ArgumentError(
                f"reduce must be one of {', '.join(map(repr, _REDUCES))}, got {reduce!r}"
            )
        w = self._edge_weights(weighted, reduce)
        picked = v[self.indices]
        if reduce in ("any", "all"):
            picked = picked.astype(bool)
        elif picked.dtype == np.bool_:
            picked = picked.astype(np.int64)
        if w is not None:
            picked = picked * _column(w, v.ndim)
        if reduce == "mean":
            picked = picked.astype(np.float64)
        has = self.degree > 0
        starts = self.indptr[:-1][has]
        default, ufunc = {
            "sum": (0, np.add),
            "mean": (np.nan, np.add),
            "min": (np.nan, np.minimum),
            "max": (np.nan, np.maximum),
            "any": (False, np.logical_or),
            "all": (True, np.logical_and),
        }[reduce]
        fill = default if fill is None else fill
        out = np.full((self.n, *v.shape[1:]), fill, dtype=np.result_type(picked, fill))
        if starts.size:
            reduced = ufunc.reduceat(picked, starts, axis=0)
            if reduce == "mean":
                total = self.degree[has] if w is None else np.add.reduceat(w, starts)
                with np.errstate(divide="ignore", invalid="ignore"):  # weights summing to 0
                    reduced = reduced / _column(total, v.ndim)
            out[has] = reduced
        return out

    def scatter(self, values: npt.ArrayLike, *, weighted: bool = False) -> npt.NDArray[Any]:
        """Every node sends its value to each of its neighbours (along its edges, if
        directed); each node receives the sum of what was sent to it (times the edges'
        weights with ``weighted=True``). On an undirected network this is ``gather(values)``."""
        v = self._values(values)
        w = self._edge_weights(weighted, "sum")
        sent = v[self._rows()]
        if sent.dtype == np.bool_:
            sent = sent.astype(np.int64)
        if w is not None:
            sent = sent * _column(w, v.ndim)
        out = np.zeros((self.n, *v.shape[1:]), dtype=sent.dtype)
        np.add.at(out, self.indices, sent)
        return out

    def random_neighbours(
        self, rng: np.random.Generator, nodes: npt.ArrayLike | None = None
    ) -> IntArray:
        """One neighbour of each of ``nodes`` (default: every node), drawn uniformly with
        ``rng`` (``ctx.rng`` in a handler, ``world.rng`` while building); -1 for a node with
        no neighbours. One draw per node, so the same stream gives the same neighbours."""
        if not isinstance(rng, np.random.Generator):
            raise DefinitionError(
                f"rng must be a numpy Generator (ctx.rng in a handler, world.rng while "
                f"building), got {type(rng).__name__}"
            )
        if nodes is None:
            at = np.arange(self.n, dtype=np.int64)
        else:
            at = _integers(np.atleast_1d(np.asarray(nodes)), "nodes")
            _check_nodes(at, self.n, "nodes")
        degree = self.degree[at]
        pick = rng.integers(np.maximum(degree, 1))  # one draw per node, even without neighbours
        has = degree > 0
        chosen = np.full(at.size, -1, np.int64)
        chosen[has] = self.indices[self.indptr[at[has]] + pick[has]]
        return chosen

    def _values(self, values: npt.ArrayLike) -> npt.NDArray[Any]:
        v = np.asarray(values)
        if v.ndim == 0 or v.shape[0] != self.n:
            got = "a single value" if v.ndim == 0 else f"{v.shape[0]} entries"
            raise ArgumentError(
                f"values must have one entry per node ({self.n}), got {got}: "
                "a network must be as large as the population it serves"
            )
        return v

    def _edge_weights(self, weighted: bool, reduce: str) -> FloatArray | None:
        if not weighted:
            return None
        if self.weights is None:
            raise ArgumentError("weighted=True, but the network has no weights")
        if reduce not in ("sum", "mean"):
            raise ArgumentError(f"weighted=True works with 'sum' and 'mean', not {reduce!r}")
        return self.weights


def _column(a: npt.NDArray[Any], ndim: int) -> npt.NDArray[Any]:
    """``a`` shaped to broadcast against rows of an array of ``ndim`` dimensions."""
    return a.reshape(-1, *([1] * (ndim - 1)))


def _trusted(
    indptr: IntArray,
    indices: IntArray,
    weights: FloatArray | None,
    *,
    directed: bool,
    self_loops: bool,
) -> Network:
    """A network from CSR arrays known to be valid (made here), without checking them again."""
    network = object.__new__(Network)
    for name, value in (
        ("indptr", _frozen(indptr)),
        ("indices", _frozen(indices)),
        ("weights", None if weights is None else _frozen(weights)),
        ("directed", directed),
        ("self_loops", self_loops),
    ):
        object.__setattr__(network, name, value)
    return network


def _refuse_self_loops(source: IntArray, target: IntArray, allowed: bool) -> None:
    if allowed:
        return
    loops = np.flatnonzero(source == target)
    if loops.size:
        i = int(source[loops[0]])
        raise ArgumentError(
            f"node {i} has a self-loop (edge {i} – {i}): pass self_loops=True to allow them"
        )


def _refuse_repeats(keys: IntArray, pairs: IntArray, arrow: str) -> None:
    ordered = np.sort(keys)
    twice = np.flatnonzero(np.diff(ordered) == 0)
    if twice.size:
        i, j = pairs[np.flatnonzero(keys == ordered[twice[0]])[1]]  # as given the second time
        raise ArgumentError(
            f"edge {i}{arrow}{j} is given twice: a network has no multi-edges"
            + (" (an undirected edge is given once, either way round)" if arrow == "–" else "")
        )


def _refuse_asymmetry(
    rows: IntArray, cols: IntArray, weights: FloatArray | None, n: int, forward: IntArray
) -> None:
    """An undirected network stores every edge both ways, with one weight (``forward``: the
    sorted keys i·n + j of its stored edges i → j)."""
    backward = np.sort(cols * n + rows)  # the keys of the reversed edges
    mismatch = np.flatnonzero(forward != backward)
    if mismatch.size:
        m = mismatch[0]
        # The smaller key of the two is missing from the other side: its edge has no twin.
        if forward[m] < backward[m]:
            i, j = divmod(int(forward[m]), n)
        else:
            j, i = divmod(int(backward[m]), n)
        raise ArgumentError(
            f"an undirected network stores each edge both ways, but {i} → {j} has no "
            f"{j} → {i}: add it, or pass directed=True"
        )
    if weights is not None:
        f = np.argsort(rows * n + cols, kind="stable")
        b = np.argsort(cols * n + rows, kind="stable")
        unequal = np.flatnonzero(weights[f] != weights[b])
        if unequal.size:
            k = f[unequal[0]]
            raise ArgumentError(
                f"an undirected edge has one weight, but {rows[k]} → {cols[k]} and "
                f"{cols[k]} → {rows[k]} differ: make the matrix symmetric, or directed=True"
            )
