"""`promote plan` and `promote apply` on a bare repository made from the bundled example."""

import json
import re

import pytest

from conftest import EXAMPLE, FORCED, git, promote

OK, FAILED, USAGE, WAITING = 0, 1, 2, 3


def count(bare, rev="main"):
    return int(git(bare, "rev-list", "--count", rev))


def test_plan_prints_the_diff_and_writes_nothing(repo):
    r = promote("--repo", repo, "plan", "shop", "--to", "qa")
    assert r.code == OK, r
    assert "--- a/envs/qa/apps/shop/values.yaml\n+++ b/envs/qa/apps/shop/values.yaml\n" in r.out
    assert '-  tag: "1.3.2"\n+  tag: "1.4.0"\n' in r.out
    assert r.out.endswith("3 files would change in qa on branch main\n")
    assert count(repo) == 1


def test_apply_commits_once(repo):
    r = promote("--repo", repo, "apply", "shop", "--to", "qa")
    assert r.code == OK, r
    assert "committed " in r.out and " on main: shop 1.4.0 to qa" in r.out
    assert count(repo) == 2
    # git itself: one line changed per file, the trailers in the message
    assert git(repo, "diff", "--numstat", "main~1", "main").split("\n")[:3] == [
        "1\t1\tenvs/qa/apps/shop/Chart.yaml",
        "1\t1\tenvs/qa/apps/shop/config/feature-flags.yaml",
        "1\t1\tenvs/qa/apps/shop/values.yaml"]
    body = git(repo, "log", "-1", "--format=%B", "main")
    assert body.startswith("Promote shop 1.4.0 to qa\n\n")
    assert "Promote-Environment: qa\n" in body and "Promote-From: dev\n" in body
    again = promote("--repo", repo, "apply", "shop", "--to", "qa")
    assert again.code == OK, again
    assert again.out == "shop 1.4.0 is already in qa: nothing to change\n"
    assert count(repo) == 2


def test_apply_as_json(repo):
    # 1.5.0 is in no environment before staging: forced, with the reason recorded in the release.
    r = promote("--repo", repo, "--json", "apply", "shop", "--to", "staging", "--version", "1.5.0", "--force",
                "--reason", "a hotfix built for staging")
    assert r.code == OK, r
    doc = r.json()
    assert doc["outcome"] == "committed" and doc["state"] == "succeeded" and doc["error"] is None
    assert doc["version"] == "1.5.0" and doc["from"] == "dev" and doc["to"] == "staging"
    assert doc["commit"] == git(repo, "rev-parse", "main").strip()
    assert "envs/staging/apps/shop/values.yaml" in doc["changes"]
    assert git(repo, "show", "main:envs/staging/apps/shop/values.yaml").count('tag: "1.5.0"') == 1


def test_pull_request_policy_proposes_a_branch(repo):
    # prod waits for qa and staging in the default flow: its source is qa (1.3.2); prod is manual,
    # so the change is a draft waiting for its approval (exit status 3)
    r = promote("--repo", repo, "apply", "shop", "--to", "prod", *FORCED)
    assert r.code == WAITING, r
    found = re.search(r"^proposed [0-9a-f]{12} as change (promote/(shop-1\.3\.2-\w+)/prod) ", r.out, re.M)
    assert found, r.out
    change, release = found.groups()
    assert "approve it with: promote release approve %s --env prod" % release in r.out
    assert count(repo) == 1  # main is untouched
    assert 'tag: "1.3.2"' in git(repo, "show", change + ":envs/prod/apps/shop/values.yaml")
    tip = git(repo, "rev-parse", change)
    # Applying again goes on with the release that waits: never a second change.
    again = promote("--repo", repo, "apply", "shop", "--to", "prod", *FORCED)
    assert again.code == WAITING and "as change %s " % change in again.out, again
    assert git(repo, "rev-parse", change) == tip
    assert git(repo, "branch", "--list", "promote/*").split() == [change]


@pytest.mark.parametrize("args, message", [
    (["plan", "shop", "--to", "qq"], "no environment named 'qq' (did you mean 'qa'?)"),
    (["plan", "shop", "--to", "dev"], "no flow step promotes into 'dev'"),
    (["plan", "shop"], "usage: promote plan PRODUCT --to ENV"),
    (["plan", "shop", "cart", "--to", "qa"], "unexpected argument 'cart'"),
    (["apply", "--to"], "--to needs a value"),
])
def test_errors_are_usage_or_input_errors(repo, args, message):
    r = promote("--repo", repo, *args)
    assert r.code == USAGE, r
    assert message in r.err
    assert count(repo) == 1


def test_product_list(repo):
    r = promote("--repo", repo, "product", "list")
    assert r.code == OK and r.out == "cart\nshop\n", r
    r = promote("--repo", repo, "--json", "product", "list", "--env", "prod")
    assert r.code == OK and r.json() == {"environment": "prod", "products": ["cart", "shop"]}, r
    bad = promote("--repo", repo, "product", "list", "--env", "qq")
    assert bad.code == USAGE and "no environment named 'qq'" in bad.err, bad
    assert promote("--repo", repo, "product", "lst").code == USAGE


def test_apply_is_a_one_step_release(repo):
    r = promote("--repo", repo, "--json", "apply", "cart", "--to", "qa")
    assert r.code == OK, r
    release = r.json()["release"]
    record = promote("--repo", repo, "--json", "release", "status", release).json()
    assert record["flow"] == "manual" and record["forced"] == ""
    assert [(s["environment"], s["from"], s["state"]) for s in record["steps"]] == [("qa", "dev", "succeeded")]
    assert record["steps"][0]["commit"] == r.json()["commit"]
    assert "Promote-Release: %s\n" % release in git(repo, "log", "-1", "--format=%B", "main")
    # --release is gone: the release names itself
    assert promote("--repo", repo, "apply", "cart", "--to", "prod", "--release", "r").code == USAGE


def test_the_library_says_what_to_set_and_the_cli_which_flag(repo):
    r = promote("--repo", repo, "plan", "shop", "--to", "dev")
    assert r.code == USAGE, r
    assert r.err.splitlines() == [
        "promote: no flow step promotes into 'dev'; name the source environment (promote_plan_options.from)",
        "promote: hint: pass --from ENV to name the source environment",
    ]
