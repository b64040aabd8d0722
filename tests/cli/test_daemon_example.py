"""examples/daemon.c, the loop of `promote watch` over the public API: its first pass starts
nothing, a changed version starts one release that it advances, SIGUSR1 wakes it, SIGTERM ends it
with exit status 0."""

import os
import pathlib
import signal
import subprocess
import sys

import pytest

from conftest import EXAMPLE
from test_cli_watch import PATIENCE, releases

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "integration"))
from gitserver import create_bare_repo  # noqa: E402
from watch_repo import set_version  # noqa: E402

DAEMON = os.environ.get("PROMOTE_DAEMON") or str(pathlib.Path(__file__).resolve().parents[2] / "build" / "examples"
                                                  / "daemon")


def daemon(*args, **kwargs):
    if not os.access(DAEMON, os.X_OK):
        pytest.fail("no daemon example at %s; set PROMOTE_DAEMON" % DAEMON)
    return subprocess.Popen([DAEMON, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL, **kwargs)


def test_the_daemon_example_watches_a_repository(tmp_path):
    repo = create_bare_repo(tmp_path, "gitops", EXAMPLE.parent)
    first = daemon(repo, "--once")
    out, err = first.communicate(timeout=PATIENCE)
    assert first.returncode == 0, err
    assert out.startswith("flow baseline: flow default") and "pass: 0 started, 0 polled, 0 open" in out, out
    set_version(repo, "dev", "shop", "1.6.0")

    running = daemon(repo, 3600)
    line = running.stdout.readline()
    assert line.startswith("release started: flow default shop 1.6.0 shop-1.6.0-"), line
    (release,) = releases(repo)
    assert release in line
    while "awaiting_approval" not in line and "step waiting" not in line:
        line = running.stdout.readline()
        assert line, running.stderr.read()
    running.send_signal(signal.SIGUSR1)
    while not line.startswith("pass: "):
        line = running.stdout.readline()
        assert line, running.stderr.read()
    running.send_signal(signal.SIGTERM)
    out, err = running.communicate(timeout=PATIENCE)
    assert running.returncode == 0, err
    assert releases(repo) == [release]
