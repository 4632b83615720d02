"""Compiled populations: a rule written once runs compiled (numba) or as Python, with the same
results, the same seeds and the same errors as interpreted handlers."""

from __future__ import annotations

import pickle
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import npolitics as npl
from npolitics import _compiled

from ._models import (
    Bank,
    Coin,
    OutOfRange,
    Purse,
    SendsNowhere,
    TooManyFields,
    Uncompilable,
    bank_world,
    purse_state,
    purse_world,
)
from ._support import needs_numba, same_state


@needs_numba
@pytest.mark.parametrize("activation", ["simultaneous", "sequential"])
@pytest.mark.parametrize("order", ["fixed", "shuffled"])
def test_compiled_and_interpreted_runs_are_bit_identical(activation: str, order: str) -> None:
    """Integer state, float state of this model, every draw and every sample agree."""
    runs = []
    for compiled in (True, False):
        world = purse_world(seed=3, activation=activation, order=order)
        res = world.run(steps=25, compiled=compiled, check=True)
        runs.append((res, purse_state(world), world.statistics()))
    (a, sa, ka), (b, sb, kb) = runs
    assert a.equals(b)
    same_state(sa, sb)
    assert ka == kb


@needs_numba
@settings(max_examples=10)
@given(seed=st.integers(0, 2**32), n=st.integers(2, 40), steps=st.integers(0, 12))
def test_any_seed_and_size_agree(seed: int, n: int, steps: int) -> None:
    """Whatever the seed and the population's size."""
    states = []
    for compiled in (True, False):
        world = purse_world(seed=seed, n=n)
        world.run(steps=steps, compiled=compiled)
        states.append(purse_state(world))
    same_state(*states)


def test_the_default_is_compiled_when_numba_is_installed(monkeypatch: Any) -> None:
    """compiled=None follows numba's presence (and NPOLITICS_COMPILED=0 turns it off)."""
    world = purse_world()
    world.run(steps=2)
    assert world._kernel.compiled is _compiled.AVAILABLE
    monkeypatch.setenv("NPOLITICS_COMPILED", "0")
    world.run(steps=1)
    assert world._kernel.compiled is False


def test_compiled_true_without_numba_says_how_to_install_it(monkeypatch: Any) -> None:
    monkeypatch.setattr(_compiled, "AVAILABLE", False)
    with pytest.raises(npl.ArgumentError, match=r"pip install 'npolitics\[fast\]'"):
        purse_world().run(steps=1, compiled=True)
    with pytest.raises(npl.ArgumentError, match="compiled must be None, True or False"):
        purse_world().run(steps=1, compiled="yes")  # type: ignore[arg-type]


def test_seeds_do_not_depend_on_the_strategy() -> None:
    """A seed gives the same run interpreted, and the run is not a parameter."""
    a = purse_world(seed=9).run(steps=5, compiled=False)
    b = purse_world(seed=9).run(steps=5)
    assert a.equals(b)
    assert "compiled" not in a.params


def test_switching_strategy_between_runs_continues_the_same_run() -> None:
    """Half compiled then half interpreted is the run all interpreted."""
    whole = purse_world(seed=5)
    whole.run(steps=20, compiled=False)
    halves = purse_world(seed=5)
    halves.run(steps=10)
    halves.run(steps=10, compiled=False)
    same_state(purse_state(whole), purse_state(halves))


@pytest.mark.parametrize("compiled", [None, False])
def test_snapshot_and_restore_continue_exactly(compiled: bool | None) -> None:
    """State lives in the columns and the group's Generator: both are snapshotted."""
    world = purse_world(seed=2)
    world.run(steps=5, compiled=compiled)
    snap = pickle.loads(pickle.dumps(world.snapshot()))
    first = world.run(steps=7, compiled=compiled)
    after = purse_state(world)
    world.restore(snap)
    again = world.run(steps=7, compiled=compiled)
    assert again.equals(first)
    same_state(after, purse_state(world))


def test_a_compiled_population_sends_to_scalar_agents() -> None:
    """An outbox to another group arrives as one batch, one message per agent handler call."""
    for compiled in (None, False):
        world = bank_world()
        world.run(steps=3, compiled=compiled)
        bank = world["bank", Bank]
        assert bank.held == 10
        assert bank.givers == [0, 1, 2, 3, 4] * 2


@attrs.frozen
class Nudge:
    amount: int
    giver: int


def test_an_interpreted_handler_sends_a_batch_to_a_compiled_channel() -> None:
    """Batches from ordinary handlers and from outside reach a rule like any channel."""
    for compiled in (None, False):
        world = purse_world(n=4)
        world.send("purses", "take", npl.Batch(Coin, [1, 1, 3], amount=[5, 1, 2], giver=-7))
        world.run(steps=1, compiled=compiled)
        p = world["purses", Purse]
        assert p.received.tolist()[1] >= 2
        assert p.last_giver[3] in (-7, 0, 1, 2)


def test_a_helper_marked_jit_is_the_plain_function_in_python() -> None:
    from ._models import pick_other

    rng = np.random.default_rng(0)
    assert {pick_other(rng, 3, 1) for _ in range(50)} == {0, 2}
    assert "pick_other" in repr(pick_other)
    assert pickle.loads(pickle.dumps(pick_other)).py_func is pick_other.py_func


# -- bad input ----------------------------------------------------------------------------


def one(population: npl.Population, name: str = "g") -> npl.World:
    world = npl.World("bad", seed=1)
    world.add(name, population)
    world.clock(name, "tick")
    return world


@needs_numba
def test_an_uncompilable_rule_fails_when_the_run_starts() -> None:
    """The error names the world, the group, the channel and numba's own message, and
    nothing has been delivered."""
    world = one(Uncompilable(n=3))
    with pytest.raises(npl.DefinitionError) as info:
        world.run(steps=2, compiled=True)
    text = str(info.value)
    assert "world 'bad'" in text
    assert "group 'g'" in text
    assert "channel 'tick'" in text
    assert "plain_python" in text  # numba: untyped global name
    assert world.now is None
    world.run(steps=2, compiled=False)  # as Python it runs
    assert world["g"].x.tolist() == [1.0, 1.0, 1.0]


@attrs.frozen
class NoParams:
    pass


@npl.world("uncompilable", params=NoParams)
def uncompilable(p: NoParams, world: npl.World) -> None:
    """A registered world whose one rule numba cannot compile."""
    world.add("g", Uncompilable(n=3))
    world.clock("g", "tick")


@needs_numba
def test_a_registered_world_with_an_uncompilable_rule_fails_when_it_is_built() -> None:
    """Built for its default run (compiled), the world compiles its rules: the error names
    the world, the group, the channel and numba's message before anything runs."""
    with pytest.raises(npl.DefinitionError) as info:
        uncompilable(seed=1)
    text = str(info.value)
    assert "world 'uncompilable'" in text
    assert "group 'g'" in text
    assert "channel 'tick'" in text
    assert "plain_python" in text


def test_a_registered_world_whose_default_run_is_interpreted_builds_and_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NPOLITICS_COMPILED", "0")
    world = uncompilable(seed=1)
    world.run(steps=2)
    assert world["g"].x.tolist() == [1.0, 1.0, 1.0]


@needs_numba
def test_an_experiment_run_interpreted_builds_a_world_whose_rules_do_not_compile() -> None:
    res = npl.Experiment(uncompilable, params={}, runs=1, steps=2, compiled=False).run()
    assert len(res.frame()) > 0


@pytest.mark.parametrize("compiled", [pytest.param(True, marks=needs_numba), False])
def test_a_send_with_the_wrong_number_of_fields(compiled: bool) -> None:
    """Compiled: a MessageTypeError when the run starts; interpreted: at the send."""
    world = one(TooManyFields(n=2))
    if compiled:
        with pytest.raises(npl.MessageTypeError, match=r"wrong number of fields.*got 3"):
            world.run(steps=1, compiled=True)
        return
    with pytest.raises(npl.HandlerError) as info:
        world.run(steps=1, compiled=False)
    assert isinstance(info.value.__cause__, npl.MessageTypeError)
    assert "2 field(s) (amount, giver)" in str(info.value.__cause__)


@pytest.mark.parametrize("compiled", [None, False])
def test_a_target_out_of_range_is_the_interpreted_error(compiled: bool | None) -> None:
    """UnknownAgentError naming the group and its agents; the world stays at the last complete
    instant."""
    world = one(OutOfRange(n=3))
    with pytest.raises(npl.HandlerError) as info:
        world.run(steps=10, compiled=compiled)
    assert isinstance(info.value.__cause__, npl.UnknownAgentError)
    assert "group 'g' has agents 0…2; the batch targets 3" in str(info.value.__cause__)
    assert world.now == 2
    assert world["g"].coins.tolist() == [4, 4, 4]


def test_an_outbox_to_an_unknown_channel_or_group() -> None:
    with pytest.raises(
        npl.UnknownChannelError, match=r"outbox 'give' to 'receive'.*has no channel"
    ):
        one(SendsNowhere(n=2)).run(steps=1)
    world = npl.World("lonely")
    world.add("savers", _models_savers())
    world.clock("savers", "tick")
    with pytest.raises(npl.UnknownAgentError, match=r"outbox 'deposit'.*no group 'bank'"):
        world.run(steps=1)


def _models_savers() -> npl.Population:
    from ._models import SendsToAnotherGroup

    return SendsToAnotherGroup(n=2)


def test_rules_are_checked_when_the_class_is_read() -> None:
    """The rule's parameters, its message type, and where compiled rules may be."""

    class NoMessageType(npl.Population):
        @npl.channel(compiled=True)
        def tick(s, i, m, ctx):  # type: ignore[no-untyped-def]
            pass

    with pytest.raises(npl.DefinitionError, match="annotate its message parameter"):
        NoMessageType.channels()

    class MissingOutbox(npl.Population):
        @npl.channel(compiled=True, sends={"give": "tick"})
        def tick(s, i, m: npl.Tick, ctx):  # type: ignore[no-untyped-def]
            pass

    with pytest.raises(npl.DefinitionError, match=r"takes \(s, i, m, ctx\)"):
        MissingOutbox.channels()

    class Scalar(npl.Agent):
        @npl.channel(compiled=True)
        def tick(s, i, m: npl.Tick, ctx):  # type: ignore[no-untyped-def]
            pass

    with pytest.raises(npl.DefinitionError, match="belong to populations"):
        Scalar.channels()

    with pytest.raises(npl.DefinitionError, match="add compiled=True"):
        npl.channel(sends={"a": "b"})

    @attrs.frozen
    class Words:
        text: str

    class Talker(npl.Population):
        @npl.channel(compiled=True, accepts=Words)
        def hear(s, i, m, ctx):  # type: ignore[no-untyped-def]
            pass

    world = npl.World("talk")
    world.add("t", Talker(n=1))
    with pytest.raises(npl.DefinitionError, match="field 'text' is annotated"):
        world.run(steps=1)


def test_an_experiment_and_the_command_line_take_the_strategy(tmp_path: Any, capsys: Any) -> None:
    """Experiment(compiled=...) and --interpreted/--compiled give the same frames."""
    spec = "compiled._models:purses"
    frames = [
        npl.Experiment(spec, {"n": [5, 6]}, steps=4, compiled=c).run("serial").frame()
        for c in (None, False)
    ]
    assert frames[0].equals(frames[1])
    from npolitics._cli import main

    out = tmp_path / "r.csv"
    assert main(["run", spec, "--steps", "3", "--interpreted", "--quiet", "--out", str(out)]) == 0
    assert out.exists()
    assert main(["run", spec, "--steps", "3", "--compiled", "--interpreted"]) == 2
    capsys.readouterr()


@needs_numba
@pytest.mark.slow
def test_processes_give_the_serial_results_compiled() -> None:
    """Workers build the world themselves and load the compiled rules from the disk cache:
    nothing compiled is pickled, and the table is the serial one."""
    spec = "compiled._models:purses"
    exp = npl.Experiment(spec, {"n": [5, 9]}, runs=2, steps=30, sample_every=10, compiled=True)
    serial = exp.run("serial").frame()
    assert exp.run("processes", workers=2, quiet=True).frame().equals(serial)
