"""The dashboard's server: worlds and forms, runs and controls, streams, downloads, errors."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx2", reason="the dashboard tests use Starlette's TestClient, on httpx2")

from starlette.testclient import TestClient

from npolitics._dashboard import _app, create_app

from .walkers import walkers

#: Where the test client says the dashboard is: its default address (any loopback name would
#: do; Starlette's default "testserver" is refused, as any host but the dashboard's is).
BASE_URL = "http://127.0.0.1:8765"


@pytest.fixture
def client() -> Iterator[TestClient]:
    """A client as the dashboard's page is one: at its address, sending JSON."""
    app = create_app({"walkers": walkers})
    headers = {"Content-Type": "application/json"}
    with TestClient(app, base_url=BASE_URL, headers=headers, backend="trio") as c:
        yield c


def wait_for(client: TestClient, run: str, status: str, timeout: float = 20.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = {r["id"]: r for r in client.get("/api/runs").json()["runs"]}
        if runs[run]["status"] == status:
            return runs[run]
        time.sleep(0.02)
    raise AssertionError(f"run {run} never reached {status!r}: {runs[run]}")


def test_the_page_and_its_assets_ship_in_the_package(client: TestClient) -> None:
    """The page loads its script and styles from the server itself, nothing from a CDN."""
    page = client.get("/").text
    assert "/static/app.js" in page
    assert "http" not in page.replace("http-equiv", "")
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/static/app.css").status_code == 200


def test_plotly_js_comes_from_the_installed_plotly_package(client: TestClient) -> None:
    """The charts' library is the plotly package's bundled plotly.js, served from here."""
    pytest.importorskip("plotly")
    assert '"/vendor/plotly.min.js"' in client.get("/static/app.js").text
    response = client.get("/vendor/plotly.min.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.content.lstrip().startswith(b"/**\n* plotly.js v")
    bundled = _app._plotly_js()
    assert bundled is not None
    assert response.content == bundled.read_bytes()
    again = client.get("/vendor/plotly.min.js", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304  # 4.8 MB sent once per browser, revalidated after
    assert again.content == b""


def test_without_plotly_the_script_route_says_how_to_get_it(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page still loads; its script route names the extra that installs plotly."""
    monkeypatch.setattr(_app, "_plotly_js", lambda: None)
    response = client.get("/vendor/plotly.min.js")
    assert response.status_code == 501
    assert response.json()["error"] == (
        "the charts need plotly (its bundled plotly.js): pip install 'npolitics[serve]'"
    )
    assert client.get("/").status_code == 200
    assert "pip install 'npolitics[serve]'" in client.get("/").text  # the page's notice


def test_forms_come_from_the_declared_parameters(client: TestClient) -> None:
    world = client.get("/api/worlds").json()["worlds"][0]
    assert world["name"] == "walkers"
    walkers_param = next(p for p in world["parameters"] if p["name"] == "walkers")
    assert walkers_param == {
        "name": "walkers",
        "type": "int",
        "default": 50,
        "allowed": "≥ 1",
        "choices": None,
        "help": "number of walkers",
    }


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"walkers": "-3"}, "parameter 'walkers' must be ≥ 1, got -3"),
        ({"walkers": "many"}, "parameter 'walkers' must be an integer, got 'many'"),
        (
            {"colour": "red"},
            "world 'walkers' has no parameter 'colour'; valid: walkers, step, trip_at",
        ),
    ],
)
def test_bad_form_values_get_the_cli_messages(
    client: TestClient, params: dict, message: str
) -> None:
    response = client.post("/api/runs", json={"world": "walkers", "params": params})
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_a_run_gives_the_results_of_world_run(client: TestClient) -> None:
    """Streamed samples equal the results frame of the same world run directly."""
    run = client.post(
        "/api/runs", json={"world": "walkers", "params": {"walkers": "20"}, "seed": 3, "steps": 40}
    ).json()
    client.post(f"/api/runs/{run['id']}/start")
    assert wait_for(client, run["id"], "done")["sample_count"] == 40
    got = pd.read_csv(io.StringIO(client.get(f"/api/runs/{run['id']}/results.csv").text))
    expected = walkers(seed=3, walkers=20).run(steps=40).frame()
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12)
    parquet = client.get(f"/api/runs/{run['id']}/results.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(io.BytesIO(parquet.content)), expected)
    png = client.get(f"/api/runs/{run['id']}/plot.png?metric=spread")
    assert png.content.startswith(b"\x89PNG")
    assert b"<svg" in client.get(f"/api/runs/{run['id']}/plot.svg").content


def test_step_pause_reset(client: TestClient) -> None:
    run = client.post("/api/runs", json={"world": "walkers", "steps": 100000}).json()["id"]
    client.post(f"/api/runs/{run}/step")
    wait_for(client, run, "paused")
    client.post(f"/api/runs/{run}/step")
    assert wait_for(client, run, "paused")["sample_count"] == 2
    client.post(f"/api/runs/{run}/speed", json={"speed": 50})
    client.post(f"/api/runs/{run}/start")
    wait_for(client, run, "running")
    time.sleep(0.3)
    client.post(f"/api/runs/{run}/pause")
    paused = wait_for(client, run, "paused")
    assert 2 < paused["sample_count"] < 100000
    client.post(f"/api/runs/{run}/reset")
    assert wait_for(client, run, "ready")["sample_count"] == 0


def frames(stream: Any, timeout: float = 10.0) -> Iterator[dict[str, Any]]:
    """The frames of a server-sent event stream, failing once none came for ``timeout`` s
    (a quiet stream sends a comment every second)."""
    deadline = time.monotonic() + timeout
    for line in stream.iter_lines():
        if line.startswith("data: "):
            deadline = time.monotonic() + timeout
            yield json.loads(line[len("data: ") :])
        elif time.monotonic() > deadline:
            raise AssertionError(f"no frame for {timeout} s")


def test_the_stream_sends_samples_status_and_view(client: TestClient) -> None:
    run = client.post("/api/runs", json={"world": "walkers", "steps": 30}).json()["id"]
    client.post(f"/api/runs/{run}/start")
    wait_for(client, run, "done")
    with client.stream("GET", "/api/events") as stream:
        frame = next(frames(stream))
    assert frame["from"] == 0
    assert len(frame["samples"]) == 30
    assert frame["run"]["status"] == "done"
    assert frame["view"]["kind"] == "points"
    assert len(frame["view"]["x"]) == 50


def test_after_a_reset_the_stream_starts_again_at_the_first_sample(client: TestClient) -> None:
    """A tab that watched a run before its reset gets the new run's samples from 0, all of them."""
    run = client.post("/api/runs", json={"world": "walkers", "seed": 2, "steps": 20}).json()["id"]
    client.post(f"/api/runs/{run}/start")
    wait_for(client, run, "done")
    seen = []
    with client.stream("GET", "/api/events") as stream:
        for frame in frames(stream):
            seen.append(frame)
            if len(seen) == 1:
                client.post(f"/api/runs/{run}/reset")
                client.post(f"/api/runs/{run}/start")
            elif frame["run"]["status"] == "done":  # its frame brings the last samples
                break
    assert seen[0]["from"] == 0
    assert len(seen[0]["samples"]) == 20
    again = [f for f in seen[1:] if f["samples"]]
    assert again[0]["from"] == 0  # not 20: the reset run's samples are sent from the first
    assert [s for f in again for s in f["samples"]] == seen[0]["samples"]  # same seed


def test_one_stream_tells_of_every_run_made_and_removed(client: TestClient) -> None:
    """A tab's one stream brings runs made in other tabs, and says when one is removed."""
    first = client.post("/api/runs", json={"world": "walkers", "steps": 3}).json()["id"]
    with client.stream("GET", "/api/events") as stream:
        news = frames(stream)
        assert next(news)["run"]["id"] == first
        second = client.post("/api/runs", json={"world": "walkers", "steps": 3}).json()["id"]
        assert next(news)["run"]["id"] == second
        client.post(f"/api/runs/{second}/start")
        done = next(f for f in news if f["run"]["status"] == "done")
        assert done["run"]["id"] == second
        client.delete(f"/api/runs/{first}")
        assert next(f for f in news if "removed" in f) == {"removed": first}


def test_a_stream_of_one_run(client: TestClient) -> None:
    """/api/runs/{run}/events follows that run only, and ends when it is removed."""
    other = client.post("/api/runs", json={"world": "walkers", "steps": 3}).json()["id"]
    run = client.post("/api/runs", json={"world": "walkers", "steps": 3}).json()["id"]
    with client.stream("GET", f"/api/runs/{run}/events") as stream:
        news = frames(stream)
        assert next(news)["run"]["id"] == run
        client.post(f"/api/runs/{other}/start")
        client.post(f"/api/runs/{run}/start")
        seen = [next(news)]
        while seen[-1]["run"]["status"] != "done":
            seen.append(next(news))
        client.delete(f"/api/runs/{run}")
        rest = list(news)  # the stream ends with the run
    assert {f["run"]["id"] for f in seen} == {run}
    assert rest[-1] == {"removed": run}
    assert all(f.get("run", {"id": run})["id"] == run for f in rest)


def test_a_crashed_handler_shows_its_error_and_the_server_keeps_going(client: TestClient) -> None:
    bad = client.post("/api/runs", json={"world": "walkers", "params": {"trip_at": "5"}}).json()
    client.post(f"/api/runs/{bad['id']}/start")
    failed = wait_for(client, bad["id"], "failed")
    assert "HandlerError" in failed["error"]
    assert "tripped" in failed["error"]
    assert "t=5" in failed["error"]
    good = client.post("/api/runs", json={"world": "walkers", "steps": 5}).json()
    client.post(f"/api/runs/{good['id']}/start")
    assert wait_for(client, good["id"], "done")["sample_count"] == 5


def test_unknown_things_get_clear_errors(client: TestClient) -> None:
    assert "unknown world" in client.post("/api/runs", json={"world": "nope"}).json()["error"]
    assert client.delete("/api/runs/99").json()["error"] == "no run '99'"
    assert client.get("/api/runs/99/events").json()["error"] == "no run '99'"
    response = client.post("/api/runs", json={"world": "walkers", "seed": -1})
    assert response.json()["error"] == "seed must be an integer ≥ 0, got -1"
