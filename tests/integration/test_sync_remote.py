"""promote sync over HTTP (lighttpd + git-http-backend, basic auth): a sync of 300 applications is one
commit pushed once (its objects written as one pack, as every commit of 256 files or more), a lost push
race plans every product again, and a second sync changes nothing."""

import os
import subprocess

from conftest import CLI
from gitserver import run_git
from watch_fleet import app_name, small_repo, values

APPS = 300


def promote(server, cache, *args):
    env = dict(os.environ, PROMOTE_GIT_USERNAME=server.user, PROMOTE_GIT_PASSWORD=server.password,
               PROMOTE_CACHE_DIR=str(cache))
    return subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, env=env, timeout=120,
                          stdin=subprocess.DEVNULL)


def monorepo():
    """dev at 2.0.0, staging and prod at 1.0.0, for every application."""
    files = small_repo(APPS)
    for n in range(APPS):
        files["envs/dev/apps/%s/values.yaml" % app_name(n)] = values(app_name(n), "2.0.0")
    return files


def git(server, *args):
    return run_git("--git-dir", server.repo_path("mono"), *args).stdout


def test_a_sync_of_300_applications_is_one_commit(git_server, tmp_path):
    git_server.create_repo("mono", monorepo())
    url, cache = git_server.url("mono"), tmp_path / "cache"
    r = promote(git_server, cache, "--repo", url, "-q", "sync", "--to", "staging")
    assert r.returncode == 0, r.stderr
    assert "staging synced with dev, %d updated, 0 added\nrelease sync-staging-" % APPS in r.stdout, r.stdout
    assert r.stdout.endswith(" succeeded\n")
    assert git(git_server, "rev-list", "--count", "main") == "2\n"
    stats = git(git_server, "diff", "--numstat", "main~1", "main").splitlines()
    assert stats == ["1\t1\tenvs/staging/apps/%s/values.yaml" % app_name(n) for n in range(APPS)]
    assert git(git_server, "log", "-1", "--format=%s", "main") == \
        "Sync staging with dev: %d products updated, 0 added\n" % APPS
    run_git("--git-dir", git_server.repo_path("mono"), "fsck", "--no-dangling")
    # the mirror holds it in one pack, whose index (written by promote, not by an indexer) git verifies
    # object by object, and is sound
    mirror = next(cache.glob("*.git"))
    indexes = sorted(mirror.glob("objects/pack/*.idx"))
    assert len(indexes) == 2, indexes  # the fetched pack and the commit's
    for index in indexes:
        run_git("--git-dir", mirror, "verify-pack", index)
    run_git("--git-dir", mirror, "fsck", "--no-dangling")
    again = promote(git_server, cache, "--repo", url, "sync", "--to", "staging")
    assert again.returncode == 0, again.stderr
    assert again.stdout == "staging holds every product of dev at its version: nothing to change\n"
    assert git(git_server, "rev-list", "--count", "main") == "2\n"


def test_concurrent_syncs_each_land_once(git_server, tmp_path):
    """Four processes sync four parts of the applications into staging at once, sharing one cache: the
    ones that lose the push race plan their products again on the winner's commit; every part lands in
    one commit, every file changes once."""
    git_server.create_repo("mono", monorepo())
    url, cache = git_server.url("mono"), tmp_path / "cache"
    assert promote(git_server, cache, "--repo", url, "validate").returncode == 0  # the mirror, warm
    env = dict(os.environ, PROMOTE_GIT_USERNAME=git_server.user, PROMOTE_GIT_PASSWORD=git_server.password,
               PROMOTE_CACHE_DIR=str(cache))
    parts = ["app-000[0-2]*", "app-000[3-5]*", "app-000[6-9]*", "app-001*"]
    jobs = [subprocess.Popen([CLI, "--repo", url, "-q", "sync", "--to", "staging", "--only", part], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for part in parts]
    for job in jobs:
        out, err = job.communicate(timeout=120)
        assert job.returncode == 0, err
    subjects = git(git_server, "log", "--format=%s", "main").splitlines()
    assert sorted(subjects[:4]) == ["Sync staging with dev: %d products updated, 0 added" % n
                                    for n in (100, 30, 30, 40)], subjects
    assert len(subjects) == 5
    stats = git(git_server, "diff", "--numstat", "main~4", "main").splitlines()
    assert stats == ["1\t1\tenvs/staging/apps/%s/values.yaml" % app_name(n) for n in range(200)]


