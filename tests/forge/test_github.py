"""The github provider against a stateful GitHub server behind Prism validating every request and
answer against GitHub's official OpenAPI description (conftest.py), with the branches on a real git
server over HTTP: `promote apply` / `promote run` into an environment whose policy asks for a pull
request, and `promote change ...`."""

import json
import os
import re
import time
import urllib.error
import urllib.request

import pytest

from forge_cli import Runner, branch_tip, create_gitops, wait_for
from github_server import pull_node_id as pr_node_id
from gitserver import run_git

TOKEN = "ghp_S3cretTokenValue0123456789abcdef"


def setup_repo(git_server, github, strategy="auto", extra=""):
    """The gitops repository (dev at 1.5.0, prod at 1.4.0) on the git server; the GitHub server over it."""
    server, prism = github
    url, bare = create_gitops(git_server, "gitops", "github", prism.url, strategy,
                              ", graphql: %s/graphql%s" % (server.url, extra))
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
    apply = promote_background(git_server, tmp_path, "--repo", url, "apply", "shop", "--to", "prod")
    wait_for(lambda: server.pulls(), "the pull request")
    [pr] = server.pulls()
    main_before = branch_tip(bare, "main")
    head = branch_tip(bare, pr["head"])

    def push_to_head(state):
        # Someone pushes to the pull request's branch after its checks were read, before the merge.
        tree = state.git("rev-parse", head + "^{tree}")
        moved = state.git("commit-tree", tree, "-p", head, "-m", "a late push")
        state.git("update-ref", "refs/heads/" + pr["head"], moved, head)
        state.statuses[moved] = "pending"  # its CI starts

    server.hook_once("PUT", r"/merge$", push_to_head)
    server.set_checks(head, "success")
    wait_for(lambda: server.state.merge_calls, "the merge")
    release_id = release_id_of(git_server, tmp_path, url)
    moved = branch_tip(bare, pr["head"])
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
    server.hook_once("AFTER POST", "/pulls", lambda state: os.kill(process.pid, 9))
    process = promote_background(git_server, tmp_path, "--repo", url, "apply", "shop", "--to", "prod",
                                 variable="PROMOTE_GITHUB_TOKEN")
    process.communicate(timeout=120)
    assert process.returncode == -9
    assert len(server.pulls()) == 1
    release_id = release_id_of(git_server, tmp_path, url)
    record = release_record(git_server, tmp_path, url, release_id)
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
    # The person approving through promote is the one a manual environment waits for: the draft is
    # marked ready for review (GraphQL: REST cannot), then approved.
    approved = promote(git_server, tmp_path, "--repo", url, "--json", "change", "approve", "git/gitops#1")
    assert approved.returncode == 0, approved.stderr
    assert (json.loads(approved.stdout)["draft"], json.loads(approved.stdout)["approvals"]) == (False, 1)
    assert [rv["state"] for rv in server.state.pulls[1]["reviews"]] == ["APPROVED"]
    ready = [args for op, args in server.state.graphql_requests if op == "markPullRequestReadyForReview"]
    assert ready == [{"input": {"pullRequestId": pr_node_id(1)}}], server.state.graphql_requests
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
        server.state.pulls[1]["mergeable_state"] = "behind"
    # Not ready yet: read as checks pending (a release waits), a merge refused with the reason.
    info = json.loads(promote(git_server, tmp_path, "--repo", url, "--json", "change", "show", "git/gitops#1").stdout)
    assert info["checks"] == "pending", info
    r = promote(git_server, tmp_path, "--repo", url, "change", "merge", "git/gitops#1")
    assert r.returncode != 0 and "cannot be merged yet: its branch is behind the base" in r.stderr, r.stderr
    with server.state.lock:
        server.state.pulls[1]["mergeable_state"] = "dirty"
    r = promote(git_server, tmp_path, "--repo", url, "change", "merge", "git/gitops#1")
    assert r.returncode != 0 and "conflicts with its base branch" in r.stderr, r.stderr
    assert server.state.merge_calls == 0 and server.pulls()[0]["state"] == "open"


def step_of(git_server, tmp_path, url, release_id):
    return release_record(git_server, tmp_path, url, release_id)["steps"][0]


def test_branch_protection_hands_the_merge_to_githubs_auto_merge(git_server, github, tmp_path):
    """A required review blocks the merge: promote turns on GitHub's auto-merge naming the head whose checks
    it read, waits saying so, and adopts GitHub's merge when a person's review lets GitHub merge."""
    server, _ = github
    url, bare = setup_repo(git_server, github, extra=", mergeMethod: squash")
    server.state.checks_on_open = "success"
    server.state.required_approvals = 1
    apply = promote_background(git_server, tmp_path, "--repo", url, "apply", "shop", "--to", "prod")
    wait_for(lambda: server.pulls() and server.pulls()[0].get("auto_merge"), "auto-merge to be turned on")
    [pr] = server.pulls()
    head = branch_tip(bare, pr["head"])
    enabled = [args["input"] for op, args in server.state.graphql_requests if op == "enablePullRequestAutoMerge"]
    assert enabled == [{"pullRequestId": pr_node_id(1), "expectedHeadOid": head, "mergeMethod": "SQUASH"}], enabled
    release_id = release_id_of(git_server, tmp_path, url)
    wait_for(lambda: "auto-merge is on" in (step_of(git_server, tmp_path, url, release_id).get("reason") or ""),
             "the step to say GitHub's auto-merge holds it",
             show=lambda: step_of(git_server, tmp_path, url, release_id))
    step = step_of(git_server, tmp_path, url, release_id)
    assert step["state"] == "awaiting_merge", step
    assert step["reason"].startswith("change git/gitops#1: GitHub's auto-merge is on (squash"), step
    assert server.pulls()[0]["state"] == "open" and server.state.merge_calls == 0
    # A person reviews at GitHub; GitHub merges by itself; promote adopts that merge.
    with server.state.lock:
        server.state.review(server.state.pulls[1], "alice", "APPROVE")
    out, err = apply.communicate(timeout=60)
    assert apply.returncode == 0, out + err
    [pr] = server.pulls()
    assert pr["state"] == "merged" and server.state.merge_calls == 0  # GitHub merged it, not promote
    assert step_of(git_server, tmp_path, url, release_id)["state"] == "succeeded"
    assert branch_tip(bare, "main") == pr["merge_commit_sha"]
    # auto-merge was turned on once: the polls after it read it on and did not ask again
    assert [op for op, _ in server.state.graphql_requests].count("enablePullRequestAutoMerge") == 1
    assert_no_token(bare, out, err)


def test_a_merge_queue_branch_gets_the_pull_request_queued_once(git_server, github, tmp_path):
    """The base branch requires a merge queue: the direct merge is refused (405), promote adds the pull
    request to the queue once (head-SHA guarded), waits with its place in the queue, and adopts the
    queue's merge."""
    server, _ = github
    url, bare = setup_repo(git_server, github)
    server.state.checks_on_open = "success"
    server.state.merge_queue = True
    apply = promote_background(git_server, tmp_path, "--repo", url, "apply", "shop", "--to", "prod")
    wait_for(lambda: server.state.queue, "the pull request to be queued")
    release_id = release_id_of(git_server, tmp_path, url)
    wait_for(lambda: "merge queue at position 1" in (step_of(git_server, tmp_path, url, release_id).get("reason")
                                                      or ""), "the step to say it is in the merge queue",
             show=lambda: step_of(git_server, tmp_path, url, release_id))
    [pr] = server.pulls()
    head = branch_tip(bare, pr["head"])
    queued = [args["input"] for op, args in server.state.graphql_requests if op == "enqueuePullRequest"]
    assert queued == [{"pullRequestId": pr_node_id(1), "expectedHeadOid": head}], server.state.graphql_requests
    time.sleep(3)  # polls go on while it waits: none merges or queues again
    assert server.state.merge_calls == 1 and pr["state"] == "open"
    assert [op for op, _ in server.state.graphql_requests].count("enqueuePullRequest") == 1
    assert step_of(git_server, tmp_path, url, release_id)["attempts"] <= 1
    server.state.process_merge_queue()
    out, err = apply.communicate(timeout=60)
    assert apply.returncode == 0, out + err
    [pr] = server.pulls()
    assert pr["state"] == "merged" and branch_tip(bare, "main") == pr["merge_commit_sha"]
    assert step_of(git_server, tmp_path, url, release_id)["state"] == "succeeded"


def test_graphql_out_of_the_schema_is_caught(github_behind_prism, tmp_path):
    """The GraphQL check itself: a field GitHub's schema lacks, or a variable of the wrong type, is
    reported (so a test whose client sent one fails), and answered as GitHub would."""
    server, _ = github_behind_prism
    server.reset(tmp_path, owner="git", repo="gitops", token=TOKEN)

    def post(query, variables):
        request = urllib.request.Request(server.url + "/graphql", method="POST",
                                         data=json.dumps({"query": query, "variables": variables}).encode(),
                                         headers={"Authorization": "Bearer " + TOKEN,
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.load(answer)

    answer = post("query($id: ID!) { node(id: $id) { ... on PullRequest { isInTheQueue } } }", {"id": "x"})
    assert "isInTheQueue" in answer["errors"][0]["message"]
    answer = post("mutation($id: ID!, $m: PullRequestMergeMethod!) { enablePullRequestAutoMerge(input: "
                  "{pullRequestId: $id, mergeMethod: $m}) { clientMutationId } }", {"id": "x", "m": "FAST"})
    assert "FAST" in answer["errors"][0]["message"]
    assert len(server.state.graphql_violations) == 2
    server.state.graphql_violations.clear()
    answer = post("query($id: ID!) { node(id: $id) { ... on PullRequest { isInMergeQueue } } }", {"id": "x"})
    assert answer["errors"][0]["type"] == "NOT_FOUND" and not server.state.graphql_violations


@pytest.mark.parametrize("method", ["squash", "rebase"])
def test_squash_and_rebase_merge_as_configured(git_server, github, tmp_path, method):
    """mergeMethod squash / rebase: the merge asks GitHub for that method, and main gets one commit on top of
    the old main (no merge commit), holding the promoted version."""
    server, _ = github
    url, bare = setup_repo(git_server, github, extra=", mergeMethod: " + method)
    server.state.checks_on_open = "success"
    main_before = branch_tip(bare, "main")
    r = promote(git_server, tmp_path, "--repo", url, "apply", "shop", "--to", "prod")
    assert r.returncode == 0, r.stdout + r.stderr
    [merge] = [q for q in server.state.requests if q[0] == "PUT"]
    assert merge[3]["merge_method"] == method
    main = branch_tip(bare, "main")
    assert run_git("-C", bare, "rev-list", "--parents", "-n1", main).stdout.split() == [main, main_before]
    assert '"1.5.0"' in run_git("-C", bare, "show", "main:envs/prod/apps/shop/values.yaml").stdout
