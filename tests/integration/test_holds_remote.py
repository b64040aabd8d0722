"""Holds over HTTP, through real `promote` processes on two machines (each its own mirror): a hold made on
one is pushed to the remote (refs/promote/holds) and stops the release another one runs; lifted there, the
release goes on from the other machine."""

import os
import subprocess

from conftest import CLI
from gitserver import run_git
from release_repo import files


def promote(server, cache, *args, author="Ada Ops"):
    env = dict(os.environ, PROMOTE_GIT_USERNAME=server.user, PROMOTE_GIT_PASSWORD=server.password,
               PROMOTE_CACHE_DIR=str(cache), PROMOTE_AUTHOR_NAME=author, PROMOTE_AUTHOR_EMAIL="ops@example.com")
    return subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, env=env, timeout=120,
                          stdin=subprocess.DEVNULL)


def test_a_hold_from_one_machine_stops_a_release_on_another(git_server, tmp_path):
    git_server.create_repo("gitops", files('image:\n  tag: "1.0"\n'))
    url = git_server.url("gitops")
    a, b = tmp_path / "cache-a", tmp_path / "cache-b"
    r = promote(git_server, a, "--repo", url, "hold", "staging", "--reason", "incident 42")
    assert r.returncode == 0, r.stderr
    log = run_git("-C", git_server.repo_path("gitops"), "log", "--format=%an %s", "refs/promote/holds").stdout
    assert log == "Ada Ops Hold staging: incident 42\n"
    r = promote(git_server, b, "--repo", url, "--json", "run", "shop", "--version", "2.0", author="Bob")
    assert r.returncode == 3, r.stderr
    import json
    record = json.loads(r.stdout)
    steps = {s["environment"]: s for s in record["steps"]}
    assert steps["qa"]["state"] == "succeeded"
    assert (steps["staging"]["state"], steps["staging"]["reason"], steps["staging"]["gate"]) == (
        "pending", "held by Ada Ops: incident 42", "hold")
    assert steps["prod"]["state"] == "pending"
    # Lifted on the first machine; the second sees it at its next poll (its fetch brings the holds).
    r = promote(git_server, a, "--repo", url, "unhold", "staging")
    assert r.returncode == 0, r.stderr
    r = promote(git_server, b, "--repo", url, "--json", "release", "status", record["id"], "--timeout", "60s",
                author="Bob")
    steps = {s["environment"]: s for s in json.loads(r.stdout)["steps"]}
    assert steps["staging"]["state"] == "succeeded", r.stdout
    assert steps["prod"]["state"] == "awaiting_approval"
    log = run_git("-C", git_server.repo_path("gitops"), "log", "--format=%an %s", "refs/promote/holds").stdout
    assert log == "Ada Ops Unhold staging\nAda Ops Hold staging: incident 42\n"
