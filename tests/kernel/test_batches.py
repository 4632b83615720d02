"""Batches: many messages of one type as numpy columns, delivered per instant.

A population receives everything due for it in one round as one Batch, whatever was sent
(single messages, batches, broadcasts); scalar agents receive the same messages one by one;
a Batch with one delay per message is split into the right instants.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st

import npolitics as npl


@attrs.frozen
class Gift:
    size: int
    weight: float = 1.0


@attrs.frozen
class Plan:
    """Ask the sender to send ``to`` with one delay each (population "crowd")."""

    to: tuple[int, ...] = ()
    delays: tuple[float, ...] = ()
    sizes: tuple[int, ...] = ()


class Giver(npl.Agent):
    received: list[Any] = attrs.field(factory=list)

    @npl.channel
    def gift(self, m: Gift, ctx: npl.Context) -> None:
        self.received.append((ctx.now, m))

    @npl.channel
    def plan(self, m: Plan, ctx: npl.Context) -> None:
        batch = npl.Batch(Gift, np.array(m.to), size=np.array(m.sizes))
        ctx.send("crowd", "gift", batch, delay=np.array(m.delays))

    @npl.channel
    def shout(self, m: Gift, ctx: npl.Context) -> None:
        ctx.broadcast("givers", "gift", m, delay=1)
        ctx.broadcast("crowd", "gift", m, delay=1)


class Crowd(npl.Population):
    batches: list[Any] = attrs.field(factory=list)
    total: npt.NDArray[np.int64] = npl.column(np.int64, 0)

    @npl.channel
    def gift(self, batch: npl.Batch[Gift], ctx: npl.Context) -> None:
        np.add.at(self.total, batch.to, batch.size)
        self.batches.append(
            (ctx.now, batch.to.tolist(), batch.size.tolist(), batch.weight.tolist())
        )


def world() -> npl.World:
    w = npl.World("gifts")
    w.add("givers", [Giver() for _ in range(3)])
    w.add("crowd", Crowd(n=5))
    return w


class TestArrayDelays:
    def test_split_into_the_right_instants(self) -> None:
        """Each message arrives at its own delay; one batch per instant, rows in order."""
        w = world()
        plan = Plan(to=(4, 0, 1, 3, 2), delays=(2, 0.5, 2, 1, 0.5), sizes=(10, 20, 30, 40, 50))
        w.send(npl.Address("givers", 0), "plan", plan)
        w.run()
        assert w["crowd"].batches == [
            (0.5, [0, 2], [20, 50], [1.0, 1.0]),
            (1, [3], [40], [1.0]),
            (2, [4, 1], [10, 30], [1.0, 1.0]),
        ]

    @given(
        delays=st.lists(st.sampled_from([0, 0.5, 1, 2.5, 3]), min_size=1, max_size=12).map(tuple)
    )
    def test_every_message_arrives_once_at_its_delay(self, delays: tuple[float, ...]) -> None:
        w = world()
        n = len(delays)
        to = tuple(i % 5 for i in range(n))
        w.send(npl.Address("givers", 1), "plan", Plan(to, delays, tuple(range(n))))
        w.run()
        arrived = [(t, size) for t, _, sizes, _ in w["crowd"].batches for size in sizes]
        assert sorted(arrived, key=lambda a: a[1]) == [(delays[i], i) for i in range(n)]
        times = [t for t, *_ in w["crowd"].batches]
        assert times == sorted(set(times))  # one batch per instant


class TestMixedDeliveries:
    def test_population_receives_singles_as_one_batch_in_send_order(self) -> None:
        w = world()
        w.send(npl.Address("crowd", 3), "gift", Gift(1), at=1)
        w.send("crowd", "gift", npl.Batch(Gift, [0, 4], size=np.array([2, 3]), weight=0.5), at=1)
        w.send(npl.Address("crowd", 3), "gift", Gift(4, 2.0), at=1)
        w.run()
        assert w["crowd"].batches == [(1, [3, 0, 4, 3], [1, 2, 3, 4], [1.0, 0.5, 0.5, 2.0])]
        assert w["crowd"].total.tolist() == [2, 0, 0, 5, 3]

    def test_scalar_agents_receive_a_batch_one_message_at_a_time(self) -> None:
        """Rows become messages with plain Python fields, in batch order."""
        w = world()
        w.send("givers", "gift", npl.Batch(Gift, [2, 0, 2], size=np.array([7, 8, 9])), at=2)
        w.run()
        assert w["givers"][2].received == [(2, Gift(7)), (2, Gift(9))]
        assert w["givers"][0].received == [(2, Gift(8))]
        (_, gift) = w["givers"][0].received[0]
        assert type(gift.size) is int
        assert type(gift.weight) is float

    def test_broadcast_reaches_everyone(self) -> None:
        """A broadcast gives every agent of a group the same message, in index order."""
        w = world()
        w.send(npl.Address("givers", 1), "shout", Gift(5, 0.25))
        w.run()
        assert [g.received for g in w["givers"]] == [[(1, Gift(5, 0.25))]] * 3
        assert w["crowd"].batches == [(1, [0, 1, 2, 3, 4], [5] * 5, [0.25] * 5)]
        assert w.statistics().messages_delivered == 1 + 3 + 5


class TestBatchValues:
    def test_columns_and_shared_values(self) -> None:
        """A column given once is shared by every message; reading it gives one per message."""
        b = npl.Batch(Gift, [1, 2, 3], size=np.array([4, 5, 6]), weight=0.5)
        assert len(b) == 3
        assert b.weight.tolist() == [0.5, 0.5, 0.5]
        assert b.column("weight") == 0.5
        assert list(b.messages()) == [(1, Gift(4, 0.5)), (2, Gift(5, 0.5)), (3, Gift(6, 0.5))]

    def test_select_and_retarget(self) -> None:
        b = npl.Batch(Gift, [1, 2, 3], size=np.array([4, 5, 6]))
        picked = b.select(np.array([True, False, True]))
        assert picked.to.tolist() == [1, 3]
        assert picked.size.tolist() == [4, 6]
        moved = b.retarget([0, 0, 0])
        assert moved.to.tolist() == [0, 0, 0]
        assert moved.size.tolist() == [4, 5, 6]

    def test_unknown_field(self) -> None:
        with pytest.raises(TypeError, match=r"Gift has no field\(s\) \['colour'\]"):
            npl.Batch(Gift, [0], size=1, colour=2)

    def test_missing_column(self) -> None:
        with pytest.raises(TypeError, match=r"Batch of Gift needs a column for field 'size'"):
            npl.Batch(Gift, [0])

    def test_column_of_the_wrong_length(self) -> None:
        with pytest.raises(ValueError, match=r"column 'size' has 2 entries but the batch has 3"):
            npl.Batch(Gift, [0, 1, 2], size=np.array([1, 2]))

    def test_unknown_column(self) -> None:
        with pytest.raises(AttributeError, match=r"Batch of Gift has no column 'colour'"):
            _ = npl.Batch(Gift, [0], size=1).colour

    def test_not_a_message_type(self) -> None:
        with pytest.raises(TypeError, match=r"is not a message type: decorate it with @attrs"):
            npl.Batch(dict, [0])
