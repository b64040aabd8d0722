"""Bounded waits on the network: a server that accepts and then says nothing (or a few bytes, then
nothing) ends promote's clone, fetch and push after PROMOTE_NET_TIMEOUT seconds without data, with
an error naming the host and what timed out; the mirror's lock is released for the next process."""

import os
import pathlib
import subprocess
import time

import pytest

from conftest import CLI
from stallserver import StallServer

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "gitops"
BOUND = 2  # PROMOTE_NET_TIMEOUT in these tests, where the server never answers
# Where a real server must answer first: git-http-backend and sshd may be silent for seconds of
# their own on a loaded machine.
WIDE = 10
EXIT_FAILED = 1


def promote(cache, *args, env_extra=None, server=None, timeout=60):
    env = dict(os.environ, PROMOTE_CACHE_DIR=str(cache), PROMOTE_NET_TIMEOUT=str(BOUND))
    if server is not None:
        env.update(PROMOTE_GIT_USERNAME=server.user, PROMOTE_GIT_PASSWORD=server.password)
    env.update(env_extra or {})
    start = time.monotonic()
    r = subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, env=env, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    r.elapsed = time.monotonic() - start
    return r


def assert_timed_out(r, what="no data", bound=BOUND):
    assert r.returncode == EXIT_FAILED, (r.returncode, r.stderr)
    assert "127.0.0.1" in r.stderr, r.stderr
    assert what in r.stderr and "%d s" % bound in r.stderr, r.stderr
    assert "PROMOTE_NET_TIMEOUT" in r.stderr, r.stderr


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_silent_http_server_ends_a_clone(tmp_path, scheme):
    with StallServer("silent") as s:
        r = promote(tmp_path / "cache", "--repo", s.url(scheme), "validate")
    assert_timed_out(r)
    assert r.elapsed < 30
    # the first clone that failed leaves no half mirror and no lock held
    assert list((tmp_path / "cache").glob("*.git")) == []


def test_a_server_that_stalls_after_a_few_bytes(tmp_path):
    with StallServer("trickle") as s:
        r = promote(tmp_path / "cache", "--repo", s.url(), "validate")
    assert_timed_out(r)
    assert r.elapsed < 30


def test_a_silent_ssh_server(tmp_path):
    with StallServer("silent") as s:
        r = promote(tmp_path / "cache", "--repo", s.url("ssh", "/srv/x.git", user="git"), "validate")
    assert_timed_out(r)
    assert r.elapsed < 30


@pytest.mark.parametrize("scheme,user", [("http", None), ("ssh", "git")])
def test_no_connection_within_the_bound(tmp_path, scheme, user):
    with StallServer("full") as s:
        r = promote(tmp_path / "cache", "--repo", s.url(scheme, "/srv/x.git", user=user), "validate")
    assert_timed_out(r, "no connection to")
    assert r.elapsed < 30


def test_a_slow_server_that_keeps_answering_is_not_cut(git_server, tmp_path):
    # Each piece of every answer comes 2 s late: the whole takes longer than the bound, but the
    # server is never silent that long.
    git_server.create_repo("gitops", EXAMPLE)
    with StallServer("forward", upstream=("127.0.0.1", git_server.port), delay=2) as s:
        r = promote(tmp_path / "cache", "--repo", s.url(path="/git/gitops.git"), "apply", "shop", "--to", "qa",
                    server=git_server, env_extra={"PROMOTE_NET_TIMEOUT": str(WIDE)}, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.elapsed > WIDE, r.elapsed


def test_a_fetch_into_a_warm_mirror_and_the_next_process(git_server, tmp_path):
    git_server.create_repo("gitops", EXAMPLE)
    cache = tmp_path / "cache"
    with StallServer("forward", upstream=("127.0.0.1", git_server.port)) as s:
        url = s.url(path="/git/gitops.git")
        ok = promote(cache, "--repo", url, "validate", server=git_server, env_extra={"PROMOTE_NET_TIMEOUT": str(WIDE)})
        assert ok.returncode == 0, ok.stderr
        s.stall_all = True
        # Two processes on the same mirror: the first holds its lock while it fetches; the second
        # waits, says who holds it if its own bound is shorter, and gets it once the first timed out.
        first = subprocess.Popen([CLI, "--repo", url, "validate"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, stdin=subprocess.DEVNULL,
                                 env=dict(os.environ, PROMOTE_CACHE_DIR=str(cache), PROMOTE_NET_TIMEOUT="4",
                                          PROMOTE_GIT_USERNAME=git_server.user,
                                          PROMOTE_GIT_PASSWORD=git_server.password))
        time.sleep(1)
        busy = promote(cache, "--repo", url, "validate", server=git_server,
                       env_extra={"PROMOTE_CACHE_LOCK_WAIT": "1"})
        assert busy.returncode == EXIT_FAILED, busy.stderr
        assert "pid %d" % first.pid in busy.stderr and "fetching" in busy.stderr, busy.stderr
        second = promote(cache, "--repo", url, "validate", server=git_server)
        out, err = first.communicate(timeout=60)
    assert first.returncode == EXIT_FAILED and "no data" in err and "4 s" in err, err
    assert_timed_out(second)  # its own fetch, not the lock, ended it
    assert git_server.password not in err + second.stderr + busy.stderr


def test_a_push_to_a_server_that_stops_answering(git_server, tmp_path):
    git_server.create_repo("gitops", EXAMPLE)
    with StallServer("forward", upstream=("127.0.0.1", git_server.port), stall_on=b"git-receive-pack") as s:
        r = promote(tmp_path / "cache", "--repo", s.url(path="/git/gitops.git"), "apply", "shop", "--to", "qa",
                    server=git_server, env_extra={"PROMOTE_NET_TIMEOUT": str(WIDE)})
    assert_timed_out(r, bound=WIDE)
    assert r.elapsed < 50
    log = subprocess.run(["git", "-C", git_server.repo_path("gitops"), "log", "--format=%s", "main"],
                         capture_output=True, text=True).stdout
    assert "Promote shop" not in log


def test_a_push_over_ssh_to_a_server_that_stops_answering(ssh_server, tmp_path):
    # The fetch's connection goes through; the push's (the second) gets silence once connected.
    # sshd is silent for a few seconds of its own (starting git-upload-pack) under load: a wider bound.
    bound = WIDE
    ssh_server.create_repo("gitops", EXAMPLE)
    with StallServer("forward", upstream=("127.0.0.1", ssh_server.port), stall_after=1) as s:
        known = tmp_path / "known_hosts"
        known.write_text(ssh_server.known_hosts_line().replace("]:%d " % ssh_server.port, "]:%d " % s.port))
        url = s.url("ssh", str(ssh_server.repo_path("gitops")), user=ssh_server.user)
        r = promote(tmp_path / "cache", "--repo", url, "apply", "shop", "--to", "qa",
                    env_extra=ssh_server.client_env(PROMOTE_GIT_SSH_KNOWN_HOSTS=str(known),
                                                    PROMOTE_CACHE_DIR=str(tmp_path / "cache"),
                                                    PROMOTE_NET_TIMEOUT=str(bound)), timeout=120)
        assert s.accepted >= 2, r.stderr
    assert r.returncode == EXIT_FAILED, r.stderr
    assert "cannot push to" in r.stderr and "no data from 127.0.0.1 for %d s" % bound in r.stderr, r.stderr
    log = subprocess.run(["git", "-C", ssh_server.repo_path("gitops"), "log", "--format=%s", "main"],
                         capture_output=True, text=True).stdout
    assert "Promote shop" not in log
