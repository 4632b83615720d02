"""npl.Network: a fixed graph in compressed sparse rows, for agents and populations."""

from __future__ import annotations

import pickle
import re
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import npolitics as npl

from ._strategies import edge_lists, networks, quick, values_for

REDUCES = ["sum", "mean", "min", "max", "any", "all"]


def path(n: int = 4) -> npl.Network:
    """0 – 1 – 2 – … – n-1."""
    return npl.Network.from_edges([(i, i + 1) for i in range(n - 1)], n=n)


def loop_gather(network: npl.Network, values: Any, reduce: str, fill: Any) -> list[Any]:
    """What gather means, one node at a time in plain Python."""
    ops = {
        "sum": sum,
        "mean": lambda v: sum(v) / len(v),
        "min": min,
        "max": max,
        "any": any,
        "all": all,
    }
    return [
        ops[reduce]([values[j] for j in network.neighbours(i)]) if network.degree[i] else fill
        for i in range(network.n)
    ]


# -- structure ---------------------------------------------------------------------------------


@quick
@given(edge_lists())
def test_undirected_degrees_sum_to_twice_the_edges(graph: tuple[int, list[Any]]) -> None:
    n, edges = graph
    network = npl.Network.from_edges(edges, n=n)
    assert network.edge_count == len(edges)
    assert network.degree.sum() == 2 * len(edges)


@quick
@given(edge_lists(directed=True))
def test_directed_degrees_sum_to_the_edges(graph: tuple[int, list[Any]]) -> None:
    n, edges = graph
    network = npl.Network.from_edges(edges, n=n, directed=True)
    assert network.edge_count == network.degree.sum() == len(edges)


@quick
@given(networks(directed=False))
def test_undirected_neighbourhoods_are_symmetric(network: npl.Network) -> None:
    for i in range(network.n):
        for j in network.neighbours(i):
            assert i in network.neighbours(int(j))


@quick
@given(edge_lists(directed=True))
def test_directed_edges_lead_one_way(graph: tuple[int, list[Any]]) -> None:
    """Edge i → j makes j a neighbour of i, and i a neighbour of j only if j → i is given."""
    n, edges = graph
    network = npl.Network.from_edges(edges, n=n, directed=True)
    assert {(i, int(j)) for i in range(n) for j in network.neighbours(i)} == set(edges)


@quick
@given(networks())
def test_neighbours_are_sorted_read_only_views(network: npl.Network) -> None:
    for i in range(network.n):
        near = network.neighbours(i)
        assert list(near) == sorted(set(near.tolist()))
        assert not near.flags.writeable
        assert near.base is not None  # a view of the network's indices, not a copy


@quick
@given(networks())
def test_edges_make_the_same_network_again(network: npl.Network) -> None:
    again = npl.Network.from_edges(network.edges(), n=network.n, directed=network.directed)
    assert np.array_equal(again.indptr, network.indptr)
    assert np.array_equal(again.indices, network.indices)


@quick
@given(networks(weighted=True))
def test_csr_arrays_make_the_same_network_again(network: npl.Network) -> None:
    """The CSR constructor accepts what the others build, weights included."""
    again = npl.Network(
        network.indptr, network.indices, weights=network.weights, directed=network.directed
    )
    assert np.array_equal(again.indices, network.indices)
    assert again.weights is not None
    assert network.weights is not None
    assert np.array_equal(again.weights, network.weights)


def test_a_path() -> None:
    network = path(4)
    assert network.n == len(network) == 4
    assert network.degree.tolist() == [1, 2, 2, 1]
    assert network.neighbours(1).tolist() == [0, 2]
    assert network.edges().tolist() == [[0, 1], [1, 2], [2, 3]]


def test_a_self_loop_makes_a_node_its_own_neighbour_once() -> None:
    network = npl.Network.from_edges([(0, 0), (0, 1)], n=2, self_loops=True)
    assert network.neighbours(0).tolist() == [0, 1]
    assert network.edge_count == 2
    assert network.edges().tolist() == [[0, 0], [0, 1]]


def test_pickles_and_keeps_its_public_name() -> None:
    network = path(3)
    again = pickle.loads(pickle.dumps(network))
    assert np.array_equal(again.indices, network.indices)
    assert b"npolitics._" not in pickle.dumps(network)


# -- gather and scatter ------------------------------------------------------------------------


@quick
@given(st.data(), networks(), st.sampled_from(REDUCES))
def test_gather_is_a_loop_over_neighbours(data: Any, network: npl.Network, reduce: Any) -> None:
    values = data.draw(values_for(network))
    if reduce in ("any", "all"):
        values = values > 0
    fill = {"sum": 0, "any": False, "all": True}.get(reduce, -99)
    got = network.gather(values, reduce, fill=fill)
    assert got.tolist() == pytest.approx(loop_gather(network, values.tolist(), reduce, fill))


@quick
@given(networks())
def test_gather_fills_nodes_without_neighbours(network: npl.Network) -> None:
    """By default: 0 for a sum, NaN for a mean, min or max, False for any, True for all."""
    alone = network.degree == 0
    values = np.ones(network.n)
    for reduce, fill in [("sum", 0), ("any", False), ("all", True)]:
        assert (network.gather(values, reduce)[alone] == fill).all()
    for reduce in ("mean", "min", "max"):
        assert np.isnan(network.gather(values, reduce)[alone]).all()
        assert not np.isnan(network.gather(values, reduce)[~alone]).any()


@quick
@given(st.data(), networks(weighted=True))
def test_weighted_gather_is_a_weighted_loop(data: Any, network: npl.Network) -> None:
    values = data.draw(values_for(network))
    assert network.weights is not None
    w = {
        (i, int(j)): network.weights[network.indptr[i] + k]
        for i in range(network.n)
        for k, j in enumerate(network.neighbours(i))
    }
    sums = [sum(w[i, int(j)] * values[j] for j in network.neighbours(i)) for i in range(network.n)]
    totals = [sum(w[i, int(j)] for j in network.neighbours(i)) for i in range(network.n)]
    assert network.gather(values, weighted=True).tolist() == pytest.approx(sums)
    means = network.gather(values, "mean", weighted=True)
    for i in range(network.n):
        if totals[i]:
            assert means[i] == pytest.approx(sums[i] / totals[i])


@quick
@given(st.data(), networks())
def test_scatter_sums_what_each_node_receives(data: Any, network: npl.Network) -> None:
    values = data.draw(values_for(network))
    received = [0] * network.n
    for i in range(network.n):
        for j in network.neighbours(i):
            received[j] += values[i]
    assert network.scatter(values).tolist() == received
    if not network.directed:
        assert network.scatter(values).tolist() == network.gather(values).tolist()


def test_gather_and_scatter_take_rows_of_values() -> None:
    """A value per node may be a row: each column is gathered alike."""
    network = path(3)
    values = np.array([[1, 10], [2, 20], [3, 30]])
    assert network.gather(values).tolist() == [[2, 20], [4, 40], [2, 20]]
    assert network.gather(values, "max").tolist() == [[2, 20], [3, 30], [2, 20]]
    assert network.scatter(values).tolist() == [[2, 20], [4, 40], [2, 20]]


def test_gather_on_a_path() -> None:
    network = path(4)
    values = np.array([1, 2, 3, 4])
    assert network.gather(values).tolist() == [2, 4, 6, 3]
    assert network.gather(values, "mean").tolist() == [2, 2, 3, 3]
    assert network.gather(values, "min").tolist() == [2, 1, 2, 3]
    assert network.gather(values > 2, "any").tolist() == [False, True, True, True]
    assert network.gather(values > 2, "sum").tolist() == [0, 1, 1, 1]


def test_min_of_integers_keeps_their_type_with_a_fill_of_theirs() -> None:
    network = npl.Network.from_edges([(0, 1)], n=3)
    assert network.gather(np.array([5, 6, 7]), "min", fill=-1).tolist() == [6, 5, -1]
    assert network.gather(np.array([5, 6, 7]), "min", fill=-1).dtype == np.int64
    assert network.gather(np.array([5, 6, 7]), "min").dtype == np.float64


# -- random neighbours -------------------------------------------------------------------------


@quick
@given(networks(), st.integers(0, 2**32))
def test_random_neighbours_are_neighbours_and_reproducible(network: npl.Network, seed: int) -> None:
    drawn = network.random_neighbours(np.random.default_rng(seed))
    again = network.random_neighbours(np.random.default_rng(seed))
    assert np.array_equal(drawn, again)
    for i, j in enumerate(drawn):
        assert (j in network.neighbours(i)) if network.degree[i] else j == -1


def test_random_neighbours_of_some_nodes() -> None:
    network = path(5)
    drawn = network.random_neighbours(np.random.default_rng(1), [0, 4, 0])
    assert drawn.tolist() == [1, 3, 1]


def test_random_neighbours_are_uniform() -> None:
    """A hub with 4 neighbours picks each a quarter of the time (within 4 standard errors)."""
    star = npl.Network.from_edges([(0, i) for i in range(1, 5)], n=5)
    draws = 40_000
    picked = star.random_neighbours(np.random.default_rng(7), np.zeros(draws, np.int64))
    share = np.bincount(picked, minlength=5)[1:] / draws
    assert np.abs(share - 0.25).max() < 4 * np.sqrt(0.25 * 0.75 / draws)


# -- other constructors ------------------------------------------------------------------------


@quick
@given(edge_lists(), st.booleans())
def test_from_networkx_is_from_edges(graph: tuple[int, list[Any]], directed: bool) -> None:
    nx = pytest.importorskip("networkx", reason="networkx is optional: pip install networkx")
    n, edges = graph
    g = nx.DiGraph() if directed else nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from(edges)
    got = npl.Network.from_networkx(g)
    expected = npl.Network.from_edges(edges, n=n, directed=directed)
    assert got.directed == directed
    assert np.array_equal(got.indptr, expected.indptr)
    assert np.array_equal(got.indices, expected.indices)


def test_from_networkx_keeps_a_weight_attribute() -> None:
    nx = pytest.importorskip("networkx", reason="networkx is optional: pip install networkx")
    g = nx.Graph()
    g.add_edge(0, 1, strength=2.5)
    g.add_edge(1, 2)
    network = npl.Network.from_networkx(g, weight="strength", n=3)
    assert network.weights is not None
    assert network.weights.tolist() == [2.5, 2.5, 1.0, 1.0]
    assert npl.Network.from_networkx(g).weights is None


@quick
@given(networks(weighted=True))
def test_from_scipy_is_from_edges(network: npl.Network) -> None:
    sparse = pytest.importorskip("scipy.sparse", reason="scipy is optional: pip install scipy")
    matrix = sparse.csr_array(
        (network.weights, network.indices, network.indptr), shape=(network.n, network.n)
    )
    got = npl.Network.from_scipy(matrix, directed=network.directed, weighted=True)
    assert np.array_equal(got.indptr, network.indptr)
    assert np.array_equal(got.indices, network.indices)
    assert got.weights is not None
    assert network.weights is not None
    assert np.array_equal(got.weights, network.weights)


def test_from_scipy_drops_zeros_and_adds_repeats() -> None:
    sparse = pytest.importorskip("scipy.sparse", reason="scipy is optional: pip install scipy")
    coo = sparse.coo_array(([1.0, 2.0, 0.0, 3.0], ([0, 0, 1, 1], [1, 1, 2, 0])), shape=(3, 3))
    network = npl.Network.from_scipy(coo, directed=True, weighted=True)
    assert network.edges().tolist() == [[0, 1], [1, 0]]
    assert network.weights is not None
    assert network.weights.tolist() == [3.0, 3.0]
    assert npl.Network.from_scipy(coo, directed=True).weights is None


# -- bad input: a clear error, nothing built ---------------------------------------------------


def bad_scipy(kind: str) -> Any:
    sparse = pytest.importorskip("scipy.sparse", reason="scipy is optional: pip install scipy")
    if kind == "asymmetric":
        return sparse.csr_array(np.array([[0, 1], [0, 0]]))
    if kind == "unequal":
        return sparse.csr_array(np.array([[0.0, 1.0], [2.0, 0.0]]))
    if kind == "loop":
        return sparse.csr_array(np.eye(2))
    return sparse.csr_array(np.ones((2, 3)))


def bad_networkx(kind: str) -> Any:
    nx = pytest.importorskip("networkx", reason="networkx is optional: pip install networkx")
    if kind == "labels":
        return nx.Graph([("a", "b")])
    if kind == "gap":
        return nx.Graph([(0, 2)])
    if kind == "multi":
        return nx.MultiGraph([(0, 1), (0, 1)])
    if kind == "loop":
        return nx.Graph([(0, 0), (0, 1)])
    return nx.path_graph(4)


BAD: list[Any] = [
    ("negative node", lambda: npl.Network.from_edges([(0, -1)], n=3), "≥ 0, got -1"),
    ("node too large", lambda: npl.Network.from_edges([(0, 3)], n=3), "node 3 is out of range"),
    ("self-loop", lambda: npl.Network.from_edges([(1, 1)], n=3), "self_loops=True"),
    ("edge twice", lambda: npl.Network.from_edges([(0, 1), (1, 0)], n=2), "given twice"),
    (
        "directed edge twice",
        lambda: npl.Network.from_edges([(0, 1), (0, 1)], n=2, directed=True),
        "given twice",
    ),
    ("not pairs", lambda: npl.Network.from_edges([(0, 1, 2)], n=3), "pairs (i, j)"),
    ("float nodes", lambda: npl.Network.from_edges([(0.5, 1)], n=3), "integer node indices"),
    ("negative n", lambda: npl.Network.from_edges([], n=-1), "n (the number of nodes)"),
    (
        "weights for other edges",
        lambda: npl.Network.from_edges([(0, 1)], n=2, weights=[1, 2]),
        "one entry per edge",
    ),
    (
        "infinite weight",
        lambda: npl.Network.from_edges([(0, 1)], n=2, weights=[np.inf]),
        "finite",
    ),
    ("csr start", lambda: npl.Network([1, 1], [0]), "indptr must start with 0"),
    ("csr order", lambda: npl.Network([0, 2, 1], [1, 0]), "never decrease"),
    ("csr length", lambda: npl.Network([0, 1], [0, 1]), "there are 2 indices"),
    ("csr asymmetric", lambda: npl.Network([0, 1, 1], [1]), "1 → 0: add it, or pass directed"),
    ("csr repeat", lambda: npl.Network([0, 2, 2], [1, 1], directed=True), "stored twice"),
    ("csr weights", lambda: npl.Network([0, 1, 2], [1, 0], weights=[np.nan, 1]), "finite"),
    ("scipy asymmetric", lambda: npl.Network.from_scipy(bad_scipy("asymmetric")), "both ways"),
    (
        "scipy unequal weights",
        lambda: npl.Network.from_scipy(bad_scipy("unequal"), weighted=True),
        "one weight",
    ),
    ("scipy self-loop", lambda: npl.Network.from_scipy(bad_scipy("loop")), "self_loops=True"),
    ("scipy not square", lambda: npl.Network.from_scipy(bad_scipy("wide")), "square"),
    ("scipy size", lambda: npl.Network.from_scipy(bad_scipy("loop"), n=3), "n=3"),
    ("networkx labels", lambda: npl.Network.from_networkx(bad_networkx("labels")), "relabel"),
    ("networkx gap", lambda: npl.Network.from_networkx(bad_networkx("gap")), "0..1"),
    ("networkx multigraph", lambda: npl.Network.from_networkx(bad_networkx("multi")), "multi"),
    ("networkx self-loop", lambda: npl.Network.from_networkx(bad_networkx("loop")), "self-loop"),
    ("networkx size", lambda: npl.Network.from_networkx(bad_networkx("path"), n=5), "4 nodes"),
    ("values size", lambda: path(3).gather([1, 2]), "one entry per node (3)"),
    ("scatter size", lambda: path(3).scatter(np.ones(4)), "one entry per node (3)"),
    ("unknown reduce", lambda: path(3).gather([1, 2, 3], "median"), "'median'"),
    ("no weights", lambda: path(3).gather([1, 2, 3], weighted=True), "no weights"),
    ("neighbours of nobody", lambda: path(3).neighbours(3), "node 3 is out of range"),
    ("draw for nobody", lambda: path(3).random_neighbours(np.random.default_rng(), [5]), "5"),
]


@pytest.mark.parametrize(("call", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_is_refused_clearly(call: Any, message: str) -> None:
    with pytest.raises(npl.ArgumentError, match=re.escape(message)):
        call()


WRONG_KIND: list[Any] = [
    ("scipy wants a matrix", lambda: npl.Network.from_scipy(np.eye(2))),
    ("rng must be a Generator", lambda: path(3).random_neighbours(np.random.RandomState(1))),  # type: ignore[arg-type]
]


@pytest.mark.parametrize("call", [w[1] for w in WRONG_KIND], ids=[w[0] for w in WRONG_KIND])
def test_the_wrong_kind_of_thing_is_a_definition_error(call: Any) -> None:
    with pytest.raises(npl.DefinitionError):
        call()


def test_from_networkx_wants_a_graph() -> None:
    pytest.importorskip("networkx", reason="networkx is optional: pip install networkx")
    with pytest.raises(npl.DefinitionError, match=r"Network\.from_edges for a list of pairs"):
        npl.Network.from_networkx([(0, 1)])
