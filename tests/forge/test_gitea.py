"""The gitea provider against a stateful Gitea server behind Prism validating every request and answer
against Gitea's official Swagger description (conftest.py), with the branches on a real git server over
HTTP: `promote apply` / `promote run` into an environment whose policy asks for a pull request, `promote
release approve`, `promote change ...`. The scenarios every forge passes alike are forge_cli.py's."""

import json

import forge_cli
import time

from forge_cli import UNLISTED_STATUS, branch_tip, requests_of, wait_for
from gitserver import run_git

TOKEN = "gitea_S3cretTokenValue0123456789abcdef"
GITEA = forge_cli.Forge("gitea", TOKEN, ("PROMOTE_GITEA_TOKEN", "GITEA_TOKEN"), "token ", "POST", "head_commit_id")
setup_repo, promote = GITEA.setup_repo, GITEA.promote


# The scenarios every forge passes alike (forge_cli.py): a head that moved before the merge is not merged;
# a run killed after opening finds its pull request again; a refused token is said, never shown; no token
# says where to put one.
(test_head_moved_before_merge_is_not_merged, test_killed_after_opening_reuses_the_pull_request,
 test_refused_token_is_said_and_never_shown, test_no_token_says_where_to_put_one) = forge_cli.scenario_tests(
    GITEA, "gitea", "gitea_WrongTokenValue9876543210", "invalid username, password or token",
    "write:repository", "write:issue")


def test_checks_pending_then_passing_then_merged(git_server, gitea, tmp_path):
    server, _ = gitea
    _, pr, head, merge = forge_cli.checks_pending_then_passing_then_merged(GITEA, git_server, gitea, tmp_path)
    assert not pr["title"].startswith("WIP:")  # an automatic environment's is no work in progress
    # Labels are ids at Gitea: made by name in the repository, then set by id.
    assert sorted(server.state.labels) == sorted(pr["labels"])
    [labelled] = requests_of(server, "POST", "/issues/1/labels")
    assert sorted(labelled[3]["labels"]) == sorted(server.state.labels.values())
    # The style configured (default merge); the branch deleted by Gitea itself.
    assert merge == {"Do": "merge", "head_commit_id": head, "delete_branch_after_merge": True}


def test_merge_method_squash(git_server, gitea, tmp_path):
    server, _ = gitea
    url, bare = setup_repo(git_server, gitea, extra=", mergeMethod: squash")
    main_before = branch_tip(bare, "main")
    r = promote(git_server, tmp_path, "--repo", url, "apply", "shop", "--to", "prod")
    assert r.returncode == 0, r.stdout + r.stderr
    assert [q[3]["Do"] for q in requests_of(server, "POST", "/merge")] == ["squash"]
    main = branch_tip(bare, "main")
    assert run_git("-C", bare, "rev-list", "--parents", "-n1", main).stdout.split()[1:] == [main_before]


def test_manual_release_waits_for_a_person_at_gitea_then_merges(git_server, gitea, tmp_path):
    """A release into a manual environment: the pull request is work in progress ("WIP: ", Gitea has no
    draft flag in its API) and counts no approval; `promote change show|comment|merge` read and act on
    it; `promote release approve` takes the prefix off and approves it at Gitea, and the release merges it."""
    server, _ = gitea
    url, bare, r, pr = forge_cli.waiting_for_a_person(GITEA, git_server, gitea, tmp_path, "run", "shop", "--version",
                                                      "1.5.0")
    assert pr["title"].startswith("WIP: "), pr
    shown = promote(git_server, tmp_path, "--repo", url, "--json", "change", "show", "git/gitops#1")
    assert shown.returncode == 0, shown.stderr
    info = json.loads(shown.stdout)
    assert (info["state"], info["draft"], info["checks"], info["approvals"]) == ("open", True, "passing", 0)
    assert info["url"] == "https://gitea.example/git/gitops/pulls/1" and info["base"] == "main"
    # Gitea will not merge work in progress: refused before any merge is asked.
    merge = promote(git_server, tmp_path, "--repo", url, "change", "merge", "git/gitops#1")
    assert merge.returncode != 0 and "work in progress" in merge.stderr, merge.stderr
    assert server.state.merge_calls == 0
    commented = promote(git_server, tmp_path, "--repo", url, "change", "comment", "git/gitops#1", "hello")
    assert commented.returncode == 0, commented.stderr
    assert [c["body"] for c in server.state.pulls[1]["comments"]] == ["hello"]
    release_id = GITEA.release_id_of(git_server, tmp_path, url)
    # The person approving through promote is the one a work in progress waits for: the prefix goes
    # (as a person marks it ready at Gitea), the approval is a review at Gitea, and the release merges.
    approved = promote(git_server, tmp_path, "--repo", url, "release", "approve", release_id, "--env", "prod",
                       "--by", "alice")
    # The approval lets the release go on at once: the same command merges it and the release succeeds.
    assert approved.returncode == 0, approved.stdout + approved.stderr
    main = branch_tip(bare, "main")
    assert "prod: change git/gitops#1 merged as %s\nprod: succeeded\n" % main[:12] in approved.stdout, approved.stdout
    assert "release %s succeeded" % release_id in approved.stdout, approved.stdout
    assert server.state.merge_calls == 1 and server.pulls()[0]["merge_commit_sha"] == main
    [review] = server.state.pulls[1]["reviews"]
    assert review["state"] == "APPROVED" and "alice" in review["body"]
    [retitled] = requests_of(server, "PATCH", "/pulls/1")
    assert retitled[3] == {"title": pr["title"][len("WIP: "):]}
    record = GITEA.release_record(git_server, tmp_path, url, release_id)
    assert record["state"] == "succeeded", record
    assert server.pulls()[0]["state"] == "merged"
    GITEA.assert_no_token(bare, r.stdout, r.stderr, approved.stdout, approved.stderr)


def test_change_close(git_server, gitea, tmp_path):
    server, _ = gitea
    url, _, _, _ = forge_cli.waiting_for_a_person(GITEA, git_server, gitea, tmp_path)
    closed = promote(git_server, tmp_path, "--repo", url, "change", "close", "git/gitops#1")
    assert closed.returncode == 0, closed.stderr
    info = json.loads(promote(git_server, tmp_path, "--repo", url, "--json", "change", "show", "git/gitops#1").stdout)
    assert info["state"] == "closed" and server.pulls()[0]["state"] == "closed"


def test_a_conflict_is_never_merged(git_server, gitea, tmp_path):
    """Gitea's `mergeable` false reads as not ready (checks pending, a merge refused before it is asked);
    a merge that conflicts all the same (409 without a moved head) is said to be refused, not merged."""
    server, _ = gitea
    url, _, _, _ = forge_cli.waiting_for_a_person(GITEA, git_server, gitea, tmp_path)
    with server.state.lock:
        server.state.pulls[1]["title"] = "ready"
        server.state.pulls[1]["mergeable"] = False
    info = json.loads(promote(git_server, tmp_path, "--repo", url, "--json", "change", "show", "git/gitops#1").stdout)
    assert info["checks"] == "pending", info
    r = promote(git_server, tmp_path, "--repo", url, "change", "merge", "git/gitops#1")
    assert r.returncode != 0 and "Gitea does not find it mergeable now" in r.stderr, r.stderr
    assert server.state.merge_calls == 0
    with server.state.lock:
        server.state.pulls[1]["mergeable"] = True
    server.fail_once("POST", r"/merge$", 409, {}, {"message": "Merge Conflict", "url": "https://gitea.example/api"})
    r = promote(git_server, tmp_path, "--repo", url, "change", "merge", "git/gitops#1")
    assert r.returncode != 0, r.stderr
    assert "pull request git/gitops#1 cannot be merged: it conflicts with main; rebase it onto main" in r.stderr, r.stderr
    assert "Gitea refused the merge of head" in r.stderr and "Merge Conflict" in r.stderr, r.stderr
    assert server.pulls()[0]["state"] == "open"


def test_forbidden_not_found_invalid_and_conflict_are_said(git_server, gitea, tmp_path):
    server, prism = gitea
    prism.allow(UNLISTED_STATUS)
    url, bare = setup_repo(git_server, gitea)
    server.fail_once("GET", r"/pulls$", 403, {}, {"message": "token does not have at least one of required scope(s): "
                                                             "[read:repository]", "url": "https://gitea.example/api"})
    r = promote(git_server, tmp_path, "--repo", url, "apply", "shop", "--to", "prod")
    assert r.returncode != 0 and "403" in r.stderr and "required scope(s)" in r.stderr, r.stderr
    server.fail_once("POST", r"/pulls$", 422, {}, {"message": "[Base]: Required", "url": "https://gitea.example/api"})
    r = promote(git_server, tmp_path, "--repo", url, "apply", "shop", "--to", "prod")
    assert r.returncode != 0 and "422" in r.stderr and "[Base]: Required" in r.stderr, r.stderr
    assert server.pulls() == []
    # 409 to the second pull request of a head (a run that raced this one opened it): it is reused.
    def open_behind_our_back(state):
        state.checks_on_open = None
        state.pulls[1] = {"number": 1, "title": "raced", "body": "", "head": state.git(
            "for-each-ref", "--format=%(refname:lstrip=2)", "refs/heads/promote/"), "base": "main", "state": "open",
            "labels": [], "reviews": [], "comments": [], "mergeable": True}
        state.next_number = 2
    server.hook_once("POST", r"/pulls$", open_behind_our_back)
    r = promote(git_server, tmp_path, "--repo", url, "apply", "shop", "--to", "prod")
    assert r.returncode == 0, r.stdout + r.stderr
    assert len(server.pulls()) == 1 and server.pulls()[0]["state"] == "merged"
    assert len(requests_of(server, "POST", "/pulls")) == 2  # the 422, then the 409: nothing after
    r = promote(git_server, tmp_path, "--repo", url, "change", "show", "git/gitops#7")
    assert r.returncode != 0 and "404" in r.stderr, r.stdout + r.stderr


FORGEJO = forge_cli.Forge("forgejo", TOKEN, GITEA.variables, "token ", "POST", "head_commit_id")


def test_forgejo_is_the_gitea_provider_under_forgejos_name(git_server, gitea, tmp_path):
    """`provider: forgejo` (Forgejo serves Gitea's API): the same provider opens, reads and merges the pull
    request, and `promote providers` says the repository uses the built-in forgejo."""
    server, _ = gitea
    url, bare = FORGEJO.setup_repo(git_server, gitea)
    r = FORGEJO.apply_prod(git_server, tmp_path, url)
    assert r.returncode == 0, r.stdout + r.stderr
    [pr] = server.pulls()
    assert pr["state"] == "merged" and branch_tip(bare, "main") == pr["merge_commit_sha"]
    assert [q[3]["head_commit_id"] for q in requests_of(server, "POST", "/merge")] == [pr["head_sha_at_close"]]
    shown = FORGEJO.promote(git_server, tmp_path, "--repo", url, "--json", "change", "show", "git/gitops#1")
    assert shown.returncode == 0 and json.loads(shown.stdout)["state"] == "merged", shown.stdout + shown.stderr
    listed = FORGEJO.promote(git_server, tmp_path, "--repo", url, "--json", "providers")
    assert {"name": "forgejo", "origin": "builtin", "used_by": ["gitops"]} in json.loads(listed.stdout)["git_providers"]
    FORGEJO.assert_authorized(server)


def step_of(git_server, tmp_path, url, release_id):
    return GITEA.release_record(git_server, tmp_path, url, release_id)["steps"][0]


def test_required_checks_pending_hand_the_merge_to_giteas_auto_merge(git_server, gitea, tmp_path):
    """The base branch's protection requires status checks, still pending: the release asks Gitea's merge
    when checks succeed once (Gitea schedules it), waits saying so, asks nothing again, and adopts
    Gitea's merge when the checks pass."""
    server, _ = gitea
    url, bare = setup_repo(git_server, gitea)
    server.state.required_checks = ["ci/test"]
    server.state.checks_on_open = "pending"
    apply = GITEA.background(git_server, tmp_path, "--repo", url, "apply", "shop", "--to", "prod")
    wait_for(lambda: server.pulls(), "the pull request")
    release_id = GITEA.release_id_of(git_server, tmp_path, url)
    reason = "change git/gitops#1: Gitea merges it when its required checks succeed (scheduled by promote-bot)"
    wait_for(lambda: step_of(git_server, tmp_path, url, release_id).get("reason") == reason,
             "the step to say Gitea merges it", show=lambda: step_of(git_server, tmp_path, url, release_id))
    [pr] = server.pulls()
    head = branch_tip(bare, pr["head"])
    assert GITEA.merges(server) == [{"Do": "merge", "head_commit_id": head, "delete_branch_after_merge": True,
                                     "merge_when_checks_succeed": True}]
    assert pr["state"] == "open" and requests_of(server, "GET", "/branches/main")
    time.sleep(3)  # polls go on while Gitea holds it: none asks the merge again, no retry is spent
    assert server.state.merge_calls == 1
    assert step_of(git_server, tmp_path, url, release_id)["attempts"] <= 1
    server.set_checks(head, "success")  # Gitea merges it itself
    out, err = apply.communicate(timeout=60)
    assert apply.returncode == 0, out + err
    [pr] = server.pulls()
    assert pr["state"] == "merged" and branch_tip(bare, "main") == pr["merge_commit_sha"]
    assert server.state.merge_calls == 1 and branch_tip(bare, pr["head"]) is None
    assert step_of(git_server, tmp_path, url, release_id)["state"] == "succeeded"
    GITEA.assert_no_token(bare, out, err)
