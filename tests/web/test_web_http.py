"""promote watch --listen over HTTP: the paths, methods, types, headers and bounds a client relies on, and
the JSON API being exactly what the command prints with --json (doc/WEB.md)."""

import http.client
import json
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

from conftest import CLI, HOSTILE, promote

CSP = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; " \
      "frame-ancestors 'none'"
HTML, JSON, CSS = "text/html; charset=utf-8", "application/json", "text/css; charset=utf-8"
METRICS = "text/plain; version=0.0.4; charset=utf-8"


def pages(site):
    return [("/", HTML), ("/releases", HTML), ("/releases/" + site.waiting, HTML), ("/releases/" + site.failed, HTML),
            ("/style.css", CSS), ("/api/v1/status", JSON), ("/api/v1/releases", JSON),
            ("/api/v1/releases/" + site.failed, JSON), ("/metrics", METRICS)]


def test_every_path_answers_with_its_type_and_the_security_headers(site):
    for path, kind in pages(site):
        status, headers, body = site.get(path)
        assert (status, headers["Content-Type"]) == (200, kind), path
        assert headers["Content-Security-Policy"] == CSP, path
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert body


def test_unknown_paths_are_404_and_other_methods_405(site):
    for path in ("/nope", "/releases/", "/releases/a/b", "/api/v1", "/api/v1/releases/" + site.waiting + "/x",
                 "/style.css/x", "/RELEASES"):
        status, headers, body = site.get(path)
        assert status == 404, path
        assert headers["Content-Security-Policy"] == CSP
    status, _, body = site.get("/releases/no-such-release")
    assert status == 404 and b"No release no-such-release is recorded" in body
    status, headers, body = site.get("/api/v1/releases/no-such-release")
    assert (status, headers["Content-Type"]) == (404, JSON)
    assert json.loads(body) == {"error": "no such release", "release": "no-such-release"}
    for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
        for path, _ in pages(site):
            status, headers, _ = site.get(path, method=method)
            assert status == 405, (method, path)
            assert headers["Allow"] == "GET, HEAD"
        assert site.get("/nope", method=method)[0] == 404


def test_head_has_the_headers_and_no_body(site):
    for path, kind in pages(site):
        status, headers, body = site.get(path, method="HEAD")
        assert (status, headers["Content-Type"], body) == (200, kind, b""), path
        assert headers["Content-Security-Policy"] == CSP


def raw(site, request, timeout=30):
    """Send `request` bytes as they are; the status line's code (0 when the server closed without one)."""
    host, port = urllib.parse.urlsplit(site.url).netloc.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=timeout) as s:
        try:
            s.sendall(request)
        except (BrokenPipeError, ConnectionResetError):
            pass
        data = b""
        try:
            while b"\r\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        except ConnectionResetError:
            pass
    return int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.") else 0


def test_a_long_path_and_a_huge_header_are_refused_and_the_server_goes_on(site):
    assert raw(site, b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\nHost: x\r\n\r\n") == 414
    assert raw(site, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 100000 + b"\r\n\r\n") == 431
    many = b"".join(b"X-H%d: v\r\n" % i for i in range(5000))
    assert raw(site, b"GET / HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n") == 431
    assert raw(site, b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n") == 404
    assert raw(site, b"\x00\xff garbage\r\n\r\n") in (0, 400)
    assert site.get("/")[0] == 200


def test_a_request_body_is_refused_before_it_is_read(site):
    conn = http.client.HTTPConnection(urllib.parse.urlsplit(site.url).netloc, timeout=30)
    conn.request("POST", "/api/v1/status", body=b"x" * 1000)
    assert conn.getresponse().status == 405
    conn.close()


def test_an_idle_connection_is_closed(site):
    host, port = urllib.parse.urlsplit(site.url).netloc.rsplit(":", 1)
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=60) as s:
        s.sendall(b"GET / HTTP/1.1\r\n")  # and never the rest
        while s.recv(4096):
            pass
    # The per-connection timeout is 10 s (doc/WEB.md#bounds).
    assert 8 < time.monotonic() - started < 30


def cli_json(site, *args):
    r = promote("--repo", site.repo, "--json", *args)
    assert r.code in (0, 1, 3), r
    return r.out


def test_the_json_api_is_what_the_command_prints(site):
    assert site.get("/api/v1/status")[2].decode() == cli_json(site, "status")
    assert site.get("/api/v1/releases")[2].decode() == cli_json(site, "release", "list")
    for release in (site.waiting, site.failed):
        assert site.get("/api/v1/releases/" + release)[2].decode() == cli_json(site, "release", "status", release)
    doc = json.loads(site.get("/api/v1/releases")[2])
    assert [r["id"] for r in doc["releases"]] == [site.waiting, site.failed]  # newest first


def test_hostile_values_are_text(site):
    body = site.get("/releases/" + site.failed)[2].decode()
    assert "<script" not in body and "<b>" not in body
    assert "&lt;script&gt;alert(&#39;frozen&#39;)&lt;/script&gt; &amp; &lt;b&gt;audit&lt;/b&gt;" in body
    # The value itself is in the record, unescaped: escaping is the page's.
    record = json.loads(site.get("/api/v1/releases/" + site.failed)[2])
    prod = [s for s in record["steps"] if s["environment"] == "prod"][0]
    assert HOSTILE in prod["checks"][0]["output"]
    # A hostile filter value is shown back as text too.
    body = site.get("/?product=" + urllib.parse.quote("\"><script>x</script>"))[2].decode()
    assert "<script>x" not in body and "&quot;&gt;&lt;script&gt;x&lt;/script&gt;" in body


def test_filters(site):
    body = site.get("/?product=shop")[2].decode()
    assert '<th scope="row">shop</th>' in body and '<th scope="row">cart</th>' not in body
    body = site.get("/?product=s%2A")[2].decode()  # a glob, as status --product takes
    assert '<th scope="row">shop</th>' in body and '<th scope="row">cart</th>' not in body
    assert "No product matches nothing*." in site.get("/?product=nothing*")[2].decode()
    body = site.get("/releases?state=failed")[2].decode()
    assert site.failed in body and site.waiting not in body
    body = site.get("/releases?product=shop&flow=default")[2].decode()
    assert site.waiting in body and site.failed not in body
    body = site.get("/releases?flow=manual")[2].decode()
    assert "No release matches." in body


def test_an_open_release_refreshes_itself_a_finished_one_does_not(site):
    assert b'<meta http-equiv="refresh" content="10">' in site.get("/releases/" + site.waiting)[2]
    assert b'http-equiv="refresh"' not in site.get("/releases/" + site.failed)[2]


def test_metrics_count_what_the_repository_holds(site):
    status, _, body = site.get("/metrics")
    assert status == 200
    lines = body.decode().splitlines()
    samples = dict(line.rsplit(" ", 1) for line in lines if not line.startswith("#"))
    assert samples['promote_releases{state="failed"}'] == "1"
    assert samples['promote_releases{state="waiting"}'] == "1"
    assert samples['promote_releases{state="succeeded"}'] == "0"
    assert samples['promote_steps{environment="prod",state="failed"}'] == "1"
    assert samples['promote_steps{environment="prod",state="awaiting_approval"}'] == "1"
    assert samples['promote_steps{environment="qa",state="succeeded"}'] == "2"
    assert samples['promote_waits{reason="approval"}'] == "1"
    # qa's two steps finished (their started and finished times are whole seconds apart, within an hour).
    assert samples['promote_step_duration_seconds_count{environment="qa"}'] == "2"
    assert samples['promote_step_duration_seconds_bucket{environment="qa",le="3600"}'] == "2"
    assert samples['promote_step_duration_seconds_bucket{environment="qa",le="+Inf"}'] == "2"
    assert int(samples["promote_watcher_passes_total"]) >= 1
    assert samples["promote_watcher_pass_failures_total"] == "0"
    assert float(samples["promote_watcher_pass_duration_seconds"]) > 0
    for name in ("promote_releases", "promote_steps", "promote_step_duration_seconds", "promote_waits"):
        assert "# TYPE %s " % name in body.decode()


def test_the_watcher_goes_on_while_serving_and_the_pages_follow_its_passes(site):
    r = promote("--repo", site.repo, "release", "abort", site.waiting, "--reason", "web test")
    assert r.code == 0, r
    # The next pass (woken at once by SIGUSR1) publishes what the repository holds now.
    site.proc.send_signal(signal.SIGUSR1)
    deadline = time.monotonic() + 60
    while json.loads(site.get("/api/v1/releases/" + site.waiting)[2])["state"] != "aborted":
        assert time.monotonic() < deadline, "the page never showed the abort"
        time.sleep(0.2)
    assert b'http-equiv="refresh"' not in site.get("/releases/" + site.waiting)[2]
    assert site.get("/api/v1/releases/" + site.waiting)[2].decode() == \
        cli_json(site, "release", "status", site.waiting)


def stop_watcher(proc):
    proc.terminate()
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    return out


def test_ipv6_and_the_json_line_that_says_where(site):
    proc = subprocess.Popen([CLI, "--repo", str(site.repo), "--json", "watch", "--listen", "[::1]:0", "--interval", "1h"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    first = json.loads(proc.stdout.readline())
    assert first["event"] == "listening" and first["url"].startswith("http://[::1]:"), first
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(first["url"] + "api/v1/status", timeout=30) as r:
                assert r.read().decode() == cli_json(site, "status")
                break
        except urllib.error.HTTPError as e:
            assert e.code == 503 and time.monotonic() < deadline
            time.sleep(0.2)
    stop_watcher(proc)


def test_an_address_in_use_is_refused_before_the_first_pass(site):
    port = urllib.parse.urlsplit(site.url).port
    r = promote("--repo", site.repo, "watch", "--listen", str(port))
    assert r.code == 1, r
    assert r.err == "promote: cannot serve the web view on %d (the address is in use, or not this machine's): " \
        "give --listen another\n" % port, r
    assert r.out == ""
