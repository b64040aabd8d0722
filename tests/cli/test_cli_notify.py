"""Notifications (`notifications:` in promote.yaml): a release's events POSTed as signed JSON to a
local receiver, or given to a hook on its standard input — each once per event, across restarted
watchers, two watchers at once and a kill in the middle of a delivery (then again with the same
delivery id); failed attempts retried later and given up after `attempts`; what was sent recorded
with the release; secrets in no record and no output; bad configuration refused at its place."""

import datetime
import hashlib
import hmac
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from conftest import CLI, position, promote  # noqa: F401

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from gitserver import create_bare_repo, run_git  # noqa: E402

SECRET = "s3cret-notify-key"
TOKEN_PATH = "/services/T000/B000/tok3n-in-the-url"

VALUES = 'image:\n  tag: "1.0.0"  # the version\n'
CONFIG = """version: 1
environments:
  dev: {path: envs/dev, strategy: auto}
  qa: {path: envs/qa, strategy: auto}
  prod: {path: envs/prod, strategy: manual}
products:
  shop:
    path: apps/shop
    template: {attributes: {values.yaml: [image.tag]}, version: values.yaml#image.tag}
flows:
  default: {trigger: dev, steps: {qa: {}, prod: {dependsOn: [qa]}}}
notifications:
%s"""


class Receiver:
    """An HTTP server on 127.0.0.1 that records each POST (path, headers, body) and answers
    `status` (a list: one status per request, the last one repeated)."""

    def __init__(self, statuses=(200,)):
        self.deliveries = []
        self.statuses = list(statuses)
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.deliveries.append((self.path, dict(self.headers), body))
                status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path="/hook"):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def events(self):
        return [json.loads(body)["event"] for _, _, body in self.deliveries]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []

    def make(statuses=(200,)):
        r = Receiver(statuses)
        made.append(r)
        return r
    yield make
    for r in made:
        r.close()


def make_repo(tmp_path, notifications):
    files = {"promote.yaml": CONFIG % notifications}
    for env in ("dev", "qa", "prod"):
        files["envs/%s/apps/shop/values.yaml" % env] = VALUES
    return create_bare_repo(tmp_path, "gitops", files)


def env_with(now=None, **extra):
    env = dict(os.environ, NOTIFY_SECRET=SECRET, **extra)
    env.pop("PROMOTE_NOW", None)
    if now:
        env["PROMOTE_NOW"] = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    return env


def run(repo, *args, now=None, **extra):
    return subprocess.run([CLI, "--repo", str(repo), *map(str, args)], capture_output=True, text=True, timeout=120,
                          env=env_with(now, **extra), stdin=subprocess.DEVNULL)


def later(minutes):
    return datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=minutes)


def start_release(repo, **extra):
    """`promote run shop` to 1.1.0: qa committed, prod waiting for approval; the release's id."""
    r = run(repo, "run", "shop", "--version", "1.1.0", "--json", **extra)
    assert r.returncode == 3, r  # left waiting for a person
    return json.loads(r.stdout)["id"]


def record(repo, release):
    return json.loads(run_git("--git-dir", repo, "show", "refs/promote/releases/%s:record.json" % release).stdout)


def ledger(repo, release):
    return {(n["event"], n["to"]): n for n in record(repo, release).get("notifications", [])}


def history(repo, release):
    """Every commit of the release's record, its message and its JSON: what a secret must never be in."""
    return run_git("--git-dir", repo, "log", "-p", "refs/promote/releases/%s" % release).stdout


WEBHOOK = """  chat:
    events: [release.started, step.waiting, step.failed, release.succeeded, release.failed, release.aborted]
    url: %s
    secretEnv: NOTIFY_SECRET
    attempts: %d
"""


def test_each_event_is_posted_once_signed_and_recorded_across_restarted_watchers(tmp_path, receiver):
    rx = receiver()
    repo = make_repo(tmp_path, WEBHOOK % (rx.url(), 5))
    release = start_release(repo)
    assert rx.events() == ["release.started", "step.waiting"]
    for path, headers, body in rx.deliveries:
        assert path == "/hook"
        assert headers["Content-Type"] == "application/json"
        want = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert headers["X-Promote-Signature-256"] == want
        payload = json.loads(body)
        assert headers["X-Promote-Event"] == payload["event"]
        assert headers["X-Promote-Delivery"] == payload["delivery"]
        assert payload["release"] == release and payload["product"] == "shop" and payload["version"] == "1.1.0"
        assert payload["delivery"].startswith(release + "/" + payload["event"])
    waiting = json.loads(rx.deliveries[1][2])
    assert (waiting["environment"], waiting["step_state"]) == ("prod", "awaiting_approval")
    assert waiting["text"].startswith("shop 1.1.0 waits in prod: ") and release in waiting["text"]
    assert {k: v["state"] for k, v in ledger(repo, release).items()} == {
        ("release.started", "chat"): "sent", ("step.waiting", "chat"): "sent"}

    # Restarted watchers (each `watch --once` is a new process) find both sent: nothing again.
    for _ in range(2):
        r = run(repo, "watch", "--once")
        assert r.returncode == 0, r
    assert len(rx.deliveries) == 2

    r = run(repo, "release", "approve", release, "--env", "prod")
    assert r.returncode == 0, r
    for _ in range(2):
        assert run(repo, "watch", "--once").returncode == 0
    assert rx.events() == ["release.started", "step.waiting", "release.succeeded"]
    done = json.loads(rx.deliveries[2][2])
    assert done["state"] == "succeeded" and done["text"] == "shop 1.1.0: release %s succeeded" % release
    assert len({headers["X-Promote-Delivery"] for _, headers, _ in rx.deliveries}) == 3
    assert SECRET not in history(repo, release)


def test_two_watchers_at_once_send_each_retry_once(tmp_path, receiver):
    rx = receiver([503])
    repo = make_repo(tmp_path, WEBHOOK % (rx.url(), 5))
    release = start_release(repo)
    # The receiver failed the first event: the second waits for a later call rather than costing a second try.
    assert rx.events() == ["release.started"]
    assert {k: (v["state"], v["attempts"]) for k, v in ledger(repo, release).items()} == {
        ("release.started", "chat"): ("retry", 1)}
    # A watcher now tries the second; the first is not due again yet.
    assert run(repo, "watch", "--once").returncode == 0
    assert rx.events() == ["release.started", "step.waiting"]
    entries = ledger(repo, release)
    assert {k: (v["state"], v["attempts"]) for k, v in entries.items()} == {
        ("release.started", "chat"): ("retry", 1), ("step.waiting", "chat"): ("retry", 1)}
    assert entries[("step.waiting", "chat")]["error"] == "127.0.0.1:%d answered HTTP 503" % rx.port

    rx.statuses = [200]
    now = later(5)
    watchers = [subprocess.Popen([CLI, "--repo", str(repo), "watch", "--once"], env=env_with(now),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for w in watchers:
        out, err = w.communicate(timeout=120)
        assert w.returncode == 0, err
    assert sorted(rx.events()[2:]) == ["release.started", "step.waiting"]
    assert {k: (v["state"], v["attempts"], v["error"]) for k, v in ledger(repo, release).items()} == {
        ("release.started", "chat"): ("sent", 2, ""), ("step.waiting", "chat"): ("sent", 2, "")}
    # A retry is the same delivery: receivers drop a repeated id.
    ids = [headers["X-Promote-Delivery"] for _, headers, _ in rx.deliveries]
    assert sorted(ids[:2]) == sorted(ids[2:]) and len(set(ids)) == 2


def test_failed_attempts_are_given_up_after_attempts_with_their_reason(tmp_path, receiver):
    rx = receiver([500])
    repo = make_repo(tmp_path, WEBHOOK % (rx.url(), 2))
    release = start_release(repo)
    for minutes in (10, 20, 30):
        assert run(repo, "watch", "--once", now=later(minutes)).returncode == 0
    entries = ledger(repo, release)
    assert {k: (v["state"], v["attempts"]) for k, v in entries.items()} == {
        ("release.started", "chat"): ("given up", 2), ("step.waiting", "chat"): ("given up", 2)}
    assert len(rx.deliveries) == 4
    assert run(repo, "watch", "--once", now=later(120)).returncode == 0
    assert len(rx.deliveries) == 4
    # The release itself never waited on them.
    assert record(repo, release)["state"] == "waiting"


def test_url_from_the_environment_never_shown(tmp_path, receiver):
    rx = receiver([404])
    repo = make_repo(tmp_path, """  chat:
    events: [release.started]
    urlEnv: CHAT_WEBHOOK_URL
""")
    release = start_release(repo, CHAT_WEBHOOK_URL=rx.url(TOKEN_PATH))
    assert [path for path, _, _ in rx.deliveries] == [TOKEN_PATH]
    assert "X-Promote-Signature-256" not in rx.deliveries[0][1]
    assert ledger(repo, release)[("release.started", "chat")]["error"] == "127.0.0.1:%d answered HTTP 404" % rx.port
    assert "tok3n" not in history(repo, release)

    # Without the variable: an attempt that fails, saying which variable to set.
    r = run(repo, "watch", "--once", now=later(5))
    assert r.returncode == 0 and "tok3n" not in r.stdout + r.stderr, r
    assert ledger(repo, release)[("release.started", "chat")]["error"] == \
        "CHAT_WEBHOOK_URL is not set (notification 'chat' reads its URL there)"


def test_filters_by_product_and_environment(tmp_path, receiver):
    rx = receiver()
    repo = make_repo(tmp_path, """  not-shop:
    events: [release.started, step.waiting]
    products: [cart, "web-*"]
    url: %s
  qa-only:
    events: [release.started, step.waiting]
    products: ["sh*"]
    environments: [qa]
    url: %s
""" % (rx.url("/not-shop"), rx.url("/qa-only")))
    start_release(repo)
    # qa has no waiting step; the release has a step in qa, so its start is sent.
    assert [(path, json.loads(body)["event"]) for path, _, body in rx.deliveries] == [("/qa-only", "release.started")]


HOOK = r"""import json, os, signal, sys
event = json.load(sys.stdin)
with open(sys.argv[1], "a") as out:
    out.write(json.dumps({"env": os.environ["PROMOTE_EVENT"], "delivery": os.environ["PROMOTE_DELIVERY"],
                          "event": event}) + "\n")
if os.path.exists(sys.argv[2]):
    os.remove(sys.argv[2])
    os.kill(os.getppid(), signal.SIGKILL)   # promote dies in the middle of the delivery
if event["event"] == "step.waiting" and os.environ.get("HOOK_FAILS"):
    print("the chat is down")
    sys.exit(3)
"""


def hook_repo(tmp_path, events="[release.started, step.waiting]"):
    hook = tmp_path / "hook.py"
    hook.write_text(HOOK)
    seen, kill = tmp_path / "seen.jsonl", tmp_path / "kill-once"
    repo = make_repo(tmp_path, """  hook:
    events: %s
    run: [python3, "%s", "%s", "%s"]
    timeout: 30s
""" % (events, hook, seen, kill))
    return repo, seen, kill


def lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_hook_gets_the_event_on_stdin_and_its_failure_is_recorded(tmp_path):
    repo, seen, _ = hook_repo(tmp_path)
    release = start_release(repo, HOOK_FAILS="1")
    got = lines(seen)
    assert [(g["env"], g["event"]["event"]) for g in got] == [("release.started", "release.started"),
                                                              ("step.waiting", "step.waiting")]
    assert got[1]["delivery"] == got[1]["event"]["delivery"]
    entries = ledger(repo, release)
    assert entries[("release.started", "hook")]["state"] == "sent"
    assert entries[("step.waiting", "hook")]["state"] == "retry"
    assert entries[("step.waiting", "hook")]["error"] == "the hook python3 exited with 3: the chat is down"


def test_a_kill_during_a_delivery_is_taken_over_with_the_same_delivery_id(tmp_path):
    repo, seen, kill = hook_repo(tmp_path, "[release.started]")
    kill.write_text("")
    r = run(repo, "run", "shop", "--version", "1.1.0")
    assert r.returncode == -9, r
    release = run_git("--git-dir", repo, "for-each-ref", "--format=%(refname:lstrip=3)",
                      "refs/promote/releases/").stdout.split()[0]
    entry = ledger(repo, release)[("release.started", "hook")]
    assert (entry["state"], entry["attempts"]) == ("sending", 1)
    # Its owner may still be sending within the attempt's bound: nobody takes it over then.
    assert run(repo, "watch", "--once").returncode == 0
    assert len(lines(seen)) == 1
    # Past it, one watcher does, once.
    for _ in range(2):
        assert run(repo, "watch", "--once", now=later(3)).returncode == 0
    got = lines(seen)
    assert len(got) == 2 and got[0]["delivery"] == got[1]["delivery"]
    entry = ledger(repo, release)[("release.started", "hook")]
    assert (entry["state"], entry["attempts"]) == ("sent", 2)


def commit_config(repo, tmp_path, notifications):
    work = tmp_path / "work"
    run_git("clone", "-q", str(repo), work)
    (work / "promote.yaml").write_text(CONFIG % notifications)
    run_git("commit", "-q", "-am", "notifications", cwd=work)
    run_git("push", "-q", "origin", "main", cwd=work)


def test_events_from_before_a_notification_was_configured_are_not_sent(tmp_path, receiver):
    rx = receiver()
    repo = make_repo(tmp_path, """  cart-only:
    events: [release.started]
    products: [cart]
    url: %s
""" % rx.url())
    release = start_release(repo, now=later(-180))
    commit_config(repo, tmp_path, WEBHOOK % (rx.url(), 5))
    # Started and waiting since three hours ago: only what happens from now on is sent.
    assert run(repo, "watch", "--once").returncode == 0
    assert rx.events() == []
    assert run(repo, "release", "abort", release, "--reason", "not this one").returncode == 0
    assert rx.events() == ["release.aborted"]
    assert json.loads(rx.deliveries[0][2])["reason"] == "aborted: not this one"


@pytest.mark.parametrize("body, token, message", [
    ("  chat: {url: http://x.example/}\n", "chat",
     "notification 'chat' has no 'events'; name what it is sent for"),
    ("  chat: {events: [release.begun], url: http://x.example/}\n", "release.begun",
     "'events' of notification 'chat' is 'release.begun'"),
    ("  chat: {events: [release.started]}\n", "chat",
     "notification 'chat' needs exactly one of 'url'"),
    ("  chat: {events: [release.started], url: http://x.example/, run: [notify]}\n", "http://x.example/",
     "notification 'chat' needs exactly one of 'url'"),
    ("  chat: {events: [release.started], url: ftp://x.example/}\n", "ftp://x.example/",
     "'url' of notification 'chat'"),
    ("  chat: {events: [release.started], run: [notify], secretEnv: S}\n", "S}",
     "'secretEnv' of notification 'chat' signs a POST, and notification 'chat' runs a hook"),
    ("  chat: {events: [release.started], url: http://x.example/, secretEnv: 'A-B'}\n", "'A-B'",
     "'secretEnv' of notification 'chat' is 'A-B', which is no environment variable's name"),
    ("  chat: {events: [release.started], url: http://x.example/, environments: [prd]}\n", "prd",
     "'environments' of notification 'chat' names unknown environment 'prd' (did you mean 'prod'?)"),
    ("  chat: {events: [release.started], url: http://x.example/, attempts: 50}\n", "50",
     "'attempts' of notification 'chat'"),
    ("  chat: {events: [release.started], url: http://x.example/, tries: 3}\n", "tries",
     "unknown key 'tries'"),
])
def test_bad_notifications_are_refused_at_their_place(tmp_path, body, token, message):
    config = tmp_path / "promote.yaml"
    config.write_text(CONFIG % body)
    r = promote("--config", config, "validate")
    assert r.code != 0, r
    line, column = position(config.read_text(), token)
    assert "promote.yaml:%d:%d: " % (line, column) in r.err and message in r.err, r.err


def test_the_release_page_shows_what_was_sent(tmp_path, receiver):
    rx = receiver([503, 200])
    repo = make_repo(tmp_path, WEBHOOK % (rx.url(), 5))
    release = start_release(repo)
    proc = subprocess.Popen([CLI, "--repo", str(repo), "watch", "--listen", "127.0.0.1:0", "--interval", "1h"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL,
                            env=env_with())
    try:
        first = proc.stdout.readline()
        assert first.startswith("web view at http://127.0.0.1:"), (first, proc.stderr.read())
        url = first.split()[-1].rstrip("/")
        deadline = time.monotonic() + 60
        while True:
            try:
                page = urllib.request.urlopen(url + "/releases/" + release, timeout=10).read().decode()
                if "<code>step.waiting/" in page:  # the watcher's pass sent the event the run left
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "step.waiting never shown on the release page"
            time.sleep(0.2)
        api = json.loads(urllib.request.urlopen(url + "/api/v1/releases/" + release, timeout=10).read())
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        proc.stdout.close()
        proc.stderr.close()
    assert {(n["event"], n["state"]) for n in api["notifications"]} == {("release.started", "retry"),
                                                                        ("step.waiting", "sent")}
    assert '<h2 id="notifications">Notifications</h2>' in page
    assert "<code>release.started@0</code></th><td>chat</td><td>retry</td><td>1</td>" in page
    assert "127.0.0.1:%d answered HTTP 503" % rx.port in page


def test_a_receiver_that_never_answers_costs_one_timeout_per_call(tmp_path):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    port = silent.getsockname()[1]
    accepted = []

    def accept():
        while True:
            try:
                conn, _ = silent.accept()
            except OSError:
                return
            accepted.append(conn)  # read nothing, answer nothing
    threading.Thread(target=accept, daemon=True).start()
    try:
        repo = make_repo(tmp_path, """  chat:
    events: [release.started, step.waiting]
    url: http://127.0.0.1:%d/hook
    timeout: 2s
""" % port)
        release = start_release(repo)
        entries = ledger(repo, release)
        # The first attempt timed out; the other event waits for a later call instead of a second timeout.
        assert list(entries) == [("release.started", "chat")]
        assert entries[("release.started", "chat")]["state"] == "retry"
        assert entries[("release.started", "chat")]["error"] == \
            "no answer from 127.0.0.1:%d: no connection, or no reply in time" % port
        assert len(accepted) == 1
        assert record(repo, release)["state"] == "waiting"
    finally:
        silent.close()
        for conn in accepted:
            conn.close()
