"""Plans, applying them and change requests from Python, on a bare repository made from the
bundled example; results checked with the git command."""

import json
import pathlib
import re
import subprocess
import sys

import pytest

import promote
from conftest import CLI, EXAMPLE_CONFIG, INCLUDE_DIR
from test_repository import git

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests" / "integration"))
from gitserver import create_bare_repo  # noqa: E402


@pytest.fixture
def bare(tmp_path):
    return create_bare_repo(tmp_path, "gitops", EXAMPLE_CONFIG.parent)


def test_plan_then_apply(bare):
    with promote.Context.from_repository(bare) as ctx:
        plan = ctx.plan("shop", "qa")
        assert (plan.product, plan.from_, plan.to, plan.version, plan.branch) == \
            ("shop", "dev", "qa", "1.4.0", "main")
        assert plan.changes == ["envs/qa/apps/shop/Chart.yaml", "envs/qa/apps/shop/config/feature-flags.yaml",
                                "envs/qa/apps/shop/values.yaml"]
        assert '-  tag: "1.3.2"\n+  tag: "1.4.0"\n' in plan.diff
        assert int(git(bare, "rev-list", "--count", "main")) == 1  # planning writes nothing
        applied = plan.apply(author_name="Py Bot", author_email="py@example.com", release="py-1")
        assert applied.outcome is promote.ApplyOutcome.COMMITTED and applied.change is None
        assert applied.commit == git(bare, "rev-parse", "main").strip()
        assert "Py Bot\n" in git(bare, "log", "-1", "--format=%an%n%B", "main")
        assert "Promote-Release: py-1" in git(bare, "log", "-1", "--format=%B", "main")
        plan.close()
        again = ctx.plan("shop", "qa")
        assert again.changes == [] and again.diff == ""
        assert again.apply().outcome is promote.ApplyOutcome.UNCHANGED
        with pytest.raises(promote.NotFoundError, match="did you mean 'qa'"):
            ctx.plan("shop", "qq")
        assert ctx.discover_products("prod") == ["cart", "shop"]


def _python_name(name):
    """`from` is a keyword: Python spells it `from_`, as in Context.plan(from_=)."""
    return name + "_" if name == "from" else name


def test_plan_attributes_are_the_c_accessors_names():
    header = (INCLUDE_DIR / "promote" / "plan.h").read_text()
    accessors = re.findall(r"PROMOTE_EXTERN\(const char \*\) promote_plan_(\w+)\(const promote_plan \*plan\);",
                           header)
    assert {"from", "to", "product", "version"} <= set(accessors)
    for name in accessors:
        if name != "change_id":  # read through Plan.apply()'s Applied.change
            assert isinstance(getattr(promote.Plan, _python_name(name)), property), name
    assert not hasattr(promote.Plan, "source") and not hasattr(promote.Plan, "target")


def test_plan_attributes_are_the_cli_json_keys_with_the_same_values(bare):
    shown = json.loads(subprocess.run([str(CLI), "--repo", str(bare), "plan", "shop", "--to", "qa", "--json"],
                                      check=True, capture_output=True, text=True).stdout)
    assert {"from", "to"} <= set(shown)
    with promote.Context.from_repository(bare) as ctx, ctx.plan("shop", "qa") as plan:
        assert {key: getattr(plan, _python_name(key)) for key in shown} == shown


def test_change_request_lifecycle(bare):
    with promote.Context.from_repository(bare) as ctx:
        applied = ctx.plan("cart", "prod", version="5.0").apply()
        assert applied.outcome is promote.ApplyOutcome.PROPOSED
        assert applied.change == "promote/cart/5.0/prod"
        change = ctx.get_change(applied.change)
        assert change.state is promote.ChangeState.OPEN and change.draft and change.approvals == 0
        assert change.checks is promote.ChecksState.NONE and change.merge_commit is None
        with pytest.raises(promote.StateError, match="draft awaiting approval"):
            ctx.merge_change(change.id)
        assert ctx.find_change(["promote/product=cart", "promote/environment=prod"]).id == change.id
        approved = ctx.approve_change(change.id, by="alice")
        assert approved.approvals == 1 and not approved.draft
        ctx.comment_change(change.id, "ship it")
        merged = ctx.merge_change(change.id)
        assert merged.state is promote.ChangeState.MERGED
        assert merged.merge_commit == git(bare, "rev-parse", "main").strip()
        record = json.loads(git(bare, "show", "refs/promote/changes/%s:record.json" % change.id))
        assert record["comments"][0]["body"] == "ship it"
        with pytest.raises(promote.NotFoundError):
            ctx.find_change(["promote/product=cart"])  # merged: no open change carries it
        # A change request of one's own, on a branch pushed with git.
        git(bare, "branch", "feature", "main")
        mine = ctx.open_change("feature", "main", title="By hand", labels=["x"], environments=["qa"])
        assert mine.title == "By hand" and not mine.reused
        assert ctx.open_change("feature", "main").reused
        ctx.close_change("feature")
        assert ctx.get_change("feature").state is promote.ChangeState.CLOSED
        with pytest.raises(promote.NotFoundError, match="no git provider named 'bitbucket'"):
            ctx.get_change("1", provider="bitbucket")


def test_a_plan_outlives_its_context(bare):
    ctx = promote.Context.from_repository(bare)
    plan = ctx.plan("cart", "staging")
    ctx.close()
    assert plan.apply().outcome is promote.ApplyOutcome.COMMITTED
    plan.close()
    with pytest.raises(promote.StateError, match="the plan is closed"):
        plan.changes


@pytest.mark.parametrize("product", ["..", "../shop", "", "*", "shop\nPromote-Product: cart"])
def test_a_product_name_is_checked_as_a_name_where_it_enters(bare, product):
    with promote.Context.from_repository(bare) as ctx:
        with pytest.raises(promote.InvalidError, match="product name '.*' is not valid: it "):
            ctx.plan(product, "qa")


def test_a_version_is_one_line_where_it_enters(bare):
    with promote.Context.from_repository(bare) as ctx:
        with pytest.raises(promote.InvalidError, match=r"the version '1.5.0\\nPromote-Environment: prod' "
                           "holds a line break"):
            ctx.plan("shop", "qa", version="1.5.0\nPromote-Environment: prod")
        with pytest.raises(promote.InvalidError, match="the version '' is empty"):
            ctx.plan("shop", "qa", version="")
    assert int(git(bare, "rev-list", "--count", "main")) == 1
