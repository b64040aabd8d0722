"""`promote sync` is a release step like any other (issue 12): recorded in the repository, the policy's
pre-action checks run before anything is written (a failing one stops it), a manual target waits for an
approval, and whoever writes the step writes what the sync found when it started — the source's commit
is fixed in the record — even when the source moved on meanwhile."""

import json
import subprocess

from conftest import git, promote
from gitserver import create_bare_repo

OK, FAILED, WAITING = 0, 1, 3

CONFIG = """\
version: 1
environments:
  dev: {path: envs/dev, strategy: auto}
  prod: {path: envs/prod, strategy: %(strategy)s, deploy: {backend: exec}}
products:
  "*":
    path: apps/*
    template: {attributes: {values.yaml: [image.tag]}, version: values.yaml#image.tag}
workflows:
  gate: {run: [sh, -c, "echo the change window is closed; exit %(gate)d"], timeout: 1m}
policies:
  - {name: default, action: commit}
  - {name: prod, priority: 10, match: {environments: {names: [prod]}}, pre: [gate]}
flows:
  default: {trigger: dev, steps: {prod: {}}}
"""


def repository(tmp_path, strategy="auto", gate=0):
    return create_bare_repo(tmp_path, "synced", {
        "promote.yaml": CONFIG % {"strategy": strategy, "gate": gate},
        "envs/dev/apps/shop/values.yaml": 'image:\n  tag: "1.4.0"\n',
        "envs/dev/apps/cart/values.yaml": 'image:\n  tag: "2.0.0"\n',
        "envs/prod/apps/shop/values.yaml": 'image:\n  tag: "1.3.0"\n',
        "envs/prod/apps/cart/values.yaml": 'image:\n  tag: "2.0.0"\n'})


def record(bare):
    refs = git(bare, "for-each-ref", "--format=%(refname)", "refs/promote/releases/").split()
    assert len(refs) == 1, refs
    return json.loads(git(bare, "show", refs[0] + ":record.json"))


def test_a_failing_pre_check_stops_the_sync_before_anything_is_written(tmp_path):
    bare = repository(tmp_path, gate=1)
    tip = git(bare, "rev-parse", "main")
    r = promote("--repo", bare, "sync", "--to", "prod")
    assert r.code == FAILED, r
    assert "pre-check gate exited 1" in r.err and "promote release retry sync-prod-" in r.err, r
    assert git(bare, "rev-parse", "main") == tip
    rec = record(bare)
    assert rec["state"] == "failed" and rec["flow"] == "sync" and rec["trigger"]["environment"] == "dev"
    step = rec["steps"][0]
    assert step["pre"] == ["gate"] and step["commit"] == ""
    assert step["checks"][0]["status"] == 1 and "the change window is closed" in step["checks"][0]["output"]
    # The products are kept beside the record, written once (not with each of its transitions); the
    # release's JSON shows them in its "sync" as before.
    products = [{"name": "shop", "kind": "update", "version": "1.4.0", "previous": "1.3.0"}]
    assert rec["sync"]["products_file"] == "products.json" and "products" not in rec["sync"]
    ref = "refs/promote/releases/" + rec["id"]
    assert json.loads(git(bare, "show", ref + ":products.json")) == {"products": products}
    assert git(bare, "rev-list", "--count", ref).strip() != "1"
    assert git(bare, "rev-parse", ref + ":products.json") == git(bare, "rev-parse", ref + "~1:products.json")
    shown = promote("--repo", bare, "--json", "release", "status", rec["id"])
    assert shown.code == FAILED and json.loads(shown.out)["sync"]["products"] == products, shown


def test_a_passing_pre_check_runs_before_the_one_commit(tmp_path):
    bare = repository(tmp_path)
    r = promote("--repo", bare, "sync", "--to", "prod")
    assert r.code == OK, r
    assert r.out.startswith("update shop 1.3.0 -> 1.4.0\ncommitted ")
    rec = record(bare)
    step = rec["steps"][0]
    assert rec["state"] == "succeeded" and step["checks"][0]["name"] == "gate" and step["checks"][0]["status"] == 0
    assert step["commit"] == git(bare, "rev-parse", "main").strip()
    assert rec["sync"]["source_commit"] == git(bare, "rev-parse", "main~1").strip()


def push(tmp_path, bare, files, message):
    """Someone else changes the repository: a clone, edits, a push."""
    work = tmp_path / "clone"
    if not work.exists():
        subprocess.run(["git", "clone", "-q", str(bare), str(work)], check=True)
    subprocess.run(["git", "-C", str(work), "pull", "-q"], check=True)
    for path, text in files.items():
        (work / path).write_text(text)
    subprocess.run(["git", "-C", str(work), "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qam",
                    message], check=True)
    subprocess.run(["git", "-C", str(work), "push", "-q", "origin", "main"], check=True)


def test_a_retried_sync_writes_what_it_recorded_when_the_source_moved_on(tmp_path):
    """The pre-check fails; dev moves on to 1.5.0 and the check is mended; the retry, another process,
    plans the sync again from the recorded commit: prod gets the 1.4.0 the release was started with."""
    bare = repository(tmp_path, gate=1)
    r = promote("--repo", bare, "sync", "--to", "prod")
    assert r.code == FAILED, r
    release = record(bare)["id"]
    push(tmp_path, bare, {"promote.yaml": CONFIG % {"strategy": "auto", "gate": 0},
                          "envs/dev/apps/shop/values.yaml": 'image:\n  tag: "1.5.0"\n'}, "gate open, shop 1.5.0")
    again = promote("--repo", bare, "release", "retry", release)
    assert again.code == OK, again
    assert git(bare, "show", "main:envs/prod/apps/shop/values.yaml") == 'image:\n  tag: "1.4.0"\n'
    body = git(bare, "log", "-1", "--format=%B", "main")
    assert body.startswith("Sync prod with dev: 1 product updated, 0 added\n\nshop 1.3.0 -> 1.4.0\n")
    assert "Promote-Release: %s\n" % release in body
    assert record(bare)["state"] == "succeeded"
    # a new sync brings 1.5.0, as a release of its own
    later = promote("--repo", bare, "sync", "--to", "prod")
    assert later.code == OK and "update shop 1.4.0 -> 1.5.0\n" in later.out, later


def test_a_manual_target_gets_one_draft_change_that_waits_for_approval(tmp_path):
    bare = repository(tmp_path, strategy="manual")
    tip = git(bare, "rev-parse", "main")
    r = promote("--repo", bare, "sync", "--to", "prod")
    assert r.code == WAITING, r
    release = record(bare)["id"]
    assert "proposed " in r.out and "as change promote/%s/prod" % release in r.out, r
    assert "approve it with: promote release approve %s --env prod" % release in r.out
    assert git(bare, "rev-parse", "main") == tip  # main moves only when the change merges
    again = promote("--repo", bare, "sync", "--to", "prod")
    assert again.code == WAITING and "release %s waiting" % release in again.out, again  # the same release
    approved = promote("--repo", bare, "release", "approve", release, "--env", "prod", "--by", "alice")
    assert approved.code == OK, approved
    assert git(bare, "show", "main:envs/prod/apps/shop/values.yaml") == 'image:\n  tag: "1.4.0"\n'
    rec = record(bare)
    assert rec["state"] == "succeeded" and rec["steps"][0]["approvals"][0]["by"] == "alice"


def test_release_list_shows_the_sync(tmp_path):
    bare = repository(tmp_path)
    assert promote("--repo", bare, "sync", "--to", "prod").code == OK
    listed = promote("--repo", bare, "--json", "release", "list")
    assert listed.code == OK, listed
    (item,) = listed.json()["releases"]
    assert item["flow"] == "sync" and item["product"] == "" and item["state"] == "succeeded"
