"""`promote change`: a change request proposed by `promote apply`, approved and merged with the
local provider, on a bare repository made from the bundled example."""

import json

import pytest

from conftest import git, promote

OK, FAILED, USAGE, WAITING = 0, 1, 2, 3


def propose(repo):
    """`apply cart --to prod` at a version the flow has not brought there (forced): prod's strategy is
    manual, so a draft change request waits for its approval. Returns the change's id."""
    r = promote("--repo", repo, "--json", "apply", "cart", "--to", "prod", "--version", "5.0", "--force", "--reason",
                "a test of change requests")
    assert r.code == WAITING, r
    assert r.json()["outcome"] == "proposed" and r.json()["change"] == "promote/%s/prod" % r.json()["release"], r
    return r.json()["change"]


def record(bare, change):
    return json.loads(git(bare, "show", "refs/promote/changes/%s:record.json" % change))


def test_propose_approve_merge(repo):
    CHANGE = propose(repo)
    main_before = git(repo, "rev-parse", "main")

    shown = promote("--repo", repo, "--json", "change", "show", CHANGE)
    assert shown.code == OK, shown
    doc = shown.json()
    assert doc["state"] == "open" and doc["draft"] is True and doc["approvals"] == 0
    assert doc["title"] == "Promote cart 5.0 to prod" and doc["base"] == "main"
    assert doc["mergeCommit"] is None

    # prod's strategy is manual: a draft that waits for approval.
    refused = promote("--repo", repo, "change", "merge", CHANGE)
    assert refused.code == FAILED, refused
    assert "is a draft awaiting approval; approve it first (promote_change_approve())" in refused.err
    assert "promote: hint: approve it with: promote change approve ID" in refused.err
    assert git(repo, "rev-parse", "main") == main_before

    approved = promote("--repo", repo, "change", "approve", CHANGE, "--by", "alice")
    assert approved.code == OK, approved
    assert "open, 1 approval" in approved.out
    assert [a["by"] for a in record(repo, CHANGE)["approvals"]] == ["alice"]

    commented = promote("--repo", repo, "change", "comment", CHANGE, "smoke test passed")
    assert commented.code == OK, commented
    assert record(repo, CHANGE)["comments"][0]["body"] == "smoke test passed"

    merged = promote("--repo", repo, "--json", "change", "merge", CHANGE)
    assert merged.code == OK, merged
    assert merged.json()["state"] == "merged"
    assert merged.json()["mergeCommit"] == git(repo, "rev-parse", "main").strip()
    assert 'tag: "5.0"' in git(repo, "show", "main:envs/prod/apps/cart/values.yaml")

    # The promotion is in place: applying again finishes the release that waited for that change (merged
    # by hand, it is adopted) and opens nothing.
    again = promote("--repo", repo, "apply", "cart", "--to", "prod", "--version", "5.0")
    release = CHANGE.split("/")[1]
    assert again.code == OK and "release %s succeeded" % release in again.out, again
    assert int(git(repo, "rev-list", "--count", "refs/promote/changes/" + CHANGE)) == 4
    assert git(repo, "for-each-ref", "--format=%(refname)", "refs/promote/changes/").split() == [
        "refs/promote/changes/" + CHANGE]
    once_more = promote("--repo", repo, "apply", "cart", "--to", "prod", "--version", "5.0")
    assert once_more.code == OK and "already in prod" in once_more.out, once_more


def test_close(repo):
    CHANGE = propose(repo)
    closed = promote("--repo", repo, "change", "close", CHANGE)
    assert closed.code == OK and ": closed" in closed.out, closed
    merge = promote("--repo", repo, "change", "merge", CHANGE)
    assert merge.code == FAILED and "is closed" in merge.err, merge


@pytest.mark.parametrize("args, code, message", [
    (["change"], USAGE, "'change' needs a command\nusage: promote change show ID"),
    (["change", "show"], USAGE, "missing ID\nusage: promote change show ID"),
    (["change", "frob", "x"], USAGE, "unknown command 'change frob'"),
    (["change", "comment", "x"], USAGE, "missing TEXT\nusage: promote change comment ID TEXT"),
    (["change", "merge", "x", "--by", "me"], USAGE, "unknown option '--by'"),
    (["change", "show", "promote/none"], USAGE, "there is no change 'promote/none' in this repository"),
    (["change", "show", "x", "--provider", "bitbucket"], USAGE, "no git provider named 'bitbucket'"),
])
def test_errors(repo, args, code, message):
    r = promote("--repo", repo, *args)
    assert r.code == code, r
    assert message in r.err

