"""/metrics counts the watcher's fetches and pushes (promote_git_fetches_total, promote_git_pushes_total, by
result): a real watcher on a repository served over smart HTTP (lighttpd + git-http-backend), a pass that
starts a release (so it fetches and pushes), then a pass while the server is down (a fetch error).
Nothing is counted for a repository on this machine (nothing is transferred): conftest's site."""
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

from conftest import CLI, EXAMPLE, HERE

sys.path.insert(0, str(HERE.parents[0] / "integration"))
from gitserver import GitServer  # noqa: E402
from watch_repo import set_version  # noqa: E402

PATIENCE = 120


def metrics(url):
    """/metrics as {series: value}; None before the watcher published its first snapshot (503)."""
    try:
        with urllib.request.urlopen(url + "metrics", timeout=30) as r:
            text = r.read().decode()
    except urllib.error.HTTPError as e:
        assert e.code == 503, e
        return None
    values = {}
    for line in text.splitlines():
        m = re.fullmatch(r'(promote_[a-z_]+(?:\{[^}]*\})?) (\S+)', line)
        if m:
            values[m.group(1)] = float(m.group(2))
    return values


def after_pass(proc, url, passes):
    """The metrics once more than `passes` passes were made."""
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        m = metrics(url)
        if m and m["promote_watcher_passes_total"] > passes:
            return m
        assert proc.poll() is None, proc.stderr.read()
        time.sleep(0.2)
    raise AssertionError("no pass after %d within %d s" % (passes, PATIENCE))


FETCH_OK, FETCH_ERR = 'promote_git_fetches_total{result="ok"}', 'promote_git_fetches_total{result="error"}'
PUSH_OK, PUSH_ERR = 'promote_git_pushes_total{result="ok"}', 'promote_git_pushes_total{result="error"}'
PUSH_REJECTED = 'promote_git_pushes_total{result="rejected"}'


def test_fetches_and_pushes_are_counted_and_a_fetch_error_too(tmp_path):
    server = GitServer(tmp_path / "repos")
    server.start()
    proc = None
    try:
        server.create_repo("gitops", EXAMPLE.parent)
        bare = server.repo_path("gitops")
        env = dict(os.environ, PROMOTE_GIT_USERNAME=server.user, PROMOTE_GIT_PASSWORD=server.password,
                   GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, GIT_TERMINAL_PROMPT="0")
        proc = subprocess.Popen([CLI, "--repo", server.url("gitops"), "--cache", str(tmp_path / "cache"), "watch",
                                 "--listen", "127.0.0.1:0", "--interval", "1h"], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
        first = proc.stdout.readline()
        assert first.startswith("web view at http://127.0.0.1:"), (first, proc.stderr.read() if proc.poll() else "")
        url = first.split()[-1]
        # The first pass: the clone that opened the repository and the pass's fetch; it records where the flow
        # is watched from (a push of refs/promote/watch/default).
        m = after_pass(proc, url, 0)
        assert m[FETCH_OK] >= 2 and m[FETCH_ERR] == 0, m
        assert m[PUSH_OK] >= 1 and m[PUSH_ERR] == 0 and m[PUSH_REJECTED] == 0, m
        before = m

        # A new version in the trigger environment, and a pass at once: it fetches, and pushes the release
        # it starts (its record, the first step's commit).
        set_version(bare, "dev", "shop", "1.6.0")
        proc.send_signal(signal.SIGUSR1)
        m = after_pass(proc, url, before["promote_watcher_passes_total"])
        assert m[FETCH_OK] > before[FETCH_OK] and m[FETCH_ERR] == 0, m
        assert m[PUSH_OK] > before[PUSH_OK] and m[PUSH_ERR] == 0, m
        assert m['promote_releases{state="running"}'] + m['promote_releases{state="waiting"}'] >= 1, m
        before = m

        # The remote is gone: the pass's fetch fails, and is counted; nothing was pushed; /metrics still answers.
        server.stop()
        proc.send_signal(signal.SIGUSR1)
        m = after_pass(proc, url, before["promote_watcher_passes_total"])
        assert m[FETCH_ERR] >= before[FETCH_ERR] + 1 and m[FETCH_OK] == before[FETCH_OK], m
        assert m[PUSH_OK] == before[PUSH_OK] and m[PUSH_ERR] == 0, m
        assert m["promote_watcher_pass_failures_total"] == before["promote_watcher_pass_failures_total"] + 1, m
        proc.terminate()
        assert proc.wait(timeout=60) == 0, proc.stderr.read()
    finally:
        if proc and proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc:
            proc.stdout.close()
            proc.stderr.close()
        server.stop()


def test_nothing_is_counted_for_a_repository_on_this_machine(site):
    m = metrics(site.url)
    assert m["promote_watcher_passes_total"] >= 1, m
    assert (m[FETCH_OK], m[FETCH_ERR], m[PUSH_OK], m[PUSH_REJECTED], m[PUSH_ERR]) == (0, 0, 0, 0, 0), m
