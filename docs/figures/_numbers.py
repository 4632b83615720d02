"""Numbers on the docs pages, made by code: marked blocks filled from the scripts' outputs.

A page marks every passage whose numbers a script makes:

    <!-- numbers:begin grand-tail -->
    | variant | tail mean | ... (written by the script; do not edit by hand)
    <!-- numbers:end -->

or, inside a sentence, ``<!-- numbers:begin name -->0.552 ± 0.012<!-- numbers:end -->``.
Each page has one script in ``docs/figures/`` with a function ``numbers()`` that reads the
script's checked-in outputs (never runs a simulation) and returns the text of every block by
name. :func:`fill` rewrites a page's blocks; :func:`stale` lists the blocks that differ, which
``tests/docs/test_docs_numbers.py`` requires to be none. A page has a block for every name
its script makes and the script a text for every block of its page.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType

FIGURES = Path(__file__).parent
DOCS = FIGURES.parent

PAGES: dict[str, str] = {
    "worlds/knowledge-office.md": "knowledge_office",
    "worlds/sugar-spice.md": "sugar_spice",
    "worlds/rosca.md": "rosca",
    "worlds/info-decay.md": "info_decay",
}
"""Each page whose numbers a script makes, and the script (``docs/figures/<name>.py``)."""

BLOCK = re.compile(r"<!-- numbers:begin ([\w.-]+) -->(.*?)<!-- numbers:end -->", re.DOTALL)


def load(name: str) -> ModuleType:
    """The script ``docs/figures/<name>.py``, imported as a module (its ``main`` not run)."""
    spec = importlib.util.spec_from_file_location(f"_docs_figure_{name}", FIGURES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def blocks(text: str) -> dict[str, str]:
    """Every marked block of a page by name, with its text as written (without markers).

    A name may mark several places (the same figure quoted twice); they must then agree.
    """
    found: dict[str, str] = {}
    for m in BLOCK.finditer(text):
        body = _strip(m[2])
        if found.setdefault(m[1], body) != body:
            raise ValueError(f"the blocks named {m[1]!r} differ")
    return found


def fill(text: str, numbers: Mapping[str, str]) -> str:
    """The page with every block's text replaced by ``numbers[name]``.

    A block on lines of its own stays so, with blank lines around its text (so tables and
    lists inside it are Markdown blocks); a block inside a line stays inside the line.
    """
    _match(text, numbers)

    def replace(m: re.Match[str]) -> str:
        body = numbers[m[1]].strip("\n")
        if m[2].startswith("\n"):
            body = f"\n\n{body}\n\n"
        return f"<!-- numbers:begin {m[1]} -->{body}<!-- numbers:end -->"

    return BLOCK.sub(replace, text)


def stale(text: str, numbers: Mapping[str, str]) -> list[str]:
    """The names of the blocks whose text is not what the script makes now.

    A name marking several places is stale if any of them differs (they need not agree).
    """
    _match(text, numbers)
    return sorted({m[1] for m in BLOCK.finditer(text) if _strip(m[2]) != numbers[m[1]].strip("\n")})


def _match(text: str, numbers: Mapping[str, str]) -> None:
    names = {m[1] for m in BLOCK.finditer(text)}
    if missing := sorted(set(numbers) - names):
        raise ValueError(f"the page has no block for {missing}")
    if unknown := sorted(names - set(numbers)):
        raise ValueError(f"the script makes no text for the blocks {unknown}")


def _strip(body: str) -> str:
    return body.strip("\n")


def page_numbers(page: str) -> dict[str, str]:
    """The text of every block of ``page`` (relative to docs/), from its checked-in outputs."""
    numbers: dict[str, str] = load(PAGES[page]).numbers()
    return numbers


def mean_se(values: object, digits: int = 3) -> str:
    """``mean ± standard error`` of a sample (the s.e. from the sample's standard deviation)."""
    import numpy as np

    x = np.asarray(values, dtype=float)
    se = x.std(ddof=1) / np.sqrt(x.size) if x.size > 1 else float("nan")
    return f"{x.mean():.{digits}f} ± {se:.{digits}f}"


def seeds(values: object) -> str:
    """``seeds 1–5`` or ``seeds 1, 3, 7``: the seeds of a sample, in words."""
    s = sorted(int(v) for v in values)  # type: ignore[attr-defined]
    if len(s) == 1:
        return f"seed {s[0]}"
    if s == list(range(s[0], s[-1] + 1)):
        return f"seeds {s[0]}–{s[-1]}"
    return "seeds " + ", ".join(map(str, s))


def num(n: float) -> str:
    """An integer with thin groups of three digits, as the pages write them: ``10 000``."""
    return f"{round(n):,}".replace(",", " ")


def pct(x: float) -> str:
    """A share as the pages write it: ``54 %``."""
    return f"{100 * x:.0f} %"


def sci(x: float, digits: int = 2) -> str:
    """A small or large number as the pages write it: ``9.1·10⁻⁶``."""
    import math

    exp = math.floor(math.log10(abs(x)))
    sup = str(exp).translate(str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻"))
    return f"{x / 10**exp:.{digits}g}·10{sup}"
