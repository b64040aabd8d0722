"""Releases against a real git server over HTTP: every effect and every record
transition is pushed, a second process (another mirror) resumes and approves,
and nothing is made twice. Driven through the C API (ctypes, promote._native), on the repository of
release_repo.py without uat."""

import ctypes
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
