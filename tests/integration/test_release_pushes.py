"""What a release costs the server over HTTP: its record's transitions are pushed together — a step's
commit in one atomic push with its lease, its claim and the record that names it, a claim before a side
effect outside git, the rest at the end — not one push each, each push is one request (no GET of the
server's refs first when the engine knows what the ref holds; the server's capabilities are read once
per process, to learn that it takes atomic pushes), and git is
asked once per run whether a credential helper serves the remote, not before every transfer. The
server's repository stays sound (git fsck) with the thin packs the pushes send.

The release: dev -> staging -> prod, every environment auto, the policy's action commit (the
benchmark's flow, bench/release.py, in a small monorepo), with a warm mirror. The requests are counted from the server's
access log (gitserver.LoggingGitServer), git's own runs from GIT_TRACE."""

import json
import os
import subprocess

from conftest import CLI
from gitserver import LoggingGitServer, create_bare_repo, run_git

CONFIG = """\
version: 1
environments:
  dev: {path: envs/dev, strategy: auto}
  staging: {path: envs/staging, strategy: auto}
  prod: {path: envs/prod, kind: production, strategy: auto}
templates:
  image: {attributes: {values.yaml: [image.tag]}, version: values.yaml#image.tag}
products:
  shop: {path: apps/shop, template: image}
policies:
  - {name: default, action: commit}
flows:
  default:
    trigger: dev
    steps: {staging: {}, prod: {dependsOn: [staging]}}
"""

# Other applications beside shop: each environment's folder of applications is a tree of a few KiB,
# which a push sends as a delta against the one it replaces (a thin pack the server completes).
OTHERS = 150

VALUES = 'image:\n  repository: registry.example.com/shop\n  tag: "%s"\n'
RECORDS = "refs/promote/releases/"

# The record's creation; dev's version commit with the record that names it; for each of staging and prod,
# one atomic push of its environment's lease, the claim, the commit and the record that names it; the
# record's last transitions at the end.
MAX_PUSHES = 5


def promote(args, env):
    return subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, env=env, timeout=120,
                          stdin=subprocess.DEVNULL)


def test_release_pushes_its_record_together(tmp_path):
    files = {"promote.yaml": CONFIG}
    for env in ("dev", "staging", "prod"):
        files["envs/%s/apps/shop/values.yaml" % env] = VALUES % "1.0.0"
        for n in range(OTHERS):
            files["envs/%s/apps/app-%03d/values.yaml" % (env, n)] = VALUES % ("0.%d.0" % n)
    trace = tmp_path / "git-trace.log"
    with LoggingGitServer(tmp_path / "repos") as server:
        repo = create_bare_repo(server.root, "gitops", files)
        env = dict(os.environ, PROMOTE_GIT_USERNAME=server.user, PROMOTE_GIT_PASSWORD=server.password,
                   PROMOTE_CACHE_DIR=str(tmp_path / "cache"), GIT_CONFIG_NOSYSTEM="1",
                   GIT_CONFIG_GLOBAL="/dev/null", GIT_TERMINAL_PROMPT="0")
        prefix = ["--repo", server.url("gitops")]
        warm = promote([*prefix, "validate", "-q"], env)
        assert warm.returncode == 0, warm.stderr
        since = server.mark()
        done = promote([*prefix, "run", "shop", "--version", "2.0.0"], dict(env, GIT_TRACE=str(trace)))
        assert done.returncode == 0, done.stdout + done.stderr
        requests = [line for _, line in server.requests(since)]

    fsck = run_git("--git-dir", repo, "fsck", "--strict", check=False)
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr
    tags = [run_git("--git-dir", repo, "show", "main:envs/%s/apps/shop/values.yaml" % e).stdout
            for e in ("dev", "staging", "prod")]
    assert all('tag: "2.0.0"' in t for t in tags), tags
    ref = run_git("--git-dir", repo, "for-each-ref", "--format=%(refname)", RECORDS).stdout.split()
    assert len(ref) == 1, ref
    rid = ref[0][len(RECORDS):]
    assert json.loads(run_git("--git-dir", repo, "show", ref[0] + ":record.json").stdout)["state"] == "succeeded"
    # Every transition is still a commit of the record's history, in order, pushed or not together.
    subjects = run_git("--git-dir", repo, "log", "--reverse", "--format=%s", ref[0]).stdout.splitlines()
    assert subjects == ["Release %s: %s" % (rid, what) for what in
                        ("Start release", "Set the version", "Start steps", "Commit", "Start steps", "Commit",
                         "State")], subjects

    pushes = [r for r in requests if r.startswith("POST ") and r.split()[1].endswith("/git-receive-pack")]
    assert 3 < len(pushes) <= MAX_PUSHES, "%d pushes for a release of three commits:\n%s" % (
        len(pushes), "\n".join(requests))
    # Each push is one request: the POST from the value the engine expects the ref to hold (the commit it
    # built on, the record's version it read), not first a GET of every ref's value from the server.
    # Once per process: whether the server takes atomic pushes (its receive-pack capabilities).
    adverts = [r for r in requests if "info/refs?service=git-receive-pack" in r]
    assert len(adverts) <= 1, "%d times the server was asked for its refs:\n%s" % (len(adverts), "\n".join(requests))
    helper_lookups = [line for line in trace.read_text().splitlines() if "credential.helper" in line]
    assert len(helper_lookups) <= 1, "git asked %d times for the credential helper:\n%s" % (
        len(helper_lookups), "\n".join(helper_lookups))
