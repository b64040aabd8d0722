"""Lock files a killed run leaves: never in the way of the next run in a mirror promote owns; in a
repository it does not own, waited for a few seconds, then reported with the path, the age and how to
remove it; `promote doctor` lists them, `--fix` removes the stale ones."""

import json
import os
import re
import shutil
import threading
import time
from pathlib import Path

from faults import STALE_MESSAGE, failed_at, kill_points, killed_at, promote, subjects, the_change, with_change
from scenarios import APPLY, APPROVE, MERGE, PROPOSE, http_env

CART = ["apply", "cart", "--to", "staging"]


def _local(example_repo, tmp_path):
    repo = tmp_path / "R.git"
    shutil.copytree(example_repo, repo)
    return repo, dict(os.environ, PROMOTE_CACHE_DIR=str(tmp_path / "cache"))


def _kill_at_branch_lock(repo, env, tmp_path, syscall):
    """Kill `apply shop --to staging` at the `syscall` (link or unlink) of refs/heads/main.lock."""
    probe = tmp_path / "probe.git"
    shutil.copytree(repo, probe)
    points = kill_points(["--repo", probe, *APPLY], env, tmp_path)
    name, n, _ = next(p for p in points if p[0] == syscall and "refs/heads/main.lock" in p[2])
    killed = killed_at(["--repo", repo, *APPLY], env, name, n)
    assert killed.returncode == -9, killed
    assert (repo / "refs/heads/main.lock").exists()


def test_killed_after_the_branch_moved_the_next_run_is_not_stuck(example_repo, tmp_path):
    repo, env = _local(example_repo, tmp_path)
    _kill_at_branch_lock(repo, env, tmp_path, "unlink")
    assert subjects(repo)[0] == "Promote shop 1.4.0 to staging"
    # another promotion into the same branch: the leftover of a finished update is no obstacle
    done = promote(["--repo", repo, *CART], env)
    assert done.returncode == 0, done.stderr
    assert subjects(repo)[:2] == ["Promote cart 1.4.0 to staging", "Promote shop 1.4.0 to staging"]
    assert not (repo / "refs/heads/main.lock").exists()


def test_a_rerun_that_finds_the_promotion_done_removes_the_lock(example_repo, tmp_path):
    repo, env = _local(example_repo, tmp_path)
    _kill_at_branch_lock(repo, env, tmp_path, "unlink")
    # The rerun goes on with the killed run's release: finds its commit (by its trailers), records it,
    # and leaves no lock.
    again = promote(["--repo", repo, *APPLY], env)
    assert again.returncode == 0, again.stderr
    assert "committed " in again.stdout and re.search(r"^release shop-1\.4\.0-\w+ succeeded$", again.stdout, re.M)
    assert not (repo / "refs/heads/main.lock").exists()
    # Once more: nothing to change, no release, no lock.
    (repo / "refs/heads/main.lock").write_bytes((repo / "refs/heads/main").read_bytes())
    old = time.time() - 60
    os.utime(repo / "refs/heads/main.lock", (old, old))
    third = promote(["--repo", repo, *APPLY], env)
    assert third.returncode == 0 and "already in staging" in third.stdout, third
    assert not (repo / "refs/heads/main.lock").exists()
    assert promote(["--repo", repo, *CART], env).returncode == 0
    assert subjects(repo).count("Promote shop 1.4.0 to staging") == 1


def test_a_stale_lock_is_reported_with_its_path_age_and_how_to_remove_it(example_repo, tmp_path):
    repo, env = _local(example_repo, tmp_path)
    _kill_at_branch_lock(repo, env, tmp_path, "link")  # before the branch moved
    lock = repo / "refs/heads/main.lock"
    old = time.time() - 3600
    os.utime(lock, (old, old))
    failed = promote(["--repo", repo, *CART], env)
    assert failed.returncode == 1, failed
    assert "failed to lock file" not in failed.stderr
    assert str(lock) in failed.stderr and "60 min old" in failed.stderr and STALE_MESSAGE in failed.stderr
    assert "promote doctor --fix" in failed.stderr and "rm '%s'" % lock in failed.stderr
    # doctor reports it (exit 1), --fix removes it, then the promotion goes through
    seen = promote(["--repo", repo, "--json", "doctor"], env)
    assert seen.returncode == 1, seen
    report = json.loads(seen.stdout)
    assert [(entry["path"], entry["removed"]) for entry in report["locks"]] == [(str(lock), False)]
    assert not report["ok"]
    fixed = promote(["--repo", repo, "doctor", "--fix"], env)
    assert fixed.returncode == 0, fixed
    assert str(lock) in fixed.stdout and "removed" in fixed.stdout
    assert not lock.exists()
    assert promote(["--repo", repo, *CART], env).returncode == 0
    assert subjects(repo)[0] == "Promote cart 1.4.0 to staging"
    assert promote(["--repo", repo, "doctor"], env).returncode == 0


def test_a_young_lock_is_waited_for_then_said_to_be_another_process(example_repo, tmp_path):
    repo, env = _local(example_repo, tmp_path)
    lock = repo / "refs/heads/main.lock"
    lock.write_text("0" * 40 + "\n")
    start = time.monotonic()
    failed = promote(["--repo", repo, *CART], env)
    waited = time.monotonic() - start
    assert failed.returncode == 1, failed
    assert "another process is writing it" in failed.stderr and str(lock) in failed.stderr
    # The young lock is waited for (5 s), and the wait ends: bounded well above what the run itself
    # takes, which a sanitized build on a loaded machine makes several times slower.
    assert 4 <= waited < (90 if os.environ.get("PROMOTE_FAULTS_SANITIZED") == "1" else 30)
    # doctor leaves a young lock alone, even with --fix
    kept = promote(["--repo", repo, "doctor", "--fix"], env)
    assert kept.returncode == 1 and lock.exists() and "may be writing" in kept.stderr


def test_a_lock_that_goes_away_during_the_wait_is_no_error(example_repo, tmp_path):
    repo, env = _local(example_repo, tmp_path)
    lock = repo / "refs/heads/main.lock"
    lock.write_text("0" * 40 + "\n")
    timer = threading.Timer(1.0, lock.unlink)
    timer.start()
    try:
        done = promote(["--repo", repo, *CART], env)
    finally:
        timer.join()
    assert done.returncode == 0, done.stderr
    assert subjects(repo)[0] == "Promote cart 1.4.0 to staging"


def test_a_lock_of_a_release_record_never_created_is_removed_once_stale(example_repo, tmp_path):
    # A run killed while it created its release's record leaves the record's lock, for an id no one
    # will ask for again: the next release removes it once it is stale, and leaves a young one.
    repo, env = _local(example_repo, tmp_path)
    releases = repo / "refs/promote/releases"
    releases.mkdir(parents=True)
    stale, young = releases / "shop-1.4.0-dead01.lock", releases / "shop-1.4.0-dead02.lock"
    for lock in (stale, young):
        lock.write_text("0" * 40 + "\n")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    done = promote(["--repo", repo, *APPLY], env)
    assert done.returncode == 0, done.stderr
    assert not stale.exists() and young.exists()
    assert promote(["--repo", repo, *CART], dict(env, PROMOTE_STALE_LOCK_AGE="0")).returncode == 0
    assert not young.exists()


def _mirror(git_server, example_repo, tmp_path):
    served = git_server.repo_path("gitops")
    shutil.rmtree(served, ignore_errors=True)
    shutil.copytree(example_repo, served)
    env = http_env(git_server, tmp_path / "cache")
    url = git_server.url("gitops")
    assert promote(["--repo", url, "validate"], env).returncode == 0
    (mirror,) = (tmp_path / "cache").glob("*.git")
    return url, env, mirror


def _killed_holder(mirror, url):
    """What a promote killed while it held the mirror's lock leaves in the lock file: its note."""
    Path(str(mirror) + ".lock").write_text("4242 %d 30 pushing %s\n" % (time.time(), url))


def test_locks_left_in_a_mirror_are_removed_under_its_lock(example_repo, git_server, tmp_path):
    url, env, mirror = _mirror(git_server, example_repo, tmp_path)
    planted = [mirror / "refs/heads/main.lock", mirror / "packed-refs.lock", mirror / "HEAD.lock",
               mirror / "refs/promote/changes/promote/shop/1.3.2/prod.lock"]
    for lock in planted:
        lock.parent.mkdir(parents=True, exist_ok=True)
        lock.write_text("0" * 40 + "\n")  # young: a mirror's locks go whatever their age
    _killed_holder(mirror, url)
    checked = promote(["--repo", url, "validate"], env)
    assert checked.returncode == 0, checked.stderr
    assert not [lock for lock in planted if lock.exists()]
    assert Path(str(mirror) + ".lock").read_text() == ""  # let go of: its note emptied
    for lock in planted:
        lock.write_text("")
    _killed_holder(mirror, url)
    done = promote(["--repo", url, *APPLY], env)
    assert done.returncode == 0, done.stderr
    assert subjects(git_server.repo_path("gitops"))[0] == "Promote shop 1.4.0 to staging"
    assert not list(mirror.rglob("*.lock"))


def test_a_mirror_whose_first_clone_was_killed_is_made_again(example_repo, git_server, tmp_path):
    url, env, mirror = _mirror(git_server, example_repo, tmp_path)
    shutil.rmtree(mirror)
    mirror.mkdir()
    (mirror / "config").write_text("[core]\n")  # what a clone killed early leaves: no HEAD, no refs
    done = promote(["--repo", url, *APPLY], env)
    assert done.returncode == 0, done.stderr
    assert subjects(git_server.repo_path("gitops"))[0] == "Promote shop 1.4.0 to staging"


def test_a_merge_rerun_removes_the_base_branch_lock_its_broken_run_left(example_repo, tmp_path):
    repo, env = _local(example_repo, tmp_path)
    for step in (PROPOSE, APPROVE):
        assert promote(["--repo", repo, *with_change(step, the_change(repo))], env).returncode in (0, 3)
    merge = with_change(MERGE, the_change(repo))
    probe = tmp_path / "probe.git"
    shutil.copytree(repo, probe)
    points = kill_points(["--repo", probe, *merge], env, tmp_path)
    _, n, _ = next(p for p in points if p[0] == "unlink" and "refs/heads/main.lock" in p[2])
    # main moved (its lock was linked into place) but no unlink succeeds after: both locks stay
    broken = failed_at(["--repo", repo, *merge], env, "unlink", n, "EIO")
    assert (repo / "refs/heads/main.lock").exists(), broken.stderr
    again = promote(["--repo", repo, *merge], env)
    assert again.returncode == 0, again.stderr
    assert not (repo / "refs/heads/main.lock").exists()
    assert promote(["--repo", repo, *CART], env).returncode == 0
    assert subjects(repo).count("Promote shop 1.3.2 to prod") == 1
