"""Watching from Python: Context.watcher, Watcher.run_pass and what it read out, the watch events
and the releases' events, stop(); on a bare repository made from the bundled example."""

import pathlib
import sys

import pytest

import promote
from conftest import EXAMPLE_CONFIG

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests" / "integration"))
from gitserver import create_bare_repo  # noqa: E402
from watch_repo import set_version  # noqa: E402

Kind = promote.WatchEventKind


@pytest.fixture
def repo(tmp_path):
    return create_bare_repo(tmp_path, "gitops", EXAMPLE_CONFIG.parent)


def test_a_changed_version_starts_one_release_and_the_next_pass_none(repo):
    seen, steps = [], []
    with promote.Context.from_repository(repo) as ctx, ctx.watcher(steps.append, seen.append) as w:
        assert w.run_pass() == 0
        assert [e.kind for e in seen] == [Kind.FLOW_BASELINE] and seen[0].flow == "default"
        assert (w.started, w.polled, w.open) == ([], 0, 0)
    commit = set_version(repo, "dev", "shop", "1.6.0")
    seen.clear()
    with promote.Context.from_repository(repo) as ctx, ctx.watcher(steps.append, seen.append) as w:
        w.run_pass()
        assert len(w.started) == 1 and w.started[0].startswith("shop-1.6.0-")
        started = seen[0]
        assert (started.kind, started.product, started.version, started.release) == (
            Kind.RELEASE_STARTED, "shop", "1.6.0", w.started[0])
        assert started.commit == commit
        assert w.polled == 1 and w.open == 1
        assert {e.release for e in steps} == {w.started[0]}
        release = ctx.release(w.started[0])
        assert release.record()["trigger"]["commit"] == commit
        release.close()
        w.run_pass()
        assert w.started == []


def test_a_callback_that_raises_stops_the_pass_and_stop_ends_the_next_at_once(repo):
    with promote.Context.from_repository(repo) as ctx, ctx.watcher() as w:
        w.run_pass()
    set_version(repo, "dev", "cart", "2.0.0")

    def refuse(event):
        raise RuntimeError("no")

    with promote.Context.from_repository(repo) as ctx, ctx.watcher(watch_events=refuse) as w:
        with pytest.raises(RuntimeError, match="no"):
            w.run_pass()
        w.stop()
        assert w.stopped and w.run_pass() == 0 and w.started == []
    with promote.Context.from_repository(repo) as ctx:
        # The release was started before the callback refused to hear of it: it is there, once.
        assert [r.product for r in ctx.releases()] == ["cart"]
