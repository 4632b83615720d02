"""The kernel's flow of messages, drawn with matplotlib as an SVG for docs/concepts.md.

The docs build calls :func:`svg` (through ``docs/hooks.py``), so the diagram on the page is
always the one this code draws; nothing is fetched at run time. Run it by hand to look:

    python docs/figures/kernel_flow.py kernel_flow.svg
"""

from __future__ import annotations

import io
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

# Colours: inputs, the scheduler, the agent, observation.
IN, SCHED, AGENT, OBS = "#e8eef7", "#fdf1dc", "#e3f2e5", "#f1e6f5"


def box(ax: Axes, x: float, y: float, w: float, h: float, title: str, body: str, c: str) -> None:
    """A rounded box centred at (x, y), with a bold title line and a smaller body."""
    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - h / 2),
            w,
            h,
            boxstyle="round,pad=0.02,rounding_size=0.12",
            fc=c,
            ec="#555555",
            lw=1.0,
        )
    )
    ax.text(x, y + h / 2 - 0.2, title, ha="center", va="top", fontsize=10.5, weight="bold")
    ax.text(x, y - 0.12, body, ha="center", va="center", fontsize=8.8, linespacing=1.35)


def arrow(
    ax: Axes,
    start: tuple[float, float],
    end: tuple[float, float],
    label: str = "",
    *,
    bend: float = 0.0,
    at: tuple[float, float] | None = None,
) -> None:
    """An arrow from ``start`` to ``end``, optionally curved, with a label at ``at``."""
    ax.annotate(
        "",
        xy=end,
        xytext=start,
        arrowprops={
            "arrowstyle": "-|>",
            "color": "#333333",
            "lw": 1.2,
            "connectionstyle": f"arc3,rad={bend}",
            "shrinkA": 2,
            "shrinkB": 2,
        },
    )
    if label:
        lx, ly = at if at is not None else ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
        ax.text(lx, ly, label, ha="center", va="center", fontsize=8.3, style="italic")


def draw() -> Figure:
    """The diagram: where messages come from, how an instant delivers them, what a handler
    does, and what is observed after each instant."""
    fig, ax = plt.subplots(figsize=(10.5, 6.2))
    ax.set_xlim(0, 10.5)
    ax.set_ylim(0, 6.2)
    ax.axis("off")

    box(ax, 1.35, 5.2, 2.4, 1.1, "world.send", "a first message,\nfrom outside, at time t", IN)
    box(
        ax,
        1.35,
        3.5,
        2.4,
        1.3,
        "world.clock",
        "Tick(t) to a channel of\nevery agent of a group,\nat start + k·every",
        IN,
    )
    box(
        ax,
        4.6,
        4.35,
        2.9,
        1.9,
        "scheduler queue",
        (
            "chunks ordered by\n"
            "(time, round, channel)\n"
            "same-time: canonical order\n"
            "(group added, channel declared)"
        ),
        SCHED,
    )
    box(
        ax,
        8.4,
        4.35,
        3.4,
        1.9,
        "channel handler",
        (
            "the policy P(a | m, ψ)\n"
            "message m (a Batch for a Population),\n"
            "state ψ = self, ctx.now, ctx.rng"
        ),
        AGENT,
    )
    box(
        ax,
        8.4,
        1.75,
        3.4,
        1.5,
        "action a",
        (
            "new state ψ′ (its own only)\n"
            "+ ctx.send(to, channel, m′, delay ≥ 0)\n"
            "+ ctx.broadcast(group, channel, m′)"
        ),
        AGENT,
    )
    box(
        ax,
        2.75,
        1.2,
        4.3,
        1.6,
        "after every instant",
        (
            "invariants (run(check=True))\n"
            "samples at t: W(ψ) of every agent →\n"
            "Ω = Σ W(ψ), metrics → Results.frame()"
        ),
        OBS,
    )

    arrow(ax, (2.55, 5.2), (3.15, 4.75))
    arrow(ax, (2.55, 3.5), (3.15, 3.95))
    arrow(ax, (6.05, 4.6), (6.7, 4.6), "instant t,\nround by round", at=(6.38, 5.05))
    arrow(ax, (8.4, 3.4), (8.4, 2.5))
    arrow(ax, (6.7, 1.75), (5.3, 3.4), bend=-0.3)
    ax.text(
        5.8,
        1.45,
        (
            "m′ is due at now + delay:\n"
            "delay = 0 → next round\n"
            "of the same instant;\n"
            "delay > 0 → a later instant"
        ),
        ha="center",
        va="center",
        fontsize=8.3,
        style="italic",
    )
    arrow(ax, (4.0, 3.4), (3.4, 2.0), "instant done", at=(3.05, 2.7))
    fig.tight_layout(pad=0.2)
    return fig


def svg() -> str:
    """The diagram as SVG text, identical from run to run (no date, fixed ids)."""
    with matplotlib.rc_context({"svg.hashsalt": "npolitics", "svg.fonttype": "none"}):
        fig = draw()
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None})
        plt.close(fig)
    return out.getvalue()


if __name__ == "__main__":
    path = sys.argv[1] if len(sys.argv) > 1 else "kernel_flow.svg"
    with open(path, "w") as f:
        f.write(svg())
    print("wrote", path)
