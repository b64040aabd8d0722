"""`promote watch`: a changed version in the trigger environment starts one release, once — whatever
the passes and processes that see it; --once; SIGTERM and SIGINT end it with exit status 0 and the
record consistent; SIGUSR1 and --wake-fifo wake a pass long before its interval (1 hour); a release
that waits for an approval is not read again until its record moves. On a bare repository made from
the bundled example (its checks are the example's scripts)."""

import json
import os
import pathlib
import queue
import signal
import subprocess
import sys
import threading
import time

import pytest

from conftest import CLI, EXAMPLE, promote

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "integration"))
from gitserver import create_bare_repo, run_git  # noqa: E402
from watch_repo import set_version  # noqa: E402

# How long a test waits for a line it expects: far more than a loaded machine needs, far less than
# the watcher's interval (1 hour), so a line that comes was not brought by the interval.
PATIENCE = 120


@pytest.fixture
def repo(tmp_path):
    return create_bare_repo(tmp_path, "gitops", EXAMPLE.parent)


def releases(repo):
    out = run_git("--git-dir", repo, "for-each-ref", "--format=%(refname)", "refs/promote/releases/").stdout
    return [line.rsplit("/", 1)[1] for line in out.split()]


def record(repo, release):
    """The release's record as the repository holds it (read with git: nothing advances it)."""
    return json.loads(run_git("--git-dir", repo, "show", "refs/promote/releases/%s:record.json" % release).stdout)


def watch_once(repo, *extra):
    return promote("--repo", repo, "watch", "--once", *extra)


class Watcher:
    """`promote watch` running in the background; its stdout read line by line."""

    def __init__(self, repo, *args):
        self.process = subprocess.Popen([CLI, "--repo", str(repo), "watch", "--interval", "1h", *map(str, args)],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        stdin=subprocess.DEVNULL)
        self.lines = queue.Queue()
        self.seen = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_for(self, predicate, what):
        """The first line from now on for which `predicate` is true."""
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                break
            self.seen.append(line)
            if predicate(line):
                return line
        self.process.kill()
        raise AssertionError("no line %s; the watcher printed:\n%s\nstderr:\n%s" % (
            what, "\n".join(self.seen), self.process.stderr.read()))

    def passes(self):
        return self.wait_for(lambda line: line.startswith("pass: "), "for a pass")

    def stop(self, sig=signal.SIGTERM):
        self.process.send_signal(sig)
        code = self.process.wait(timeout=PATIENCE)
        self.seen.extend(self.process.stdout.read().splitlines())
        return code

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def watcher(repo):
    started = []

    def start(*args):
        w = Watcher(repo, *args)
        started.append(w)
        return w
    yield start
    for w in started:
        w.close()


def test_once_starts_one_release_per_changed_version_and_never_again(repo):
    first = watch_once(repo)
    assert first.code == 0, first
    assert first.out.startswith("flow default: watched from its trigger's commit "), first
    assert releases(repo) == []
    again = watch_once(repo)
    assert (again.code, again.out, releases(repo)) == (0, "", []), again

    commit = set_version(repo, "dev", "shop", "1.6.0")
    started = watch_once(repo)
    assert started.code == 0, started
    (release,) = releases(repo)
    assert release.startswith("shop-1.6.0-")
    assert started.out.startswith("%s started: shop 1.6.0 through flow default (trigger commit %s)\n"
                                  % (release, commit[:12])), started
    assert "%s qa: started" % release in started.out
    assert record(repo, release)["trigger"]["commit"] == commit

    # A new process (a restarted watcher), and the pass after it: nothing more is started.
    for _ in range(2):
        later = watch_once(repo)
        assert later.code == 0, later
        assert "started:" not in later.out and releases(repo) == [release], later

    # Only what changed: cart's new version starts cart's release, shop's stays the one.
    set_version(repo, "dev", "cart", "2.1.0")
    both = watch_once(repo, "--json")
    assert both.code == 0, both
    events = [json.loads(line) for line in both.out.splitlines()]
    started = [e for e in events if e["event"] == "release started"]
    assert [(e["product"], e["version"], e["flow"]) for e in started] == [("cart", "2.1.0", "default")]
    assert sorted(releases(repo)) == sorted([release, started[0]["release"]])


def test_a_version_changed_and_changed_back_is_released_each_time(repo):
    watch_once(repo)
    set_version(repo, "dev", "shop", "1.6.0")
    assert watch_once(repo).code == 0
    set_version(repo, "dev", "shop", "1.4.0")
    assert watch_once(repo).code == 0
    set_version(repo, "dev", "shop", "1.6.0")
    assert watch_once(repo).code == 0
    ids = releases(repo)
    assert len(ids) == 3 and sum(i.startswith("shop-1.6.0-") for i in ids) == 2, ids


def test_a_release_started_by_hand_is_not_started_again(repo):
    watch_once(repo)
    run = promote("--repo", repo, "run", "shop", "--version", "1.7.0", "--timeout", "1s")
    assert run.code in (0, 3), run
    (release,) = releases(repo)
    later = watch_once(repo)
    assert later.code == 0 and "started:" not in later.out, later
    assert releases(repo) == [release]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_ends_the_watcher_with_status_0_and_the_record_consistent(repo, watcher, sig):
    watch_once(repo)
    set_version(repo, "dev", "shop", "1.6.0")
    w = watcher()
    w.wait_for(lambda line: " started: shop 1.6.0" in line, "saying the release started")
    w.wait_for(lambda line: ": started" in line, "saying a step started")
    assert w.stop(sig) == 0, w.seen
    (release,) = releases(repo)
    assert record(repo, release)["state"] == "running"
    # The next watcher goes on from the record: the release gets to prod's approval.
    watcher()
    deadline = time.monotonic() + PATIENCE
    while record(repo, release)["state"] != "waiting":
        assert time.monotonic() < deadline, record(repo, release)
        time.sleep(0.2)
    assert releases(repo) == [release]


def test_sigusr1_starts_a_pass_at_once(repo, watcher):
    w = watcher("-v")
    w.passes()
    set_version(repo, "dev", "cart", "2.2.0")
    w.process.send_signal(signal.SIGUSR1)
    w.wait_for(lambda line: " started: cart 2.2.0" in line, "saying cart's release started")


def test_a_line_on_the_wake_fifo_starts_a_pass_at_once(repo, watcher, tmp_path):
    fifo = tmp_path / "wake"
    w = watcher("-v", "--wake-fifo", fifo)
    w.passes()
    assert fifo.is_fifo()
    set_version(repo, "dev", "cart", "2.3.0")
    fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    os.write(fd, b"push\n")
    os.close(fd)
    w.wait_for(lambda line: " started: cart 2.3.0" in line, "saying cart's release started")


def test_a_wake_fifo_that_is_a_file_is_refused(repo, tmp_path):
    plain = tmp_path / "plain"
    plain.write_text("")
    r = promote("--repo", repo, "watch", "--wake-fifo", plain)
    assert r.code == 2 and "is not a FIFO" in r.err, r


def test_a_waiting_release_is_read_again_only_when_its_record_moves(repo, watcher):
    watch_once(repo)
    set_version(repo, "dev", "shop", "1.6.0")
    w = watcher("-v")
    w.wait_for(lambda line: "prod: awaiting_approval" in line, "saying prod waits for its approval")
    idle = w.passes()
    # The pass that brought the release to its approval read it; the sleep after it is the interval.
    w.process.send_signal(signal.SIGUSR1)
    idle = w.passes()
    assert "0 polled, 1 not read (waiting or not due), 1 open" in idle, idle
    (release,) = releases(repo)
    approve = promote("--repo", repo, "release", "approve", release, "--env", "prod", "--timeout", "1s")
    assert approve.code in (0, 3), approve
    w.process.send_signal(signal.SIGUSR1)
    moved = w.passes()
    assert "1 polled" in moved, (moved, w.seen)
