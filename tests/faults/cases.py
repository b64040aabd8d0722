"""One fault case: break a command, then check the repository and make the next run."""

import pathlib
import re

from faults import STALE_MESSAGE, fsck, kill_points, promote

# What a run whose release a stale lock failed says to do once the lock is removed.
RETRY_HINT = re.compile(r"resume it with: promote release retry (\S+)")


def _folders(where):
    """The repository and the mirrors in the case's cache."""
    folders = list(where.checked)
    cache = where.env.get("PROMOTE_CACHE_DIR")
    if cache:
        folders += [m for m in pathlib.Path(cache).glob("*.git") if m not in folders]
    return folders


def _left_locks(where):
    """A lock file left in the repository or a mirror after a run that succeeded."""
    for folder in _folders(where):
        left = [str(p) for p in pathlib.Path(folder).rglob("*.lock") if "objects" not in p.parts]
        if left:
            return "lock files left after the next run succeeded: " + ", ".join(left)
    return None


def _fsck_all(where, mirrors=True):
    """git fsck of the repository, and of the mirrors unless `mirrors` is False (a mirror whose first
    clone was killed is no repository yet: the next run makes it again)."""
    for folder in _folders(where) if mirrors else where.checked:
        ok, out = fsck(folder)
        if not ok:
            return "git fsck %s: %s" % (folder, out.strip()[:400])
    return None


def run_case(where, command, check, inject, owned, expected=0):
    """The problem found (a sentence), or None. `inject(args, env)` runs the broken command; `owned`:
    the repository written is a mirror of promote's own (no lock may stop the next run); `expected`: the
    exit status of a run that did its work (3: it waits for a person)."""
    args = [*where.prefix, *command]
    broken = inject(args, where.env)
    if broken.returncode < 0 and broken.returncode != -9:
        return "the broken run died of signal %d: %s" % (-broken.returncode, broken.stderr[-400:])
    if "please report" in broken.stderr:
        return "the broken run: %s" % broken.stderr.strip()[-400:]
    problem = _fsck_all(where, mirrors=False) or check(where, False)
    if problem:
        return "after the broken run: " + problem
    # The next run, without faults; a lock is stale at once, not after a wait.
    env = dict(where.env, PROMOTE_STALE_LOCK_AGE="0")
    again = promote(args, env)
    if again.returncode != expected:
        if owned or STALE_MESSAGE not in again.stderr:
            return "the next run failed (exit %d): %s" % (again.returncode, again.stderr.strip()[-600:])
        fixed = promote([*where.prefix, "doctor", "--fix"], env)
        if fixed.returncode != 0:
            return "promote doctor --fix failed (exit %d): %s" % (fixed.returncode, fixed.stderr.strip()[-400:])
        # As the message says: the release that the lock failed is resumed (`promote release retry ID`), not
        # replaced by a new one, which would sync a newer source or leave the failed one's change branch behind.
        hint = RETRY_HINT.search(again.stderr)
        again = promote([*where.prefix, "release", "retry", hint.group(1)] if hint else args, env)
        if again.returncode != expected:
            return "the run after doctor --fix failed (exit %d): %s" % (again.returncode,
                                                                       again.stderr.strip()[-400:])
    return _fsck_all(where) or check(where, True) or _left_locks(where)


def probe(place, command, scratch, expected=0):
    """The system calls of a clean run of `command` where `place` runs its cases (faults.kill_points)."""
    where = place.fresh()
    points = kill_points([*where.prefix, *command], where.env, scratch, expected)
    place.done(where)
    return points


def run_cases(place, command, check, cases, owned, expected=0):
    """Each (label, inject) of `cases` on a fresh copy from `place`; the failures, labelled."""
    failures = []
    for label, inject in cases:
        where = place.fresh()
        problem = run_case(where, command, check, inject, owned, expected)
        place.done(where)
        if problem:
            failures.append("%s: %s" % (label, problem))
    return failures


def run_all(place, command, check, scratch, owned, make_cases, what, expected=0):
    """The cases `make_cases(points)` makes from the system calls of a clean run (probe), each run
    (run_cases); prints how many points there were (`what`: "kill points"), cases and failures, and
    fails with every failure."""
    points = probe(place, command, scratch, expected)
    cases = make_cases(points)
    failures = run_cases(place, command, check, cases, owned, expected)
    print("%d %s, %d cases, %d failed" % (len(points), what, len(cases), len(failures)))
    assert not failures, "\n".join(failures)
