"""The ring case's scalar row, this tree against another checkout of npolitics.

Each repeat runs ``run_scalar`` of ``benchmarks/npolitics_impl/ring.py`` in a fresh process
for each tree, alternating, and takes the process's CPU time (the VM's wall time drifts by
tens of percent); the best of the repeats is compared.

    git worktree add /tmp/before <revision>
    python benchmarks/scripts/ring_scalar_ab.py /tmp/before [--repeats 5] [--messages 1000000]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parents[2]

CHILD = """
import sys, time
sys.path.insert(0, {root!r})
from benchmarks.npolitics_impl import ring
sizes = {{"agents": 10_000, "tokens": 1_000, "messages": {messages}}}
start = time.process_time()
ring.run_scalar(sizes, 0)
print(time.process_time() - start)
"""


def seconds(root: Path, messages: int) -> float:
    """CPU seconds of one scalar ring run of the npolitics at ``root``, in a fresh process."""
    code = CHILD.format(root=str(root), messages=messages)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True
    )
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other", type=Path, help="another checkout of the repository")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--messages", type=int, default=1_000_000)
    args = parser.parse_args()
    times: dict[str, list[float]] = {"other": [], "this": []}
    for _ in range(args.repeats):
        times["other"].append(seconds(args.other.resolve(), args.messages))
        times["this"].append(seconds(HERE, args.messages))
    other, this = min(times["other"]), min(times["this"])
    for name, best in (("other", other), ("this", this)):
        print(f"{name:5}: {args.messages / best / 1e6:.3f} M messages/s (CPU s: {times[name]})")
    print(f"this / other: {other / this:.2f}x")


if __name__ == "__main__":
    main()
