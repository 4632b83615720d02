"""Bad input gets a clear error naming what was wrong, and nothing is lost.

Each error's message is part of the contract: it names the world, group, agent, channel,
parameter or value at fault and, where one exists, what would be right.
"""

from __future__ import annotations

import math
import pickle
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from strategies import bad_delays

import npolitics as npl


@attrs.frozen
class Ask:
    question: int = 0


@attrs.frozen
class Answer:
    value: int = 0


@attrs.frozen
class Relay:
    """Ask the receiver to send ``Ask()`` to ``to``/``channel`` after ``delay``."""

    to: Any = None
    channel: str = "ask"
    delay: Any = 0
    fail: bool = False


class Clerk(npl.Agent):
    """Answers questions; relays on request; raises on a Relay with fail=True."""

    asked: list[Any] = attrs.field(factory=list)
    mood: float = 0.0

    @npl.channel
    def ask(self, m: Ask, ctx: npl.Context) -> None:
        self.asked.append((ctx.now, m.question))

    @npl.channel
    def relay(self, m: Relay, ctx: npl.Context) -> None:
        if m.fail:
            raise RuntimeError("the clerk refuses")
        self.asked.append((ctx.now, "relay"))
        ctx.send(m.to, m.channel, Ask(), delay=m.delay)

    def wellbeing(self) -> float:
        return self.mood


class Office(npl.Population):
    asked: npt.NDArray[np.int64] = npl.column(np.int64, 0)
    mood: npt.NDArray[np.float64] = npl.column(np.float64, 0.0)

    @npl.channel
    def ask(self, batch: npl.Batch[Ask], ctx: npl.Context) -> None:
        if (batch.question < 0).any():
            raise ValueError("negative question")
        np.add.at(self.asked, batch.to, 1)

    def wellbeing(self) -> npt.NDArray[np.float64]:
        return self.mood


class BatchSender(npl.Agent):
    """Sends a batch of three Asks to the floor with one delay per entry of ``delays``."""

    delays: tuple[float, ...] = ()

    @npl.channel
    def go(self, m: Ask, ctx: npl.Context) -> None:
        ctx.send("floor", "ask", npl.Batch(Ask, [0, 1, 2]), delay=np.array(self.delays))


def office(seed: int = 0) -> npl.World:
    world = npl.World("office", seed=seed, sample_every=1)
    world.add("clerks", [Clerk() for _ in range(3)])
    world.add("boss", Clerk())
    world.add("floor", Office(n=5))
    world.metric("asked", lambda w: float(sum(len(c.asked) for c in w["clerks"])))
    return world


def relay_error(relay: Relay) -> BaseException:
    """The cause of the HandlerError raised when a clerk acts on ``relay``."""
    world = office()
    world.send("boss", "relay", relay)
    with pytest.raises(npl.HandlerError) as info:
        world.run(steps=3)
    assert info.value.__cause__ is not None
    return info.value.__cause__


class TestAddressing:
    def test_unknown_channel(self) -> None:
        """The error names the group, its type, the channel asked for and the real ones."""
        with pytest.raises(
            npl.UnknownChannelError,
            match=r"group 'clerks' \(Clerk\) has no channel 'shout'; "
            r"its channels are 'ask', 'relay'",
        ):
            office().send(npl.Address("clerks", 0), "shout", Ask())

    def test_unknown_group(self) -> None:
        """The error names the world, the missing group and the groups there are."""
        with pytest.raises(
            npl.UnknownAgentError,
            match=r"world 'office' has no group 'interns'; "
            r"its groups are 'clerks', 'boss', 'floor'",
        ):
            office().send(npl.Address("interns", 0), "ask", Ask())

    @pytest.mark.parametrize("index", [3, -1, 100])
    def test_index_out_of_range(self, index: int) -> None:
        """An index outside 0…n-1 names the range."""
        with pytest.raises(
            npl.UnknownAgentError,
            match=rf"group 'clerks' has agents 0…2; there is no agent {index}",
        ):
            office().send(npl.Address("clerks", index), "ask", Ask())

    @pytest.mark.parametrize("index", [1.0, True, "1"])
    def test_index_not_an_integer(self, index: Any) -> None:
        """An index that is not an integer is refused when sent, not when delivered."""
        with pytest.raises(npl.UnknownAgentError, match="an agent index must be an integer"):
            office().send(npl.Address("clerks", index), "ask", Ask())

    def test_numpy_integer_index(self) -> None:
        """numpy integers are indices too."""
        world = office()
        world.send(npl.Address("clerks", np.int64(2)), "ask", Ask(7))
        world.run(steps=1)
        assert world["clerks"][2].asked == [(0, 7)]

    def test_group_name_for_many_agents(self) -> None:
        """A single message to a group of several agents must say which one."""
        with pytest.raises(npl.UnknownAgentError, match=r"group 'clerks' has 3 agents"):
            office().send("clerks", "ask", Ask())

    def test_batch_target_out_of_range(self) -> None:
        with pytest.raises(
            npl.UnknownAgentError, match=r"group 'floor' has agents 0…4; the batch targets 5"
        ):
            office().send("floor", "ask", npl.Batch(Ask, [0, 5], question=1))

    def test_batch_to_one_agent(self) -> None:
        """A Batch names its own targets; addressing it to one agent is refused."""
        with pytest.raises(TypeError, match=r"address it to the group 'floor'"):
            office().send(npl.Address("floor", 1), "ask", npl.Batch(Ask, [0]))

    def test_not_an_address(self) -> None:
        with pytest.raises(TypeError, match="send to an Address or a group name"):
            office().send(("clerks", 0), "ask", Ask())  # type: ignore[arg-type]


class TestMessageTypes:
    def test_wrong_message_type(self) -> None:
        """The error names the channel, the group, the accepted type and the one sent."""
        with pytest.raises(
            npl.MessageTypeError, match=r"channel 'ask' of group 'clerks' expects Ask, got Answer"
        ):
            office().send(npl.Address("clerks", 1), "ask", Answer())

    def test_wrong_batch_type(self) -> None:
        with pytest.raises(
            npl.MessageTypeError,
            match=r"channel 'ask' of group 'floor' expects Ask, got Batch\[Answer\]",
        ):
            office().send("floor", "ask", npl.Batch(Answer, [0], value=1))

    def test_wrong_type_inside_a_handler(self) -> None:
        """A handler's bad send surfaces as a HandlerError caused by the MessageTypeError."""
        world = office()
        world.send("boss", "relay", Relay(to=npl.Address("clerks", 0), channel="relay"))
        with pytest.raises(npl.HandlerError) as info:
            world.run(steps=1)
        assert isinstance(info.value.__cause__, npl.MessageTypeError)
        assert "expects Relay, got Ask" in str(info.value.__cause__)

    def test_clock_needs_a_tick_channel(self) -> None:
        with pytest.raises(npl.MessageTypeError, match=r"accepts Ask; a clock sends Tick"):
            office().clock("clerks", "ask")


class TestDelays:
    @given(delay=bad_delays)
    def test_bad_delay(self, delay: Any) -> None:
        """Negative, NaN and infinite delays are refused, naming the value."""
        cause = relay_error(Relay(to=npl.Address("clerks", 0), delay=delay))
        assert isinstance(cause, npl.DelayError)
        plain = delay.item() if isinstance(delay, np.generic) else delay
        assert f"a delay must be finite and ≥ 0, got {plain!r}" in str(cause)

    @pytest.mark.parametrize("delay", ["1", None, True])
    def test_delay_not_a_number(self, delay: Any) -> None:
        cause = relay_error(Relay(to=npl.Address("clerks", 0), delay=delay))
        assert isinstance(cause, npl.DelayError)
        assert f"a delay must be a number ≥ 0, got {delay!r}" in str(cause)

    def test_bad_array_delay(self) -> None:
        """An array of delays names how many values are bad and shows one."""
        world = office()
        world.add("sender", BatchSender(delays=(1.0, -2.0, math.nan)))
        world.send("sender", "go", Ask())
        with pytest.raises(npl.HandlerError) as info:
            world.run(steps=1)
        assert isinstance(info.value.__cause__, npl.DelayError)
        assert "the array holds 2 bad value(s), e.g. -2.0" in str(info.value.__cause__)

    def test_array_delay_of_the_wrong_length(self) -> None:
        world = office()
        world.add("sender", BatchSender(delays=(1.0, 2.0)))
        world.send("sender", "go", Ask())
        with pytest.raises(npl.HandlerError) as info:
            world.run(steps=1)
        assert "a batch of 3 messages takes one delay or 3, got shape (2,)" in str(
            info.value.__cause__
        )

    @pytest.mark.parametrize("at", [math.nan, math.inf, -math.inf, "soon", True])
    def test_bad_send_time(self, at: Any) -> None:
        """A send from outside at a time that is not a finite number is refused at once."""
        with pytest.raises(npl.DelayError, match=r"at must be a finite time, got "):
            office().send(npl.Address("clerks", 0), "ask", Ask(), at=at)

    def test_send_into_the_past(self) -> None:
        world = office()
        world.run(steps=3)
        with pytest.raises(
            npl.DelayError,
            match=r"cannot send into the past: the world has run through t=2, so at=1 must be",
        ):
            world.send(npl.Address("clerks", 0), "ask", Ask(), at=1)

    def test_send_at_the_instant_already_run_and_sampled(self) -> None:
        """The instant at now is over (and sampled): a message due then would go unseen."""
        world = office()
        world.run(steps=3)
        with pytest.raises(npl.DelayError, match=r"at=2 must be later"):
            world.send(npl.Address("clerks", 0), "ask", Ask(), at=2)
        with pytest.raises(npl.DelayError, match=r"say when the message is due, with at="):
            world.send(npl.Address("clerks", 0), "ask", Ask())
        world.send(npl.Address("clerks", 0), "ask", Ask(), at=3)


class TestWellbeing:
    def test_nan_wellbeing_names_the_agent(self) -> None:
        world = office()
        world["clerks"][1].mood = math.nan
        with pytest.raises(
            npl.WellbeingError, match=r"in world 'office' at t=0: wellbeing of clerks\[1\] is nan"
        ):
            world.run(steps=1)

    def test_infinite_population_wellbeing_names_the_agent(self) -> None:
        world = office()
        world["floor"].mood[3] = math.inf
        with pytest.raises(npl.WellbeingError, match=r"wellbeing of floor\[3\] is inf"):
            world.omega()

    def test_wellbeing_not_a_number(self) -> None:
        world = office()
        world["boss"].mood = "happy"
        with pytest.raises(
            npl.WellbeingError, match=r"wellbeing of boss\[0\] must be a number, got 'happy'"
        ):
            world.omega()

    def test_population_wellbeing_of_the_wrong_shape(self) -> None:
        world = office()
        world["floor"].mood = np.zeros(4)
        with pytest.raises(npl.WellbeingError, match=r"must return 5 values, got shape \(4,\)"):
            world.omega()


def failing_office() -> npl.World:
    """Deliveries at 0, 1, 2 and 3; at t=3 clerk 1 fails after clerk 0 was asked."""
    world = office(seed=5)
    world.send(npl.Address("clerks", 0), "ask", Ask(1), at=0)
    world.send("boss", "relay", Relay(to=npl.Address("clerks", 2), delay=1.5), at=1)
    world.send("floor", "ask", npl.Batch(Ask, [4, 1], question=2), at=2)
    world.send(npl.Address("clerks", 0), "ask", Ask(3), at=3)
    world.send(npl.Address("clerks", 1), "relay", Relay(fail=True), at=3)
    world.send(npl.Address("clerks", 2), "ask", Ask(4), at=4)
    return world


class TestHandlerErrors:
    def test_names_world_agent_channel_time_and_message(self) -> None:
        """The error says where it happened; ``__cause__`` is the handler's own exception."""
        world = failing_office()
        with pytest.raises(npl.HandlerError) as info:
            world.run(steps=10)
        err = info.value
        assert str(err) == (
            "in world 'office', agent clerks[1] of type Clerk, channel 'relay' at t=3, "
            "handling Relay(to=None, channel='ask', delay=0, fail=True): "
            "RuntimeError: the clerk refuses"
        )
        assert (err.world, err.agent, err.channel, err.time) == (
            "office",
            "clerks[1] of type Clerk",
            "relay",
            3,
        )
        assert err.message == Relay(fail=True)
        assert isinstance(err.__cause__, RuntimeError)
        assert str(err.__cause__) == "the clerk refuses"

    def test_population_handler(self) -> None:
        """In a population the error names the population and carries the whole batch."""
        world = office()
        world.send("floor", "ask", npl.Batch(Ask, [0, 3], question=np.array([1, -1])), at=2)
        with pytest.raises(npl.HandlerError) as info:
            world.run(until=5)
        err = info.value
        assert err.agent == "floor (population) of type Office"
        assert (err.channel, err.time) == ("ask", 2)
        assert isinstance(err.message, npl.Batch)
        assert err.message.to.tolist() == [0, 3]
        assert isinstance(err.__cause__, ValueError)

    def test_world_stays_at_the_last_complete_instant(self) -> None:
        """Time, state and pending queue equal those of a twin run up to the instant before."""
        world = failing_office()
        with pytest.raises(npl.HandlerError) as info:
            world.run(steps=10)
        twin = failing_office()
        expected = twin.run(until=2)  # the samples the failed run had taken
        twin.run(until=2.5)
        assert world.now == 2.5  # the last instant delivered, at 2.5 (the relayed Ask)
        assert twin.now == world.now
        assert [c.asked for c in world["clerks"]] == [c.asked for c in twin["clerks"]]
        assert world["clerks"][0].asked == [(0, 1)]  # Ask(3) at t=3 is not half-applied
        assert world["boss"].asked == twin["boss"].asked
        assert np.array_equal(world["floor"].asked, twin["floor"].asked)
        assert world.pending() == twin.pending()
        assert world.statistics() == twin.statistics()
        assert info.value.results.equals(expected)
        assert info.value.results.frame()["t"].tolist() == [0, 1, 2]

    def test_failed_world_can_be_snapshotted_and_inspected(self) -> None:
        world = failing_office()
        with pytest.raises(npl.HandlerError):
            world.run(steps=10)
        snap = pickle.loads(pickle.dumps(world.snapshot()))
        assert snap.time == world.now
        assert world.describe()["clerks"]["channels"]["relay"]["accepts"] == "Relay"
        assert [t for t, *_ in world.pending()] == [3, 3, 4]
        fresh = failing_office()
        fresh.restore(snap)
        assert fresh.pending() == world.pending()

    def test_handler_error_pickles(self) -> None:
        """A HandlerError crosses process boundaries (experiments run worlds in workers)."""
        with pytest.raises(npl.HandlerError) as info:
            failing_office().run(steps=10)
        again = pickle.loads(pickle.dumps(info.value))
        assert str(again) == str(info.value)
        assert again.results.equals(info.value.results)


class TestInvariants:
    def test_broken_invariant_names_itself_and_the_time(self) -> None:
        world = office()
        world.send(npl.Address("clerks", 0), "ask", Ask(), at=1)
        world.send(npl.Address("clerks", 0), "ask", Ask(), at=3)
        world.invariant("nobody asked twice", lambda w: len(w["clerks"][0].asked) < 2)
        with pytest.raises(
            npl.InvariantError,
            match=r"in world 'office' at t=3: invariant 'nobody asked twice' broken",
        ) as info:
            world.run(until=3.5, check=True)
        assert (info.value.invariant, info.value.time) == ("nobody asked twice", 3)

    def test_assertion_message_is_kept(self) -> None:
        world = office()

        def quiet(w: npl.World) -> None:
            assert not w["boss"].asked, "the boss was asked"

        world.invariant("quiet boss", quiet)
        world.send("boss", "ask", Ask(), at=1)
        with pytest.raises(npl.InvariantError, match=r"'quiet boss' broken: the boss was asked"):
            world.run(steps=5, check=True)

    def test_unchecked_by_default(self) -> None:
        world = office()
        world.invariant("never", lambda w: False)
        world.send("boss", "ask", Ask(), at=1)
        world.run(steps=5)


class TestTypedGroups:
    """``world[name, Kind]`` checks what a group is and types it for the reader's checker."""

    def test_one_agent_a_population_and_a_list_come_back_as_asked(self) -> None:
        world = office()
        boss: Clerk = world["boss", Clerk]
        floor: Office = world["floor", Office]
        clerks: list[Clerk] = world["clerks", list[Clerk]]
        assert boss is world["boss"]
        assert floor is world["floor"]
        assert clerks is world["clerks"]

    @pytest.mark.parametrize(
        ("key", "message"),
        [
            (
                ("boss", Office),
                "group 'boss' is of type Clerk, not Office; ask for world['boss', Clerk]",
            ),
            (
                ("clerks", Clerk),
                "group 'clerks' is of type list[Clerk], not Clerk; "
                "ask for world['clerks', list[Clerk]]",
            ),
            (
                ("clerks", list[Office]),
                "group 'clerks' is of type list[Clerk], not list[Office]; "
                "ask for world['clerks', list[Clerk]]",
            ),
            (
                ("floor", list[Office]),
                "group 'floor' is of type Office, not list[Office]; ask for world['floor', Office]",
            ),
        ],
    )
    def test_the_wrong_kind_is_refused_with_the_right_one(
        self, key: tuple[str, Any], message: str
    ) -> None:
        world = office()
        with pytest.raises(npl.DefinitionError) as info:
            world[key]
        assert str(info.value) == message
