"""mkdocs hooks: figures that the docs draw with code at build time.

The kernel's flow diagram on the concepts page is drawn by ``docs/figures/kernel_flow.py``
during every build and added to the site as a generated file, so it cannot drift from the
code that draws it and nothing is fetched at run time.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

FIGURES = Path(__file__).parent / "figures"


def _load(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"_docs_figure_{name}", FIGURES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def on_files(files: Files, config: Any) -> Files:
    """Add ``figures/kernel_flow.svg``, drawn now."""
    files.append(
        File.generated(config, "figures/kernel_flow.svg", content=_load("kernel_flow").svg())
    )
    return files
