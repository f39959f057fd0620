"""Faults local to one test: a dependency (the broker, the database) that goes away and comes back for the
connections of that test only, while every other test and agent keeps using the real server."""

from __future__ import annotations

import contextlib
import socket
import threading

from chassis.testing.infrastructure import free_port

CHUNK = 65536


class TcpProxy:
    """A TCP proxy on a free local port in front of `target` (host, port), that a test can cut and restore.

    While cut, its live connections are closed and each new one is accepted and closed at once, so the
    server looks down to whoever connects through the proxy. `accepted` counts connection attempts.
    """

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = free_port()
        self.accepted = 0
        self._up = threading.Event()
        self._up.set()
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._accepting = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self) -> TcpProxy:
        self._accepting.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._listener.close()
        self._close_open()

    def cut(self) -> None:
        self._up.clear()
        self._close_open()

    def restore(self) -> None:
        self._up.set()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # the listener was closed
            with self._lock:
                self.accepted += 1
            if not self._up.is_set():
                client.close()
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                self._open |= {client, server}
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(CHUNK):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            self._close(source, sink)

    def _close_open(self) -> None:
        with self._lock:
            sockets, self._open = self._open, set()
        self._close(*sockets)

    def _close(self, *sockets: socket.socket) -> None:
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
            with self._lock:
                self._open.discard(sock)
