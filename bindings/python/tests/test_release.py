"""Releases from Python: Context.run / release / releases / apply, Release's poll, run, approve,
abort, retry and its steps, and events as a Python callback, on a bare repository made from the
bundled example (its checks are the example's scripts, run by the exec deploy backend)."""

import json
import pathlib
import sys
import time

import pytest

import promote
from conftest import EXAMPLE_CONFIG

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests" / "integration"))
from gitserver import create_bare_repo, run_git  # noqa: E402

Kind = promote.ReleaseEventKind
State = promote.ReleaseState
Step = promote.StepState


@pytest.fixture
def repo(tmp_path):
    return create_bare_repo(tmp_path, "gitops", EXAMPLE_CONFIG.parent)


def open_repo(repo):
    return promote.Context.from_repository(repo)


def test_a_release_waits_for_approval_and_another_context_finishes_it(repo):
    events = []
    with open_repo(repo) as ctx:
        release = ctx.run("shop", version="1.5.0", events=events.append)
        assert release.state is State.RUNNING and release.flow == "default"
        assert [s.state for s in release.steps] == [Step.PENDING] * 3
        assert release.run() is State.WAITING
        qa, staging, prod = release.steps
        assert (qa.environment, staging.environment, prod.environment) == ("qa", "staging", "prod")
        assert qa.state is staging.state is Step.SUCCEEDED
        assert qa.commit and qa.commit == staging.commit  # grouped
        assert qa.checks == [promote.Check("smoke-test", "post", 0, qa.checks[0].output)]
        assert "shop 1.5.0" in qa.checks[0].output
        assert prod.state is Step.AWAITING_APPROVAL and prod.change == "promote/%s/prod" % release.id
        assert (qa.strategy, qa.action, prod.strategy, prod.action) == ("auto", "commit", "manual", "pull-request")
        assert release.step("prod") == prod
        with pytest.raises(KeyError):
            release.step("dev")
        kinds = [e.kind for e in events]
        assert Kind.STEP_STARTED in kinds and Kind.COMMITTED in kinds and Kind.CHANGE_OPENED in kinds
        checks = [e for e in events if e.kind is Kind.CHECK_FINISHED]
        assert {(e.environment, e.check, e.exit_status) for e in checks} >= {("qa", "smoke-test", 0),
                                                                            ("staging", "smoke-test", 0)}
        assert all(e.release == release.id for e in events)
        waiting = [e for e in events if e.kind is Kind.STEP_WAITING and e.environment == "prod"]
        assert waiting and waiting[-1].state is Step.AWAITING_APPROVAL and "approval" in waiting[-1].reason
        release_id = release.id
        release.close()
        assert release.closed
        with pytest.raises(promote.StateError):
            release.state
    # Another context (another machine, for all the record knows) approves and finishes it.
    with open_repo(repo) as other:
        again = other.release(release_id)
        again.approve("prod", by="alice")
        assert again.run() is State.SUCCEEDED
        prod = again.step("prod")
        assert prod.merge_commit and [c.name for c in prod.checks] == ["change-window", "verify", "notify"]
        record = again.record()
        assert record["id"] == release_id and record["steps"][2]["approvals"][0]["by"] == "alice"
        assert json.loads(again.to_json()) == record
        assert again.finished


def test_an_exception_in_the_event_callback_stops_the_call_and_is_raised(repo):
    class Stop(Exception):
        pass

    def stop_at_the_first_commit(event):
        if event.kind is Kind.COMMITTED:
            raise Stop(event.environment)

    with open_repo(repo) as ctx:
        release = ctx.run("shop", version="1.5.0", events=stop_at_the_first_commit)
        with pytest.raises(Stop):
            release.run()
        release_id = release.id
        release.close()
        # The record is consistent: opening it again goes on, and the commit is not made twice.
        resumed = ctx.release(release_id)
        assert resumed.run() is State.WAITING
        commits = {s.commit for s in resumed.steps[:2]}
        assert len(commits) == 1
        log = run_git("-C", repo, "log", "--format=%B", "main").stdout
        assert log.count("Promote-Release: %s" % release_id) == 2  # dev's version, then qa + staging


def test_listing_and_filters(repo):
    with open_repo(repo) as ctx:
        first = ctx.run("shop", version="1.5.0")
        first.run()
        forced = ctx.apply("cart", "staging", version="2.0.0", force=True, reason="hotfix")
        assert forced.run() is State.SUCCEEDED
        listed = ctx.releases()
        assert [r.id for r in listed] == [forced.id, first.id]
        assert listed[0].flow == "manual" and listed[0].state is State.SUCCEEDED
        assert [s.environment for s in listed[0].steps] == ["staging"]
        assert [r.id for r in ctx.releases(product="shop")] == [first.id]
        assert [r.id for r in ctx.releases(state="waiting")] == [first.id]
        assert [r.id for r in ctx.releases(state=State.SUCCEEDED)] == [forced.id]
        assert len(ctx.releases(limit=1)) == 1
        with pytest.raises(ValueError):
            ctx.releases(state="done")
        assert json.loads(forced.to_json())["forced"] == "hotfix"


def test_apply_is_a_one_step_release_and_force_needs_a_reason(repo):
    with open_repo(repo) as ctx:
        with pytest.raises(promote.InvalidError) as caught:
            ctx.apply("shop", "staging", version="1.5.0", force=True)
        assert "reason" in str(caught.value)
        release = ctx.apply("shop", "qa")
        assert release.flow == "manual" and [s.environment for s in release.steps] == ["qa"]
        assert release.run() is State.SUCCEEDED
        assert release.step("qa").commit == run_git("-C", repo, "rev-parse", "main").stdout.strip()


def test_abort_and_retry(repo):
    with open_repo(repo) as ctx:
        release = ctx.run("shop", version="1.5.0")
        release.run()
        with pytest.raises(promote.StateError):
            release.retry()  # nothing failed
        release.abort("wrong build")
        assert release.state is State.ABORTED
        assert ctx.get_change("promote/%s/prod" % release.id).state is promote.ChangeState.CLOSED
        with pytest.raises(promote.StateError):
            release.approve("prod")
        with pytest.raises(promote.NotFoundError):
            ctx.release("shop-9.9.9-zzzzzz")


def test_poll_says_when_to_poll_again(repo):
    with open_repo(repo) as ctx:
        release = ctx.run("shop", version="1.5.0", group=False)
        # Polled when each poll says (a deploy's health is asked again a few seconds later), within a bound.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            wait = release.poll()
            if release.state is not State.RUNNING:
                break
            assert wait >= 0
            time.sleep(min(wait, 5000) / 1000)
        assert release.state is State.WAITING and release.poll() == 0
        qa, staging, _ = release.steps
        assert qa.commit != staging.commit


def test_the_context_clock_is_the_records_clock(repo):
    """Context(clock=...) is the wall clock of releases: the record's times follow it; what it raises comes
    back from the call that asked."""
    now = [1796400000]  # 2026-12-04T16:00:00Z
    with promote.Context.from_repository(repo, clock=lambda: now[0]) as ctx:
        release = ctx.run("shop", version="1.5.0")
        assert release.created == 1796400000
        now[0] += 90
        release.run()
        assert release.steps[0].started == 1796400090

    def broken():
        raise RuntimeError("the clock broke")

    with promote.Context.from_repository(repo, clock=broken) as ctx:
        with pytest.raises(RuntimeError, match="the clock broke"):
            ctx.run("shop", version="1.5.1")


def test_holds_and_rollback_pins(repo):
    """Context.hold / unhold / holds / rollback: a hold stops the automatic step into prod, another
    context lifts it; a rollback pins the version it goes back to."""
    with open_repo(repo) as ctx:
        ctx.hold("staging", "incident 42", by="alice")
        assert [(h.kind, h.environment, h.product, h.reason, h.by) for h in ctx.holds()] == [
            (promote.HoldKind.HOLD, "staging", None, "incident 42", "alice")]
        release = ctx.run("shop", version="1.5.0")
        assert release.run() is State.WAITING
        assert release.step("staging").reason == "held by alice: incident 42"
        # The gate that stops it, by name (promote_release_step_gate); none on a step that went on.
        assert release.step("staging").gate == "hold"
        assert release.step("qa").gate is None
        with pytest.raises(promote.NotFoundError):
            ctx.unhold("qa")
        with open_repo(repo) as other:
            assert other.unhold("staging", by="bob") == 1
        assert ctx.holds() == []
        rollback = ctx.rollback("shop", "qa", "1.4.0")
        assert rollback.flow == "manual" and rollback.version == "1.4.0"
        pins = ctx.holds()
        assert [(p.kind, p.environment, p.product, p.version, p.release) for p in pins] == [
            (promote.HoldKind.PIN, "qa", "shop", "1.4.0", rollback.id)]
        assert ctx.unhold("qa", "shop") == 1
