"""A hostile-input run of the web view's HTTP handlers (doc/WEB.md#bounds), over raw sockets: very long paths,
bad and unknown methods, huge and too many headers, bodies where none belongs and too large ones where one
does, bad percent-encoding and control bytes in the path and query, markup in the filters, slow clients, more
connections than the limit, HTTP/1.0, HTTP/0.9 and pipelining. Each answer is the status the bounds say (or a
closed connection), the answers of the server's own handlers carry the strict Content-Security-Policy,
nothing comes back unescaped, and afterwards the server still answers / and the watcher still makes passes.

libmicrohttpd answers some malformed requests itself (400, 414, 431, 505): those answers have no
Content-Security-Policy (doc/WEB.md#bounds says so) and are checked to carry nothing of the request."""

import json
import re
import signal
import socket
import time
import urllib.parse

import pytest

from test_web_http import CSP

# What a filter or an id may be sent as: markup, an attribute break-out, a script URL.
MARKUP = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>javascript:alert(3)"
# libmicrohttpd's own answers (no page of ours): the request is refused before a handler sees it. 0.9.75 sends
# the status line and headers of some of them twice (a Content-Length it cannot hold, a negative one): parse()
# takes the repeat as part of the answer (Answer.twice) rather than as a body.
OWN = (400, 413, 414, 431, 505)


class Answer:
    def __init__(self, status, headers, body, twice=False):
        self.status, self.headers, self.body, self.twice = status, headers, body, twice

    def __repr__(self):
        return "Answer(%d, %r, %r)" % (self.status, self.headers, self.body[:200])


def address(site):
    host, port = urllib.parse.urlsplit(site.url).netloc.rsplit(":", 1)
    return host, int(port)


def connect(site, source="127.0.0.1", timeout=30):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((source, 0))
    s.connect(address(site))
    return s


def read_all(s):
    """Every byte until the server closes (a reset counts as closed)."""
    data = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except ConnectionResetError:
        pass
    return data


def parse(data, heads=()):
    """The answers in `data`, in order; `heads`: the indexes of answers to HEAD requests (no body)."""
    answers = []
    while data.startswith(b"HTTP/1."):
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        twice = rest.startswith(head + b"\r\n\r\n")
        if twice:
            assert status in OWN and "content-security-policy" not in headers, head
            rest = rest[len(head) + 4:]
        size = 0 if len(answers) in heads else int(headers.get("content-length", "0"))
        answers.append(Answer(status, headers, rest[:size], twice))
        data = rest[size:]
    assert data == b"", "bytes after the answers: %r" % data[:200]
    return answers


def send(site, request, source="127.0.0.1", heads=()):
    """Send `request` as it is, half-close, and read until the server closes: the answers (maybe none)."""
    with connect(site, source) as s:
        try:
            s.sendall(request)
            s.shutdown(socket.SHUT_WR)
        except OSError:  # closed already: a broken pipe, a reset, not connected any more
            pass
        return parse(read_all(s), heads)


def one(site, request, **kw):
    """The one answer to `request`, or None when the server closed without answering."""
    answers = send(site, request, **kw)
    assert len(answers) <= 1, answers
    return answers[0] if answers else None


def get(path, method=b"GET", extra=b""):
    return method + b" " + path + b" HTTP/1.1\r\nHost: x\r\n" + extra + b"Connection: close\r\n\r\n"


def check_headers(a, request=b""):
    """Ours: the security headers. libmicrohttpd's own: none of the request in it."""
    if a.status in OWN and "content-security-policy" not in a.headers:
        assert not (request and len(request) > 16 and request[5:40] in a.body), a
        return
    assert a.headers.get("content-security-policy") == CSP, a
    assert a.headers.get("x-content-type-options") == "nosniff", a


def test_very_long_paths(site):
    for n, expected in ((2000, (404,)), (16000, (404,)), (40000, (414,)), (100000, (414,)), (1 << 20, (414, None))):
        request = get(b"/" + b"a" * n)
        a = one(site, request)
        assert (a.status if a else None) in expected, (n, a)
        if a:
            check_headers(a, request)
    # A long query on a real page: answered (it fits) or refused, never a crash.
    a = one(site, get(b"/releases?product=" + b"p" * 20000))
    assert a.status == 200 and b"p" * 100 not in a.body.replace(b"&amp;", b""), a.status
    check_headers(a)


def test_bad_and_unknown_methods(site):
    for method in (b"PUT", b"DELETE", b"TRACE", b"PATCH", b"OPTIONS", b"PROPFIND", b"BREW", b"get", b"G\x01T",
                   b"X" * 200):
        for path in (b"/", b"/releases", b"/api/v1/status", b"/metrics", b"/style.css"):
            request = get(path, method)
            a = one(site, request)
            assert a is None or a.status in (400, 405), (method, path, a)
            if a and a.status == 405:
                assert a.headers["allow"] == "GET, HEAD" and b"read-only" in a.body, (method, a)
            if a:
                check_headers(a, request)
        a = one(site, get(b"/hooks/github", method))
        assert a is None or (a.status in (400, 405) and a.headers.get("allow", "POST") == "POST"), (method, a)
    # CONNECT's target is no path here; TRACE never echoes the request.
    a = one(site, b"CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\nConnection: close\r\n\r\n")
    assert a.status in (400, 404), a
    a = one(site, get(b"/", b"TRACE", b"X-Secret: " + MARKUP.encode() + b"\r\n"))
    assert a.status == 405 and b"X-Secret" not in a.body and b"<script>alert" not in a.body, a
    # A method of 40 KB is beyond the request's bound.
    assert (one(site, get(b"/", b"M" * 40000)) or Answer(0, {}, b"")).status in (0, 400, 414, 431)


def test_huge_and_too_many_headers(site):
    cases = [
        b"X-Big: " + b"b" * 100000 + b"\r\n",
        b"X-Big: " + b"b" * 40000 + b"\r\n",
        b"".join(b"X-H%d: v\r\n" % i for i in range(5000)),
        b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 100) for i in range(400)),
        b"Cookie: " + b"c=" * 30000 + b"\r\n",
    ]
    for extra in cases:
        request = get(b"/", extra=extra)
        a = one(site, request)
        assert a is None or a.status == 431, (len(extra), a)
        if a:
            check_headers(a, request)
    # Many small headers within the bound are fine.
    a = one(site, get(b"/", extra=b"".join(b"X-H%d: v\r\n" % i for i in range(200))))
    assert a.status == 200, a
    # A header line without a colon, a NUL in a header value.
    for extra in (b"NoColonHere\r\n", b"X-A: a\x00b\r\n"):
        a = one(site, get(b"/", extra=extra))
        assert a is None or a.status in (200, 400), (extra, a)
        if a:
            check_headers(a)


def test_huge_bodies(site):
    # A webhook announcing more than 1 MiB: refused from its length, before a byte of it is read (by the
    # handler; a length beyond 64 bits by libmicrohttpd).
    for length in (b"2097152", b"99999999999", b"18446744073709551617"):
        started = time.monotonic()
        a = one(site, b"POST /hooks/github HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + b"\r\n\r\n")
        assert a.status in (400, 413), (length, a)
        assert time.monotonic() - started < 5
        check_headers(a)
        if len(length) < 19:
            assert a.headers["content-security-policy"] == CSP and a.body == b"the body is larger than 1 MiB\n", a
    # A chunked one passing the bound: 413 as soon as it does (doc/WEB.md#webhooks); sent in pieces.
    with connect(site) as s:
        s.sendall(b"POST /hooks/gitea HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"%x\r\n%s\r\n" % (65536, b"x" * 65536)
        try:
            for _ in range(40):
                s.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        answers = parse(read_all(s))
    assert [a.status for a in answers] in ([413], []), answers
    # Two different lengths (a request two servers may frame differently), a negative one: refused.
    a = one(site, b"POST /hooks/github HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 3000000\r\n\r\nhello")
    assert a.status == 400, a
    check_headers(a)
    a = one(site, b"POST /hooks/github HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n")
    assert a.status == 400, a
    # A body sent to a page: answered before it is read (the page, or 405 for another method), and the
    # connection closed — the megabytes after it are never parsed as requests.
    for method, status in ((b"GET", 200), (b"POST", 405), (b"PUT", 405)):
        body = b"GET /releases HTTP/1.1\r\nHost: x\r\n\r\n" * 30000  # 1 MB of would-be smuggled requests
        request = method + b" / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(body) + body
        answers = send(site, request)
        assert [a.status for a in answers] == [status], (method, answers)
        assert answers[0].headers["connection"] == "close"
        check_headers(answers[0])
    answers = send(site, b"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
    assert [a.status for a in answers] == [200], answers


def test_percent_encoding_and_control_bytes(site):
    cases = [
        (b"/releases%00x", (404,)),           # a NUL would end the path: not decoded, not found
        (b"/releases%00", (404,)),
        (b"/%00", (404,)),
        (b"/%zz", (404,)),
        (b"/%", (404,)),
        (b"/%4", (404,)),
        (b"/releases%2Fx", (404,)),
        (b"/%2e%2e/%2e%2e/etc/passwd", (404,)),
        (b"/../../etc/passwd", (404,)),
        (b"/rel\x01eases", (400, 404)),
        (b"/rel\x7feases", (400, 404)),
        (b"/rel\x00eases", (400, 404, None)),
        (b"/rel\teases", (400, 404, None)),
        (b"/\xff\xfe", (400, 404)),
        (b"/releases?product=%zz%4", (200,)),
        (b"/releases?product=%00%3Cscript%3E", (200,)),
        (b"/releases?product=a\x01b", (200, 400)),
        (b"/?product=%ff%fe%00", (200,)),
        (b"/releases?%00=%00&&&==&product", (200,)),
        (b"/api/v1/releases/%00", (404,)),
    ]
    for path, expected in cases:
        request = get(path)
        a = one(site, request)
        assert (a.status if a else None) in expected, (path, a)
        if a:
            check_headers(a, request)
            assert b"<script" not in a.body.lower() and b"\x00" not in a.body, (path, a)
    # The same release page as the plain path, only when the id decodes to the same bytes.
    plain = one(site, get(b"/releases/" + site.failed.encode()))
    encoded = one(site, get(b"/releases/" + b"".join(b"%%%02X" % c for c in site.failed.encode())))
    assert (plain.status, encoded.status) == (200, 200) and plain.body == encoded.body


def test_markup_in_filters_and_ids_comes_back_escaped(site):
    q = urllib.parse.quote(MARKUP, safe="").encode()
    requests = [b"/?product=" + q, b"/releases?product=" + q, b"/releases?flow=" + q, b"/releases?state=" + q,
                b"/releases?product=" + q + b"&flow=" + q + b"&state=" + q, b"/releases/" + q, b"/" + q,
                b"/metrics?x=" + q, b"/style.css?" + q]
    for path in requests:
        a = one(site, get(path))
        assert a.status in (200, 404), (path, a)
        check_headers(a)
        low = a.body.lower()
        for raw in (b"<script>alert", b"<img src=x", b"\"'>", b"onerror=alert(2)>"):
            assert raw not in low, (path, raw)
        if a.status == 200 and b"product=" in path and path.startswith(b"/?"):
            assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in a.body, path  # shown, as text
    # The JSON API: the id comes back as a JSON string (its own escaping), as JSON, never sniffed as HTML.
    a = one(site, get(b"/api/v1/releases/" + urllib.parse.quote(MARKUP.replace("/", ""), safe="").encode()))
    assert (a.status, a.headers["content-type"]) == (404, "application/json"), a
    assert a.headers["x-content-type-options"] == "nosniff"
    assert json.loads(a.body) == {"error": "no such release", "release": MARKUP.replace("/", "")}


def test_http_versions_keep_alive_and_pipelining(site):
    # HTTP/1.0: answered, then closed.
    a = one(site, b"GET / HTTP/1.0\r\n\r\n")
    assert a.status == 200 and b"<h1>Status</h1>" in a.body and a.headers["connection"] == "close", a
    check_headers(a)
    a = one(site, b"HEAD /releases HTTP/1.0\r\n\r\n", heads=(0,))
    assert a.status == 200 and a.body == b"", a
    # HTTP/0.9, an unknown version, TLS spoken to plain HTTP: refused by libmicrohttpd itself; HTTP/1.1 without
    # Host: by the handler.
    for request, expected in ((b"GET /\r\n\r\n", (400,)), (b"GET / HTTP/2.0\r\nHost: x\r\n\r\n", (400, 505)),
                              (b"GET / HTTP/9.9\r\nHost: x\r\n\r\n", (400, 505)),
                              (b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n", (400,)),
                              (b"GET / FTP/1.1\r\nHost: x\r\n\r\n", (400, 505)),
                              (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64, (400, None))):
        a = one(site, request)
        assert (a.status if a else None) in expected, (request[:30], a)
        if a:
            check_headers(a, request)
    a = one(site, b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n")
    assert (a.status, a.body) == (400, b"an HTTP/1.1 request names its Host\n"), a
    check_headers(a)
    # Pipelining: three requests in one write, three answers in order on the one connection.
    answers = send(site, b"GET /style.css HTTP/1.1\r\nHost: x\r\n\r\n"
                         b"GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
                         b"HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", heads=(2,))
    assert [(a.status, a.headers["content-type"]) for a in answers] == [
        (200, "text/css; charset=utf-8"), (404, "text/html; charset=utf-8"), (200, "text/html; charset=utf-8")]
    for a in answers:
        check_headers(a)
    # Keep-alive: a second request on the same connection after the first answer.
    with connect(site) as s:
        s.sendall(b"GET /api/v1/status HTTP/1.1\r\nHost: x\r\n\r\n")
        first = b""
        while b"\r\n\r\n" not in first or len(first.partition(b"\r\n\r\n")[2]) < int(
                re.search(rb"Content-Length: (\d+)", first).group(1)):
            first += s.recv(65536)
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        answers = parse(first + read_all(s))
    assert [a.status for a in answers] == [200, 200] and answers[1].body.startswith(b"# HELP"), answers


def served_at_once(site, source):
    """GET /style.css from `source`: the seconds it took to be answered 200."""
    started = time.monotonic()
    a = one(site, get(b"/style.css"), source=source)
    assert a and a.status == 200, a
    return time.monotonic() - started


def test_slow_clients_are_dropped_within_the_bound_and_others_served(site):
    """Slowloris: 8 clients trickling a request's headers a byte every 2 s (never idle for the 10 s idle
    bound) are shut down by the 20 s bound on a request's time; meanwhile others are answered at once."""
    started = time.monotonic()
    slow = [connect(site, "127.0.0.2", timeout=60) for _ in range(8)]
    dropped = {}
    for s in slow:
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
    while len(dropped) < len(slow) and time.monotonic() - started < 45:
        for i, s in enumerate(slow):
            if i in dropped:
                continue
            try:
                s.sendall(b"X")
            except (BrokenPipeError, ConnectionResetError):
                dropped[i] = time.monotonic() - started
        assert served_at_once(site, "127.0.0.1") < 2
        time.sleep(2)
    for s in slow:
        s.close()
    assert len(dropped) == len(slow), "slow clients still connected after 45 s: %d" % (len(slow) - len(dropped))
    # The bound is 20 s, checked every second; a trickle of a byte every 2 s notices the close at its next byte.
    assert 18 < min(dropped.values()) and max(dropped.values()) < 30, dropped


def test_more_connections_than_the_limit(site):
    """16 connections from one address at most, 32 in all: the 17th from an address is closed at once while
    others are served; the 33rd waits (in the listen queue) until one of the 32 goes, then is answered."""
    held = [connect(site, "127.0.0.3") for _ in range(16)]
    try:
        for s in held:
            s.sendall(b"GET / HTTP/1.1\r\n")  # a request begun, never finished
        time.sleep(0.5)
        assert one(site, get(b"/style.css"), source="127.0.0.3") is None  # closed, unanswered
        assert served_at_once(site, "127.0.0.4") < 2
        held += [connect(site, "127.0.0.4") for _ in range(16)]
        for s in held[16:]:
            s.sendall(b"GET / HTTP/1.1\r\n")
        time.sleep(0.5)
        waiting = connect(site, "127.0.0.5")
        waiting.sendall(get(b"/style.css"))
        waiting.settimeout(2)
        with pytest.raises(socket.timeout):
            waiting.recv(1)
        started = time.monotonic()
        for s in held:
            s.close()
        held = []
        waiting.settimeout(30)
        answers = parse(read_all(waiting))
        waiting.close()
        assert [a.status for a in answers] == [200] and time.monotonic() - started < 5, answers
    finally:
        for s in held:
            s.close()


def test_after_the_run_the_server_and_the_watcher_go_on(site):
    status, headers, body = site.get("/")
    assert status == 200 and headers["Content-Security-Policy"] == CSP
    assert b"<h1>Status</h1>" in body and b"1.5.0" in body  # shop 1.5.0's release, waiting in prod
    passes = lambda: int(re.search(rb"\npromote_watcher_passes_total (\d+)\n", site.get("/metrics")[2]).group(1))
    before = passes()
    site.proc.send_signal(signal.SIGUSR1)
    deadline = time.monotonic() + 30
    while passes() <= before:
        assert time.monotonic() < deadline, "the watcher made no pass after SIGUSR1"
        time.sleep(0.2)
    assert site.proc.poll() is None
