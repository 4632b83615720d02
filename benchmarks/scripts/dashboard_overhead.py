"""How much watching a run in the dashboard slows it: KO 1000 workers, direct vs dashboard."""

import statistics
import threading
import time

from starlette.testclient import TestClient

import npolitics as npl
from npolitics._dashboard import create_app

PARAMS = {"workers": 1000, "variant": "sociable"}
STEPS = 300
spec = npl.load_world("knowledge-office")


def direct():
    w = spec(seed=1, **PARAMS)
    t = time.perf_counter()
    w.run(steps=STEPS)
    return time.perf_counter() - t


def dashboard(client):
    run = client.post(
        "/api/runs",
        json={
            "world": "knowledge-office",
            "params": {k: str(v) for k, v in PARAMS.items()},
            "seed": 1,
            "steps": STEPS,
        },
    ).json()["id"]
    frames = []

    def watch():
        with client.stream("GET", f"/api/runs/{run}/events") as s:
            for line in s.iter_lines():
                if line.startswith("data: "):
                    frames.append(line)
                    if '"status": "done"' in line:
                        return

    th = threading.Thread(target=watch)
    th.start()
    time.sleep(0.5)
    t = time.perf_counter()
    client.post(f"/api/runs/{run}/start")
    while client.get("/api/runs").json()["runs"][-1]["status"] != "done":
        time.sleep(0.005)
    dt = time.perf_counter() - t
    th.join(timeout=10)
    return dt, len(frames)


# The dashboard answers only requests naming it as host, and state changes only as JSON.
with TestClient(
    create_app({"knowledge-office": spec}),
    base_url="http://127.0.0.1:8765",
    headers={"Content-Type": "application/json"},
    backend="trio",
) as client:
    a, b, f = [], [], []
    for _ in range(5):
        a.append(direct())
        d, n = dashboard(client)
        b.append(d)
        f.append(n)
print(f"direct run(): median {statistics.median(a):.3f}s  {a}")
print(f"dashboard (1 tab watching): median {statistics.median(b):.3f}s  frames {f}")
print(f"slowdown {statistics.median(b) / statistics.median(a):.3f}x")
