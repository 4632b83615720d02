"""Make the numbers and figures of the docs pages, and write them into the pages.

    python docs/figures/build.py --pages      # the pages from the checked-in outputs (seconds)
    python docs/figures/build.py --check      # exit 1 if a page differs from its outputs
    python docs/figures/build.py [SCRIPT ...]  # re-run the scripts (long), then --pages
    python docs/figures/build.py --quick [--out DIR] [SCRIPT ...]   # a smoke run of each

Each page's script (``_numbers.PAGES``) has ``make(quick)``, which runs its simulations and
writes its outputs (tables in ``docs/figures/<script>/`` or ``<script>.txt``, figures), and
``numbers()``, which turns the checked-in outputs into the text of the page's marked blocks.
``--quick`` runs every script at a small size into a scratch directory (default: a temporary
one) and fills copies of the pages there: it checks that the scripts still run and still make
every block, and touches neither the pages nor the checked-in outputs. It runs the worlds'
compiled rules as Python (``NPOLITICS_COMPILED=0``, unless set otherwise): at these sizes
numba's compilation would cost more than the runs, and both give the same numbers.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.append(str(Path(__file__).parents[2]))  # the repository: worlds, examples

import _numbers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scripts", nargs="*", help="scripts to run (default: every page's)")
    parser.add_argument("--pages", action="store_true", help="only rewrite the pages")
    parser.add_argument("--check", action="store_true", help="only check the pages")
    parser.add_argument("--quick", action="store_true", help="smoke run into a scratch dir")
    parser.add_argument("--out", type=Path, help="scratch directory of --quick")
    args = parser.parse_args(argv)
    pages = {page: name for page, name in _numbers.PAGES.items() if name in args.scripts}
    if unknown := set(args.scripts) - set(_numbers.PAGES.values()):
        parser.error(f"no such script: {sorted(unknown)}; known: {sorted(_numbers.PAGES.values())}")
    pages = pages or dict(_numbers.PAGES)
    if args.check:
        return check(pages)
    if args.quick:
        out = args.out or Path(tempfile.mkdtemp(prefix="npolitics-docs-"))
        quick(pages, out)
        return 0
    if not args.pages:
        for name in pages.values():
            start = time.process_time()
            _numbers.load(name).make(quick=False)
            print(f"{name}: made in {time.process_time() - start:.0f} s CPU", flush=True)
    write(pages)
    return 0


def write(pages: dict[str, str]) -> None:
    for page, name in pages.items():
        path = _numbers.DOCS / page
        text = path.read_text()
        new = _numbers.fill(text, _numbers.load(name).numbers())
        if new != text:
            path.write_text(new)
            print(f"rewrote {path}")


def check(pages: dict[str, str]) -> int:
    bad = 0
    for page, name in pages.items():
        names = _numbers.stale((_numbers.DOCS / page).read_text(), _numbers.load(name).numbers())
        for block in names:
            print(f"docs/{page}: block {block!r} differs from docs/figures/{name}.py's outputs")
        bad += len(names)
    if bad:
        print("run: python docs/figures/build.py --pages")
    return int(bool(bad))


def quick(pages: dict[str, str], out: Path) -> None:
    os.environ.setdefault("NPOLITICS_COMPILED", "0")
    for page, name in pages.items():
        module = _numbers.load(name)
        module.DATA = out / name
        module.DATA.mkdir(parents=True, exist_ok=True)
        start = time.process_time()
        module.make(quick=True)
        filled = _numbers.fill((_numbers.DOCS / page).read_text(), module.numbers())
        copy = out / page
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(filled)
        print(f"{name}: quick run in {time.process_time() - start:.0f} s CPU -> {copy}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
