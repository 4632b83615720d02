"""End to end in a real headless Chromium: set parameters, run, watch the plot, read Ω."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _missing(reason: str) -> None:
    """Skip the module, saying why; where CI requires the browser tests, fail instead."""
    if os.environ.get("NPOLITICS_REQUIRE_BROWSER"):
        pytest.fail(f"{reason}, and NPOLITICS_REQUIRE_BROWSER is set", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


if CHROMIUM is None:
    _missing("no Chromium installed (apt-get install chromium)")
try:
    import hypercorn  # noqa: F401 - the server the tests start
    from playwright import sync_api
except ImportError as exc:
    _missing(f"the browser tests need playwright and hypercorn (the dev extra): {exc}")

from .walkers import walkers  # noqa: E402

ROOT = Path(__file__).parents[2]
SERVER = """
import sys
sys.path.insert(0, {root!r})
from npolitics._dashboard import serve
from tests.dashboard.walkers import walkers
serve({{"walkers": walkers}}, port={port}, started=lambda url: print(url, flush=True))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER.format(root=str(ROOT), port=port)],
        stdout=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        raise AssertionError("the dashboard server did not start")
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


def open_dashboard(browser: object, server: str) -> object:
    """A new tab on the dashboard, once its form is built from the world's parameters."""
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(server)
    page.wait_for_selector("#create:enabled")
    return page


def create_run(page: Any) -> str:
    """Click "Create run" and return the new row's id, once its row is on the page.

    The page also lists the runs earlier tests made on this server, so the new row is the
    one past those, not whichever row happens to be last while the request is in flight.
    """
    before = page.eval_on_selector_all("#run-rows tr", "rows => rows.length")
    page.click("#create")
    row = f"#run-rows tr:nth-child({before + 1})"
    page.wait_for_selector(f"{row} .start:enabled")
    return str(page.eval_on_selector(row, "row => row.id"))


@pytest.mark.slow
def test_set_parameters_run_and_read_omega(server: str, browser: object) -> None:
    """A user sets walkers=30, seed 4, 25 samples, runs, sees the chart fill and reads Ω."""
    page: Any = open_dashboard(browser, server)
    page.fill("#params input[name=walkers]", "30")
    page.fill("#seed", "4")
    page.fill("#steps", "25")
    run_id = create_run(page)
    page.click(f"#{run_id} .start")
    page.wait_for_function(
        f"document.querySelector('#{run_id} .omega').dataset.samples === '25'"
        f" && document.querySelector('#{run_id} .status').textContent === 'done'"
    )
    listed = page.eval_on_selector_all(  # the chart draws every run on the page
        "#run-rows .omega", "cells => cells.reduce((n, c) => n + Number(c.dataset.samples), 0)"
    )
    assert page.get_attribute("#chart-omega canvas", "data-points") == str(listed)
    shown = float(page.get_attribute(f"#{run_id} .omega", "data-value"))
    expected = walkers(seed=4, walkers=30).run(steps=25).final()["omega"]
    assert shown == expected
    assert page.get_attribute("#view", "data-kind") == "points"
    page.close()


@pytest.mark.slow
def test_bad_input_shows_the_cli_message_on_the_page(server: str, browser: object) -> None:
    page: Any = open_dashboard(browser, server)
    page.fill("#params input[name=walkers]", "0")
    page.click("#create")
    page.wait_for_function("document.querySelector('#error').textContent.length > 0")
    assert page.text_content("#error") == "parameter 'walkers' must be ≥ 1, got 0"
    page.close()


@pytest.mark.slow
def test_closing_a_tab_does_not_stop_the_run(server: str, browser: object) -> None:
    watcher: Any = open_dashboard(browser, server)
    watcher.fill("#steps", "400")
    run_id = create_run(watcher)
    watcher.fill(f"#{run_id} .speed", "200")
    watcher.dispatch_event(f"#{run_id} .speed", "change")
    watcher.click(f"#{run_id} .start")
    other = browser.new_page()  # type: ignore[attr-defined]
    other.goto(server)
    other.wait_for_selector(f"#{run_id}")
    watcher.close()  # one tab goes away mid-run
    other.wait_for_function(
        f"document.querySelector('#{run_id} .status').textContent === 'done'", timeout=30000
    )
    assert other.get_attribute(f"#{run_id} .omega", "data-samples") == "400"
    other.close()
