"""How ``booking serve``'s workers send answers and close connections: from the poller.

gunicorn's threaded worker writes an answer from the thread that made it, on a
socket that blocks without a time limit, and closes a connection after its last
answer on the worker's own thread, waiting up to two seconds for the client to
close its side (RFC 9112 §9.6).  Both let a client that does nothing hold the
server:

- A client that sends requests and reads no answer (one connection with a small
  receive buffer, a hundred requests for the API's 21 kB description sent at
  once) held the thread answering it for good, once the connection's buffers
  (about 1.6 MB) were full: a worker of one thread answered nobody else while
  the connection stayed open, and sixteen such connections hold all the threads
  of ``booking serve``'s two workers.
- Ten connections that asked for ``Connection: close`` and then kept quiet held
  the worker's own thread for two seconds each: every other client of the worker
  waited about 20 seconds.

Here a thread writes its answer into memory (:class:`AnswerInMemory`) and sends
what the connection takes at once without blocking; the rest is left to the
poller, which sends it as the client reads, and closes the connection if the
answer has not left within ``ANSWER_WRITE_SECONDS``.  A connection's last answer
is followed by a FIN, and the poller then reads and throws away what the client
still sends until it closes its side, for ``LINGER_SECONDS`` at most.  Answers
are built in memory anyway (no view streams one), and files are read rather
than given to ``sendfile`` (``booking/server.py``).
"""

from __future__ import annotations

import selectors
import socket
import time
from collections import deque
from contextlib import suppress
from functools import partial

#: Seconds for the part of an answer the client did not take at once to leave.
ANSWER_WRITE_SECONDS = 10.0
#: After a connection's last answer: seconds to wait for the client to close its side.
LINGER_SECONDS = 2.0
#: ... and bytes to read and throw away meanwhile, at the most.
LINGER_DRAIN_MAX = 64 * 1024


class AnswerInMemory:
    """What gunicorn writes an answer to in a thread, in place of the socket: the
    answer is kept, then sent without blocking (:meth:`send_what_fits`)."""

    def __init__(self) -> None:
        self.data = bytearray()

    def sendall(self, data: bytes) -> None:
        self.data += data

    def send(self, data: bytes) -> int:
        self.data += data
        return len(data)

    def shutdown(self, how: int) -> None:
        raise OSError("an answer in memory has no connection to shut")

    def close(self) -> None:
        self.data.clear()  # gunicorn gave up on the answer

    def send_what_fits(self, wire: socket.socket) -> bytearray:
        """Send what the connection takes now; return the rest."""
        view = memoryview(self.data)
        sent = 0
        with suppress(BlockingIOError, InterruptedError):
            while sent < len(view):
                sent += wire.send(view[sent:], socket.MSG_DONTWAIT)
        view.release()
        del self.data[:sent]
        return self.data


class AnswersFromThePoller:
    """For a subclass of gunicorn's ``gthread.ThreadWorker``: answers that never
    block a thread, and closing that never blocks the worker's own thread."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        #: Connections whose client has not yet taken all of an answer.
        self.writing_conns: deque = deque()
        #: Connections whose last answer is sent, waiting for their client to close.
        self.lingering_conns: deque = deque()

    def handle_request(self, req, conn):
        if self.cfg.is_ssl:  # not used: TLS ends at the proxy
            return super().handle_request(req, conn)
        wire, conn.sock = conn.sock, AnswerInMemory()
        try:
            keep_alive = super().handle_request(req, conn)
        finally:
            answer, conn.sock = conn.sock, wire
        conn.unsent = answer.send_what_fits(wire)
        return keep_alive

    def finish_request(self, conn, fs):
        """On the worker's own thread, once a thread is done with ``conn``."""
        answered = not fs.cancelled() and fs.exception() is None
        if answered and getattr(conn, "unsent", None):
            return self._write_rest(conn, fs)
        if not answered or fs.result() or self.cfg.is_ssl:
            return super().finish_request(conn, fs)
        return self._linger(conn)

    def murder_pending(self):
        """gunicorn's check of its waiting connections, once a turn of the loop; then
        close the connections whose answer has not left in time, and the lingering
        ones whose time is up."""
        super().murder_pending()
        now = time.monotonic()
        while self.writing_conns and self.writing_conns[0].write_deadline <= now:
            conn = self.writing_conns.popleft()
            self.poller.unregister(conn.sock)
            self.log.info("closed a connection from %s: answer not read", conn.client)
            self.close_conn(conn)
        while self.lingering_conns and self.lingering_conns[0].timeout <= now:
            conn = self.lingering_conns.popleft()
            self.poller.unregister(conn.sock)
            self.close_conn(conn)

    def close_conn(self, conn) -> None:
        self.nr_conns -= 1
        conn.close()

    def _write_rest(self, conn, fs) -> None:
        """Send the rest of an answer as the client takes it, within
        ``ANSWER_WRITE_SECONDS``; then go on as if the thread had sent it all."""
        conn.sock.setblocking(False)
        conn.write_deadline = time.monotonic() + ANSWER_WRITE_SECONDS
        self.writing_conns.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_WRITE, partial(self._write_more, conn, fs))

    def _write_more(self, conn, fs, client) -> None:
        try:
            sent = conn.sock.send(conn.unsent)
        except BlockingIOError:
            return
        except OSError:
            sent = None  # the client went away
        if sent is not None:
            del conn.unsent[:sent]
            if conn.unsent:
                return
        self.poller.unregister(client)
        self.writing_conns.remove(conn)
        if sent is None:
            return self.close_conn(conn)
        return self.finish_request(conn, fs)

    def _linger(self, conn) -> None:
        """Say with a FIN that the last answer is sent; read what the client still
        sends until it closes its side, on the poller."""
        try:
            conn.sock.shutdown(socket.SHUT_WR)
        except OSError:
            return self.close_conn(conn)
        conn.sock.setblocking(False)
        conn.timeout = time.monotonic() + LINGER_SECONDS
        conn.drained = 0
        self.lingering_conns.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._drain, conn))
        return None

    def _drain(self, conn, client) -> None:
        try:
            chunk = conn.sock.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        conn.drained += len(chunk)
        if chunk and conn.drained < LINGER_DRAIN_MAX:
            return
        self.poller.unregister(client)
        self.lingering_conns.remove(conn)
        self.close_conn(conn)
