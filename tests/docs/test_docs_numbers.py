"""Every number in a marked block of a world's page is what its script makes from the
checked-in outputs (``docs/figures/build.py``), so a page cannot drift from its script."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
FIGURES = ROOT / "docs" / "figures"
sys.path.insert(0, str(FIGURES))

import _numbers  # noqa: E402 - docs/figures is not a package


@pytest.mark.parametrize("page", sorted(_numbers.PAGES))
def test_page_agrees_with_its_outputs(page: str) -> None:
    """The page's blocks are exactly what its script makes now from its outputs (no
    simulation runs); after re-running a script, ``build.py --pages`` brings them in line."""
    pytest.importorskip("pandas")
    text = (_numbers.DOCS / page).read_text()
    assert _numbers.blocks(text), f"docs/{page} has no numbers:begin blocks"
    stale = _numbers.stale(text, _numbers.page_numbers(page))
    assert not stale, (
        f"docs/{page}: {stale} differ from docs/figures/{_numbers.PAGES[page]}.py's outputs; "
        "run python docs/figures/build.py --pages"
    )


def test_every_world_page_has_a_script() -> None:
    """A new world page needs its own script (and blocks) before it can quote numbers."""
    worlds = {f"worlds/{p.name}" for p in (ROOT / "docs" / "worlds").glob("*.md")}
    assert worlds <= set(_numbers.PAGES)
    for name in _numbers.PAGES.values():
        assert (FIGURES / f"{name}.py").exists()


def test_fill_rewrites_blocks_in_lines_and_between_lines() -> None:
    """A block inside a sentence stays inside it; a block on its own lines gets blank lines
    around its text (so a table is a Markdown block); filling twice changes nothing."""
    page = (
        "Mean <!-- numbers:begin m -->old<!-- numbers:end --> here.\n\n"
        "<!-- numbers:begin t -->\n| a |\n<!-- numbers:end -->\n"
    )
    numbers = {"m": "0.552 ± 0.012", "t": "| a |\n|---|\n| 1 |"}
    filled = _numbers.fill(page, numbers)
    assert "Mean <!-- numbers:begin m -->0.552 ± 0.012<!-- numbers:end --> here." in filled
    assert "<!-- numbers:begin t -->\n\n| a |\n|---|\n| 1 |\n\n<!-- numbers:end -->" in filled
    assert _numbers.fill(filled, numbers) == filled
    assert _numbers.stale(filled, numbers) == []
    assert _numbers.stale(page, numbers) == ["m", "t"]


def test_a_name_may_mark_several_places_which_must_agree() -> None:
    """A figure quoted twice is one block name; the name is stale if any place differs."""
    once = "<!-- numbers:begin a -->1<!-- numbers:end -->"
    page = f"{once} {once}"
    assert _numbers.blocks(page) == {"a": "1"}
    assert _numbers.stale(page.replace(">1<", ">2<", 1), {"a": "1"}) == ["a"]


def test_blocks_and_texts_must_match_one_to_one() -> None:
    """A block no script fills, or a text no block shows, is an error naming it."""
    page = "<!-- numbers:begin a --><!-- numbers:end -->"
    with pytest.raises(ValueError, match=r"no block for \['b'\]"):
        _numbers.fill(page, {"a": "1", "b": "2"})
    with pytest.raises(ValueError, match=r"no text for the blocks \['a'\]"):
        _numbers.stale(page, {})


def test_mean_se_and_seeds() -> None:
    assert _numbers.mean_se([1.0, 2.0, 3.0]) == "2.000 ± 0.577"
    assert _numbers.seeds([3, 1, 2]) == "seeds 1–3"
    assert _numbers.seeds([1, 5]) == "seeds 1, 5"
    assert _numbers.num(10_000) == "10 000"


@pytest.mark.slow
def test_every_script_still_runs_quickly(tmp_path: Path) -> None:
    """``build.py --quick`` runs each script at a small size into a scratch directory and
    fills copies of the pages from what it made: the scripts still work with the API."""
    done = subprocess.run(
        [sys.executable, str(FIGURES / "build.py"), "--quick", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-6000:]
    for page in _numbers.PAGES:
        assert (tmp_path / page).exists()
