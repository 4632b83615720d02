"""npolitics.cadcad's implementations for the ``rosca_cadcad`` benchmark case.

They run the very functions of ``benchmarks/models/rosca_cadcad_model.py`` (genesis state,
partial state update blocks, swept parameters in their deterministic form) through
``npolitics.cadcad.run``, timed from model set-up to the output DataFrame like cadCAD's and
radCAD's, and report the same frame digest, so that identical frames show as identical
statistics. The case "rosca_cadcad" lists ``IMPLEMENTATIONS`` beside cadCAD and radCAD.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from benchmarks._harness import Outcome, Sizes, needs
from benchmarks.models import rosca_cadcad_model as model


def _run(sizes: Sizes, seed: int, *, legacy_random: bool) -> Outcome:
    from npolitics import cadcad

    start = time.perf_counter()
    frame = cadcad.run(
        model.genesis_state(sizes["members"]),
        model.PARTIAL_STATE_UPDATE_BLOCKS,
        cadcad.config_sim(
            {
                "N": sizes["runs"],
                "T": range(sizes["timesteps"]),
                "M": model.sweep_params(sizes["members"], deterministic=True),
            }
        ),
        seed=seed,
        legacy_random=legacy_random,
    )
    seconds = time.perf_counter() - start
    return Outcome(model.checksum(frame.to_dict("records")), seconds=seconds)


@needs("npolitics", "pandas")
def run_npolitics(sizes: Sizes, seed: int) -> Outcome:
    """npolitics.cadcad.run with its defaults (global random generators seeded per run)."""
    return _run(sizes, seed, legacy_random=True)


@needs("npolitics", "pandas")
def run_npolitics_together(sizes: Sizes, seed: int) -> Outcome:
    """npolitics.cadcad.run, legacy_random=False: the runs advance together in one world."""
    return _run(sizes, seed, legacy_random=False)


IMPLEMENTATIONS: list[tuple[str, Callable[[Sizes, int], Any]]] = [
    ("npolitics.cadcad", run_npolitics),
    ("npolitics.cadcad legacy_random=False", run_npolitics_together),
]
