"""Faults: a handler raising at a random instant, a worker process dying, an interrupted run.

In each case no completed result is lost, and once the fault is gone the results are bit
for bit those of a run that never met it.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import npolitics as npl

from .fault_worlds import Fault, population_world, scalar_world

Build = Callable[[int, int, Fault], npl.World]
BUILDS = {"scalar": scalar_world, "population": population_world}

HORIZON = 12


def _reference(build: Build, savers: int, seed: int) -> npl.Results:
    return build(savers, seed, Fault()).run(HORIZON, check=True)


def _state(world: npl.World) -> tuple[object, ...]:
    """Everything that evolves: coins, random streams, time, counters, pending deliveries."""
    group = world["savers"]
    coins = group.coins.tolist() if isinstance(group, npl.Population) else [a.coins for a in group]
    pending = [
        (t, g, c, list(m.messages()) if isinstance(m, npl.Batch) else m)
        for t, g, c, m in world.pending()
    ]
    snap = pickle.loads(world.snapshot().data)
    streams = {k: r.bit_generator.state for k, r in snap["kernel"]["streams"].items()}
    return coins, streams, world.rng.bit_generator.state, world.now, world.statistics(), pending


@pytest.mark.parametrize("kind", BUILDS)
@settings(max_examples=40)
@given(
    savers=st.integers(1, 6),
    seed=st.integers(0, 2**32 - 1),
    at=st.integers(0, HORIZON - 1),
    agent=st.integers(0, 5),
)
def test_a_handler_fault_leaves_the_last_complete_instant(
    kind: str, savers: int, seed: int, at: int, agent: int
) -> None:
    """The world is back at t = at - 1, the error's results hold every sample before the
    fault, and after disarming it the continued run completes the uninterrupted results."""
    build = BUILDS[kind]
    reference = _reference(build, savers, seed)
    fault = Fault()
    fault.arm(at, index=agent % savers if kind == "scalar" else -1)
    world = build(savers, seed, fault)
    with pytest.raises(npl.HandlerError) as info:
        world.run(HORIZON, check=True)
    error = info.value
    assert error.time == at
    assert isinstance(error.__cause__, RuntimeError)
    assert world.now == (at - 1 if at > 0 else None)
    partial = error.results
    assert list(partial.t) == list(reference.t[:at])
    assert partial.equals(_slice(reference, at))

    before = build(savers, seed, Fault())
    if at > 0:
        before.run(at)
    assert _state(world) == _state(before)

    fault.disarm()
    rest = world.run(until=HORIZON - 1, check=True)
    assert npl.Results.concat([partial, rest]).equals(reference)


def _slice(results: npl.Results, n: int) -> npl.Results:
    return npl.Results(
        world=results.world,
        t=results.t[:n],
        omega=results.omega[:n],
        metrics={k: v[:n] for k, v in results.metrics.items()},
        omega_by_type={k: v[:n] for k, v in results.omega_by_type.items()},
        mean_wellbeing=results.mean_wellbeing[:n],
    )


@pytest.mark.parametrize("kind", BUILDS)
@settings(max_examples=30)
@given(
    savers=st.integers(1, 6),
    seed=st.integers(0, 2**32 - 1),
    at=st.integers(0, HORIZON - 1),
    every=st.integers(1, 5),
)
def test_an_interrupted_run_resumes_from_its_snapshot(
    kind: str, savers: int, seed: int, at: int, every: int
) -> None:
    """Ctrl-C (KeyboardInterrupt, which the kernel does not catch) at a random instant of a
    run that snapshots every ``every`` steps: a fresh world restored from the last pickled
    snapshot finishes with exactly the uninterrupted results."""
    build = BUILDS[kind]
    reference = _reference(build, savers, seed)
    fault = Fault()
    fault.arm(at, error=KeyboardInterrupt)
    world = build(savers, seed, fault)
    kept: list[npl.Results] = []
    saved = pickle.dumps(world.snapshot())
    done = 0
    try:
        while done < HORIZON:
            chunk = min(every, HORIZON - done)
            kept.append(world.run(chunk, check=True))
            done += chunk
            saved = pickle.dumps(world.snapshot())
    except KeyboardInterrupt:
        pass
    assert fault.fired == 1

    fault.disarm()
    resumed = build(savers, seed, Fault())
    resumed.restore(pickle.loads(saved))
    done = len(kept) and int(kept[-1].t[-1]) + 1
    rest = resumed.run(HORIZON - done, check=True)
    assert npl.Results.concat([*kept, rest]).equals(reference)


@pytest.mark.slow
def test_a_dying_worker_process_loses_no_run(tmp_path: Path) -> None:
    """A worker exits abruptly (os._exit) while building a world: its task and the others in
    flight are re-run on a new pool, and the results equal the serial ones."""
    marker = tmp_path / "died"
    grid = {"savers": [3, 4], "marker": str(marker)}
    world = "reliability.fault_worlds:mortal"
    dying = npl.Experiment(world, grid, runs=3, steps=5, seed=1)
    results = dying.run(backend="processes", workers=2)
    assert marker.exists(), "the fault was not injected"
    serial = npl.Experiment(world, grid, runs=3, steps=5, seed=1).run(backend="serial")
    assert results.frame().equals(serial.frame())


@pytest.mark.slow
def test_a_task_that_always_kills_its_worker_is_a_clear_error() -> None:
    """Every attempt to build the world kills its worker: after 3 the backend gives up."""
    experiment = npl.Experiment(
        "reliability.fault_worlds:doomed", {"savers": 3}, runs=1, steps=2, seed=1
    )
    with pytest.raises(npl.WorkerLostError, match="died 3 times"):
        experiment.run(backend="processes", workers=1)


@pytest.mark.parametrize("at", [0, 3, HORIZON - 1])
def test_a_handler_fault_under_run_async_loses_nothing_either(at: int) -> None:
    """The async runtime shares the rollback: the same guarantees under ``run_async``."""
    import trio

    reference = _reference(population_world, 4, 5)
    fault = Fault()
    fault.arm(at)
    world = population_world(4, 5, fault)
    with pytest.raises(npl.HandlerError) as info:
        trio.run(lambda: world.run_async(HORIZON, check=True))
    assert world.now == (at - 1 if at > 0 else None)
    fault.disarm()
    rest = trio.run(lambda: world.run_async(until=HORIZON - 1, check=True))
    assert npl.Results.concat([info.value.results, rest]).equals(reference)
