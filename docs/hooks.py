"""mkdocs hooks: figures that the docs draw with code at build time, and tidy references.

The kernel's flow diagram on the concepts page is drawn by ``docs/figures/kernel_flow.py``
during every build and added to the site as a generated file, so it cannot drift from the
code that draws it and nothing is fetched at run time.
Docstrings name other objects with Sphinx roles (``:class:`~npolitics.Batch```), which
mkdocstrings shows verbatim; the reference pages show them as plain code names instead.
"""

from __future__ import annotations

import re
import runpy
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

FIGURES = Path(__file__).parent / "figures"

# A Sphinx role as rendered: ":class:<code>~npolitics.Batch</code>" (tilde: last part only).
_ROLE = re.compile(r":(?:class|meth|func|attr|mod|data|exc|obj):<code>(~?)([\w.]+)</code>")


def _load(name: str) -> Any:
    """The script ``docs/figures/<name>.py`` as a module (the pages' number-maker's loader)."""
    return runpy.run_path(str(FIGURES / "_numbers.py"))["load"](name)


def on_files(files: Files, config: Any) -> Files:
    """Add ``figures/kernel_flow.svg``, drawn now."""
    files.append(
        File.generated(config, "figures/kernel_flow.svg", content=_load("kernel_flow").svg())
    )
    return files


def on_page_content(html: str, **kwargs: Any) -> str:
    """Show ``:role:`~a.b.C``` as ``C`` and ``:role:`a.b.C``` as ``a.b.C``."""
    return _ROLE.sub(_plain_name, html)


def _plain_name(m: re.Match[str]) -> str:
    name = m[2].rsplit(".", 1)[-1] if m[1] else m[2]
    return f"<code>{name}</code>"
