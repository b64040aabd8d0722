"""A TCP server on 127.0.0.1 that stops talking: the network as it fails without closing.

    with StallServer("silent") as s:          # accepts, never answers
    with StallServer("trickle") as s:         # answers a few bytes, then nothing
    with StallServer("full") as s:            # a full accept queue: a connection is never made
    with StallServer("forward", upstream=(host, port), stall_on=b"git-receive-pack") as s:
        # passes bytes to and from `upstream`, save a connection whose first bytes hold
        # `stall_on` (a request for that service), which gets silence; s.stall_all = True
        # from then on silences every new connection (stall_after=N: every one after the
        # first N); delay=SECONDS holds each piece of the answer that long: slow, but never
        # silent for longer

Connections are held open until the server stops, as a hung server holds them. Started and stopped
as the other test servers are (gitserver.Server).
"""

import socket
import threading
import time

from gitserver import HOST, Server

TRICKLE = b"HTTP/1.1 200 OK\r\nContent-Type: application/x-git-upload-pack-advertisement\r\n"


class StallServer(Server):
    def __init__(self, mode, upstream=None, stall_on=None, delay=0, stall_after=None):
        if mode not in ("silent", "trickle", "forward", "full"):
            raise ValueError("mode: silent, trickle, forward or full")
        self.mode = mode
        self.upstream = upstream
        self.stall_on = stall_on
        self.delay = delay
        self.stall_after = stall_after
        self.stall_all = False
        self.accepted = 0
        self._held = []
        self._lock = threading.Lock()
        self._listener = socket.create_server((HOST, 0), backlog=0 if mode == "full" else 16)
        self.port = self._listener.getsockname()[1]
        self.dir = None  # no folder of its own (Server.stop)
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def start(self):
        if self.mode == "full":
            # Never accepted: once the queue is full, the kernel drops the next connection's SYN.
            for _ in range(4):
                c = socket.socket()
                c.setblocking(False)
                c.connect_ex((HOST, self.port))
                self._hold(c)
            time.sleep(0.2)
        else:
            self._thread.start()

    def url(self, scheme="http", path="/git/x.git", user=None):
        return "%s://%s%s:%d%s" % (scheme, user + "@" if user else "", HOST, self.port, path)

    def _terminate(self):
        self._listener.close()
        with self._lock:
            for s in self._held:
                s.close()
            self._held.clear()

    def _hold(self, s):
        with self._lock:
            self._held.append(s)

    def _accept(self):
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            self.accepted += 1
            self._hold(conn)
            late = self.stall_after is not None and self.accepted > self.stall_after
            threading.Thread(target=self._serve, args=(conn, late), daemon=True).start()

    def _serve(self, conn, late):
        try:
            if self.mode == "trickle":
                conn.recv(65536)
                conn.sendall(TRICKLE)
            elif self.mode == "forward" and not self.stall_all and not late:
                # Without stall_on, nothing is awaited from the client: ssh's server speaks first.
                first = conn.recv(65536) if self.stall_on else b""
                if not (self.stall_on and (not first or self.stall_on in first)):
                    up = socket.create_connection(self.upstream)
                    self._hold(up)
                    if first:
                        up.sendall(first)
                    threading.Thread(target=_pump, args=(up, conn, self.delay), daemon=True).start()
                    _pump(conn, up)
        except OSError:
            pass


def _pump(src, dst, delay=0):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                dst.shutdown(socket.SHUT_WR)
                return
            time.sleep(delay)
            dst.sendall(data)
    except OSError:
        pass
