"""Forge webhooks on the watcher's listener (doc/WEB.md#webhooks): POST /hooks/github, /hooks/gitlab and
/hooks/gitea, each verified with its forge's signature (GitHub's and Gitea's HMAC-SHA256 of the body, GitLab's
token), refused when unsigned, wrongly signed, oversized, replayed or stale, and waking the watcher for a pass
at once when the event may move a release.

The payloads here are the fields the forges' documented events carry that the watcher reads, made for each
case; test_web_hooks_recorded.py sends deliveries the forges really sent (tests/data/SOURCES.md)."""

import hashlib
import hmac
import http.client
import json
import queue
import subprocess
import threading
import time
import urllib.parse
import uuid

import pytest

from conftest import CLI, EXAMPLE, create_bare_repo, edit_main

SECRET = "s3cret-shared"          # PROMOTE_WEBHOOK_SECRET: GitHub's and Gitea's
GITLAB_TOKEN = "gl-only-token"    # PROMOTE_WEBHOOK_SECRET_GITLAB overrides it for GitLab


class Watcher:
    """A `promote --json watch --listen` with the secrets set; its --json lines, as they come, in `lines`."""

    def post(self, path, body, headers=None, method="POST"):
        """(status, headers, body text) of one request to the listener."""
        address = urllib.parse.urlsplit(self.url)
        c = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            return r.status, r.headers, r.read().decode()
        finally:
            c.close()

    def passes(self):
        for line in self.post("/metrics", None, method="GET")[2].splitlines():
            if line.startswith("promote_watcher_passes_total "):
                return int(line.split()[1])
        raise AssertionError("no promote_watcher_passes_total in /metrics")

    def settle(self):
        """Wait until no pass is running (the count stays put for a moment); the count."""
        count = self.passes()
        while True:
            time.sleep(1)
            now = self.passes()
            if now == count:
                return count
            count = now

    def event(self, kind, timeout):
        """The next --json line of event `kind` within `timeout` seconds (None if none came)."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                found = json.loads(self.lines.get(timeout=left))
            except queue.Empty:
                break
            if found.get("event") == kind:
                return found
        return None


def start_watcher(tmp, **extra_env):
    """A Watcher on a new bare repository in `tmp`, its first pass done; `extra_env` added to its environment."""
    w = Watcher()
    w.repo = create_bare_repo(tmp, "gitops", EXAMPLE.parent)
    env = dict(__import__("os").environ, PROMOTE_WEBHOOK_SECRET=SECRET, PROMOTE_WEBHOOK_SECRET_GITLAB=GITLAB_TOKEN,
               **extra_env)
    w.proc = subprocess.Popen([CLI, "--repo", str(w.repo), "--json", "watch", "--listen", "127.0.0.1:0",
                               "--interval", "1h"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              stdin=subprocess.DEVNULL, env=env)
    first = json.loads(w.proc.stdout.readline() or "{}")
    if first.get("event") != "listening":
        w.proc.kill()
        pytest.fail("promote watch --listen did not serve: %r %s" % (first, w.proc.stderr.read()))
    w.url = first["url"]
    w.lines = queue.Queue()
    threading.Thread(target=lambda: [w.lines.put(line) for line in w.proc.stdout], daemon=True).start()
    deadline = time.monotonic() + 60
    while True:
        try:
            if w.passes() >= 1:
                break
        except (OSError, AssertionError):
            pass
        assert time.monotonic() < deadline, "the watcher's first pass never ended"
        time.sleep(0.2)
    return w


def stop_watcher(w):
    w.proc.terminate()
    assert w.proc.wait(timeout=30) == 0, w.proc.stderr.read()


@pytest.fixture(scope="module")
def watcher(tmp_path_factory):
    w = start_watcher(tmp_path_factory.mktemp("hooks"))
    yield w
    stop_watcher(w)


def github_signature(body, secret=SECRET):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def gitea_signature(body, secret=SECRET):
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def github(event, payload, sign=github_signature, delivery=None):
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", "X-GitHub-Event": event,
               "X-GitHub-Delivery": delivery or str(uuid.uuid4())}
    if sign:
        headers["X-Hub-Signature-256"] = sign(body)
    return "/hooks/github", body, headers


def gitea(event, payload, sign=gitea_signature):
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", "X-Gitea-Event": event, "X-Gitea-Delivery": str(uuid.uuid4())}
    if sign:
        headers["X-Gitea-Signature"] = sign(body)
    return "/hooks/gitea", body, headers


def gitlab(event, payload, token=GITLAB_TOKEN):
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", "X-Gitlab-Event": event,
               "X-Gitlab-Event-UUID": str(uuid.uuid4())}
    if token is not None:
        headers["X-Gitlab-Token"] = token
    return "/hooks/gitlab", body, headers


def iso(seconds_ago=0):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - seconds_ago))


def push(ref="refs/heads/main", seconds_ago=0):
    """A push as GitHub and Gitea send it (the fields read): the ref, and when it was pushed."""
    return {"ref": ref, "before": "0" * 40, "after": "1" * 40,
            "repository": {"full_name": "org/gitops", "default_branch": "main",
                           "pushed_at": int(time.time()) - seconds_ago, "updated_at": iso(seconds_ago)}}


def gitlab_push(ref="refs/heads/main"):
    return {"object_kind": "push", "ref": ref, "project": {"path_with_namespace": "org/gitops",
                                                          "default_branch": "main"}}


def assert_no_pass(w, before):
    time.sleep(1.5)
    assert w.passes() == before, "a refused or ignored delivery started a pass"


def assert_woken(w, before):
    """A pass starts far sooner than the interval (1 h): within 10 s."""
    deadline = time.monotonic() + 10
    while w.passes() <= before:
        assert time.monotonic() < deadline, "a good delivery did not start a pass"
        time.sleep(0.1)


REFUSED = [
    ("github unsigned", lambda: github("push", push(), sign=None), 401, "not signed"),
    ("github wrong secret", lambda: github("push", push(), sign=lambda b: github_signature(b, "other")), 401,
     "does not match"),
    ("github without sha256=", lambda: github("push", push(), sign=gitea_signature), 401, "does not match"),
    ("github not hex", lambda: github("push", push(), sign=lambda b: "sha256=" + "zz" * 32), 401, "does not match"),
    ("github signed with gitlab's token", lambda: github("push", push(), sign=lambda b: github_signature(
        b, GITLAB_TOKEN)), 401, "does not match"),
    ("gitea unsigned", lambda: gitea("push", push(), sign=None), 401, "not signed"),
    ("gitea wrong secret", lambda: gitea("push", push(), sign=lambda b: gitea_signature(b, "other")), 401,
     "does not match"),
    ("gitea github's form", lambda: gitea("push", push(), sign=github_signature), 401, "does not match"),
    ("gitlab no token", lambda: gitlab("Push Hook", gitlab_push(), token=None), 401, "no X-Gitlab-Token"),
    ("gitlab wrong token", lambda: gitlab("Push Hook", gitlab_push(), token="gl-only-tokeN"), 401,
     "does not match"),
    ("gitlab the shared secret (overridden)", lambda: gitlab("Push Hook", gitlab_push(), token=SECRET), 401,
     "does not match"),
    ("github stale push", lambda: github("push", push(seconds_ago=2 * 3600)), 400, "stale"),
    ("gitea stale push", lambda: gitea("push", push(seconds_ago=2 * 3600)), 400, "stale"),
]


@pytest.mark.parametrize("name,make,status,why", REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_deliveries_wake_nothing(watcher, name, make, status, why):
    before = watcher.settle()
    code, _, text = watcher.post(*make())
    assert (code, why in text) == (status, True), (code, text)
    assert_no_pass(watcher, before)


def test_a_body_tampered_after_signing_is_refused(watcher):
    path, body, headers = github("push", push())
    before = watcher.settle()
    code, _, text = watcher.post(path, body.replace(b"main", b"mail"), headers)
    assert code == 401, text
    assert_no_pass(watcher, before)


def test_a_signed_body_that_is_not_json_is_refused(watcher):
    body = b"payload=%7B%7D"   # GitHub's application/x-www-form-urlencoded
    code, _, text = watcher.post("/hooks/github", body, {"X-GitHub-Event": "push",
                                                         "X-Hub-Signature-256": github_signature(body)})
    assert code == 400 and "application/json" in text, text


IGNORED = [
    ("github ping", lambda: github("ping", {"zen": "Design for failure.", "hook_id": 1})),
    ("github push to another branch", lambda: github("push", push("refs/heads/feature"))),
    ("github tag push", lambda: github("push", push("refs/tags/v1.0.0"))),
    ("github pull request opened", lambda: github("pull_request", {"action": "opened", "pull_request": {
        "merged": False, "updated_at": iso()}})),
    ("github pull request closed unmerged", lambda: github("pull_request", {"action": "closed", "pull_request": {
        "merged": False, "updated_at": iso()}})),
    ("github check run started", lambda: github("check_run", {"action": "created", "check_run": {}})),
    ("github status pending", lambda: github("status", {"state": "pending", "updated_at": iso()})),
    ("gitea issues", lambda: gitea("issues", {"action": "opened"})),
    ("gitea push to another branch", lambda: gitea("push", push("refs/heads/feature"))),
    ("gitlab issue", lambda: gitlab("Issue Hook", {"object_kind": "issue"})),
    ("gitlab merge request opened", lambda: gitlab("Merge Request Hook", {"object_attributes": {"action": "open"}})),
    ("gitlab pipeline running", lambda: gitlab("Pipeline Hook", {"object_attributes": {"status": "running",
                                                                                      "finished_at": None}})),
]


@pytest.mark.parametrize("name,make", IGNORED, ids=[r[0] for r in IGNORED])
def test_other_events_are_answered_and_ignored(watcher, name, make):
    before = watcher.settle()
    code, _, text = watcher.post(*make())
    assert code == 204 and text == "", (code, text)
    assert_no_pass(watcher, before)


WAKING = [
    ("github push", lambda: github("push", push())),
    ("github merged pull request", lambda: github("pull_request", {"action": "closed", "pull_request": {
        "merged": True, "updated_at": iso(5)}})),
    ("github review", lambda: github("pull_request_review", {"action": "submitted", "review": {
        "state": "approved", "submitted_at": iso(5)}})),
    ("github check suite", lambda: github("check_suite", {"action": "completed", "check_suite": {
        "conclusion": "success", "updated_at": iso()}})),
    ("github check run", lambda: github("check_run", {"action": "completed", "check_run": {
        "conclusion": "failure", "completed_at": iso()}})),
    ("github status", lambda: github("status", {"state": "success", "updated_at": iso()})),
    ("gitea push", lambda: gitea("push", push())),
    ("gitea merged pull request", lambda: gitea("pull_request", {"action": "closed", "pull_request": {
        "merged": True, "updated_at": iso()}})),
    ("gitea approval", lambda: gitea("pull_request_review_approved", {"action": "reviewed", "pull_request": {
        "updated_at": iso()}})),
    ("gitlab push", lambda: gitlab("Push Hook", gitlab_push())),
    ("gitlab merge", lambda: gitlab("Merge Request Hook", {"object_attributes": {"action": "merge"}})),
    ("gitlab approval", lambda: gitlab("Merge Request Hook", {"object_attributes": {"action": "approved"}})),
    ("gitlab finished pipeline", lambda: gitlab("Pipeline Hook", {"object_attributes": {
        "status": "success", "finished_at": "2026-12-06 05:00:00 UTC"}})),
]


@pytest.mark.parametrize("name,make", WAKING, ids=[r[0] for r in WAKING])
def test_a_good_delivery_starts_a_pass_at_once(watcher, name, make):
    before = watcher.settle()
    code, _, text = watcher.post(*make())
    assert code == 202, (code, text)
    assert_woken(watcher, before)


def test_a_replayed_delivery_is_refused(watcher):
    delivery = str(uuid.uuid4())
    before = watcher.settle()
    assert watcher.post(*github("push", push(), delivery=delivery))[0] == 202
    assert_woken(watcher, before)
    before = watcher.settle()
    code, _, text = watcher.post(*github("push", push(), delivery=delivery))
    assert code == 400 and "replay" in text, text
    assert_no_pass(watcher, before)


def test_an_oversized_body_is_refused_before_it_is_read(watcher):
    """A Content-Length over 1 MiB is answered 413 from the headers alone: the body is never sent here."""
    before = watcher.settle()
    address = urllib.parse.urlsplit(watcher.url)
    c = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        c.putrequest("POST", "/hooks/github")
        for name, value in (("Content-Length", str((1 << 20) + 1)), ("Content-Type", "application/json"),
                            ("X-GitHub-Event", "push"), ("X-Hub-Signature-256", "sha256=" + "0" * 64)):
            c.putheader(name, value)
        c.endheaders()
        r = c.getresponse()
        assert r.status == 413 and "1 MiB" in r.read().decode()
    finally:
        c.close()
    assert_no_pass(watcher, before)


def test_a_body_of_exactly_the_bound_is_read(watcher):
    body = json.dumps(push("refs/heads/feature")).encode()
    body += b" " * ((1 << 20) - len(body))
    code, _, text = watcher.post(*("/hooks/github", body, {"X-GitHub-Event": "push",
                                                           "X-Hub-Signature-256": github_signature(body)}))
    assert code == 204, text


def test_an_oversized_chunked_body_is_refused(watcher):
    address = urllib.parse.urlsplit(watcher.url)
    c = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    chunks = (b"x" * 65536 for _ in range(32))   # 2 MiB, no Content-Length
    try:
        c.request("POST", "/hooks/gitea", body=chunks, headers={"X-Gitea-Event": "push"}, encode_chunked=True)
        code = c.getresponse().status
    except (BrokenPipeError, ConnectionResetError):
        code = 413  # the server answered and closed while the body was still being sent
    finally:
        c.close()
    assert code == 413


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_only_post_is_answered(watcher, method):
    code, headers, _ = watcher.post("/hooks/gitlab", None, method=method)
    assert code == 405 and headers["Allow"] == "POST"


def test_an_unknown_forge_is_not_found(watcher):
    assert watcher.post("/hooks/bitbucket", b"{}", {"X-Hub-Signature-256": "x"})[0] == 404


def delivered(w, forge, status):
    line = 'promote_webhook_deliveries_total{forge="%s",status="%d"} ' % (forge, status)
    return int(next(x for x in w.post("/metrics", None, method="GET")[2].splitlines()
                    if x.startswith(line)).split()[-1])


def test_metrics_count_the_deliveries_by_forge_and_answer(watcher):
    counts = {(f, s): delivered(watcher, f, s) for f in ("github", "gitlab", "gitea") for s in (202, 204, 401, 405)}
    assert watcher.post(*github("push", push(), sign=lambda b: github_signature(b, "other")))[0] == 401
    assert watcher.post(*gitea("issues", {"action": "opened"}))[0] == 204
    assert watcher.post("/hooks/gitlab", None, method="GET")[0] == 405
    assert watcher.post(*gitlab("Push Hook", gitlab_push()))[0] == 202
    for key, value in counts.items():
        assert delivered(watcher, *key) == value + (key in {("github", 401), ("gitea", 204), ("gitlab", 405),
                                                            ("gitlab", 202)}), key


def test_a_push_webhook_starts_the_release_at_once(watcher):
    """What a user relies on: a version pushed to the trigger environment is released at the webhook, not
    an interval (1 h) later. (Last: the open release it starts makes the watcher poll it between webhooks.)"""
    watcher.settle()
    while not watcher.lines.empty():
        watcher.lines.get()
    values = watcher.repo.parent / "values"
    subprocess.run(["git", "clone", "-q", str(watcher.repo), str(values)], check=True, capture_output=True)
    text = (values / "envs/dev/apps/cart/values.yaml").read_text()
    old = next(line.split(":", 1)[1].strip() for line in text.splitlines() if line.strip().startswith("tag:"))
    edit_main(watcher.repo, "envs/dev/apps/cart/values.yaml", text.replace(old, "9.9.9", 1))
    sent = time.monotonic()
    code, _, _ = watcher.post(*github("push", push()))
    assert code == 202
    started = watcher.event("release started", timeout=20)
    assert started and started["product"] == "cart" and started["version"] == "9.9.9", started
    assert time.monotonic() - sent < 20
