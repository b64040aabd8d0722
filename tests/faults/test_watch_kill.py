"""kill -9 of `promote watch --once` between the creation of the releases a change implies and the
update of the record of where the flow was handled (refs/promote/watch/FLOW), and between the
creations themselves (the library's fault points): the next watcher starts the missing ones and
none twice — each changed product has exactly one release — and then moves the flow forward. Runs
the promote of the fault-point build (-Dfault_build, PROMOTE_FAULT_CLI), on the bundled example."""

import os
import pathlib
import sys

import pytest

from releases import FAULT_CLI, copy_tree, git, promote, release_ids

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "integration"))
from gitserver import create_bare_repo  # noqa: E402
from watch_repo import set_version  # noqa: E402

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "gitops"
WATCHED = "refs/promote/watch/default"
KILLED = -9


def watch(repo):
    return ["--repo", repo, "watch", "--once"]


def watched_at(repo):
    return git(repo, "rev-parse", WATCHED).strip()


@pytest.fixture(scope="module")
def changed(tmp_path_factory):
    """A watched repository in which shop and cart changed their versions in dev since the flow was last
    handled, and the fault points a clean pass over it passes, in order."""
    if not FAULT_CLI:
        pytest.fail("PROMOTE_FAULT_CLI is not set: run this test through meson, configured with -Dfault_build=DIR")
    root = tmp_path_factory.mktemp("watch-kill")
    repo = create_bare_repo(root, "gitops", EXAMPLE)
    first = promote(watch(repo), os.environ)
    assert first.returncode == 0, first.stderr
    set_version(repo, "dev", "shop", "1.6.0")
    set_version(repo, "dev", "cart", "2.0.0")
    probe, trace = root / "probe.git", root / "trace"
    copy_tree(repo, probe)
    clean = promote(watch(probe), os.environ, trace=trace)
    assert clean.returncode == 0, clean.stderr
    points = [line.split(" ", 1)[1] for line in trace.read_text().splitlines()]
    return repo, points


def case(changed, tmp_path, kill_at):
    repo, _ = changed
    scratch = tmp_path / "case.git"
    copy_tree(repo, scratch)
    before = watched_at(scratch)
    killed = promote(watch(scratch), os.environ, kill_at=kill_at)
    assert killed.returncode == KILLED, killed.stderr
    assert watched_at(scratch) == before, "the flow was moved forward before its releases existed"
    return scratch, before


def one_each(repo):
    ids = sorted(release_ids(repo))
    assert [i.rsplit("-", 1)[0] for i in ids] == ["cart-2.0.0", "shop-1.6.0"], ids
    return ids


def test_killed_after_every_release_exists_but_before_the_flow_moved(changed, tmp_path):
    _, points = changed
    scratch, before = case(changed, tmp_path, points.index("(watch: releases started)") + 1)
    ids = one_each(scratch)
    resumed = promote(watch(scratch), os.environ)
    assert resumed.returncode == 0, resumed.stderr
    assert "started:" not in resumed.stdout, resumed.stdout
    assert one_each(scratch) == ids
    assert watched_at(scratch) != before
    again = promote(watch(scratch), os.environ)
    assert again.returncode == 0 and one_each(scratch) == ids, again.stderr


def test_killed_between_two_creations(changed, tmp_path):
    _, points = changed
    creations = [i + 1 for i, p in enumerate(points) if p.startswith("Start release (watch ")]
    assert len(creations) == 2, points
    scratch, before = case(changed, tmp_path, creations[0])
    assert len(release_ids(scratch)) == 1
    resumed = promote(watch(scratch), os.environ)
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout.count(" started: ") == 1, resumed.stdout
    one_each(scratch)
    assert watched_at(scratch) != before
