"""gunicorn's threaded worker, made to hand a thread only whole requests.

gunicorn's ``gthread`` worker gives a connection to a thread as soon as its
first bytes arrive, and the thread then blocks until the request head is
complete.  Forty clients that send half a header and then one line every few
seconds would hold every thread of two workers, and nobody else would get a
page.  In this worker the worker's own thread, the one that waits on the
poller, reads what has arrived without blocking and puts the connection back
on the poller until the request line, the headers and a small body
(``BUFFERED_BODY_MAX``) are all there; only then does a thread of the pool
parse and answer it.  A client that connects before it sends, or that closes a
kept-alive connection, never reaches the pool: with gunicorn's own order (a
thread reads first) each such event took a round trip through the pool, and one
client booking over a fresh connection each time made 187–197 bookings a second
against 210–212 now (medians of nine rounds of ``bench/parallel_bookings.py``, SQLite).

A connection whose request is not whole within
``REQUEST_ARRIVAL_SECONDS`` (from the connection's start, or on a kept-alive
connection from the request's first byte) is closed (as nginx does on its
``client_header_timeout``), and a head larger than ``HEAD_MAX`` gets 431.
A body too large to wait for is never read by a thread: with a declared length
the app refuses it unread (413) and the connection closes after the answer,
where gunicorn would have had the thread read the rest from the client for up to
five seconds first; a chunked one, which the app would read from the client,
gets 413 here.  Sixteen connections that sent such a request and then a byte
every half second held the threads of both workers: four of six health checks
got no answer within 30 seconds.
Such connections are closed at once, without the lingering of a graceful
close, so that a refused client costs the worker nothing more.

Kept-alive connections go through the same gate for each further request.
TLS connections (not used: TLS ends at the proxy) go straight to gunicorn.
How answers leave and connections close, without a client holding a thread:
``server_answers.py``.

A kept-alive connection is closed after ``KEPT_ALIVE_REQUESTS_MAX`` requests (as
nginx's ``keepalive_requests`` and Apache's ``MaxKeepAliveRequests`` do).  Both
workers wait on the one listening socket and Linux wakes the one that went to
sleep last, so a burst of new connections may all be accepted by one worker, and
a kept-alive connection stays where it was accepted: a proxy's pool of kept-alive
connections, or 16 of ``wrk``'s, could leave one worker with all the work and the
other idle.  Counted with ``ss`` over ten 2-second runs of ``wrk -c16``: in two
or three of ten all 16 connections were held by one worker (2,370–3,413 requests a
second, against 6,455–10,809 in the others); closed after 100 requests, every
run read 8,131–10,651, the connections spread over both workers.  Browsers
reconnect at once; the cost is one connection in a hundred requests.
"""

from __future__ import annotations

import errno
import heapq
import re
import selectors
import time
from collections import Counter, deque
from contextlib import suppress
from dataclasses import dataclass, field
from functools import partial

from gunicorn.workers import gthread

from booking.server_answers import AnswersFromThePoller
from booking.web.proxies import address_group

HEAD_END = b"\r\n\r\n"
#: A request head longer than this is refused; browsers send a few kilobytes.
HEAD_MAX = 32 * 1024
#: Bodies up to this are read before a thread is given (the app refuses more: 413).
BUFFERED_BODY_MAX = 64 * 1024
#: Seconds for a whole request (head and small body) to arrive, from its first byte.
REQUEST_ARRIVAL_SECONDS = 10.0
#: A worker holding this share of its connections closes idle ones ...
IDLE_CLOSING_FROM = 0.9
#: ... down to this share.
IDLE_CLOSING_DOWN_TO = 0.8
#: Requests on one kept-alive connection; the last one's answer closes it.
KEPT_ALIVE_REQUESTS_MAX = 100
_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length[ \t]*:[ \t]*(\d{1,12})[ \t]*\r\n", re.IGNORECASE)
_CHUNKED = re.compile(rb"\r\ntransfer-encoding[ \t]*:[^\r\n]*chunked", re.IGNORECASE)
#: The last chunk of a chunked body ("0", maybe extensions), before trailers and a blank line.
_LAST_CHUNK = re.compile(rb"(?:^|\r\n)0+(?:;[^\r\n]*)?\r\n")
BODY_TOO_LARGE = b"HTTP/1.1 413 Content Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
HEAD_TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n"
    b"Content-Length: 0\r\n\r\n"
)


@dataclass
class ArrivingRequest:
    """The bytes of one request received so far, and when it must be whole."""

    deadline: float
    data: bytearray = field(default_factory=bytearray)

    def head_end(self) -> int:
        return self.data.find(HEAD_END)

    def head_too_long(self) -> bool:
        return len(self.data) > HEAD_MAX and self.head_end() < 0

    def is_whole(self) -> bool:
        """The head has arrived, with its body when that is small enough to wait for."""
        end = self.head_end()
        if end < 0:
            return False
        if self._chunked(end):
            body = len(self.data) - end - len(HEAD_END)
            return self._last_chunk_arrived(end) or body > BUFFERED_BODY_MAX
        body_length = self._declared_length(end)
        if body_length > BUFFERED_BODY_MAX:
            return True  # the app refuses it without reading it
        return len(self.data) >= end + len(HEAD_END) + body_length

    def body_left_on_the_wire(self) -> str | None:
        """Of a whole request: None when its body has all arrived; else how the rest
        would come, ``chunked`` or ``declared`` (a declared length over the buffer)."""
        end = self.head_end()
        if self._chunked(end):
            return None if self._last_chunk_arrived(end) else "chunked"
        body = len(self.data) - end - len(HEAD_END)
        return "declared" if self._declared_length(end) > body else None

    def _declared_length(self, head_end: int) -> int:
        declared = _CONTENT_LENGTH.search(self.data, 0, head_end + 2)
        return int(declared.group(1)) if declared else 0

    def _chunked(self, head_end: int) -> bool:
        return _CHUNKED.search(self.data, 0, head_end + 2) is not None

    def _last_chunk_arrived(self, head_end: int) -> bool:
        body = self.data[head_end + len(HEAD_END) :]
        return body.endswith(b"\r\n\r\n") and _LAST_CHUNK.search(body) is not None


def connection_address(conn) -> str:
    """The address a connection comes from, grouped as the app's limits group it
    (an IPv6 one as its /64 network)."""
    return address_group(str(conn.client[0] if isinstance(conn.client, tuple) else conn.client))


def idle_to_close(kept_alive, pending, count: int) -> list:
    """``count`` idle connections to close, taken one at a time from the address that
    holds the most idle connections then: of its own, kept-alive ones first, then
    those waiting longest for a whole request."""
    by_address: dict[str, deque] = {}
    for conn in (*kept_alive, *pending):
        by_address.setdefault(connection_address(conn), deque()).append(conn)
    most = [(-len(held), address) for address, held in by_address.items()]
    heapq.heapify(most)
    closing = []
    while most and len(closing) < count:
        negative_held, address = heapq.heappop(most)
        closing.append(by_address[address].popleft())
        if negative_held < -1:
            heapq.heappush(most, (negative_held + 1, address))
    return closing


def arriving_request(conn) -> ArrivingRequest | None:
    """The request a connection is receiving (gunicorn's connection has no such field)."""
    return getattr(conn, "arriving_request", None)


class WholeRequestWorker(AnswersFromThePoller, gthread.ThreadWorker):
    """``gthread`` whose threads never wait for a client to finish sending a request."""

    def accept(self, listener):
        if self.cfg.is_ssl:
            return super().accept(listener)
        try:
            client_sock, client_addr = listener.accept()
        except OSError as error:
            if error.errno in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                return None
            if error.errno in (errno.EMFILE, errno.ENFILE):
                return self._out_of_descriptors()
            raise
        self.nr_conns += 1
        conn = gthread.TConn(self.cfg, client_sock, client_addr, listener.getsockname())
        return self._take_what_has_arrived(conn)

    def _out_of_descriptors(self) -> None:
        """No descriptor is left for another connection: take no more than this
        worker now holds (gunicorn's loop accepts again once one of them closes).
        gunicorn let the error end the worker, and with it every connection it
        held: a few hundred idle connections could stop workers again and again."""
        self.worker_connections = max(self.nr_conns, 1)
        self.set_accept_enabled(False)
        self.log.warning(
            "no file descriptor left: this worker now takes at most %d connections",
            self.worker_connections,
        )

    def on_client_socket_readable(self, conn, client):
        """A kept-alive connection is readable: its next request, or its end."""
        gunicorns_own = super().on_client_socket_readable
        return self._readable(conn, client, self.keepalived_conns, gunicorns_own)

    def on_pending_socket_readable(self, conn, client):
        """More of a request that was not whole has arrived."""
        gunicorns_own = super().on_pending_socket_readable
        return self._readable(conn, client, self.pending_conns, gunicorns_own)

    def _readable(self, conn, client, waiting, gunicorns_own):
        if self.cfg.is_ssl:
            return gunicorns_own(conn, client)
        self.poller.unregister(client)
        waiting.remove(conn)
        return self._take_what_has_arrived(conn)

    def _take_what_has_arrived(self, conn) -> None:
        """On the worker's own thread, without blocking: hand a whole request to a
        thread, put a connection back on the poller for the rest, or close it.  A
        client that closes its kept-alive connection, or connects before it sends,
        then costs no thread."""
        arrival = self._receive_what_has_arrived(conn)
        if arrival == "whole":
            conn.handed_whole = True
            self.enqueue_req(conn)
        elif arrival == "wait":
            conn.timeout = time.monotonic() + self.cfg.keepalive
            self.pending_conns.append(conn)
            self.poller.register(
                conn.sock, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn)
            )
        else:
            self.close_conn(conn)

    def handle(self, conn):
        if self.cfg.is_ssl or getattr(conn, "handed_whole", False):
            conn.handed_whole = False
            return super().handle(conn)
        # A kept-alive connection whose client sent its next request before reading
        # the answer: gunicorn gives it straight to a thread.
        arrival = self._receive_what_has_arrived(conn)
        if arrival == "wait":
            return gthread._DEFER  # back on the poller until more arrives
        if arrival == "closed":
            return False
        return super().handle(conn)

    def handle_request(self, req, conn):
        """Answer ``req``; the answer to a connection's last allowed request closes it."""
        conn.requests_answered = getattr(conn, "requests_answered", 0) + 1
        if conn.requests_answered >= KEPT_ALIVE_REQUESTS_MAX or getattr(
            conn, "body_left_behind", False
        ):
            req.must_close = True  # gunicorn then answers "Connection: close" and closes
        return super().handle_request(req, conn)

    def murder_pending(self):
        """Close connections silent for the keep-alive time, and those too slow overall."""
        super().murder_pending()
        now = time.monotonic()
        for conn in [
            conn
            for conn in self.pending_conns
            if (request := arriving_request(conn)) is not None and request.deadline < now
        ]:
            self.pending_conns.remove(conn)
            self.poller.unregister(conn.sock)
            self.log.info("closed a connection from %s: request too slow", conn.client)
            self.close_conn(conn)
        self._make_room()

    def _make_room(self) -> None:
        """Near its limit of connections, close idle ones, always from the client
        address that holds the most of them: of its idle connections, first those
        kept alive waiting for a next request, then those that have sent no whole
        request for longest.  Otherwise a client that holds a worker's thousand
        connections open, saying nothing and opening new ones as they are closed,
        keeps everyone else waiting to be accepted until each of his has been idle
        for five seconds; and closing the longest idle first, whoever held them,
        would close a slow visitor's half-sent request before the flood's newer
        connections.  Behind a proxy every connection has the proxy's address, and
        the order is the longest idle first."""
        if self.nr_conns < self.worker_connections * IDLE_CLOSING_FROM:
            return
        excess = self.nr_conns - int(self.worker_connections * IDLE_CLOSING_DOWN_TO)
        closing = idle_to_close(self.keepalived_conns, self.pending_conns, excess)
        ids = {id(conn) for conn in closing}
        for idle in (self.keepalived_conns, self.pending_conns):
            staying = [conn for conn in idle if id(conn) not in ids]
            idle.clear()
            idle.extend(staying)
        for conn in closing:
            self.poller.unregister(conn.sock)
            self.close_conn(conn)
        if closing:
            address, count = Counter(map(connection_address, closing)).most_common(1)[0]
            self.log.warning(
                "closed %d idle connections to make room for new ones (%d of them from %s)",
                len(closing),
                count,
                address,
            )

    def finish_request(self, conn, fs):
        if getattr(conn, "refused", False):
            return self.close_conn(conn)
        return super().finish_request(conn, fs)

    def _receive_what_has_arrived(self, conn) -> str:
        """``whole`` (handed to the parser), ``wait``, or ``closed``."""
        request = arriving_request(conn)
        if request is None:
            request = ArrivingRequest(deadline=time.monotonic() + REQUEST_ARRIVAL_SECONDS)
            if conn.parser is not None:  # a kept-alive connection may have read ahead
                request.data += conn.parser.unreader.take_buffered()
            conn.arriving_request = request
        conn.sock.setblocking(False)
        try:
            while not request.is_whole() and not request.head_too_long():
                chunk = conn.sock.recv(65536)
                if not chunk:
                    return "closed"  # the client went away before finishing
                request.data += chunk
        except BlockingIOError:
            pass  # everything that has arrived is read
        except OSError:
            return "closed"
        if request.head_too_long():
            return self._refuse(conn, HEAD_TOO_LARGE, "head too large")
        if not request.is_whole():
            if time.monotonic() > request.deadline:
                return self._refuse(conn, b"", "request too slow")
            return "wait"
        body_left = request.body_left_on_the_wire()
        if body_left == "chunked":  # the app would read it from the client, in a thread
            return self._refuse(conn, BODY_TOO_LARGE, "chunked body too large")
        # A declared one the app refuses unread; the connection then closes, rather
        # than a thread reading the rest of the body from the client first.
        conn.body_left_behind = body_left is not None
        conn.arriving_request = None
        conn.sock.setblocking(True)
        conn.init()  # the parser, made once per connection
        conn.parser.unreader.unread(bytes(request.data))
        return "whole"

    def _refuse(self, conn, answer: bytes, reason: str) -> str:
        """Answer (best effort) and have the connection closed at once."""
        with suppress(OSError):  # a client already gone needs no answer
            conn.sock.send(answer)
        conn.refused = True
        self.log.info("closed a connection from %s: %s", conn.client, reason)
        return "closed"
