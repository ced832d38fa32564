"""Slow and idle clients holding connections open: bodies and headers sent a byte a
second, and connections that send nothing. No secret is needed for any of them."""

from __future__ import annotations

import socket
import threading
from contextlib import suppress
from urllib.parse import urlsplit


class SlowClients:
    """`each` connections of each kind to the server at `base` (http://host:port)."""

    def __init__(self, base: str, each: int) -> None:
        where = urlsplit(base)
        self.address = (where.hostname or "", where.port or 80)
        self.socks: list[tuple[socket.socket, bytes]] = []
        self.stop = threading.Event()
        body_head = (b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"X-GitHub-Event: issues\r\nContent-Length: 100000\r\n\r\n{")
        for _ in range(each):
            self._open(body_head, b" ")  # a slow body
            self._open(b"POST /webhook HTTP/1.1\r\nHost: x\r\n", b"X")  # a slow header
            self._open(b"", b"")  # connected, silent
        self.thread = threading.Thread(target=self._trickle, daemon=True)
        self.thread.start()

    def _open(self, first: bytes, drip: bytes) -> None:
        sock = socket.create_connection(self.address, timeout=5)
        sock.sendall(first)
        self.socks.append((sock, drip))

    def _trickle(self) -> None:
        while not self.stop.wait(1.0):
            for sock, drip in self.socks:
                if drip:
                    with suppress(OSError):
                        sock.send(drip)

    def still_open(self) -> int:
        """How many of the slow connections the server has not closed."""
        alive = 0
        for sock, _ in self.socks:
            sock.setblocking(False)
            try:
                alive += sock.recv(1, socket.MSG_PEEK) != b""
            except BlockingIOError:
                alive += 1  # nothing to read and not closed: still held open
            except OSError:
                pass
        return alive

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        for sock, _ in self.socks:
            sock.close()
