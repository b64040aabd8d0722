"""Releases of one product that meet in an environment, and soak time, through real `promote`
processes against the HTTP test server, each process with a cache of its own (as on separate
machines): the queue in creation order and its limit, supersede of a pending release and not of
one in the middle of a check, terminate closing the running release's change request with a
comment, two processes advancing two releases into one environment at once, and soak across a
restart."""

import datetime
import json
import os
import subprocess
import time

import pytest

from conftest import CLI
from gitserver import run_git

OK, FAILED, WAITING = 0, 1, 3


def config(mode="queue", limit=50, soak="", prod_action="commit", go=None):
    """dev -> qa (a post-check that waits for the file `go`, when given) and dev -> staging -> prod
    (manual)."""
    slow = ("workflows:\n  slow: {run: [/bin/sh, -c, \"while [ ! -e %s ]; do sleep 0.05; done\"], timeout: 5m}\n"
            % go) if go else ""
    qa_policy = "  - {name: qa, priority: 50, match: {environments: {names: [qa]}}, post: [slow]}\n" if go else ""
    return ("version: 1\n"
            "environments:\n"
            "  dev: {path: envs/dev, strategy: auto}\n"
            "  qa: {path: envs/qa, strategy: auto%s}\n"
            "  staging: {path: envs/staging, strategy: auto}\n"
            "  prod: {path: envs/prod, strategy: manual, kind: production}\n"
            "products:\n"
            "  shop:\n"
            "    path: apps/shop\n"
            "    template: {attributes: {values.yaml: [image.tag]}, version: values.yaml#image.tag}\n"
            "%s"
            "policies:\n"
            "  - {name: default, action: commit}\n"
            "%s"
            "  - {name: prod, priority: 100, match: {environments: {kind: production}}, action: %s}\n"
            "flows:\n"
            "  default:\n"
            "    trigger: dev\n"
            "    concurrency: %s\n"
            "    queueLimit: %d\n"
            "    steps:\n"
            "      qa: {}\n"
            "      staging: {%s}\n"
            "      prod: {dependsOn: [staging]}\n") % (
        ", deploy: {backend: exec}" if go else "", slow, qa_policy, prod_action, mode, limit, soak)


class Gitops:
    """The repository on the server, and `promote` run against it as a machine of its own (`cache`)."""

    def __init__(self, server, tmp_path, **kwargs):
        files = {"promote.yaml": config(**kwargs)}
        for env in ("dev", "qa", "staging", "prod"):
            files["envs/%s/apps/shop/values.yaml" % env] = 'image:\n  tag: "1.0"\n'
        server.create_repo("gitops", files)
        self.server, self.tmp, self.url = server, tmp_path, server.url("gitops")
        self.last_start = 0

    def env(self, cache):
        return dict(os.environ, PROMOTE_GIT_USERNAME=self.server.user, PROMOTE_GIT_PASSWORD=self.server.password,
                    PROMOTE_CACHE_DIR=str(self.tmp / cache))

    def args(self, *args):
        return [CLI, "--repo", self.url, *map(str, args)]

    def run(self, cache, *args):
        return subprocess.run(self.args(*args), capture_output=True, text=True, env=self.env(cache), timeout=120,
                              stdin=subprocess.DEVNULL)

    def background(self, cache, *args):
        return subprocess.Popen(self.args(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=self.env(cache), stdin=subprocess.DEVNULL)

    def start(self, cache, version, timeout="1s"):
        """`run shop --version V` (created in a second of its own: the queue's order is by creation)."""
        while int(time.time()) <= self.last_start:
            time.sleep(0.05)
        self.last_start = int(time.time())
        r = self.run(cache, "--json", "run", "shop", "--version", version, "--timeout", timeout)
        assert r.returncode in (OK, WAITING), r.stderr
        return r.returncode, json.loads(r.stdout)

    def status(self, cache, release_id, timeout="1s"):
        r = self.run(cache, "--json", "release", "status", release_id, "--timeout", timeout)
        assert r.returncode in (OK, FAILED, WAITING), r.stderr
        return json.loads(r.stdout)

    def until(self, cache, record, done, what):
        """Advance `record`'s release from `cache` until done(record) (bounded: a loaded machine is slow)."""
        deadline = time.time() + 90
        while not done(record):
            assert time.time() < deadline, "%s: %s" % (what, json.dumps(record, indent=1))
            record = self.status(cache, record["id"])
        return record

    def queued(self, cache, record):
        return self.until(cache, record, lambda r: step(r, "prod")["gate"] == "queue", "queued in prod")

    def in_prod(self, cache, record):
        return self.until(cache, record, lambda r: step(r, "prod")["state"] == "awaiting_approval",
                          "awaiting approval in prod")

    def approve(self, cache, release_id):
        r = self.run(cache, "release", "approve", release_id, "--env", "prod")
        assert r.returncode in (OK, WAITING), r.stderr

    def remote(self, *args):
        return run_git("-C", self.server.repo_path("gitops"), *args).stdout


def step(record, env):
    return next(s for s in record["steps"] if s["environment"] == env)


def test_queue_first_come_first_served_and_its_limit(git_server, tmp_path):
    g = Gitops(git_server, tmp_path, limit=2)
    a = g.in_prod("m1", g.start("m1", "1.1")[1])
    b = g.queued("m2", g.start("m2", "1.2")[1])
    c = g.queued("m3", g.start("m3", "1.3")[1])
    assert step(b, "prod")["state"] == "pending" and step(b, "prod")["gate"] == "queue"
    assert step(b, "prod")["reason"] == "queued behind %s (position 1)" % a["id"]
    assert step(c, "prod")["reason"] == "queued behind %s (position 2)" % a["id"]
    assert step(c, "staging")["state"] == "succeeded"  # every step before prod ran
    assert c["state"] == "running" and c["reason"] == step(c, "prod")["reason"]
    # The environment's lease names the release in prod.
    lease = g.remote("show", "refs/promote/leases/shop/prod:record.json")
    assert lease == a["id"] + "\n"

    # A fourth one overflows the queue of two: the oldest waiting one (b) is let go.
    d = g.queued("m4", g.start("m4", "1.4")[1])
    assert step(d, "prod")["reason"] == "queued behind %s (position 2)" % a["id"]
    b = g.status("m2", b["id"])
    assert b["state"] == "aborted" and b["reason"] == "aborted: queue full"

    # a is approved on one machine; c, polled first on another, still waits for nobody but a's end...
    g.approve("m1", a["id"])
    assert g.until("m1", a, lambda r: r["state"] == "succeeded", "a succeeded")
    c = g.in_prod("m3", c)
    d = g.status("m4", d["id"])
    assert step(d, "prod")["reason"] == "queued behind %s (position 1)" % c["id"]


def test_supersede_a_pending_release_and_not_one_in_a_check(git_server, tmp_path):
    go = tmp_path / "go"
    go.touch()
    g = Gitops(git_server, tmp_path, mode="supersede", go=go)
    a = g.in_prod("m1", g.start("m1", "1.1")[1])
    a = g.until("m1", a, lambda r: step(r, "qa")["state"] == "succeeded", "a's qa")
    go.unlink()
    # b, on its own machine, runs its qa check (it waits for `go`) while its prod queues behind a.
    started_b = g.background("m2", "--json", "run", "shop", "--version", "1.2", "--timeout", "60s")
    deadline = time.time() + 60
    b = None
    while time.time() < deadline:
        refs = g.remote("for-each-ref", "--format=%(refname:lstrip=3)", "refs/promote/releases/shop-1.2-*")
        ids = refs.split()
        if ids:
            b = json.loads(g.remote("show", "refs/promote/releases/%s:record.json" % ids[0]))
            if step(b, "qa")["state"] == "post_check" and step(b, "prod")["gate"] == "queue":
                break
        time.sleep(0.2)
    assert b and step(b, "qa")["state"] == "post_check", b
    time.sleep(1.1)
    # c reaches prod while b is in the middle of its check: b is left alone.
    c = g.queued("m3", g.start("m3", "1.3")[1])
    assert step(c, "prod")["reason"] == "queued behind %s (position 1)" % a["id"]
    b = json.loads(g.remote("show", "refs/promote/releases/%s:record.json" % b["id"]))
    assert b["state"] == "running" and step(b, "qa")["state"] == "post_check"
    # Its check passes: at rest, older than c, which is open in prod, b gives way to c.
    go.touch()
    out, err = started_b.communicate(timeout=90)
    b = json.loads(out)
    assert b["state"] == "aborted", err
    assert b["reason"] == "aborted: superseded by %s" % c["id"]
    assert step(b, "qa")["state"] == "succeeded"
    # c still runs every step: prod after a leaves it.
    g.approve("m1", a["id"])
    g.until("m1", a, lambda r: r["state"] == "succeeded", "a succeeded")
    # qa is a branch of its own (its post-check may still run while prod waits): wait for both.
    c = g.until("m3", c, lambda r: step(r, "prod")["state"] == "awaiting_approval"
                and step(r, "qa")["state"] == "succeeded", "qa succeeded and prod awaiting approval")
    assert [step(c, e)["state"] for e in ("qa", "staging", "prod")] == ["succeeded", "succeeded",
                                                                         "awaiting_approval"]


def test_terminate_closes_the_running_releases_change_with_a_comment(git_server, tmp_path):
    g = Gitops(git_server, tmp_path, mode="terminate", prod_action="pull-request")
    a = g.in_prod("m1", g.start("m1", "1.1")[1])
    change = step(a, "prod")["change"]
    assert change
    b = g.in_prod("m2", g.start("m2", "1.2")[1])
    a = g.status("m1", a["id"])
    assert a["state"] == "aborted" and a["reason"] == "aborted: superseded by %s" % b["id"]
    shown = g.run("m1", "--json", "change", "show", change)
    assert json.loads(shown.stdout)["state"] == "closed", shown.stderr
    refs = g.remote("for-each-ref", "--format=%(refname)", "refs/promote/changes/")
    ref = next(line for line in refs.splitlines() if a["id"] in line)
    record = json.loads(g.remote("show", ref + ":record.json"))
    assert [c["body"] for c in record["comments"]] == [
        "Release %s was aborted: superseded by %s. This change is closed without merging." % (a["id"], b["id"])]


def test_two_processes_start_two_releases_into_one_environment_at_once(git_server, tmp_path):
    g = Gitops(git_server, tmp_path)
    x = g.in_prod("m0", g.start("m0", "1.0.1")[1])
    a = g.queued("m1", g.start("m1", "1.1")[1])
    b = g.queued("m2", g.start("m2", "1.2")[1])
    assert step(a, "prod")["gate"] == step(b, "prod")["gate"] == "queue"
    g.approve("m0", x["id"])
    # x leaves prod, a and b go for it: three processes at once, each on its own machine.
    procs = [g.background(m, "--json", "release", "status", r["id"], "--timeout", "20s")
             for m, r in (("m0", x), ("m2", b), ("m1", a))]
    records = [json.loads(p.communicate(timeout=90)[0]) for p in procs]
    x, b, a = records
    assert x["state"] == "succeeded"
    # Exactly one of them is in prod, the older one; the lease names it; the other waits for it.
    assert step(a, "prod")["state"] == "awaiting_approval"
    assert step(b, "prod")["state"] == "pending"
    assert step(b, "prod")["reason"] == "queued behind %s (position 1)" % a["id"]
    assert g.remote("show", "refs/promote/leases/shop/prod:record.json") == a["id"] + "\n"
    # No record shows both in prod at once: b's step never left pending.
    history = g.remote("log", "--format=%H", "refs/promote/releases/%s" % b["id"]).split()
    for commit in history:
        assert step(json.loads(g.remote("show", commit + ":record.json")), "prod")["state"] == "pending"


def test_soak_survives_a_restart(git_server, tmp_path):
    g = Gitops(git_server, tmp_path, soak="soak: 5s")
    a = g.until("m1", g.start("m1", "1.1")[1], lambda r: step(r, "prod")["gate"] == "soak", "soaking")
    prod = step(a, "prod")
    assert prod["state"] == "pending" and prod["gate"] == "soak"
    assert prod["reason"].startswith("soaking in staging until ") and prod["reason"].endswith(" UTC")
    # Another machine takes over: it waits only for what is left of the soak.
    a = g.status("m2", a["id"], timeout="20s")
    assert step(a, "prod")["state"] == "awaiting_approval"
    def seconds(text):
        return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").timestamp()
    assert seconds(step(a, "prod")["started"]) >= seconds(step(a, "staging")["finished"]) + 5
