"""The github provider against a stateful GitHub server behind Prism validating every request and
answer against GitHub's official OpenAPI description (conftest.py), with the branches on a real git
server over HTTP: `promote apply` / `promote run` into an environment whose policy asks for a pull
request, and `promote change ...`."""

import json
import re
import urllib.error
import urllib.request

from forge_cli import Runner, branch_tip, create_gitops, move_head_at_merge, wait_for
from gitserver import run_git

TOKEN = "ghp_S3cretTokenValue0123456789abcdef"


def setup_repo(git_server, github, strategy="auto", extra=""):
    """The gitops repository (dev at 1.5.0, prod at 1.4.0) on the git server; the GitHub server over it."""
    server, prism = github
    url, bare = create_gitops(git_server, "gitops", "github", prism.url, strategy, extra)
    server.reset(bare, owner="git", repo="gitops", token=TOKEN)
    return url, bare


RUN = Runner(TOKEN, ("GITHUB_TOKEN", "PROMOTE_GITHUB_TOKEN"))
promote_env, promote, promote_background = RUN.promote_env, RUN.promote, RUN.promote_background
release_record, release_id_of, assert_no_token = RUN.release_record, RUN.release_id_of, RUN.assert_no_token


def test_checks_pending_then_passing_then_merged(git_server, github, tmp_path):
    server, _ = github
    url, bare = setup_repo(git_server, github)
    server.state.checks_on_open = "pending"
    main_before = branch_tip(bare, "main")
    apply = promote_background(git_server, tmp_path, "--repo", url, "apply", "shop", "--to", "prod")
    wait_for(lambda: server.pulls() and server.pulls()[0]["labels"], "the pull request and its labels")
    [pr] = server.pulls()
    assert pr["state"] == "open" and pr["head"].startswith("promote/") and pr["base"] == "main"
    assert pr["labels"] and all(l.startswith("promote/") for l in pr["labels"]), pr["labels"]
    release_id = release_id_of(git_server, tmp_path, url)
    wait_for(lambda: "checks pending" in (release_record(git_server, tmp_path, url, release_id)["steps"][0]
                                          .get("reason") or ""), "the checks to be read")
    [step] = release_record(git_server, tmp_path, url, release_id)["steps"]
    assert step["state"] == "awaiting_merge" and step["change"] == "git/gitops#1", step
    assert branch_tip(bare, "main") == main_before  # nothing merged while checks run
    head = branch_tip(bare, pr["head"])
    server.set_checks(head, "success")
    out, err = apply.communicate(timeout=60)
    assert apply.returncode == 0, out + err
    [pr] = server.pulls()
    assert pr["state"] == "merged", pr
    record = release_record(git_server, tmp_path, url, release_id)
    assert record["steps"][0]["state"] == "succeeded", record
    main = branch_tip(bare, "main")
    assert pr["merge_commit_sha"] == main
    parents = run_git("-C", bare, "rev-list", "--parents", "-n1", main).stdout.split()
    assert parents[1:] == [main_before, head]  # a merge commit (mergeMethod default: merge)
    shown = run_git("-C", bare, "show", "main:envs/prod/apps/shop/values.yaml").stdout
    assert '"1.5.0"' in shown
    assert branch_tip(bare, pr["head"]) is None  # the branch was deleted after the merge
    # The sha guard was sent: the merge named the head whose checks were read.
    [merge] = [q for q in server.state.requests if q[0] == "PUT"]
    assert merge[3]["sha"] == head and merge[3]["merge_method"] == "merge"
    assert_no_token(bare, out, err)
    assert all({k.lower(): v for k, v in q[2].items()}.get("authorization") == "Bearer " + TOKEN
               for q in server.state.requests)


def test_head_moved_before_merge_is_not_merged(git_server, github, tmp_path):
    server, _ = github
    url, bare = setup_repo(git_server, github)
    server.state.checks_on_open = "pending"
    apply, pr, main_before, head = RUN.start_apply(git_server, tmp_path, url, bare, server.pulls, lambda p: p["head"])
    moved = move_head_at_merge(server, pr["head"], head, lambda state, sha: state.statuses.update({sha: "pending"}),
                               lambda sha: server.set_checks(sha, "success"))
    release_id = release_id_of(git_server, tmp_path, url)
    wait_for(lambda: any(q[1].endswith("/commits/%s/status" % moved) for q in list(server.state.requests)),
             "the checks of the new head to be read")
    [after] = server.pulls()
    assert after["state"] == "open", after
    assert branch_tip(bare, "main") == main_before
    step = release_record(git_server, tmp_path, url, release_id)["steps"][0]
    assert step["state"] == "awaiting_merge" and "checks pending" in step["reason"], step
    # The new head's checks run, then pass: it is merged — naming the new head.
    server.set_checks(moved, "success")
    out, err = apply.communicate(timeout=60)
    assert apply.returncode == 0, out + err
    assert [q[3]["sha"] for q in server.state.requests if q[0] == "PUT"] == [head, moved]
    assert server.pulls()[0]["state"] == "merged"
    # Why it waited is in the release record's history (a commit per transition).
    history = run_git("-C", bare, "log", "-p", "--format=%s", "refs/promote/releases/" + release_id).stdout
    assert re.search(r"git/gitops#1 was not merged: its head moved since commit %s" % head[:12], history), history


def test_killed_after_opening_reuses_the_pull_request(git_server, github, tmp_path):
    """kill -9 after GitHub made the pull request, before promote heard of it: resuming finds it by its
    head branch and never opens a second."""
    server, _ = github
    url, bare = setup_repo(git_server, github)
    server.state.checks_on_open = "pending"
    record = RUN.killed_after_open(git_server, tmp_path, url, server, "/pulls")
    assert len(server.pulls()) == 1, server.pulls()
    assert record["steps"][0]["change"] == "git/gitops#1", record
    assert record["steps"][0]["state"] == "awaiting_merge", record


# GitHub answers 401, 403 and 429 on every operation (its documentation says so in general), while its
# description lists them on few: Prism warns it cannot match the status; that warning alone is allowed.
UNLISTED_STATUS = "Unable to match the returned status code"


def test_rate_limit_and_retry_after_are_honoured(git_server, github, tmp_path):
    server, prism = github
    prism.allow(UNLISTED_STATUS)
    url, bare = setup_repo(git_server, github)
    server.fail_once("GET", r"/pulls$", 429, {"Retry-After": "1"},
                     {"message": "API rate limit exceeded", "documentation_url": "https://docs.github.com/rest"})
    r = promote(git_server, tmp_path, "--repo", url, "apply", "shop", "--to", "prod")
    assert r.returncode == 0, r.stdout + r.stderr
    assert len(server.pulls()) == 1
    lists = [q for q in server.state.requests if q[0] == "GET" and q[1].endswith("/pulls")]
    assert len(lists) >= 2  # the one refused, then the same again after the pause it asked for
    assert lists[1][4] - lists[0][4] >= 0.9, lists[1][4] - lists[0][4]


def test_a_release_through_the_flow_merges_at_github(git_server, github, tmp_path):
    """promote run: the flow's prod step (policy pull-request) opens the pull request, and with no
    checks at all merges it; the release record names the change and holds no token."""
    server, _ = github
    url, bare = setup_repo(git_server, github)
    r = promote(git_server, tmp_path, "--repo", url, "--json", "run", "shop", "--version", "1.5.0")
    assert r.returncode == 0, r.stdout + r.stderr
    record = json.loads(r.stdout)
    assert record["state"] == "succeeded", record
    [step] = [s for s in record["steps"] if s["environment"] == "prod"]
    assert step["change"] == "git/gitops#1" and step["state"] == "succeeded", step
    [pr] = server.pulls()
    assert pr["state"] == "merged" and pr["merge_commit_sha"] == branch_tip(bare, "main")
    assert_no_token(bare, r.stdout, r.stderr)


def test_refused_token_is_said_and_never_shown(git_server, github, tmp_path):
    github[1].allow(UNLISTED_STATUS)
    url, bare = setup_repo(git_server, github)
    wrong = "ghp_WrongTokenValue9876543210"
    r = promote(git_server, tmp_path, "--repo", url, "apply", "shop", "--to", "prod", token=wrong)
    assert r.returncode != 0
    assert "401" in r.stderr and "Bad credentials" in r.stderr, r.stderr
    assert wrong not in r.stdout + r.stderr
    assert_no_token(bare, r.stdout, r.stderr)


def test_no_token_says_where_to_put_one(git_server, github, tmp_path):
    url, bare = setup_repo(git_server, github)
    r = promote(git_server, tmp_path, "--repo", url, "apply", "shop", "--to", "prod", token=False)
    assert r.returncode != 0
    assert "PROMOTE_GITHUB_TOKEN" in r.stderr and "GITHUB_TOKEN" in r.stderr, r.stderr


def test_forbidden_not_found_and_invalid_are_said(git_server, github, tmp_path):
    server, prism = github
    prism.allow(UNLISTED_STATUS)
    url, bare = setup_repo(git_server, github)
    server.fail_once("GET", r"/pulls$", 403, {}, {"message": "Resource not accessible by integration",
                                                 "documentation_url": "https://docs.github.com/rest"})
    r = promote(git_server, tmp_path, "--repo", url, "apply", "shop", "--to", "prod")
    assert r.returncode != 0 and "403" in r.stderr and "Resource not accessible by integration" in r.stderr, r.stderr
    server.fail_once("POST", r"/pulls$", 422, {}, {"message": "Validation Failed", "documentation_url": "x",
                                                  "errors": [{"resource": "PullRequest", "code": "invalid",
                                                              "field": "base"}]})
    r = promote(git_server, tmp_path, "--repo", url, "apply", "shop", "--to", "prod")
    assert r.returncode != 0 and "422" in r.stderr and "Validation Failed" in r.stderr, r.stderr
    assert server.pulls() == []
    r = promote(git_server, tmp_path, "--repo", url, "change", "show", "git/gitops#7")
    assert r.returncode != 0 and "404" in r.stderr, r.stdout + r.stderr


def test_prism_reports_an_answer_out_of_the_contract(github_behind_prism, tmp_path):
    """The harness can fail: an answer missing what the description requires comes back from Prism as
    an error with its violations in `sl-violations`, and is logged."""
    server, prism = github_behind_prism
    server.reset(tmp_path, token=TOKEN)
    server.fail_once("GET", r"/pulls/1$", 200, {}, {"number": 1})
    mark = prism.mark()
    request = urllib.request.Request(prism.url + "/repos/org/gitops/pulls/1",
                                     headers={"Authorization": "Bearer " + TOKEN})
    try:
        urllib.request.urlopen(request, timeout=30)
        raise AssertionError("Prism passed an answer out of the contract")
    except urllib.error.HTTPError as e:
        assert e.code == 500
        violations = json.loads(e.headers["sl-violations"])
        assert any("required property" in v["message"] for v in violations), violations
    wait_for(lambda: prism.violations(mark), "Prism to log the violation", timeout=10)


def test_manual_environment_opens_a_draft_and_change_commands_act_on_it(git_server, github, tmp_path):
    """strategy: manual opens a draft, which counts no approval until a person marks it ready; `promote
    change show|approve|comment|close` read and act on the pull request at GitHub."""
    server, _ = github
    url, bare = setup_repo(git_server, github, strategy="manual")
    server.state.checks_on_open = "success"
    r = promote(git_server, tmp_path, "--repo", url, "apply", "shop", "--to", "prod")
    assert r.returncode == 3, r.stdout + r.stderr  # waiting for a person
    [pr] = server.pulls()
    assert pr["draft"] and pr["state"] == "open"
    shown = promote(git_server, tmp_path, "--repo", url, "--json", "change", "show", "git/gitops#1")
    assert shown.returncode == 0, shown.stderr
    info = json.loads(shown.stdout)
    assert (info["state"], info["draft"], info["checks"], info["approvals"]) == ("open", True, "passing", 0)
    assert info["head"] == pr["head"] and info["base"] == "main"
    assert info["url"] == "https://github.com/git/gitops/pull/1"
    approved = promote(git_server, tmp_path, "--repo", url, "--json", "change", "approve", "git/gitops#1")
    assert approved.returncode == 0, approved.stderr
    assert json.loads(approved.stdout)["approvals"] == 0  # a draft: not yet
    assert [rv["state"] for rv in server.state.pulls[1]["reviews"]] == ["APPROVED"]
    with server.state.lock:
        server.state.pulls[1]["draft"] = False  # a person marks it ready for review at GitHub
    info = json.loads(promote(git_server, tmp_path, "--repo", url, "--json", "change", "show", "git/gitops#1").stdout)
    assert (info["draft"], info["approvals"]) == (False, 1)
    commented = promote(git_server, tmp_path, "--repo", url, "change", "comment", "git/gitops#1", "hello")
    assert commented.returncode == 0, commented.stderr
    assert [c["body"] for c in server.state.pulls[1]["comments"]] == ["hello"]
    closed = promote(git_server, tmp_path, "--repo", url, "change", "close", "git/gitops#1")
    assert closed.returncode == 0, closed.stderr
    assert server.pulls()[0]["state"] == "closed"
    info = json.loads(promote(git_server, tmp_path, "--repo", url, "--json", "change", "show", "git/gitops#1").stdout)
    assert info["state"] == "closed"


def test_a_conflict_is_told_from_not_ready(git_server, github, tmp_path):
    server, _ = github
    url, bare = setup_repo(git_server, github, strategy="manual")
    server.state.checks_on_open = "success"
    assert promote(git_server, tmp_path, "--repo", url, "apply", "shop", "--to", "prod").returncode == 3
    with server.state.lock:
        server.state.pulls[1]["draft"] = False
        server.state.pulls[1]["mergeable_state"] = "blocked"
    # Not ready yet: read as checks pending (a release waits), a merge refused with the reason.
    info = json.loads(promote(git_server, tmp_path, "--repo", url, "--json", "change", "show", "git/gitops#1").stdout)
    assert info["checks"] == "pending", info
    r = promote(git_server, tmp_path, "--repo", url, "change", "merge", "git/gitops#1")
    assert r.returncode != 0 and "cannot be merged yet: branch protection blocks it" in r.stderr, r.stderr
    with server.state.lock:
        server.state.pulls[1]["mergeable_state"] = "dirty"
    r = promote(git_server, tmp_path, "--repo", url, "change", "merge", "git/gitops#1")
    assert r.returncode != 0 and "conflicts with its base branch" in r.stderr, r.stderr
    assert server.state.merge_calls == 0 and server.pulls()[0]["state"] == "open"
