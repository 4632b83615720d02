"""Who may talk to the dashboard: its own page, at its own address, and nobody else.

The dashboard listens on the loopback interface, but every web page the user visits can
make the browser send requests there. Two checks keep those pages out:

- **Host.** A request must name the dashboard's address in its ``Host`` header (``localhost``,
  ``127.0.0.1``, ``[::1]``, the host it was bound to, or the IP address the connection came
  in on, at the port it listens on). A page on ``evil.example`` whose name an attacker
  re-points to 127.0.0.1 (DNS rebinding) sends ``Host: evil.example`` and is refused, so it
  can never read an answer.
- **Origin and JSON.** A request that changes something (any method but GET, HEAD and
  OPTIONS) must come from the dashboard's own origin when it says where it comes from, and
  must be ``Content-Type: application/json``. A foreign page can send a cross-origin POST
  without asking first only with a "simple" content type (``text/plain``, forms); a JSON
  one needs a preflight that the dashboard never grants. A browser always sends ``Origin``
  on such requests; a client without one (curl, scripts) gets through with JSON.

A browser also says which site a request comes from (``Sec-Fetch-Site``): what another
site's page loads without asking (an image, a script: no ``Origin`` is sent) is refused too,
but a link to the dashboard, followed, opens it. Every answer says it must not be framed by
another page (no clickjacking) nor sniffed as another type. A body declared longer than the
limit is refused before it is read.
"""

from __future__ import annotations

import ipaddress
import urllib.parse
from collections.abc import Iterable
from typing import Any

import attrs
from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse

from .._errors import NpoliticsError
from ._limits import DashboardLimits

#: Names of this machine's loopback interface: always the dashboard's address.
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})

#: Methods that only read; every other method changes something and is checked further.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
}


class RefusedError(NpoliticsError, ValueError):
    """A request the dashboard refuses: ``status`` is the HTTP status, the message the one
    line shown to the user (the line the command line prints for the same input)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(status, message)
        self.status, self.message = status, message

    def __str__(self) -> str:
        return self.message


@attrs.frozen
class Guard:
    """ASGI middleware refusing requests from anything but the dashboard's own page.

    ``hosts`` are the host names (besides loopback) the dashboard answers to: the one it
    was bound to.
    """

    app: Any
    hosts: frozenset[str]
    limits: DashboardLimits

    @classmethod
    def around(cls, app: Any, hosts: Iterable[str], limits: DashboardLimits) -> Guard:
        """``app`` guarded, answering at loopback and ``hosts`` (bracketed IPv6 allowed)."""
        names = {_hostname(h) for h in hosts}
        return cls(
            app, frozenset(LOOPBACK | {n for n in names if n and not is_wildcard(n)}), limits
        )

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            self.check(scope)
        except RefusedError as refused:
            response = JSONResponse({"error": refused.message}, status_code=refused.status)
            response.headers.update(_SECURITY_HEADERS)
            await response(scope, receive, send)
            return

        async def send_secured(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in _SECURITY_HEADERS.items():
                    headers.setdefault(key, value)
            await send(message)

        await self.app(scope, receive, send_secured)

    def check(self, scope: Any) -> None:
        """Refuse (:class:`RefusedError`) a request not from the dashboard's own page."""
        headers = Headers(scope=scope)
        server = scope.get("server")
        port = server[1] if server and isinstance(server[1], int) else None
        allowed = set(self.hosts)
        if server and _is_ip(str(server[0])) and not is_wildcard(str(server[0])):
            allowed.add(_hostname(str(server[0])))  # the address the connection came in on
        host = headers.get("host", "")
        name, host_port = _split_host(host)
        default = 443 if scope.get("scheme") == "https" else 80
        if name not in allowed or (port is not None and (host_port or default) != port):
            names = sorted(f"[{a}]" if ":" in a else a for a in allowed)
            shown = ", ".join(names[:-1]) + f" or {names[-1]}"
            where = f", port {port}" if port is not None else ""
            raise RefusedError(
                403,
                f"host {host!r} is not this dashboard's address: it answers at {shown}{where} "
                f"(open it at the address `npolitics serve` printed)",
            )
        origin = headers.get("origin")
        if origin is not None and _origin(origin) != (
            scope.get("scheme", "http"),
            name,
            host_port or default,
        ):
            raise RefusedError(
                403,
                f"requests from {origin!r} are refused: only the dashboard's own page "
                f"(http://{host}) may use it",
            )
        site = headers.get("sec-fetch-site", "").lower()
        if site in ("cross-site", "same-site") and headers.get("sec-fetch-mode") != "navigate":
            # An image, script or frame of another page (which sends no Origin): a link to
            # the dashboard (a navigation) is welcome, its data is not another page's to load.
            raise RefusedError(
                403, "requests from other sites' pages are refused (Sec-Fetch-Site: " + site + ")"
            )
        method = scope["method"]
        if method not in SAFE_METHODS:
            media = headers.get("content-type", "").partition(";")[0].strip().lower()
            if media != "application/json":
                given = f"Content-Type {media!r}" if media else "no Content-Type"
                hint = "" if origin is not None else " (and it says no Origin)"
                raise RefusedError(
                    415,
                    f"a {method} request must be JSON (Content-Type: application/json), "
                    f"got {given}{hint}",
                )
        length = headers.get("content-length")
        if length is not None:
            if not length.strip().isdigit():
                raise RefusedError(400, f"Content-Length must be a number, got {length!r}")
            if int(length) > self.limits.body:
                raise RefusedError(413, self.limits.body_message(int(length)))


def _hostname(name: str) -> str:
    """A host name as compared: lower case, IPv6 without brackets."""
    return name.strip().lower().removeprefix("[").removesuffix("]")


def _split_host(host: str) -> tuple[str | None, int | None]:
    """``"[::1]:8765"`` → ("::1", 8765); a malformed Host gives (None, None)."""
    host = host.strip().lower()
    if host.startswith("["):
        name, bracket, rest = host[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            return None, None
        port_text = rest[1:] if rest else None
    else:
        name, colon, port_text_ = host.partition(":")
        port_text = port_text_ if colon else None
        if ":" in port_text_:
            return None, None
    if port_text is None:
        return name, None
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        return None, None
    return name, int(port_text)


def _origin(origin: str) -> tuple[str, str | None, int] | None:
    """``"http://localhost:8765"`` → ("http", "localhost", 8765); ``null`` gives None."""
    try:
        parts = urllib.parse.urlsplit(origin.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or parts.path or parts.query:
        return None
    default = 443 if parts.scheme == "https" else 80
    return parts.scheme, parts.hostname, port or default


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(_hostname(name))
    except ValueError:
        return False
    return True


def is_wildcard(name: str) -> bool:
    """0.0.0.0 or ::, the wildcard addresses, which no request names as its host."""
    return _is_ip(name) and ipaddress.ip_address(_hostname(name)).is_unspecified
