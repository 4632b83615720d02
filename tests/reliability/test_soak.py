"""Soak: 10⁷ messages through a population world, invariants checked at intervals, memory
sampled: the only growth is the results the caller keeps."""

from __future__ import annotations

import gc
import tracemalloc

import pytest

import npolitics as npl

from .fault_worlds import Fault, population_world

SAVERS = 10_000
INTERVAL = 50  # steps between invariant checks and memory samples
INTERVALS = 20
#: Allocator noise tolerated over the whole soak: 64 KiB, under one byte per 100 messages
#: and one 64-byte object per instant — a per-message or per-batch leak would exceed it.
SLACK = 64 * 1024


@pytest.mark.slow
def test_ten_million_messages_keep_memory_flat() -> None:
    world = population_world(SAVERS, seed=11, fault=Fault())
    world.run(INTERVAL, check=True)  # warm-up: queue, caches and buffers reach their size
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        kept: list[npl.Results] = []
        samples = []
        for _ in range(INTERVALS):
            kept.append(world.run(INTERVAL - 1))
            kept.append(world.run(1, check=True))  # every invariant, at this instant
            gc.collect()
            samples.append(tracemalloc.get_traced_memory()[0] - base)
        grown = samples[-1]
        del kept
        gc.collect()
        leaked = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    stats = world.statistics()
    assert stats.messages_delivered >= 10**7
    assert stats.instants == (INTERVALS + 1) * INTERVAL
    assert grown > 0, "the kept results take memory"
    # The world keeps one rollback checkpoint (renewed every few hundred steps: the first
    # one was taken before tracing began, its successors are counted), about a snapshot's size.
    checkpoint = len(world.snapshot().data)
    print(f"delivered {stats.messages_delivered}, kept {grown} B, then {leaked} B left")
    assert leaked <= SLACK + checkpoint, (
        f"memory grew by {leaked} bytes beyond the kept results and one checkpoint "
        f"({checkpoint} B): {samples}"
    )
    assert stats.pending_chunks == 1  # only the clock's next tick waits
