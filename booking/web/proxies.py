"""Whose address is this request from: the peer, or what trusted reverse proxies say.

With ``BOOKING_TRUSTED_PROXIES`` = N > 0 the app sits behind N proxies that each
append the address they saw to ``X-Forwarded-For`` (and say the scheme in
``X-Forwarded-Proto``); werkzeug's ProxyFix then takes the address the outermost
trusted proxy saw.  With 0 (the default) those headers are never believed: a
client could write anything in them.  Rate limits, sign-in throttling and
Flask-Login's session protection all use :func:`client_address`.

An IPv6 client counts as its /64 network (:func:`address_group`): a home, an
office or a server is given a whole /64 and may use any of its 2^64 addresses,
so counting each address apart would let one attacker sign in, book and send
codes as if from a new client each time, and browsers with temporary addresses
(RFC 8981) would lose their staff session whenever the address changed.
"""

from __future__ import annotations

import ipaddress
from hashlib import sha512

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix


def trust_proxies(app: Flask, count: int) -> None:
    """Believe ``count`` proxies' X-Forwarded-For and -Proto (none when 0)."""
    if count < 0:
        raise ValueError("BOOKING_TRUSTED_PROXIES cannot be negative")
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]


def address_group(address: str) -> str:
    """The address as the limits count it: an IPv6 one as its /64 network (an IPv4
    one written as IPv6, ``::ffff:a.b.c.d``, as the IPv4 address), anything else as
    it is."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def client_address() -> str:
    """The client's address as decided above, grouped (the rate limiter's key)."""
    return address_group(request.remote_addr or "unknown")


def session_identifier() -> str:
    """Flask-Login's "strong" session protection: address and browser of the session.

    Flask-Login's own identifier reads X-Forwarded-For whoever wrote it; this one
    uses the address decided by ProxyFix (or the peer's)."""
    user_agent = request.headers.get("User-Agent", "")
    return sha512(f"{client_address()}|{user_agent}".encode()).hexdigest()
