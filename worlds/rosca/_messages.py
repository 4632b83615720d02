"""The messages of a ROSCA circle: contributions in, payouts out, the monthly ledger."""

from __future__ import annotations

import attrs


@attrs.frozen
class Contribution:
    """Member ``member`` pays ``amount`` (money units) into the pot for month ``month``."""

    member: int
    month: int
    amount: float


@attrs.frozen
class Steal:
    """Member ``member`` takes this month's pot instead of paying in (and leaves the circle)."""

    member: int
    month: int


@attrs.frozen
class Settle:
    """The pot's reminder to itself: month ``month``'s contributions are all in."""

    month: int


@attrs.frozen
class Payout:
    """The pot of month ``month`` (``amount`` money units) goes to its recipient, or to a thief."""

    month: int
    amount: float
    stolen: bool = False


@attrs.frozen
class Ledger:
    """What the pot publishes after settling month ``month``, for every member to see.

    ``due`` members should have paid, ``defaults`` of them did not, ``thefts`` stole;
    ``active`` members are still in the circle.
    """

    month: int
    due: int
    defaults: int
    thefts: int
    active: int
