"""What the tests of several `promote watch` processes on one repository (test_watch_fleet.py) and the
watch benchmark (bench/watch.py) share: a monorepo's flow, a CI-like commit that changes many products'
versions in the trigger environment at once, the release records and environment commits read from the
server's bare repository, and a watcher process (its own cache folder) started, stopped and killed.

Everything is read from the bare repository with git itself, not through promote: what the tests count
is what a person would find on the server.
"""

import json
import os
import pathlib
import signal
import subprocess
import time

from gitserver import run_git

RECORDS = "refs/promote/releases/"

# The flow dev -> staging -> prod, every environment auto (PROD: prod's strategy), the policy's action
# commit; products found under apps/* of each environment (bench/gen-repo.py's layout).
_CONFIG = """\
version: 1
environments:
  dev: {path: envs/dev, strategy: auto}
  staging: {path: envs/staging, strategy: STAGING}
  prod: {path: envs/prod, kind: production, strategy: PROD}
products:
  "*":
    path: apps/*
    template: {attributes: {values.yaml: [image.tag]}, version: values.yaml#image.tag}
policies:
  - {name: default, action: commit}
flows:
  default: {trigger: dev, steps: {staging: {}, prod: {dependsOn: [staging]}}}
"""


def config(staging="auto", prod="auto"):
    """promote.yaml of the flow dev -> staging -> prod (action commit), with the strategies of staging and
    prod (auto, manual)."""
    return _CONFIG.replace("STAGING", staging).replace("PROD", prod)


def values(app, tag):
    return 'image:\n  repository: registry.example.com/team/%s\n  tag: "%s"\n' % (app, tag)


def app_name(n):
    return "app-%05d" % n


def small_repo(apps, promote_yaml=None):
    """{path: text} of a monorepo of `apps` applications in dev, staging and prod, all at 1.0.0; its
    promote.yaml `promote_yaml` (default: config())."""
    out = {"promote.yaml": promote_yaml or config()}
    for env in ("dev", "staging", "prod"):
        for n in range(apps):
            out["envs/%s/apps/%s/values.yaml" % (env, app_name(n))] = values(app_name(n), "1.0.0")
    return out


def set_versions(bare, env, versions, message="ci: new images", branch="main"):
    """One commit on `branch` of the bare repository that sets the image tag of each application in
    `versions` ({app: version}) in `env`'s values.yaml, as a CI job's push would; the rest of each file
    is kept. Written with git fast-import (no clone of a large repository). Returns the commit id."""
    paths = ["envs/%s/apps/%s/values.yaml" % (env, app) for app in versions]
    old = read_blobs(bare, ["%s:%s" % (branch, p) for p in paths])
    stream = [b"commit refs/heads/%s\n" % branch.encode(),
              b"committer CI <ci@example.com> %d +0000\n" % int(time.time())]
    msg = message.encode() + b"\n"
    stream.append(b"data %d\n%s" % (len(msg), msg))
    stream.append(b"from refs/heads/%s^0\n" % branch.encode())
    for path, text, version in zip(paths, old, versions.values()):
        lines = [('  tag: "%s"' % version) if line.startswith("  tag:") else line for line in text.split("\n")]
        data = "\n".join(lines).encode()
        stream.append(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data))
    stream.append(b"\n")
    subprocess.run(["git", "--git-dir", str(bare), "fast-import", "--quiet"], input=b"".join(stream), check=True)
    return run_git("--git-dir", bare, "rev-parse", branch).stdout.strip()


def slow_branch_pushes(bare, seconds):
    """Make the server take `seconds` over every push that updates a branch (a pre-receive hook of the
    bare repository): a step's commit is then in flight that long, pushed in one request with its claim
    and its record. The hook keeps every version of the release records such a push carries (their
    objects are readable from the hook, before the push is accepted) in BARE/inflight/ID@COMMIT.json,
    for inflight_records()."""
    hook = pathlib.Path(bare) / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\nkept=\"$(pwd)/inflight\"\nmkdir -p \"$kept\"\nslow=0\n"
                    "while read old new ref; do\n  case $ref in\n"
                    "    refs/heads/*) slow=1 ;;\n"
                    "    refs/promote/releases/*)\n"
                    "      case $old in 0000000000000000000000000000000000000000) range=$new ;; *) range=$old..$new ;; esac\n"
                    "      for c in $(git rev-list $range); do\n"
                    "        git cat-file blob \"$c:record.json\" > \"$kept/${ref##*/}@$c.json\" 2>/dev/null\n"
                    "      done ;;\n"
                    "  esac\ndone\n"
                    "[ $slow = 1 ] && sleep %s\nexit 0\n" % seconds)
    hook.chmod(0o755)


def inflight_records(bare):
    """[(release id, record)]: the versions of records that pushes slowed by slow_branch_pushes() carried."""
    found = []
    for path in (pathlib.Path(bare) / "inflight").glob("*@*.json"):
        try:
            found.append((path.stem.rsplit("@", 1)[0], json.loads(path.read_text())))
        except ValueError:
            continue  # being written
    return found


def read_blobs(bare, specs):
    """The texts of the objects `specs` (REV:PATH), in order, read with one git cat-file."""
    if not specs:
        return []
    out = subprocess.run(["git", "--git-dir", str(bare), "cat-file", "--batch"], check=True, capture_output=True,
                         input="".join(s + "\n" for s in specs).encode()).stdout
    texts, at = [], 0
    for spec in specs:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        if len(header) < 3 or header[1] == b"missing":
            raise AssertionError("%s is not in %s" % (spec, bare))
        size = int(header[2])
        texts.append(out[end + 1:end + 1 + size].decode())
        at = end + 1 + size + 1
    return texts


def records(bare):
    """{release id: its record (the JSON of record.json at refs/promote/releases/ID)} of the bare
    repository."""
    refs = run_git("--git-dir", bare, "for-each-ref", "--format=%(refname)", RECORDS).stdout.split()
    texts = read_blobs(bare, [ref + ":record.json" for ref in refs])
    return {ref[len(RECORDS):]: json.loads(text) for ref, text in zip(refs, texts)}


def watched(bare, flow="default"):
    """The trigger commit up to which a watcher handled `flow` (refs/promote/watch/FLOW), or None."""
    got = run_git("--git-dir", bare, "rev-parse", "-q", "--verify", "refs/promote/watch/" + flow, check=False)
    return got.stdout.strip() or None


def environment_commits(bare, branch="main"):
    """[(release id, environment)] for every commit on `branch` and every environment its trailers name
    (a commit of grouped steps names several), newest first."""
    log = run_git("--git-dir", bare, "log", "--format=%x1e%(trailers:key=Promote-Release,valueonly,separator=%x1f)"
                  "%x1d%(trailers:key=Promote-Environment,valueonly,separator=%x1f)", branch).stdout
    out = []
    for entry in log.split("\x1e")[1:]:
        release, _, envs = entry.strip().partition("\x1d")
        if release:
            out.extend((release.strip(), env.strip()) for env in envs.split("\x1f") if env.strip())
    return out


def steps_in(recs, state):
    """How many steps of the records `recs` are in `state`."""
    return sum(1 for r in recs.values() for s in r["steps"] if s["state"] == state)


def claim_pid(step):
    """The process id in the owner of a step's claim ("host:pid:nonce"), or None (no owner: the step is
    not claimed, or finished)."""
    parts = ((step.get("claim") or {}).get("owner") or "").split(":")
    return int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else None


def claimants(bare, release, env):
    """The process ids that claimed the step `env` of `release`, in the order of the record's history
    (each once)."""
    ref = RECORDS + release
    commits = run_git("--git-dir", bare, "log", "--reverse", "--format=%H", ref).stdout.split()
    out = []
    for text in read_blobs(bare, [c + ":record.json" for c in commits]):
        step = next(s for s in json.loads(text)["steps"] if s["environment"] == env)
        pid = claim_pid(step)
        if pid is not None and pid not in out:
            out.append(pid)
    return out


class Watcher:
    """`promote [-v] --repo URL --cache CACHE watch ARGS…` in its own process group, its output in
    CACHE.log (with -v, `verbose`: a line "pass: …" after each pass) and its errors (and with -v the
    library's log) in CACHE.err; with `timed`, under GNU time (its max RSS read after it exits)."""

    def __init__(self, promote, url, cache, env, args=(), timed=False, verbose=False):
        self.cache = pathlib.Path(cache)
        self.log_path = self.cache.with_suffix(".log")
        self.rss_path = self.cache.with_suffix(".rss")
        argv = [str(promote), *(["-v"] if verbose else []), "--repo", url, "--cache", str(self.cache), "watch",
                *map(str, args)]
        if timed:
            argv = ["/usr/bin/time", "-o", str(self.rss_path), "-f", "%M %U %S", *argv]
        self._log = open(self.log_path, "wb")
        self._err = open(self.cache.with_suffix(".err"), "wb")
        self.process = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=self._log,
                                        stderr=self._err, start_new_session=True)
        self.timed = timed

    def errors(self):
        return self.cache.with_suffix(".err").read_text(errors="replace")

    @property
    def pid(self):
        """The watcher's own process id (under GNU time: time's child, found in the process group)."""
        if not self.timed:
            return self.process.pid
        for _ in range(200):
            children = pathlib.Path("/proc/%d/task/%d/children" % (self.process.pid, self.process.pid))
            pids = children.read_text().split() if children.exists() else []
            if pids:
                return int(pids[0])
            time.sleep(0.01)
        raise AssertionError("the watcher under GNU time did not start")

    def output(self):
        return self.log_path.read_text(errors="replace")

    def stop(self, timeout=60):
        """SIGTERM (to the watcher, not to GNU time): it finishes its transition and exits; returns its
        exit status."""
        if self.process.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        finally:
            self.close()

    def kill(self):
        """SIGKILL to the watcher's whole process group (its checks too)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.close()

    def close(self):
        if self.process.poll() is None:
            self.kill()
        self._log.close()
        self._err.close()

    def max_rss_mib(self):
        """GNU time's max RSS of the watcher, MiB (after it exited)."""
        return int(self.rss_path.read_text().split()[-3]) / 1024


def wait_for(what, check, timeout, every=0.1):
    """Call check() until it returns something true; that value, or AssertionError naming `what` after
    `timeout` seconds (with check's last value)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("%s: not after %.0f s (last: %r)" % (what, timeout, value))
        time.sleep(every)
