"""Drift from Python: Context.drift (pairs, rows, relations, comparisons) and Context.drift_json, on a
bare repository made from the bundled example, before and after a promotion closes a drift."""

import pathlib
import sys

import pytest

import promote
from conftest import EXAMPLE_CONFIG

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests" / "integration"))
from gitserver import create_bare_repo  # noqa: E402

R = promote.DriftRelation


@pytest.fixture
def repo(tmp_path):
    return create_bare_repo(tmp_path, "gitops", EXAMPLE_CONFIG.parent)


def test_the_edges_of_the_default_flow(repo):
    with promote.Context.from_repository(repo) as ctx:
        d = ctx.drift()
        assert d.pairs == [("dev", "qa"), ("dev", "staging"), ("qa", "prod"), ("staging", "prod")]
        assert [(r.product, r.from_env, r.to_env) for r in d.rows[:2]] == [("cart", "dev", "qa"), ("shop", "dev", "qa")]
        assert len(d.rows) == 8 and not d.in_sync and d.drifted == d.rows
        shop = d.rows[1]
        assert shop == promote.DriftRow(product="shop", from_env="dev", to_env="qa", from_version="1.4.0",
                                         to_version="1.3.2", relation=R.BEHIND,
                                         comparison=promote.DriftComparison.SEMVER, error=None)
        assert isinstance(shop.relation, promote.DriftRelation)


def test_a_pair_ahead_in_sync_and_closed_by_a_promotion(repo):
    with promote.Context.from_repository(repo) as ctx:
        d = ctx.drift("prod", "qa", product="shop")
        assert [(r.relation, r.from_version, r.to_version) for r in d.rows] == [(R.AHEAD, "1.3.0", "1.3.2")]
        assert ctx.drift(ctx.environment("qa"), "staging").in_sync
        assert not ctx.drift("dev", "qa", product="shop").in_sync
        assert ctx.apply("shop", "qa").run() is promote.ReleaseState.SUCCEEDED
        after = ctx.drift("dev", "qa")
        assert [(r.product, r.relation) for r in after.rows] == [("cart", R.BEHIND), ("shop", R.EQUAL)]
        assert [r.product for r in after.drifted] == ["cart"]


def test_json_and_errors(repo):
    with promote.Context.from_repository(repo) as ctx:
        doc = ctx.drift_json("qa", "staging")
        assert doc["in_sync"] is True and doc["drifted"] == 0
        assert doc["pairs"] == [{"from": "qa", "to": "staging"}]
        assert [r["relation"] for r in doc["rows"]] == ["equal", "equal"]
        with pytest.raises(promote.NotFoundError, match="did you mean 'staging'"):
            ctx.drift("dev", "stagin")
        with pytest.raises(promote.InvalidError, match="name both environments"):
            ctx.drift("dev")
        with pytest.raises(promote.InvalidError, match="compared with itself"):
            ctx.drift("dev", "dev")
