"""Releases against a real git server over HTTP: every effect and every record
transition is pushed, a second process (another mirror) resumes and approves,
and nothing is made twice. Driven through the C API (ctypes, promote._native), on the repository of
release_repo.py without uat."""

import ctypes
import json
import os
import pathlib
import subprocess
import sys

import pytest

from gitserver import run_git
from release_repo import files

SOURCE_ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(SOURCE_ROOT / "bindings" / "python"))

@pytest.fixture
def native(monkeypatch, git_server, tmp_path):
    monkeypatch.setenv("PROMOTE_GIT_USERNAME", git_server.user)
    monkeypatch.setenv("PROMOTE_GIT_PASSWORD", git_server.password)
    from promote import _native
    return _native


def open_context(native, url, cache):
    from promote import Context
    return Context.from_repository(url, cache_dir=str(cache))


def start(native, ctx, version):
    opts = native.promote_release_options()
    native.lib.promote_release_options_init(ctypes.byref(opts), native.RELEASE_OPTIONS_VERSION)
    opts.set_version = version.encode()
    release = native.release_p()
    native.lib.promote_release_start(ctypes.byref(release), ctx._ctx(), b"shop", ctypes.byref(opts))
    return release


def open_release(native, ctx, release_id):
    release = native.release_p()
    native.lib.promote_release_open(ctypes.byref(release), ctx._ctx(), release_id.encode(), None)
    return release


def step_state(native, release, env):
    step = native.lib.promote_release_step_lookup(release, env.encode())
    return native.lib.promote_step_state_name(native.lib.promote_release_step_state(step))


def remote(server, *args):
    return run_git("-C", server.repo_path("gitops"), *args).stdout


def test_release_over_http(native, git_server, tmp_path):
    git_server.create_repo("gitops", files('image:\n  tag: "1.0"\n'))
    url = git_server.url("gitops")
    ctx = open_context(native, url, tmp_path / "cache-a")
    release = start(native, ctx, "2.0")
    release_id = native.lib.promote_release_id(release)
    native.lib.promote_release_run(release, 120000)
    lib = native.lib
    assert lib.promote_release_state_name(lib.promote_release_state(release)) == "waiting"
    assert step_state(native, release, "prod") == "awaiting_approval"
    # Pushed: the trigger's version, qa and staging in one commit, the record, prod's draft change.
    log = remote(git_server, "log", "--format=%B", "main")
    assert log.count("Promote-Release: %s\n" % release_id) == 2
    assert "Promote shop 2.0 to qa, staging\n" in log
    assert remote(git_server, "show", "main:envs/staging/apps/shop/values.yaml") == 'image:\n  tag: "2.0"\n'
    assert release_id in remote(git_server, "for-each-ref", "refs/promote/releases/")
    change = "promote/%s/prod" % release_id
    assert change in remote(git_server, "for-each-ref", "refs/promote/changes/")

    # Another machine (its own mirror) approves and resumes the release.
    other = open_context(native, url, tmp_path / "cache-b")
    theirs = open_release(native, other, release_id)
    lib.promote_release_approve(theirs, b"prod", b"alice")
    lib.promote_release_run(theirs, 120000)
    assert lib.promote_release_state_name(lib.promote_release_state(theirs)) == "succeeded"
    lib.promote_release_free(theirs)

    # The first one sees it finished; polling again makes nothing.
    next_ms = ctypes.c_uint32(7)
    lib.promote_release_poll(release, ctypes.byref(next_ms))
    assert next_ms.value == 0
    assert lib.promote_release_state_name(lib.promote_release_state(release)) == "succeeded"
    assert remote(git_server, "show", "main:envs/prod/apps/shop/values.yaml") == 'image:\n  tag: "2.0"\n'
    log = remote(git_server, "log", "--first-parent", "--format=%B", "main")
    assert log.count("Promote-Release: %s\n" % release_id) == 3
    lib.promote_release_free(release)
    other.close()
    ctx.close()


def test_commit_and_record_land_together(native, git_server, tmp_path):
    """A step's commit, its claim and the record that names it go to the server in one atomic push:
    when another writer moves main between the poll's fetch and that push, none of them lands (the
    server never holds a record naming a commit that is not on main), and the next pass makes the
    step again on the new main — one commit, the other writer's kept."""
    git_server.create_repo("gitops", files('image:\n  tag: "1.0"\n'))
    url = git_server.url("gitops")
    ctx = open_context(native, url, tmp_path / "cache")
    lib = native.lib
    moved = []

    def on_event(event, payload):
        # When qa starts, someone else pushes a commit of their own to main on the server.
        if (not moved and lib.promote_release_event_kind_name(lib.promote_release_event_kind(event)) ==
                "step started" and lib.promote_release_event_environment(event) == "qa"):
            served = git_server.repo_path("gitops")
            tree = run_git("--git-dir", served, "rev-parse", "main^{tree}").stdout.strip()
            parent = run_git("--git-dir", served, "rev-parse", "main").stdout.strip()
            other = run_git("--git-dir", served, "commit-tree", tree, "-p", parent, "-m",
                            "Another writer's commit").stdout.strip()
            run_git("--git-dir", served, "update-ref", "refs/heads/main", other, parent)
            moved.append(other)
        return 0

    callback = native.promote_release_event_cb(on_event)
    opts = native.promote_release_options()
    lib.promote_release_options_init(ctypes.byref(opts), native.RELEASE_OPTIONS_VERSION)
    opts.set_version = b"2.0"
    opts.event_cb = callback
    release = native.release_p()
    assert lib.promote_release_start(ctypes.byref(release), ctx._ctx(), b"shop", ctypes.byref(opts)) == 0
    release_id = lib.promote_release_id(release)
    lib.promote_release_run(release, 120000)
    assert moved, "qa never started"
    assert step_state(native, release, "qa") == "succeeded" and step_state(native, release, "staging") == "succeeded"

    # The other writer's commit is on main, below the one grouped commit of qa and staging.
    assert run_git("--git-dir", git_server.repo_path("gitops"), "merge-base", "--is-ancestor", moved[0],
                   "main", check=False).returncode == 0
    log = remote(git_server, "log", "--format=%H %s", "main").splitlines()
    grouped = [line.split()[0] for line in log if line.endswith("Promote shop 2.0 to qa, staging")]
    assert len(grouped) == 1, log
    # Every version of the record the server ever held names only commits that are on main.
    record_ref = "refs/promote/releases/" + release_id
    on_main = set(remote(git_server, "rev-list", "main").split())
    for version in remote(git_server, "rev-list", record_ref).split():
        record = json.loads(remote(git_server, "show", version + ":record.json"))
        named = [s.get("commit") for s in record["steps"] if s.get("commit")]
        assert all(c in on_main for c in named), (version, named)
    lib.promote_release_free(release)
    ctx.close()
