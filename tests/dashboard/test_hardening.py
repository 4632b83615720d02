"""The dashboard left open in a browser: other pages cannot drive it, and no request can make
it big, slow or broken (hardening, issue 20)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import attrs
import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx2", reason="the dashboard tests use Starlette's TestClient, on httpx2")

from starlette.testclient import TestClient

import npolitics as npl
from npolitics import _cli
from npolitics._dashboard import DashboardLimits, RefusedError, create_app
from npolitics._dashboard._server import address

from .walkers import walkers

BASE_URL = "http://127.0.0.1:8765"
JSON = {"Content-Type": "application/json"}
OWN = {"Origin": BASE_URL, **JSON}  # what the dashboard's page sends with a change


@attrs.frozen
class LooseParams:
    step: float = npl.param(1.0, help="any float, infinities included", finite=False)


@npl.world("loose", params=LooseParams)
def loose(p: LooseParams, world: npl.World) -> None:
    """Walkers whose step may be infinite (a parameter declared finite=False)."""
    walkers.build(walkers.params(walkers=3), world)


@attrs.frozen
class SleepyParams:
    seconds: float = npl.param(0.0, ge=0, help="how long building takes")


#: When each sleepy world finished building (time.monotonic()).
BUILT: list[float] = []


@npl.world("sleepy", params=SleepyParams)
def sleepy(p: SleepyParams, world: npl.World) -> None:
    """A world whose build takes ``seconds`` of wall time (a big world, without the memory)."""
    time.sleep(p.seconds)
    walkers.build(walkers.params(walkers=3), world)
    BUILT.append(time.monotonic())


WORLDS = {"walkers": walkers, "loose": loose, "sleepy": sleepy}


def client_for(
    limits: DashboardLimits | None = None, *, base_url: str = BASE_URL, host: str = "127.0.0.1"
) -> TestClient:
    return TestClient(
        create_app(WORLDS, host=host, limits=limits), base_url=base_url, backend="trio"
    )


@pytest.fixture
def client() -> Iterator[TestClient]:
    with client_for() as c:
        yield c


def runs(client: TestClient) -> list[dict[str, Any]]:
    response = client.get("/api/runs")
    assert response.status_code == 200
    return list(response.json()["runs"])


def create(client: TestClient, **body: Any) -> Any:
    return client.post("/api/runs", json={"world": "walkers", "steps": 3, **body}, headers=OWN)


# -- Host ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        "evil.example.com",
        "evil.example.com:8765",  # DNS rebinding: the attacker's name, our port
        "127.0.0.1.evil.example.com:8765",
        "localhost.evil.example.com:8765",
        "127.0.0.1:9999",  # another port
        "localhost:80",
        "[::2]:8765",
        "0.0.0.0:8765",
        "",
        "127.0.0.1:8765:1",
        "[::1:8765",
    ],
)
@pytest.mark.parametrize("path", ["/", "/static/app.js", "/api/worlds", "/api/runs"])
def test_a_foreign_host_is_refused(client: TestClient, host: str, path: str) -> None:
    """Whatever the path, a request naming another host is refused, so a page whose name
    was re-pointed to 127.0.0.1 cannot read anything from the dashboard."""
    response = client.get(path, headers={"Host": host})
    assert response.status_code == 403
    assert response.json()["error"].startswith(f"host {host!r} is not this dashboard's address")


def test_a_foreign_host_cannot_create_a_run(client: TestClient) -> None:
    response = client.post(
        "/api/runs",
        json={"world": "walkers"},
        headers={"Host": "evil.example.com:8765", "Origin": "http://evil.example.com:8765"},
    )
    assert response.status_code == 403
    assert runs(client) == []


def test_a_foreign_host_gets_no_event_stream(client: TestClient) -> None:
    assert client.get("/api/events", headers={"Host": "evil.example.com"}).status_code == 403


@pytest.mark.parametrize(
    "host", ["127.0.0.1:8765", "localhost:8765", "[::1]:8765", "LOCALHOST:8765"]
)
def test_loopback_names_are_the_dashboards_address(client: TestClient, host: str) -> None:
    assert client.get("/", headers={"Host": host}).status_code == 200
    origin = f"http://{host.lower()}"
    response = client.post(
        "/api/runs", json={"world": "walkers"}, headers={"Host": host, "Origin": origin}
    )
    assert response.status_code == 201


def test_the_bound_host_is_the_dashboards_address() -> None:
    """``serve --host dash.lan`` answers at dash.lan too; other names stay refused."""
    with client_for(host="dash.lan") as client:
        assert client.get("/", headers={"Host": "dash.lan:8765"}).status_code == 200
        assert client.get("/", headers={"Host": "evil.lan:8765"}).status_code == 403


def test_the_address_a_connection_came_in_on_is_the_dashboards_address() -> None:
    """Bound to all interfaces, the dashboard answers at the IP address a request reached,
    which no rebinding attacker can name, and not at names."""
    with client_for(base_url="http://10.1.2.3:8765", host="0.0.0.0") as client:
        assert client.get("/").status_code == 200
        assert client.get("/", headers={"Host": "0.0.0.0:8765"}).status_code == 403
        assert client.get("/", headers={"Host": "evil.example.com:8765"}).status_code == 403


def test_starlettes_default_test_host_is_refused() -> None:
    with TestClient(create_app(WORLDS), backend="trio") as client:
        assert client.get("/").status_code == 403


# -- Origin and content type -----------------------------------------------------------


@pytest.mark.parametrize(
    "origin",
    [
        "http://evil.example.com",
        "https://evil.example.com",
        "null",  # a sandboxed frame, a file:// page
        "http://localhost:3000",  # another local server's page
        "http://localhost:8765",  # the same server under another name is another origin
        "https://127.0.0.1:8765",
        "http://127.0.0.1:8765.evil.example.com",
        "junk",
    ],
)
def test_a_foreign_origin_cannot_change_anything(client: TestClient, origin: str) -> None:
    """Creating, starting, deleting: refused from another origin, even in JSON; nothing changes."""
    foreign = {"Origin": origin, **JSON}
    response = client.post("/api/runs", json={"world": "walkers"}, headers=foreign)
    assert response.status_code == 403
    assert response.json()["error"].startswith(f"requests from {origin!r} are refused")
    assert runs(client) == []
    run = create(client).json()["id"]
    assert client.post(f"/api/runs/{run}/start", headers=foreign).status_code == 403
    assert client.delete(f"/api/runs/{run}", headers=foreign).status_code == 403
    assert [(r["id"], r["status"]) for r in runs(client)] == [(run, "ready")]


def test_a_foreign_origin_cannot_open_an_event_stream(client: TestClient) -> None:
    """An EventSource on another page sends its Origin: refused before any run is streamed."""
    create(client)
    response = client.get("/api/events", headers={"Origin": "http://evil.example.com"})
    assert response.status_code == 403


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
@pytest.mark.parametrize("mode", ["no-cors", "cors"])
def test_another_sites_page_cannot_load_from_it(client: TestClient, site: str, mode: str) -> None:
    """An <img> or <script> on another page sends no Origin, but says where it comes from."""
    run = create(client).json()["id"]
    headers = {"Sec-Fetch-Site": site, "Sec-Fetch-Mode": mode}
    for path in ("/api/runs", f"/api/runs/{run}/plot.png", f"/api/runs/{run}/results.csv"):
        response = client.get(path, headers=headers)
        assert response.status_code == 403
        assert response.json()["error"].startswith("requests from other sites' pages")


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"},  # a link, followed
        {"Sec-Fetch-Site": "none", "Sec-Fetch-Mode": "navigate"},  # typed or bookmarked
        {"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors"},  # the page's own
    ],
)
def test_links_and_the_pages_own_requests_are_served(
    client: TestClient, headers: dict[str, str]
) -> None:
    assert client.get("/", headers=headers).status_code == 200


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",  # what a cross-origin fetch or form sends without asking first
        "text/plain;charset=UTF-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        None,
        "application/jsonp",
    ],
)
@pytest.mark.parametrize("origin", [None, BASE_URL])
def test_a_change_must_be_json(
    client: TestClient, content_type: str | None, origin: str | None
) -> None:
    """A simple request without an Origin is what a foreign page can send blind: refused,
    as is any change that is not JSON, and nothing is stored or started."""
    headers = {}
    if content_type is not None:
        headers["Content-Type"] = content_type
    if origin is not None:
        headers["Origin"] = origin
    body = b'{"world": "walkers", "steps": 3}'
    response = client.post("/api/runs", content=body, headers=headers)
    assert response.status_code == 415
    assert response.json()["error"].startswith("a POST request must be JSON")
    assert runs(client) == []
    run = create(client).json()["id"]
    assert client.post(f"/api/runs/{run}/start", headers=headers).status_code == 415
    assert client.delete(f"/api/runs/{run}", headers=headers).status_code == 415
    assert [(r["id"], r["status"]) for r in runs(client)] == [(run, "ready")]


def test_json_without_origin_is_a_local_client(client: TestClient) -> None:
    """curl and scripts send no Origin: with JSON they may drive the dashboard."""
    response = client.post("/api/runs", json={"world": "walkers", "steps": 3}, headers=JSON)
    assert response.status_code == 201
    assert client.post(f"/api/runs/{response.json()['id']}/start", headers=JSON).status_code == 200


def test_reading_needs_no_origin_or_json(client: TestClient) -> None:
    """GETs of the page, its files, the lists and streams work as a browser sends them."""
    for path in ("/", "/static/app.js", "/static/app.css", "/api/worlds", "/api/runs"):
        assert client.get(path).status_code == 200
    run = create(client).json()["id"]
    with client.stream("GET", f"/api/runs/{run}/events") as stream:
        assert stream.status_code == 200
        assert next(line for line in stream.iter_lines() if line.startswith("data: "))


def test_the_page_sends_its_changes_as_json(client: TestClient) -> None:
    """The page's one request function sends every request as JSON (its browser tests
    drive it end to end)."""
    script = client.get("/static/app.js").text
    assert 'headers: { "Content-Type": "application/json" }' in script
    assert script.count("fetch(") == 1


def test_no_page_may_frame_the_dashboard(client: TestClient) -> None:
    for response in (client.get("/"), client.get("/", headers={"Host": "evil.example.com"})):
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["content-security-policy"] == "frame-ancestors 'none'"
        assert response.headers["x-content-type-options"] == "nosniff"


# -- limits ----------------------------------------------------------------------------


def test_a_body_over_the_limit_is_refused_unread() -> None:
    with client_for(DashboardLimits(body=1024)) as client:
        padding = "x" * 2000
        response = client.post(
            "/api/runs", json={"world": "walkers", "padding": padding}, headers=OWN
        )
        assert response.status_code == 413
        assert response.json()["error"].startswith(
            "the request body of 1.98 KiB is more than the dashboard's limit of 1 KiB"
        )
        assert "NPOLITICS_DASHBOARD_MAX_BODY" in response.json()["error"]
        assert runs(client) == []
        assert create(client, padding="x" * 900).status_code == 201


def test_a_body_without_a_length_is_cut_at_the_limit() -> None:
    """A chunked body says no length: reading stops at the limit."""

    def chunks() -> Iterator[bytes]:
        yield b'{"world": "walkers", "padding": "'
        for _ in range(100):
            yield b"x" * 100
        yield b'"}'

    with client_for(DashboardLimits(body=1024)) as client:
        response = client.post("/api/runs", content=chunks(), headers=OWN)
        assert response.status_code == 413
        assert response.json()["error"].startswith("the request body is more than")
        assert runs(client) == []


def test_the_runs_held_are_limited() -> None:
    with client_for(DashboardLimits(runs=3)) as client:
        made = [create(client).json()["id"] for _ in range(3)]
        response = create(client)
        assert response.status_code == 429
        assert response.json()["error"] == (
            "the dashboard holds 3 runs, its limit; delete one first, or set "
            "NPOLITICS_DASHBOARD_MAX_RUNS to allow more"
        )
        assert [r["id"] for r in runs(client)] == made
        client.delete(f"/api/runs/{made[0]}", headers=OWN)
        assert create(client).json()["id"] == "4"  # a refused run takes no number


def test_a_run_over_the_limit_is_refused_before_its_world_is_built() -> None:
    with client_for(DashboardLimits(runs=1)) as client:
        create(client)
        body = {"world": "sleepy", "params": {"seconds": "0.5"}}
        builds = len(BUILT)
        assert client.post("/api/runs", json=body, headers=OWN).status_code == 429
        assert len(BUILT) == builds


def test_runs_made_at_once_keep_to_the_limit() -> None:
    """Two runs asked for at once, with room for one: the second is refused once built."""
    with client_for(DashboardLimits(runs=1)) as client:
        body = {"world": "sleepy", "params": {"seconds": "0.3"}}
        answers: list[int] = []

        def make() -> None:
            answers.append(client.post("/api/runs", json=body, headers=OWN).status_code)

        makers = [threading.Thread(target=make) for _ in range(2)]
        for maker in makers:
            maker.start()
        for maker in makers:
            maker.join()
        assert sorted(answers) == [201, 429]
        assert len(runs(client)) == 1


def test_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NPOLITICS_DASHBOARD_MAX_RUNS", "1")
    monkeypatch.setenv("NPOLITICS_DASHBOARD_MAX_BODY", "2K")
    assert DashboardLimits.current() == DashboardLimits(body=2048, runs=1)
    with client_for() as client:
        assert create(client).status_code == 201
        assert create(client).status_code == 429


@pytest.mark.parametrize("text", ["0", "-1", "1.5", "many", "inf", "nan"])
def test_a_malformed_limit_is_refused_by_name(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setenv("NPOLITICS_DASHBOARD_MAX_AGENTS", text)
    with pytest.raises(npl.ArgumentError, match=r"^NPOLITICS_DASHBOARD_MAX_AGENTS must be"):
        create_app(WORLDS)


def test_the_agents_of_a_run_are_limited() -> None:
    with client_for(DashboardLimits(agents=100)) as client:
        response = create(client, params={"walkers": "101"})
        assert response.status_code == 400
        assert response.json()["error"] == (
            "world 'walkers' with these parameters has 101 agents, more than the dashboard's "
            "limit of 100 per run; make it smaller, run it with `npolitics run`, or set "
            "NPOLITICS_DASHBOARD_MAX_AGENTS to allow it"
        )
        assert runs(client) == []
        assert create(client, params={"walkers": "100"}).status_code == 201


def test_the_samples_of_a_run_are_limited() -> None:
    with client_for(DashboardLimits(samples=50)) as client:
        response = create(client, steps=51)
        assert response.status_code == 400
        assert response.json()["error"] == (
            "steps=51 is more than the dashboard's limit of 50 samples per run; ask for "
            "fewer, or set NPOLITICS_DASHBOARD_MAX_SAMPLES to allow more"
        )
        assert runs(client) == []
        assert create(client, steps=50).status_code == 201


def test_a_world_too_big_for_memory_gets_the_command_lines_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Refused by the world's memory estimate before it is built, in the CLI's words."""
    with TestClient(create_app(), base_url=BASE_URL, backend="trio") as client:
        body = {"world": "knowledge-office", "params": {"workers": "1000000000"}, "steps": 3}
        started = time.monotonic()
        response = client.post("/api/runs", json=body, headers=OWN)
        assert time.monotonic() - started < 1.0
        assert response.status_code == 400
        assert runs(client) == []
    status = _cli.main(["run", "knowledge-office", "-p", "workers=1000000000", "--steps", "3"])
    assert status == 2
    assert capsys.readouterr().err == f"npolitics: error: {response.json()['error']}\n"
    assert "NPOLITICS_MAX_MEMORY" in response.json()["error"]


def test_the_runs_together_must_fit_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each run's samples count against NPOLITICS_MAX_MEMORY with the runs already held."""
    monkeypatch.setenv("NPOLITICS_MAX_MEMORY", "8M")
    with client_for() as client:
        assert create(client, steps=20_000).status_code == 201  # about 5 MB of samples
        response = create(client, steps=20_000)
        assert response.status_code == 400
        assert response.json()["error"].startswith(
            "world 'walkers' beside the dashboard's other runs (1) would need about 9.16 MiB"
        )
        assert "NPOLITICS_MAX_MEMORY" in response.json()["error"]
        assert len(runs(client)) == 1


def test_the_worlds_held_count_against_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """A world's declared memory estimate counts with the runs already held."""
    spec = npl.load_world("knowledge-office")
    need = spec.estimate(spec.validate({"workers": 10_000}))
    assert need is not None
    monkeypatch.setenv("NPOLITICS_MAX_MEMORY", str(int(need * 1.5)))
    with TestClient(
        create_app({"knowledge-office": spec}), base_url=BASE_URL, backend="trio"
    ) as client:
        body = {"world": "knowledge-office", "params": {"workers": "10000"}, "steps": 3}
        assert client.post("/api/runs", json=body, headers=OWN).status_code == 201
        response = client.post("/api/runs", json=body, headers=OWN)
        assert response.status_code == 400
        assert response.json()["error"].startswith(
            "world 'knowledge-office' beside the dashboard's other runs (1) would need about"
        )
        assert len(runs(client)) == 1


def test_a_run_over_the_instants_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its clocks' instants are checked when it is made, not when it starts."""
    monkeypatch.setenv("NPOLITICS_MAX_INSTANTS", "10")
    with client_for() as client:
        response = create(client, steps=20)
        assert response.status_code == 400
        assert "NPOLITICS_MAX_INSTANTS" in response.json()["error"]
        assert "\n" not in response.json()["error"]
        assert runs(client) == []


def test_building_a_world_does_not_stop_the_server(client: TestClient) -> None:
    """A world that takes long to build is built aside: the page is answered meanwhile."""
    made: list[Any] = []
    body = {"world": "sleepy", "params": {"seconds": "0.6"}, "steps": 3}
    maker = threading.Thread(
        target=lambda: made.append(client.post("/api/runs", json=body, headers=OWN))
    )
    maker.start()
    time.sleep(0.2)  # the build has begun
    assert client.get("/api/runs").status_code == 200
    answered = time.monotonic()
    maker.join()
    assert answered < BUILT[-1]  # answered while the world was being built
    assert made[0].status_code == 201


def test_a_reset_builds_aside_and_starts_afresh(client: TestClient) -> None:
    run = client.post(
        "/api/runs", json={"world": "sleepy", "params": {"seconds": "0.4"}}, headers=OWN
    ).json()["id"]
    reset = threading.Thread(target=lambda: client.post(f"/api/runs/{run}/reset", headers=OWN))
    reset.start()
    time.sleep(0.1)
    assert client.get("/api/runs").status_code == 200
    answered = time.monotonic()
    reset.join()
    assert answered < BUILT[-1]
    assert runs(client)[0]["status"] == "ready"


# -- non-finite numbers ----------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        '{"world": "walkers", "params": {"step": Infinity}}',
        '{"world": "walkers", "params": {"step": -Infinity}}',
        '{"world": "walkers", "params": {"step": NaN}}',
        '{"world": "walkers", "params": {"step": 1e999}}',
        '{"world": "walkers", "params": {"step": -1e999}}',
        '{"world": "walkers", "seed": NaN}',
        '{"world": "walkers", "steps": Infinity}',
        '{"world": "walkers", "steps": 1e999}',
        '{"world": "walkers", "params": {"step": "inf"}}',
        '{"world": "walkers", "params": {"step": "nan"}}',
        '{"world": "walkers", "params": {"step": "1e999"}}',
        '{"world": "walkers", "extra": [NaN]}',
    ],
)
def test_non_finite_numbers_are_refused_and_nothing_is_stored(
    client: TestClient, body: str
) -> None:
    response = client.post("/api/runs", content=body.encode(), headers=OWN)
    assert response.status_code == 400
    error = response.json()["error"]
    assert "finite" in error or "got nan" in error  # as the command line says it
    assert "\n" not in error
    assert runs(client) == []


@pytest.mark.parametrize("speed", ["Infinity", "NaN", "1e999", '"inf"', '"nan"', "-1", "true"])
def test_a_non_finite_speed_is_refused(client: TestClient, speed: str) -> None:
    run = create(client).json()["id"]
    body = f'{{"speed": {speed}}}'.encode()
    response = client.post(f"/api/runs/{run}/speed", content=body, headers=OWN)
    assert response.status_code == 400
    assert runs(client)[0]["speed"] is None


def test_the_runs_list_shows_any_stored_run(client: TestClient) -> None:
    """A parameter that may be infinite (declared finite=False) is stored and listed as text:
    the list never fails because of a run."""
    response = client.post(
        "/api/runs", json={"world": "loose", "params": {"step": "inf"}}, headers=OWN
    )
    assert response.status_code == 201
    assert response.json()["params"] == {"step": "inf"}
    assert runs(client)[0]["params"] == {"step": "inf"}


@pytest.mark.parametrize(
    "body",
    [b"[" * 100_000, b'{"world": "walkers", "seed": 1' + b"0" * 5000 + b"}", b"\xff", b"{"],
)
def test_malformed_json_is_a_400(body: bytes) -> None:
    with client_for(DashboardLimits(body=200_000)) as client:
        response = client.post("/api/runs", content=body, headers=OWN)
        assert response.status_code == 400
        assert runs(client) == []


def test_refusals_are_npolitics_errors() -> None:
    error = RefusedError(400, "no")
    assert isinstance(error, npl.NpoliticsError)
    assert isinstance(error, ValueError)
    assert str(error) == "no"


# -- serve --host ----------------------------------------------------------------------


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """``npolitics serve`` with the server replaced by a note of how it was called."""
    calls: list[dict[str, Any]] = []

    def fake_serve(worlds: Any, **options: Any) -> None:
        calls.append(options)

    import npolitics._dashboard

    monkeypatch.setattr(npolitics._dashboard, "serve", fake_serve)
    return calls


def test_serve_binds_loopback_without_a_word(
    served: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli.main(["serve", "--port", "8123"]) == 0
    assert served[0]["host"] == "127.0.0.1"
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5", "::", "dash.lan"])
def test_serve_elsewhere_warns(
    served: list[dict[str, Any]], capsys: pytest.CaptureFixture[str], host: str
) -> None:
    assert _cli.main(["serve", "--host", host, "--port", "8123"]) == 0
    assert served[0]["host"] == host
    assert capsys.readouterr().err == (
        f"npolitics: warning: the dashboard listens on {host}, not only on this machine: "
        "anyone who can reach it at port 8123 can start runs and read their results (it has "
        "no login)\n"
    )


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1", "http://127.0.0.1:8765/"),
        ("::1", "http://[::1]:8765/"),
        ("dash.lan", "http://dash.lan:8765/"),
        ("0.0.0.0", "http://127.0.0.1:8765/"),  # the dashboard answers at no wildcard
        ("::", "http://127.0.0.1:8765/"),
    ],
)
def test_serve_prints_an_address_the_dashboard_answers_at(host: str, url: str) -> None:
    assert address(host, 8765) == url


@pytest.mark.parametrize("host", ["localhost", "127.0.0.2", "::1", "[::1]"])
def test_serve_on_another_loopback_name_does_not_warn(
    served: list[dict[str, Any]], capsys: pytest.CaptureFixture[str], host: str
) -> None:
    assert _cli.main(["serve", "--host", host]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("host", ["", "a b", "http://x/", "user@host"])
def test_serve_refuses_a_malformed_host(
    served: list[dict[str, Any]], capsys: pytest.CaptureFixture[str], host: str
) -> None:
    assert _cli.main(["serve", "--host", host]) == 2
    assert capsys.readouterr().err.startswith("npolitics: error: --host must be")
    assert served == []


def test_serve_needs_plotly(
    served: list[dict[str, Any]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Checked at startup, as hypercorn and starlette are: the charts need its plotly.js."""
    monkeypatch.setitem(__import__("sys").modules, "plotly", None)
    assert _cli.main(["serve"]) == 2
    assert capsys.readouterr().err == (
        "npolitics: error: this needs plotly: pip install 'npolitics[serve]'\n"
    )
    assert served == []
