"""End to end in a real headless Chromium: set parameters, run, watch the charts, read Ω."""

from __future__ import annotations

import math
import os
import re
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

    The page also lists the runs earlier tests made on this server, so the new row is found
    by the id the server gave the run, not as whichever row happens to be last.
    """
    with page.expect_response(
        lambda r: r.url.endswith("/api/runs") and r.request.method == "POST"
    ) as created:
        page.click("#create")
    row = f"run-{created.value.json()['id']}"
    page.wait_for_selector(f"#{row} .start:enabled")
    return row


def wait_until(page: Any, condition: str, explain: str, timeout: float = 20000) -> None:
    """Wait for a JavaScript condition; if it never holds, fail showing ``explain``'s value."""
    try:
        page.wait_for_function(condition, timeout=timeout)
    except sync_api.TimeoutError:
        raise AssertionError(f"never true: {condition}\n{page.evaluate(explain)}") from None


# The plotly charts, read where plotly keeps them: the plot div's data and layout.
PLOT = "document.querySelector('#chart-{column} .js-plotly-plot')"
# Per run row on the page: the trace named after it, with as many points as its samples.
TRACES_MATCH_ROWS = """(() => {{
  const plot = document.querySelector('#chart-{column} .js-plotly-plot');
  const rows = [...document.querySelectorAll('#run-rows tr')];
  if (!plot || !plot.data || plot.data.length !== rows.length) return false;
  return rows.every((row, i) => plot.data[i].name === `run ${{row.id.slice(4)}} · walkers`
    && plot.data[i].x.length === Number(row.querySelector('.omega').dataset.samples));
}})()"""
TRACES_AND_ROWS = """[
  [...(document.querySelector('#chart-{column} .js-plotly-plot')?.data || [])]
    .map(t => `${{t.name}}: ${{t.x.length}}`),
  [...document.querySelectorAll('#run-rows tr')]
    .map(r => `${{r.id}}: ${{r.querySelector('.omega').dataset.samples}}`),
]"""


def wait_for_charts(page: Any, *columns: str) -> None:
    """Wait until each chart shows a trace per run row, with all of the row's samples."""
    for column in columns:
        wait_until(
            page,
            TRACES_MATCH_ROWS.format(column=column),
            TRACES_AND_ROWS.format(column=column),
        )


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
    wait_for_charts(page, "omega", "spread")  # the charts draw every run on the page
    shown = float(page.get_attribute(f"#{run_id} .omega", "data-value"))
    expected = walkers(seed=4, walkers=30).run(steps=25).frame()
    assert shown == expected["omega"].iloc[-1]
    plotted = page.evaluate(
        f"{PLOT.format(column='omega')}.data.find(t => t.name === 'run {run_id[4:]} · walkers')"
    )
    assert plotted["x"] == expected["t"].tolist()
    assert plotted["y"] == expected["omega"].tolist()
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


def significant_digits(label: str) -> int:
    """Significant digits of a tick label such as "−800", "0.25", "1.5k" or "2×10⁵"."""
    digits = re.sub(r"\D", "", label.split("×")[0]).lstrip("0")
    return len(digits.rstrip("0")) if "." not in label else len(digits)


@pytest.mark.slow
def test_charts_read_well_hover_zoom_and_name_each_run(server: str, browser: object) -> None:
    """Plotly charts: round ticks, values on hover, drag to zoom, a legend entry per run."""
    page: Any = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(server)
    page.wait_for_selector("#create:enabled")
    page.fill("#params input[name=walkers]", "30")
    page.fill("#steps", "150")
    ids = []
    for seed in ("1", "2"):
        page.fill("#seed", seed)
        ids.append(create_run(page))
        page.click(f"#{ids[-1]} .start")
    for run_id in ids:
        page.wait_for_function(
            f"document.querySelector('#{run_id} .status').textContent === 'done'"
        )
    wait_for_charts(page, "omega", "spread")
    assert page.eval_on_selector_all("#chart-grid .chart", "cs => cs.map(c => c.id)") == [
        "chart-omega",
        "chart-spread",
    ]
    assert page.text_content("#chart-omega h3").startswith("Ω ")

    # A legend entry per run, named and coloured as its row.
    rows = page.eval_on_selector_all(
        "#run-rows tr",
        "rows => rows.map(r => [`run ${r.id.slice(4)} · walkers`,"
        " getComputedStyle(r.querySelector('.swatch')).backgroundColor])",
    )
    for column in ("omega", "spread"):
        wait_until(
            page,
            f"document.querySelectorAll('#chart-{column} .legend .traces').length === {len(rows)}",
            f"document.querySelector('#chart-{column} .legend')?.textContent",
        )
        legend = page.eval_on_selector_all(
            f"#chart-{column} .legend .traces",
            "entries => entries.map(e => [e.querySelector('.legendtext').textContent,"
            " e.querySelector('.js-line').style.stroke])",
        )
        assert legend == rows

    # Ticks at round values: no label like 749.7500, none cut off at the chart's edge.
    for column in ("omega", "spread"):
        ticks = page.evaluate(
            f"""(() => {{
            const svg = document.querySelector('#chart-{column} .main-svg').getBoundingClientRect();
            const labels = '#chart-{column} .xtick text, #chart-{column} .ytick text';
            return [...document.querySelectorAll(labels)]
              .map(t => {{
                const box = t.getBoundingClientRect();
                return [t.textContent, t.closest('.xtick') ? 'x' : 'y',
                        box.left >= svg.left && box.right <= svg.right
                        && box.top >= svg.top && box.bottom <= svg.bottom];
              }});
            }})()"""
        )
        for axis in ("x", "y"):
            assert len([t for t in ticks if t[1] == axis]) >= 2, ticks
        for label, _, inside in ticks:
            assert significant_digits(label) <= 4, f"tick label {label!r} on {column}"
            assert inside, f"tick label {label!r} on {column} is cut off"

    # Hovering the plot at t = 100 shows the value there of each run that has one.
    omega = PLOT.format(column="omega")
    page.evaluate(
        f"{omega}.on('plotly_hover', e => {{ window.hovered = e.points.map(p =>"
        f" ({{name: p.data.name, x: p.x, y: p.y, curve: p.curveNumber, i: p.pointNumber}})); }})"
    )
    area = page.locator("#chart-omega .nsewdrag").bounding_box()
    t0, t1 = page.evaluate(f"{omega}.layout.xaxis.range")
    at = area["x"] + (100 - t0) / (t1 - t0) * area["width"]
    page.mouse.move(at, area["y"] + area["height"] * 0.5)
    wait_until(page, "window.hovered !== undefined", "'no plotly_hover event'")
    hovered = page.evaluate("window.hovered")
    ours = {f"run {run_id[4:]} · walkers" for run_id in ids}
    assert ours <= {p["name"] for p in hovered}, hovered
    assert all(abs(p["x"] - 100) <= 1 for p in hovered), hovered
    data = page.evaluate(f"{omega}.data.map(t => t.y)")
    label = page.eval_on_selector_all(
        "#chart-omega .hoverlayer .legendtext", "texts => texts.map(t => t.textContent)"
    )
    assert len(label) == len(hovered)
    for point in hovered:
        assert point["y"] == data[point["curve"]][point["i"]]
        line = next(text for text in label if text.startswith(f"{point['name']} : "))
        value = float(line.rsplit(" : ", 1)[1].replace("−", "-"))
        assert math.isclose(value, point["y"], rel_tol=1e-5), (line, point)

    # Dragging across the plot zooms in on t; a double click zooms back out.
    before = page.evaluate(f"{omega}.layout.xaxis.range")
    y = area["y"] + area["height"] * 0.5
    page.mouse.move(area["x"] + area["width"] * 0.25, y)
    page.mouse.down()
    page.mouse.move(area["x"] + area["width"] * 0.5, y + 2, steps=5)
    page.mouse.move(area["x"] + area["width"] * 0.75, y + 2, steps=5)
    page.mouse.up()
    wait_until(page, f"{omega}.layout.xaxis.autorange === false", f"{omega}.layout.xaxis")
    zoomed = page.evaluate(f"{omega}.layout.xaxis.range")
    width = before[1] - before[0]
    assert math.isclose(zoomed[0], before[0] + 0.25 * width, rel_tol=0.05), (before, zoomed)
    assert math.isclose(zoomed[1], before[0] + 0.75 * width, rel_tol=0.05), (before, zoomed)
    page.dblclick("#chart-omega .nsewdrag")
    wait_until(page, f"{omega}.layout.xaxis.autorange === true", f"{omega}.layout.xaxis")
    assert page.evaluate(f"{omega}.layout.xaxis.range") == before

    # Nothing came from anywhere but the dashboard, and nothing offers to upload the chart.
    assert [url for url in requested if not url.startswith(server)] == []
    buttons = page.eval_on_selector_all(
        "#chart-omega .modebar-btn", "bs => bs.map(b => b.dataset.title)"
    )
    assert "Zoom" in buttons
    assert not [b for b in buttons if "share" in b.lower() or "cloud" in b.lower()]
    page.close()


@pytest.mark.slow
def test_reset_and_removal_reach_the_charts_of_every_tab(server: str, browser: object) -> None:
    """A reset in one tab empties the run's trace in another, which then shows the rerun
    from its first sample; a removed run's traces go, and with the last run its charts."""
    one: Any = open_dashboard(browser, server)
    one.fill("#steps", "40")
    one.fill("#seed", "5")
    run_id = create_run(one)
    one.click(f"#{run_id} .start")
    other: Any = open_dashboard(browser, server)
    other.wait_for_selector(f"#{run_id}")
    trace = (
        f"{PLOT.format(column='omega')}?.data.find(t => t.name === 'run {run_id[4:]} · walkers')"
    )
    wait_until(other, f"{trace}?.x.length === 40", f"{trace}?.x.length")
    first = other.evaluate(f"{trace}.y")

    one.click(f"#{run_id} .reset")
    wait_until(other, f"{trace}.x.length === 0", f"{trace}.x.length")
    wait_until(one, f"{trace}.x.length === 0", f"{trace}.x.length")
    one.click(f"#{run_id} .start")
    wait_until(other, f"{trace}.x.length === 40", f"{trace}.x.length")
    assert other.evaluate(f"{trace}.y") == first  # the same seed, from the first sample on
    wait_for_charts(other, "omega", "spread")

    one.click(f"#{run_id} .remove")
    other.close()
    one.wait_for_selector(f"#{run_id}", state="detached")
    wait_for_charts(one, "omega", "spread")
    names = one.evaluate(f"{PLOT.format(column='omega')}.data.map(t => t.name)")
    assert f"run {run_id[4:]} · walkers" not in names
    rows = len(one.query_selector_all("#run-rows tr"))
    for left in reversed(range(rows)):  # this module's server holds only the tests' runs
        one.click("#run-rows tr:first-child .remove")
        one.wait_for_function(f"document.querySelectorAll('#run-rows tr').length === {left}")
    wait_until(
        one,
        "document.querySelector('#chart-grid').children.length === 0",
        "document.querySelector('#chart-grid').innerHTML",
    )
    one.close()


@pytest.mark.slow
def test_without_plotly_the_page_says_so_and_still_runs(server: str, browser: object) -> None:
    """Where the server has no plotly to serve, the page names the fix; runs still work."""
    page: Any = browser.new_page()  # type: ignore[attr-defined]
    page.route(
        "**/vendor/plotly.min.js",
        lambda route: route.fulfill(status=501, json={"error": "no plotly here"}),
    )
    page.goto(server)
    page.wait_for_selector("#charts-missing:not([hidden])")
    assert "pip install 'npolitics[serve]'" in page.text_content("#charts-missing")
    page.wait_for_selector("#create:enabled")
    page.fill("#steps", "5")
    run_id = create_run(page)
    page.click(f"#{run_id} .start")
    page.wait_for_function(f"document.querySelector('#{run_id} .omega').dataset.samples === '5'")
    assert page.query_selector("#chart-grid .chart") is None
    page.close()


@pytest.mark.slow
def test_many_runs_and_runs_made_in_another_tab(server: str, browser: object) -> None:
    """Eight runs in one tab all work (one stream, not one connection per run), and a run
    made in another tab shows up, in the rows and in the charts, without a reload."""
    page: Any = open_dashboard(browser, server)
    page.fill("#steps", "5")
    made = []
    for _ in range(8):
        made.append(create_run(page))
        page.click(f"#{made[-1]} .start")
    for run_id in made:
        page.wait_for_function(
            f"document.querySelector('#{run_id} .status').textContent === 'done'"
        )
    other: Any = open_dashboard(browser, server)
    other.fill("#steps", "7")
    elsewhere = create_run(other)
    other.click(f"#{elsewhere} .start")
    page.wait_for_function(
        f"document.querySelector('#{elsewhere} .omega')?.dataset.samples === '7'"
    )
    wait_for_charts(page, "omega", "spread")
    assert page.input_value("#view-run") == made[-1][4:]  # not switched to the other tab's run
    other.click(f"#{elsewhere} .remove")
    page.wait_for_selector(f"#{elsewhere}", state="detached")
    wait_for_charts(page, "omega", "spread")
    other.close()
    page.close()
