"""One random stream tree per run: a ``SeedSequence`` spawned into named child streams.

A stream's key is derived from its name, not from the order in which streams are asked for,
so adding a group to a world does not change the streams of the others.
"""

from __future__ import annotations

import random
import zlib

import numpy as np

from ._errors import ArgumentError

Seed = int | np.random.SeedSequence


def seed_sequence(seed: Seed | None) -> np.random.SeedSequence:
    """The root ``SeedSequence`` of a run (fresh entropy when ``seed`` is None)."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if seed is not None and (not isinstance(seed, int | np.integer) or seed < 0):
        raise ArgumentError(f"seed must be an integer ≥ 0 or a numpy SeedSequence, got {seed!r}")
    return np.random.SeedSequence(seed)


def child(root: np.random.SeedSequence, name: str) -> np.random.SeedSequence:
    """The child of ``root`` named ``name``: the same name always gives the same stream."""
    key = zlib.crc32(name.encode())
    return np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, key))


def stream(root: np.random.SeedSequence, name: str) -> np.random.Generator:
    """A numpy Generator on the child stream of ``root`` named ``name``."""
    return np.random.Generator(np.random.PCG64(child(root, name)))


def python_random(seq: np.random.SeedSequence) -> random.Random:
    """A Python ``random.Random`` seeded from ``seq``: single draws at Python's speed, from
    the same tree (``random.Random`` is a Mersenne Twister: fine for simulation, not crypto)."""
    return random.Random(int.from_bytes(seq.generate_state(8, np.uint32).tobytes(), "little"))
