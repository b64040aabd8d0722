"""promote inside an ordinary clone of a repository served over HTTP: the clone's origin is fetched
into the mirror in the cache and pushed to; the clone itself changes only when it pulls."""

import os
import pathlib
import subprocess

from conftest import CLI
from gitserver import run_git

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "gitops"


def promote(server, cache, cwd, *args):
    env = dict(os.environ, PROMOTE_GIT_USERNAME=server.user, PROMOTE_GIT_PASSWORD=server.password,
               PROMOTE_CACHE_DIR=str(cache))
    return subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, env=env, cwd=cwd, timeout=120,
                          stdin=subprocess.DEVNULL)


def test_apply_in_a_clone_pushes_to_its_origin(git_server, tmp_path):
    git_server.create_repo("gitops", EXAMPLE)
    work = tmp_path / "work"
    run_git("clone", "-q", git_server.url_with_credentials("gitops"), work)
    # origin as a user's clone has it: no password in the URL (the environment gives it)
    run_git("-C", work, "remote", "set-url", "origin", git_server.url("gitops"))
    cache = tmp_path / "cache"
    r = promote(git_server, cache, work, "apply", "shop", "--to", "qa")
    assert r.returncode == 0, r.stderr
    assert "committed " in r.stdout and r.stdout.endswith("pushed to origin; git pull to see it\n"), r.stdout
    served = git_server.repo_path("gitops")
    assert run_git("-C", served, "log", "-1", "--format=%s", "main").stdout == "Promote shop 1.4.0 to qa\n"
    assert 'tag: "1.4.0"' in run_git("-C", served, "show", "main:envs/qa/apps/shop/values.yaml").stdout
    # read through the mirror in the cache; the clone itself is untouched until it pulls
    assert len(list(cache.glob("*.git"))) == 1
    assert run_git("-C", work, "rev-list", "--count", "main").stdout == "1\n"
    assert run_git("-C", work, "status", "--porcelain").stdout == ""
    run_git("-C", work, "pull", "-q", git_server.url_with_credentials("gitops"), "main")
    assert 'tag: "1.4.0"' in (work / "envs/qa/apps/shop/values.yaml").read_text()
    again = promote(git_server, cache, work, "apply", "shop", "--to", "qa")
    assert again.returncode == 0 and "already in qa" in again.stdout, again.stderr
