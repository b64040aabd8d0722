"""kill -9 at the system calls of `apply`, `change approve` and `change merge`, locally and over HTTP
with a cache shared by the runs: the repository stays sound (git fsck), the step has one commit or
change, never two, and the next run succeeds — or, in a repository promote does not own, fails only
with the stale-lock message and succeeds after `promote doctor --fix`.

By default a sample of the kill points (every point at a lock file and a deterministic stride);
PROMOTE_FAULTS_EXHAUSTIVE=1 tries every distinct crash (faults.distinct_crashes()), =calls every system call;
PROMOTE_FAULTS_POINTS=N changes the stride's size."""

import pytest

from cases import run_all
from faults import choose, killed_at, sample_size
from scenarios import SCENARIOS, expected_exit, http_place, local_place, sample_share


def _killer(name, n):
    return lambda args, env: killed_at(args, env, name, n)


def _run_all(place, command, check, scratch, owned, count, expected=0):
    """A kill at each point `choose` picks (about `count`)."""
    def cases(points):
        return [("killed at %s #%d (%s)" % (name, n, call[:100]), _killer(name, n))
                for name, n, call in choose(points, count)]
    run_all(place, command, check, scratch, owned, cases, "kill points", expected)


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_kill_local(scenario, example_repo, tmp_path):
    before, command, check = SCENARIOS[scenario]
    place = local_place(example_repo, tmp_path, before)
    _run_all(place, place.command(command), check, tmp_path, False, sample_share(scenario, sample_size(24)),
             expected_exit(scenario))


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_kill_http(scenario, example_repo, git_server, tmp_path):
    before, command, check = SCENARIOS[scenario]
    place = http_place(example_repo, git_server, tmp_path, before)
    _run_all(place, place.command(command), check, tmp_path, True, sample_share(scenario, sample_size(10)),
             expected_exit(scenario))


def test_kill_http_first_clone(example_repo, git_server, tmp_path):
    """Killed while the mirror is cloned for the first time: the next run clones or repairs it."""
    _, command, check = SCENARIOS["apply"]
    place = http_place(example_repo, git_server, tmp_path, [], warm=False)
    _run_all(place, command, check, tmp_path, True, sample_size(8))
