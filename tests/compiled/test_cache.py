"""The key under which compiled code is cached on disk: the same code gets the same key in
every run and every process, and any change numba would compile differently gets a new one."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

from npolitics._compiled import fingerprint


def defined(source: str, **globals_: Any) -> Callable[..., Any]:
    """The function ``f`` of ``source``, freshly compiled: its constants referred to by
    its code alone, as in a module just imported."""
    namespace: dict[str, Any] = dict(globals_)
    exec(compile(source, "<rule>", "exec"), namespace)
    f: Callable[..., Any] = namespace["f"]
    return f


RULE = "def f(x):\n    return x * 1.2345678e-09 + LIMIT\n"


def test_the_key_does_not_change_when_the_codes_constants_gain_references() -> None:
    # numba compiling a function holds references to its constants; marshal's bytes, the
    # key's former source, then mark them as shared, and the next run compiled again
    f = defined(RULE, LIMIT=3)
    before = fingerprint(f)
    held = list(f.__code__.co_consts)
    assert fingerprint(f) == before
    assert held  # kept alive until here


def test_the_key_is_the_same_for_the_same_code_defined_twice() -> None:
    assert fingerprint(defined(RULE, LIMIT=3)) == fingerprint(defined(RULE, LIMIT=3))


def test_the_key_changes_with_the_code_a_constant_or_a_number_it_reads() -> None:
    key = fingerprint(defined(RULE, LIMIT=3))
    assert fingerprint(defined(RULE.replace("+", "-"), LIMIT=3)) != key
    assert fingerprint(defined(RULE.replace("1.2345678e-09", "1e-09"), LIMIT=3)) != key
    assert fingerprint(defined(RULE, LIMIT=4)) != key


def test_the_key_is_the_same_in_processes_with_other_string_hash_seeds() -> None:
    # a set literal becomes a frozenset constant, whose order follows the string hash seed
    script = (
        "from npolitics._compiled import fingerprint\n"
        "def f(x):\n"
        "    return x in {'alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'}\n"
        "print(fingerprint(f).hex())\n"
    )
    keys = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(keys) == 1
