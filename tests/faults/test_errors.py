"""Errors from the disk (ENOSPC, EIO, EACCES) at the system calls that write — open, write, fsync,
link, rename, unlink — of `apply`, `change approve` and `change merge`, locally and over HTTP: the run
fails with a message or succeeds, the repository stays sound, the step has one commit or change, and
the next run succeeds (or, locally, needs only `promote doctor --fix`).

A deterministic sample by default; PROMOTE_FAULTS_EXHAUSTIVE=1 tries every call of those kinds with
each error."""

import pytest

from cases import run_all, run_cases
from faults import exhaustive, failed_at, sample_size
from scenarios import SCENARIOS, expected_exit, http_place, local_place, sample_share

ERRORS = ("ENOSPC", "EIO", "EACCES")
WRITES = {"openat", "write", "fsync", "fdatasync", "link", "rename", "renameat", "unlink"}


def _failer(name, n, errno):
    return lambda args, env: failed_at(args, env, name, n, errno)


def _run_all(place, command, check, scratch, owned, count, expected=0):
    """Each chosen call, and every later one of its kind, fails with one of ERRORS (in turn; all
    three when exhaustive); `run_case` checks the broken run failed cleanly or succeeded, and what
    follows."""
    def cases(points):
        writes = [p for p in points if p[0] in WRITES]
        stride = 1 if exhaustive() else max(1, len(writes) // max(1, count))
        made = []
        for i, (name, n, call) in enumerate(writes[::stride]):
            for errno in ERRORS if exhaustive() else ERRORS[i % len(ERRORS):][:1]:
                made.append(("%s at %s #%d (%s)" % (errno, name, n, call[:100]), _failer(name, n, errno)))
        return made
    run_all(place, command, check, scratch, owned, cases, "system calls", expected)


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_errors_local(scenario, example_repo, tmp_path):
    before, command, check = SCENARIOS[scenario]
    place = local_place(example_repo, tmp_path, before)
    _run_all(place, place.command(command), check, tmp_path, False, sample_share(scenario, sample_size(9)),
             expected_exit(scenario))


def test_errors_http_apply(example_repo, git_server, tmp_path):
    before, command, check = SCENARIOS["apply"]
    place = http_place(example_repo, git_server, tmp_path, before)
    _run_all(place, command, check, tmp_path, True, sample_size(6))


def test_a_sync_whose_unlinks_fail_leaves_no_lock_after_the_next_run(example_repo, tmp_path):
    # With unlink() failing from some call on, the sync into manual prod still proposes its change
    # and waits, but every reference it updated keeps its lock (libgit2 cannot remove it). The next
    # run finds the release waiting and writes nothing: it must still not leave those locks (the
    # default sample picks such a case only when the system calls happen to number that way).
    before, command, check = SCENARIOS["sync-propose"]
    place = local_place(example_repo, tmp_path, before)
    # From the first few calls on: where exactly the lock-leaving stretch starts moves with the code.
    cases = [("EIO at unlink #%d and after" % n, _failer("unlink", n, "EIO")) for n in range(2, 12)]
    failures = run_cases(place, place.command(command), check, cases, False, expected_exit("sync-propose"))
    assert not failures, "\n".join(failures)
