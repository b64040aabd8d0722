"""Sync from Python: Context.sync (every product of one environment into another in one change), on a
bare repository made from the bundled example."""

import pathlib
import subprocess
import sys

import pytest

import promote
from conftest import EXAMPLE_CONFIG

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests" / "integration"))
from gitserver import create_bare_repo  # noqa: E402


@pytest.fixture
def repo(tmp_path):
    return create_bare_repo(tmp_path, "gitops", EXAMPLE_CONFIG.parent)


def commits(repo):
    return int(subprocess.run(["git", "-C", str(repo), "rev-list", "--count", "main"], check=True,
                              capture_output=True, text=True).stdout)


def test_sync_is_one_commit_and_then_nothing(repo):
    with promote.Context.from_repository(repo) as ctx:
        planned = ctx.sync("qa", dry_run=True)
        assert planned.outcome is None and planned.commit is None and commits(repo) == 1
        assert planned.from_ == "dev" and planned.to == "qa" and planned.branch == "main"
        assert planned.products == [promote.SyncedProduct("cart", promote.SyncKind.UPDATE, "1.4.0", "1.3.2"),
                                    promote.SyncedProduct("shop", promote.SyncKind.UPDATE, "1.4.0", "1.3.2")]
        assert planned.changes[0] == "envs/qa/apps/cart/values.yaml" and '+  tag: "1.4.0"' in planned.diff
        done = ctx.sync("qa")
        assert done.outcome is promote.ApplyOutcome.COMMITTED and len(done.commit) == 40 and commits(repo) == 2
        again = ctx.sync("qa")
        assert again.outcome is promote.ApplyOutcome.UNCHANGED and again.commit is None
        assert [p.kind for p in again.products] == [promote.SyncKind.EQUAL] * 2 and commits(repo) == 2


def test_filters_and_named_products(repo):
    with promote.Context.from_repository(repo) as ctx:
        only = ctx.sync("staging", only=["sh*"], dry_run=True)
        assert [p.name for p in only.products] == ["shop"]
        assert [p.name for p in ctx.sync("staging", exclude=["shop"], dry_run=True).products] == ["cart"]
        assert [p.name for p in ctx.sync("staging", products=["cart"], dry_run=True).products] == ["cart"]
        with pytest.raises(promote.NotFoundError, match="has no product 'nope'"):
            ctx.sync("staging", products=["nope"])
        with pytest.raises(promote.InvalidError, match="cannot be synced with itself"):
            ctx.sync("qa", from_="qa")


def test_a_pull_request_sync_is_one_change(repo):
    with promote.Context.from_repository(repo) as ctx:
        first = ctx.sync("prod", from_="staging")
        assert first.outcome is promote.ApplyOutcome.PROPOSED and first.change
        second = ctx.sync("prod", from_="staging")
        assert second.change == first.change


def test_sync_release_is_recorded_and_runs_the_policy(repo):
    """Context.sync_release is what `promote sync` does: a release of flow "sync" with one step, its
    commit found by the release's trailers; nothing to write is no release."""
    with promote.Context.from_repository(repo) as ctx:
        with ctx.sync_release("qa") as release:
            release_id = release.id
            assert release.flow == "sync" and release.product == ""
            release.run()
            assert release.state is promote.ReleaseState.SUCCEEDED
            step = release.steps[0]
            assert step.environment == "qa" and len(step.commit) == 40 and commits(repo) == 2
        assert ctx.sync_release("qa") is None and commits(repo) == 2
        body = subprocess.run(["git", "-C", str(repo), "log", "-1", "--format=%B", "main"], check=True,
                              capture_output=True, text=True).stdout
        assert "Promote-Release: %s\nPromote-Environment: qa\n" % release_id in body
