"""A stochastic cadCAD model written the way cadCAD users write them: module-level draws.

A small marketplace: each timestep customers arrive (``np.random.poisson``), each buys with
a probability that falls as the price rises (``random.random``), the seller restocks a
random amount (``random.randint``) and nudges the price with noise (``np.random.normal``);
the state also tracks revenue and a running count of sold-out days. Three blocks, four
policies, six state updates. Nothing here knows about seeds: cadCAD has none, and the point
of the benchmark is how a cadCAD-compatible engine runs such a model unchanged.

Only the standard library and numpy are used, so cadCAD and npolitics.cadcad run the very
same functions.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

import numpy as np

State = Mapping[str, Any]
Params = Mapping[str, Any]


def genesis_state() -> dict[str, Any]:
    """Stock, price, revenue, customers and sold-out days at the start."""
    return {
        "stock": 50,
        "price": 10.0,
        "revenue": 0.0,
        "customers": 0,
        "sold": 0,
        "sold_out_days": 0,
    }


def sweep_params() -> dict[str, list[Any]]:
    """Parameters in cadCAD's sweep form (one value each)."""
    return {
        "arrival_rate": [8.0],
        "reference_price": [12.0],
        "restock_max": [12],
        "price_noise": [0.3],
    }


# Block 1: customers arrive and buy.


def p_arrivals(params: Params, substep: int, history: list[Any], s: State) -> dict[str, Any]:
    """A Poisson number of customers arrive."""
    arrivals = np.random.poisson(params["arrival_rate"])  # noqa: NPY002 - as users write it
    return {"arrivals": int(arrivals)}


def p_purchases(params: Params, substep: int, history: list[Any], s: State) -> dict[str, Any]:
    """Each of a few would-be buyers buys with a probability falling with the price."""
    p_buy = min(1.0, params["reference_price"] / (2 * s["price"]))
    wanted = sum(1 for _ in range(6) if random.random() < p_buy)
    return {"wanted": wanted}


def s_customers(
    params: Params, substep: int, history: list[Any], s: State, p: dict[str, Any]
) -> tuple[str, Any]:
    return "customers", p["arrivals"]


def s_sold(
    params: Params, substep: int, history: list[Any], s: State, p: dict[str, Any]
) -> tuple[str, Any]:
    return "sold", min(s["stock"], p["wanted"] + p["arrivals"] // 4)


# Block 2: the stock and the revenue follow the sales.


def s_stock(
    params: Params, substep: int, history: list[Any], s: State, p: dict[str, Any]
) -> tuple[str, Any]:
    return "stock", s["stock"] - s["sold"]


def s_revenue(
    params: Params, substep: int, history: list[Any], s: State, p: dict[str, Any]
) -> tuple[str, Any]:
    return "revenue", s["revenue"] + s["sold"] * s["price"]


# Block 3: the seller restocks and reprices.


def p_restock(params: Params, substep: int, history: list[Any], s: State) -> dict[str, Any]:
    """A random delivery."""
    return {"delivery": random.randint(0, params["restock_max"])}


def p_reprice(params: Params, substep: int, history: list[Any], s: State) -> dict[str, Any]:
    """Raise the price when stock is short, lower it when plenty, plus noise."""
    pressure = 0.05 if s["stock"] < 10 else -0.02
    noise = float(np.random.normal(0, params["price_noise"]))  # noqa: NPY002 - as users write it
    return {"price_change": pressure * s["price"] + noise}


def s_restock(
    params: Params, substep: int, history: list[Any], s: State, p: dict[str, Any]
) -> tuple[str, Any]:
    return "stock", s["stock"] + p["delivery"]


def s_price(
    params: Params, substep: int, history: list[Any], s: State, p: dict[str, Any]
) -> tuple[str, Any]:
    return "price", max(1.0, s["price"] + p["price_change"])


def s_sold_out(
    params: Params, substep: int, history: list[Any], s: State, p: dict[str, Any]
) -> tuple[str, Any]:
    return "sold_out_days", s["sold_out_days"] + (s["stock"] == 0)


PARTIAL_STATE_UPDATE_BLOCKS: list[dict[str, Any]] = [
    {
        "policies": {"arrivals": p_arrivals, "purchases": p_purchases},
        "variables": {"customers": s_customers, "sold": s_sold},
    },
    {
        "policies": {},
        "variables": {"stock": s_stock, "revenue": s_revenue},
    },
    {
        "policies": {"restock": p_restock, "reprice": p_reprice},
        "variables": {"stock": s_restock, "price": s_price, "sold_out_days": s_sold_out},
    },
]


FUNCTIONS = (
    p_arrivals,
    p_purchases,
    s_customers,
    s_sold,
    s_stock,
    s_revenue,
    p_restock,
    p_reprice,
    s_restock,
    s_price,
    s_sold_out,
)
"""Every model function, for measuring the floor (the functions alone)."""
