"""A scripted HTTP(S) server on 127.0.0.1 for the API client's tests (lib/net/api.c).

    with ScriptServer() as s:                       # or ScriptServer(tls=(certfile, keyfile))
        s.answer(200, {"id": 1}, headers={"ETag": '"x"'})   # queued answers, served in order
        s.answer(503, "", headers={"Retry-After": "1"})
        s.drop()                                    # read the request, then close without answering
        ... run the client against s.url ...
        s.requests                                  # what came: method, path, headers, body, connection

A body given as a dict or a list is sent as JSON (application/json); a str or bytes as it is, with
the content type given (text/plain by default). `echo` names a request header whose value is put in
the body's "message" (a server that echoes what it got). HTTP/1.1 with keep-alive: every request names
the connection it came on (1, 2, ...), so a test sees whether the client reused one. With nothing
queued, the answer is 599 and the request is still recorded: the test fails on what it did not expect.
"""

import http.server
import json
import pathlib
import re
import socket
import ssl
import subprocess
import threading
import urllib.parse


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        with self.server.script.lock:
            self.server.script.connections += 1
            self.connection_number = self.server.script.connections

    def log_message(self, fmt, *args):  # quiet
        pass

    def _serve(self):
        script = self.server.script
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with script.lock:
            script.requests.append({
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body,
                "connection": self.connection_number,
            })
            step = script.queue.pop(0) if script.queue else None
        if step is None:
            step = {"status": 599, "body": {"message": "nothing queued for this request"}, "headers": {}}
        if step.get("drop"):
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        payload = step["body"]
        headers = dict(step.get("headers") or {})
        if step.get("echo"):
            payload = dict(payload or {}, message="you sent " + self.headers.get(step["echo"], ""))
        if isinstance(payload, (dict, list)):
            data = json.dumps(payload).encode()
            headers.setdefault("Content-Type", "application/json; charset=utf-8")
        else:
            data = payload.encode() if isinstance(payload, str) else payload
            if data:
                headers.setdefault("Content-Type", "text/plain")
        self.send_response(step["status"])
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve


class JSONHandler(http.server.BaseHTTPRequestHandler):
    """The plumbing of a stateful JSON API server (tests/forge/github_server.py,
    tests/deploy/argocd_server.py): quiet, HTTP/1.1, every method to handle_any(method, url, query,
    payload), which a subclass writes; the request's JSON body parsed (a body that is not JSON
    answered with bad_json()); `state.faults` ([method, path regex, status, headers, body]) answered
    once each by answer_fault() (headers may be a function making them when the fault is answered)."""

    protocol_version = "HTTP/1.1"
    content_type = "application/json"
    keep_blank_values = False  # whether a query's empty parameters are kept
    state = None  # set per server

    def log_message(self, fmt, *args):  # quiet
        pass

    def send(self, status, body=None, headers=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def answer_fault(self, method, path):
        """True once a fault of `state.faults` matching the request was answered (and removed)."""
        for fault in self.state.faults:
            if fault[0] == method and re.search(fault[1], path):
                self.state.faults.remove(fault)
                self.send(fault[2], fault[4], fault[3]() if callable(fault[3]) else fault[3])
                return True
        return False

    def _dispatch(self, method):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            return self.bad_json()
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=self.keep_blank_values))
        return self.handle_any(method, url, query, payload)

    do_GET = lambda self: self._dispatch("GET")          # noqa: E731
    do_POST = lambda self: self._dispatch("POST")        # noqa: E731
    do_PUT = lambda self: self._dispatch("PUT")          # noqa: E731
    do_PATCH = lambda self: self._dispatch("PATCH")      # noqa: E731
    do_DELETE = lambda self: self._dispatch("DELETE")    # noqa: E731


class ThreadedServer:
    """An HTTP server of `handler` (a BaseHTTPRequestHandler class) on a free port of 127.0.0.1, serving
    from a thread of the test's process inside a `with`; `tls` (certfile, keyfile) makes it HTTPS. Every
    test server here and in tests/forge, tests/deploy is one."""

    def __init__(self, handler, tls=None, poll_interval=0.5):
        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
        self.port = self._httpd.server_address[1]
        self.url = "%s://127.0.0.1:%d" % ("https" if tls else "http", self.port)
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": poll_interval},
                                        daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()


class ScriptServer(ThreadedServer):
    def __init__(self, tls=None):
        self.queue = []
        self.requests = []
        self.connections = 0
        self.lock = threading.Lock()
        super().__init__(_Handler, tls, poll_interval=0.02)
        self._httpd.script = self

    def answer(self, status, body=None, headers=None, echo=None):
        with self.lock:
            self.queue.append({"status": status, "body": body, "headers": headers or {}, "echo": echo})
        return self

    def drop(self):
        with self.lock:
            self.queue.append({"drop": True})
        return self


def self_signed_certificate(folder):
    """A certificate for 127.0.0.1 signed by itself, and its key, made with openssl in `folder`:
    (cert path, key path), what ScriptServer(tls=...) takes."""
    folder = pathlib.Path(folder)
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    return str(cert), str(key)
