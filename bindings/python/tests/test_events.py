"""The event callback (promote_context_options.event_cb) against the integration tests' real git
server over HTTP (lighttpd + git-http-backend): the progress of the clone of a mirror, of a fetch
and of a push, and a callback that stops them."""

import os
import pathlib
import sys

import pytest

import promote
from conftest import EXAMPLE_CONFIG

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests" / "integration"))
from gitserver import GitServer, run_git  # noqa: E402

Kind = promote.TransferKind
Phase = promote.TransferPhase


@pytest.fixture
def server(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMOTE_GIT_USERNAME", "promoter")
    monkeypatch.delenv("PROMOTE_GIT_TOKEN", raising=False)
    # The server's processes are not the library's: no sanitizer runtime preloaded into them.
    monkeypatch.delenv("LD_PRELOAD", raising=False)
    with GitServer(tmp_path / "repos", user="promoter") as s:
        monkeypatch.setenv("PROMOTE_GIT_PASSWORD", s.password)
        s.create_repo("gitops", EXAMPLE_CONFIG.parent)
        # Some history, so that the clone's pack holds deltas to resolve.
        work = tmp_path / "work"
        run_git("clone", "-q", s.url_with_credentials("gitops"), work)
        for i in range(5):
            (work / "big.txt").write_text("".join("line %d of version %d\n" % (n, i) for n in range(2000)))
            run_git("-C", work, "add", "big.txt")
            run_git("-C", work, "commit", "-qm", "version %d" % i)
        run_git("-C", work, "push", "-q", "origin", "main")
        yield s


def remote_log(server):
    return run_git("-C", server.repo_path("gitops"), "log", "--format=%s", "main").stdout.splitlines()


def check_phases(events, kind, phases):
    """Events of one transfer: the phases in order, each ending with one done event whose count is
    the total; counts and bytes never go down within a phase."""
    assert events and all(e.kind is kind for e in events), events
    assert [p for i, p in enumerate(e.phase for e in events) if i == 0 or events[i - 1].phase != p] == phases
    for phase in phases:
        mine = [e for e in events if e.phase is phase]
        assert [e.done for e in mine].count(True) == 1 and mine[-1].done, mine
        assert mine[-1].current == mine[-1].total > 0, mine
        assert all(a.current <= b.current and a.bytes <= b.bytes and a.total <= b.total or a.total == 0
                   for a, b in zip(mine, mine[1:])), mine
    return events


def test_clone_fetch_and_push_report_their_progress(server, tmp_path):
    events = []
    url = server.url("gitops")
    with promote.Context.from_repository(url, cache_dir=tmp_path / "cache", progress=events.append) as ctx:
        clone = check_phases(events, Kind.CLONE, [Phase.RECEIVING, Phase.RESOLVING])
        assert all(e.url == url for e in clone)  # without the user information
        assert clone[-1].phase is Phase.RESOLVING
        receiving = [e for e in clone if e.phase is Phase.RECEIVING]
        assert receiving[-1].bytes > 10000  # five versions of a 40 KB file, compressed
        events.clear()
        applied = ctx.plan("shop", "qa").apply()
        assert applied.outcome is promote.ApplyOutcome.COMMITTED
        push = check_phases(events, Kind.PUSH, [Phase.PACKING, Phase.WRITING])
        assert push[-1].bytes > 0 and push[-1].current >= 3  # the commit and its trees and blob
    assert remote_log(server)[0] == "Promote shop 1.4.0 to qa"
    # Opening again fetches the existing mirror: nothing new, so nothing to report.
    events.clear()
    with promote.Context.from_repository(url, cache_dir=tmp_path / "cache", progress=events.append):
        assert events == []


def test_stopping_a_clone_leaves_no_mirror_and_the_cache_usable(server, tmp_path, monkeypatch):
    seen = []

    def stop(event):
        seen.append(event)
        return True

    cache = tmp_path / "cache"
    with pytest.raises(promote.CallbackError) as caught:
        promote.Context.from_repository(server.url("gitops"), cache_dir=cache, progress=stop)
    assert len(seen) == 1  # nothing more after the answer
    assert caught.value.code == promote.ErrorCode.EUSER
    assert "the clone of %s was stopped by the event callback" % server.url("gitops") in str(caught.value)
    assert not list(cache.glob("*.git"))  # no half mirror
    # The lock was released: opening again does not wait for it.
    monkeypatch.setenv("PROMOTE_CACHE_LOCK_WAIT", "0")
    with promote.Context.from_repository(server.url("gitops"), cache_dir=cache) as ctx:
        assert ctx.plan("shop", "qa").apply().outcome is promote.ApplyOutcome.COMMITTED


def test_stopping_a_push_changes_nothing_on_the_remote(server, tmp_path):
    stop_pushes = [True]
    cache = tmp_path / "cache"

    def progress(event):
        return event.kind is Kind.PUSH and stop_pushes[0]

    before = remote_log(server)
    with promote.Context.from_repository(server.url("gitops"), cache_dir=cache, progress=progress) as ctx:
        with pytest.raises(promote.CallbackError, match="the push to .* was stopped by the event callback"):
            ctx.plan("shop", "qa").apply()
        assert remote_log(server) == before
        stop_pushes[0] = False
        assert ctx.plan("shop", "qa").apply().outcome is promote.ApplyOutcome.COMMITTED
    assert remote_log(server) == ["Promote shop 1.4.0 to qa"] + before


def test_an_exception_in_the_callback_stops_the_transfer_and_is_raised(server, tmp_path):
    def progress(event):
        raise KeyError("from the callback")

    with pytest.raises(promote.CallbackError) as caught:
        promote.Context.from_repository(server.url("gitops"), cache_dir=tmp_path / "cache", progress=progress)
    assert isinstance(caught.value.__cause__, KeyError)
    assert not list((tmp_path / "cache").glob("*.git"))


def test_a_fetch_of_new_commits_reports_as_a_fetch(server, tmp_path):
    cache = tmp_path / "cache"
    with promote.Context.from_repository(server.url("gitops"), cache_dir=cache):
        pass
    work = tmp_path / "other"
    run_git("clone", "-q", server.url_with_credentials("gitops"), work)
    (work / "big.txt").write_text("".join("line %d, once more\n" % n for n in range(2000)))
    run_git("-C", work, "commit", "-qam", "another version")
    run_git("-C", work, "push", "-q", "origin", "main")
    events = []
    with promote.Context.from_repository(server.url("gitops"), cache_dir=cache, progress=events.append):
        pass
    check_phases(events, Kind.FETCH, [Phase.RECEIVING] + ([Phase.RESOLVING] if events[-1].phase is Phase.RESOLVING
                                                          else []))


def test_a_file_context_takes_the_callback_too(tmp_path):
    # from_file accepts progress= (its clone's remote is fetched when first planned); a
    # configuration without a remote never calls it.
    events = []
    with promote.Context.from_file(EXAMPLE_CONFIG, progress=events.append) as ctx:
        assert ctx.environments
    assert events == []
