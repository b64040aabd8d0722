"""kill -9 after every transition of a release (its fault points), then resumed by id until it is final:
the repository stays sound (git fsck), each commit step has one commit and each pull-request step one
change, no step is lost, and the final tree is the uninterrupted run's. Locally and over HTTP
(tests/integration/gitserver.py) with a cache shared by the runs. Also: `run` killed at a sample of its
system calls (strace), two processes resuming the same release at once, and a grouped commit published
by a process killed before it could record it, adopted by the resume (found by its trailers).

The release (releases.py): dev -> qa + staging (grouped commit) -> uat (pull request) -> prod (manual
pull request, approved by another process). Its commands: `run` (stops waiting for the approval),
`release approve`, `release status`; each is killed at each of its points in turn. The runs use the
promote of the fault-point build (-Dfault_build, PROMOTE_FAULT_CLI).

By default every point of a command that passes at most PROMOTE_FAULTS_POINTS of them (default 24
locally, 8 over HTTP, where each case takes about fifteen pushes), else a deterministic stride of that many
over them, its first and last included; PROMOTE_FAULTS_EXHAUSTIVE=1 tries every point."""

import os
import pathlib
import shutil
import subprocess
import time

import pytest

from faults import choose as choose_syscalls
from faults import STALE_MESSAGE, exhaustive, fsck, kill_points, killed_at, sample_size
from releases import (COMMIT_STEPS, FAULT_BUILD, FAULT_CLI, RECORDS, approve_command, commits_by_environment,
                      copy_tree, expected_shape, git, make_repo, outcome, promote, record, release_ids,
                      retry_command, run_command, start, status_command, step)

# Exit statuses of the commands that advance a release: succeeded, waiting.
SUCCEEDED, WAITING = 0, 3
RESUMES = 8


@pytest.fixture(scope="session", autouse=True)
def fault_cli():
    """The fault build's promote, brought up to date (ninja), and proved to have fault points."""
    if not FAULT_CLI or not FAULT_BUILD:
        pytest.fail("PROMOTE_FAULT_BUILD and PROMOTE_FAULT_CLI are not set: run this test through meson, "
                    "configured with -Dfault_build=DIR (a build with -Dfault_points=true)")
    built = subprocess.run(["ninja", "-C", FAULT_BUILD], capture_output=True, text=True, timeout=1800)
    assert built.returncode == 0, "ninja -C %s failed:\n%s%s" % (FAULT_BUILD, built.stdout[-2000:], built.stderr)
    assert os.access(FAULT_CLI, os.X_OK), "%s: no promote there" % FAULT_CLI
    return FAULT_CLI


class Where:
    """One case's repository: `prefix` (--repo ...), `env`, the bare repository to check (`repo`) and
    the cache folder (None locally, where the repository is not promote's own)."""

    def __init__(self, prefix, env, repo, cache):
        self.prefix, self.env, self.repo, self.cache = prefix, env, repo, cache
        # A mirror in promote's cache is promote's own: no lock file may stop the next run there.
        self.owned = cache is not None

    def folders(self):
        mirrors = sorted(pathlib.Path(self.cache).glob("*.git")) if self.cache else []
        return [self.repo, *mirrors]


class Local:
    """A bare repository of its own per case, copied from the snapshot taken before the command."""

    def __init__(self, scratch):
        self.scratch, self.n = scratch, 0
        make_repo(scratch / "snapshots", "before-0")

    def fresh(self, before):
        self.n += 1
        repo = self.scratch / ("case-%d.git" % self.n)
        copy_tree(self.scratch / "snapshots" / ("before-%d.git" % before), repo)
        env = dict(os.environ, PROMOTE_CACHE_DIR=str(self.scratch / "unused-cache"))
        return Where(["--repo", repo], env, repo, None)

    def save(self, where, before):
        copy_tree(where.repo, self.scratch / "snapshots" / ("before-%d.git" % before))

    def done(self, where):
        shutil.rmtree(where.repo, ignore_errors=True)


class Http:
    """The server's repository and the cache restored from the snapshots per case, at the same URL: the
    killed process and the ones that resume share the cache (its mirror), as on one machine."""

    def __init__(self, server, scratch):
        self.server, self.scratch, self.n = server, scratch, 0
        make_repo(scratch / "snapshots", "before-0")
        (scratch / "snapshots" / "cache-0").mkdir()

    def fresh(self, before):
        self.n += 1
        served = self.server.repo_path("release")
        copy_tree(self.scratch / "snapshots" / ("before-%d.git" % before), served)
        cache = self.scratch / ("cache-%d" % self.n)
        copy_tree(self.scratch / "snapshots" / ("cache-%d" % before), cache)
        env = dict(os.environ, PROMOTE_GIT_USERNAME=self.server.user, PROMOTE_GIT_PASSWORD=self.server.password,
                   PROMOTE_CACHE_DIR=str(cache))
        return Where(["--repo", self.server.url("release")], env, served, cache)

    def save(self, where, before):
        copy_tree(where.repo, self.scratch / "snapshots" / ("before-%d.git" % before))
        copy_tree(where.cache, self.scratch / "snapshots" / ("cache-%d" % before))

    def done(self, where):
        shutil.rmtree(where.cache, ignore_errors=True)


def _commands(rid):
    return [run_command(), approve_command(rid), status_command(rid)]


def _failed(done, what):
    return "%s exited %d: %s" % (what, done.returncode, (done.stderr or done.stdout).strip()[-600:])


def reference(place, scratch):
    """The uninterrupted release, traced: (its outcome, the release id, [(command, point, where)]),
    snapshots saved before each command."""
    where = place.fresh(0)
    points = []
    rid = None
    for i, expected in enumerate([WAITING, SUCCEEDED, SUCCEEDED]):
        if i:
            place.save(where, i)
        trace = scratch / ("trace-%d.log" % i)
        done = promote([*where.prefix, *_commands(rid)[i]], where.env, trace=trace)
        assert done.returncode == expected, _failed(done, "uninterrupted command %d" % i)
        rid = rid or release_ids(where.repo)[0]
        lines = trace.read_text().splitlines() if trace.exists() else []
        points += [(i, int(n), what) for n, _, what in (line.partition(" ") for line in lines)]
    result = outcome(where.repo)
    problems = expected_shape(result)
    assert not problems, "the uninterrupted release is not the scenario: %s\n%s" % (problems, result)
    assert points, "%s passed no fault point: is %s configured with -Dfault_points=true?" % (FAULT_CLI, FAULT_BUILD)
    place.done(where)
    return result, rid, points


def resume(where):
    """Advance the release found in the repository until it is final, as an operator would: approve prod
    when it waits for an approval nobody gave, else `release status` (start it again when the kill left no
    record). In a repository promote does not own, a lock file the kill left is reported (at once: the
    stale age is 0 here), removed by `promote doctor --fix`, and a step it failed retried. None, or what
    went wrong."""
    env = dict(where.env, PROMOTE_STALE_LOCK_AGE="0")
    fixed = retried = False
    for _ in range(RESUMES):
        ids = release_ids(where.repo)
        if len(ids) > 1:
            return "%d releases recorded: %s" % (len(ids), ids)
        if not ids:
            args = run_command()
        else:
            rec = record(where.repo, ids[0])
            if rec["state"] == "succeeded":
                return None
            if rec["state"] == "failed" and fixed and not retried:
                args, retried = retry_command(ids[0]), True
            elif rec["state"] in ("failed", "aborted"):
                return "release %s %s: %s; steps %s" % (ids[0], rec["state"], rec["reason"],
                                                       [(s["environment"], s["state"], s["reason"], s["error"])
                                                        for s in rec["steps"]])
            else:
                prod = step(rec, "prod")
                waits = prod["state"] == "awaiting_approval" and not prod["approvals"]
                args = approve_command(ids[0]) if waits else status_command(ids[0])
        done = promote([*where.prefix, *args], env)
        if done.returncode in (SUCCEEDED, WAITING):
            continue
        # (A step failed by it is shown with the release, on stdout.)
        if where.owned or STALE_MESSAGE not in done.stdout + done.stderr or fixed:
            return _failed(done, " ".join(map(str, args[:2])))
        fix = promote([*where.prefix, "doctor", "--fix"], env)
        if fix.returncode != 0:
            return _failed(fix, "doctor --fix")
        fixed = True
    rec = record(where.repo, release_ids(where.repo)[0])
    return "not final after %d resumes: %s (%s)" % (RESUMES, rec["state"], rec["reason"])


def check(where, expected):
    """None, or how the repository differs from the uninterrupted run's."""
    for folder in where.folders():
        ok, out = fsck(folder)
        if not ok:
            return "git fsck %s: %s" % (folder, out.strip()[:400])
    got = outcome(where.repo)
    if got != expected:
        return "outcome differs:\n  got      %s\n  expected %s" % (got, expected)
    return None


def choose(points, count):
    """Every point, or a stride of about `count` per command keeping its first and last point."""
    if exhaustive():
        return points
    count = max(2, count)
    chosen = []
    for i in sorted({p[0] for p in points}):
        mine = [p for p in points if p[0] == i]
        if len(mine) <= count:
            chosen += mine
            continue
        stride = len(mine) / (count - 1)
        chosen += [mine[min(len(mine) - 1, round(j * stride))] for j in range(count)]
    return sorted(set(chosen))


def run_kills(place, scratch, count):
    expected, rid, points = reference(place, scratch)
    chosen = choose(points, count)
    failures, unreached = [], 0
    started = time.monotonic()
    for i, k, what in chosen:
        where = place.fresh(i)
        label = "command %d (%s) killed at point %d (%s)" % (i, " ".join(_commands(rid)[i][:2]), k, what)
        killed = promote([*where.prefix, *_commands(rid)[i]], where.env, kill_at=k)
        if killed.returncode != -9:
            unreached += 1  # the run passed fewer points this time (a transition another process made)
        ok, out = fsck(where.repo)
        problem = None if ok else "git fsck after the kill: " + out.strip()[:400]
        problem = problem or resume(where) or check(where, expected)
        if problem:
            failures.append("%s: %s" % (label, problem))
        place.done(where)
    print("%d fault points (%s), %d tried in %.0f s, %d not reached, %d failed" % (
        len(points), ", ".join("command %d: %d" % (i, sum(p[0] == i for p in points)) for i in range(3)),
        len(chosen), time.monotonic() - started, unreached, len(failures)))
    assert not failures, "\n".join(failures)
    assert unreached < len(chosen), "no kill was reached: the fault points of a run are not the traced run's"


def test_release_kill_local(tmp_path):
    run_kills(Local(tmp_path), tmp_path, sample_size(24))


def test_release_kill_http(git_server, tmp_path):
    run_kills(Http(git_server, tmp_path), tmp_path, sample_size(8))


def test_release_commit_lands_with_its_record(git_server, tmp_path):
    """Over HTTP a step's commit is not pushed on its own: it is kept in the process with the claim and
    the record that names it, and the three go to the server in one atomic push (all or none). `run`
    killed after it made the grouped commit, or after it recorded it, leaves neither the commit on the
    server's main nor the record saying it; killed right after that push, both are there. Every time,
    the release resumed from the server's record ends with one commit for qa and staging."""
    place = Http(git_server, tmp_path)
    expected, _, points = reference(place, tmp_path)
    first_run = [(k, what) for i, k, what in points if i == 0]
    kept = next(k for k, what in first_run if what == "(commit kept)" and
                any(w == "Commit" and j > k for j, w in first_run))
    recorded = next(k for k, what in first_run if what == "Commit" and k > kept)
    pushed = next(k for k, what in first_run if what == "(record pushed)" and k > recorded)
    for kill_at, landed in ((kept, False), (recorded, False), (pushed, True)):
        where = place.fresh(0)
        killed = promote([*where.prefix, *run_command()], where.env, kill_at=kill_at)
        assert killed.returncode == -9, _failed(killed, "run killed at point %d" % kill_at)
        ids = release_ids(where.repo)
        assert len(ids) == 1, ids
        rec = record(where.repo, ids[0])
        on_main = commits_of_release(where.repo, ids[0])
        grouped = [sha for sha, envs in on_main if envs == sorted(COMMIT_STEPS)]
        named = [step(rec, env)["commit"] for env in COMMIT_STEPS]
        if landed:
            assert len(grouped) == 1 and named == grouped * 2, (kill_at, on_main, rec["steps"])
        else:
            assert grouped == [] and named == ["", ""], (kill_at, on_main, rec["steps"])
        problem = resume(where) or check(where, expected)
        assert problem is None, problem
        assert [envs for _, envs in commits_of_release(where.repo, ids[0]) if set(envs) & set(COMMIT_STEPS)] == \
            [sorted(COMMIT_STEPS)], "exactly one commit for qa and staging"
        place.done(where)


def test_release_kill_syscalls_local(tmp_path):
    """`run` killed at its system calls (strace; faults.py): a sample of them, every write at a lock file
    and a stride over the rest, each resumed as above."""
    place = Local(tmp_path)
    expected, _, _ = reference(place, tmp_path)
    where = place.fresh(0)
    points = kill_points([*where.prefix, *run_command()], where.env, tmp_path, expected=WAITING)
    place.done(where)
    chosen = choose_syscalls(points, sample_size(12))
    failures = []
    for name, n, call in chosen:
        where = place.fresh(0)
        killed_at([*where.prefix, *run_command()], where.env, name, n)
        ok, out = fsck(where.repo)
        problem = (None if ok else "git fsck after the kill: " + out.strip()[:400]) or resume(where) or \
            check(where, expected)
        if problem:
            failures.append("killed at %s #%d (%s): %s" % (name, n, call[:100], problem))
        place.done(where)
    print("%d system calls, %d tried, %d failed" % (len(points), len(chosen), len(failures)))
    assert not failures, "\n".join(failures)


def commits_of_release(repo, rid):
    """The commits on main whose trailers name release `rid`: [(sha, [environments])]."""
    out = git(repo, "log", "--format=%H%x00%(trailers:key=Promote-Release,valueonly,separator=%x2C)%x00"
              "%(trailers:key=Promote-Environment,valueonly,separator=%x2C)%x1e", "main")
    found = []
    for entry in filter(None, (e.strip() for e in out.split("\x1e"))):
        sha, releases, envs = entry.split("\x00")
        if rid in [r.strip() for r in releases.split(",")]:
            found.append((sha, sorted(filter(None, (e.strip() for e in envs.split(","))))))
    return found


def grouped_commit_adopted(place, scratch):
    """`run` killed just after it published the grouped commit of qa and staging, before the record says
    so: the commit is on main, found by its Promote-Release and Promote-Environment trailers, and the
    resumed release adopts it (the record names that very commit) instead of making a second one. (Locally:
    a branch and a record are two refs. Over HTTP the two are pushed in one atomic request, so this state
    cannot be reached by a kill: test_release_commit_lands_with_its_record.)"""
    expected, rid, points = reference(place, scratch)
    where = place.fresh(0)
    published = [k for i, k, what in points if i == 0 and what == "(commit published)"]
    assert published, "run passed no (commit published) point: %s" % points
    killed = promote([*where.prefix, *run_command()], where.env, kill_at=published[0])
    assert killed.returncode == -9, _failed(killed, "run killed once the grouped commit was published")
    ids = release_ids(where.repo)
    assert len(ids) == 1, "releases %s" % ids
    rec = record(where.repo, ids[0])
    assert [step(rec, env)["commit"] for env in COMMIT_STEPS] == ["", ""], "recorded already: %s" % rec
    made = [(sha, envs) for sha, envs in commits_of_release(where.repo, ids[0]) if envs == sorted(COMMIT_STEPS)]
    assert len(made) == 1, "the grouped commit on main before the resume: %s" % made
    problem = resume(where) or check(where, expected)
    assert problem is None, problem
    rec = record(where.repo, ids[0])
    assert [step(rec, env)["commit"] for env in COMMIT_STEPS] == [made[0][0]] * 2, rec["steps"]
    assert [envs for _, envs in commits_of_release(where.repo, ids[0]) if set(envs) & set(COMMIT_STEPS)] == \
        [sorted(COMMIT_STEPS)], "exactly one commit for qa and staging"
    place.done(where)


def test_grouped_commit_adopted_local(tmp_path):
    grouped_commit_adopted(Local(tmp_path), tmp_path)


def _two_at_once(where, args, expected):
    """`args` run by two processes started together, both to exit `expected`; None, or what went wrong."""
    procs = [start([*where.prefix, *args], where.env) for _ in range(2)]
    problems = []
    for p in procs:
        out, err = p.communicate(timeout=180)
        if p.returncode != expected:
            problems.append("%s exited %d: %s" % (" ".join(args[:2]), p.returncode, (err or out).strip()[-600:]))
    return "; ".join(problems) or None


def two_resumers(place, scratch):
    """Two processes resume the same release at once, twice: after `run` was killed at its first point
    (the release recorded, nothing made: they race for the grouped commit and both changes), and after
    `release approve` was killed once the approval was recorded (they race for the merge)."""
    expected, rid, points = reference(place, scratch)
    where = place.fresh(0)
    first = min(k for i, k, _ in points if i == 0)
    killed = promote([*where.prefix, *run_command()], where.env, kill_at=first)
    assert killed.returncode == -9, _failed(killed, "run killed at its first fault point")
    ids = release_ids(where.repo)
    assert len(ids) == 1, "after the first transition: releases %s" % ids
    problem = _two_at_once(where, status_command(ids[0]), WAITING)
    rec = record(where.repo, ids[0])
    assert problem is None and step(rec, "prod")["state"] == "awaiting_approval", (problem, rec)
    approved = next(k for i, k, what in points if i == 1 and what == "Approve")
    killed = promote([*where.prefix, *approve_command(ids[0])], where.env, kill_at=approved)
    assert killed.returncode == -9, _failed(killed, "release approve killed once the approval was recorded")
    problem = _two_at_once(where, status_command(ids[0]), SUCCEEDED) or check(where, expected)
    assert problem is None, problem
    place.done(where)


def test_two_resumers_local(tmp_path):
    two_resumers(Local(tmp_path), tmp_path)


def test_two_resumers_http(git_server, tmp_path):
    two_resumers(Http(git_server, tmp_path), tmp_path)
