"""The gitea provider against a stateful Gitea server behind Prism validating every request and answer
against Gitea's official Swagger description (conftest.py), with the branches on a real git server over
HTTP: `promote apply` / `promote run` into an environment whose policy asks for a pull request, `promote
release approve`, `promote change ...`. The helpers are test_github.py's, with Gitea's token."""

import functools
import json
import os

import test_github
from gitserver import run_git
from test_github import assert_no_token, branch_tip, wait_for

TOKEN = "gitea_S3cretTokenValue0123456789abcdef"
CONFIG = test_github.CONFIG.replace("provider: github", "provider: gitea")
# Gitea answers 401 and 403 on every operation, while its description lists them on few: Prism warns it
# cannot match the status; that warning alone is allowed where a test asks for one.
UNLISTED_STATUS = test_github.UNLISTED_STATUS

promote = functools.partial(test_github.promote, token=TOKEN, variable="GITEA_TOKEN")
promote_background = functools.partial(test_github.promote_background, token=TOKEN, variable="GITEA_TOKEN")
release_record = functools.partial(test_github.release_record, token=TOKEN, variable="GITEA_TOKEN")
release_id_of = functools.partial(test_github.release_id_of, token=TOKEN, variable="GITEA_TOKEN")


def setup_repo(git_server, gitea, strategy="auto", extra=""):
    """The gitops repository (dev at 1.5.0, prod at 1.4.0) on the git server; the Gitea server over it."""
    server, prism = gitea
    url = git_server.url("gitops")
    files = {
        "promote.yaml": CONFIG.format(url=url, api=prism.url, strategy=strategy, extra=extra),
        "envs/dev/apps/shop/values.yaml": 'image:\n  tag: "1.5.0"\n',
        "envs/prod/apps/shop/values.yaml": 'image:\n  tag: "1.4.0"\n',
    }
    bare = git_server.create_repo("gitops", files)
    server.reset(bare, owner="git", repo="gitops", token=TOKEN)
    return url, bare


def requests_of(server, method, suffix):
    return [q for q in list(server.state.requests) if q[0] == method and q[1].endswith(suffix)]


def test_checks_pending_then_passing_then_merged(git_server, gitea, tmp_path):
    server, _ = gitea
    url, bare = setup_repo(git_server, gitea)
    server.state.checks_on_open = "pending"
    main_before = branch_tip(bare, "main")
    apply = promote_background(git_server, tmp_path, "--repo", url, "apply", "shop", "--to", "prod")
    wait_for(lambda: server.pulls() and server.pulls()[0]["labels"], "the pull request and its labels")
    [pr] = server.pulls()
    assert pr["state"] == "open" and pr["head"].startswith("promote/") and pr["base"] == "main"
    assert not pr["title"].startswith("WIP:")  # an automatic environment's is no work in progress
    # Labels are ids at Gitea: made by name in the repository, then set by id.
    assert pr["labels"] and all(l.startswith("promote/") for l in pr["labels"]), pr["labels"]
    assert sorted(server.state.labels) == sorted(pr["labels"])
    [labelled] = requests_of(server, "POST", "/issues/1/labels")
    assert sorted(labelled[3]["labels"]) == sorted(server.state.labels.values())
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
    assert release_record(git_server, tmp_path, url, release_id)["steps"][0]["state"] == "succeeded"
    main = branch_tip(bare, "main")
    assert pr["merge_commit_sha"] == main
    assert run_git("-C", bare, "rev-list", "--parents", "-n1", main).stdout.split()[1:] == [main_before, head]
    assert '"1.5.0"' in run_git("-C", bare, "show", "main:envs/prod/apps/shop/values.yaml").stdout
    assert branch_tip(bare, pr["head"]) is None  # deleted by Gitea after the merge, as asked
    # The guard was sent: the merge named the head whose checks were read, in the configured style.
    [merge] = requests_of(server, "POST", "/merge")
    assert merge[3] == {"Do": "merge", "head_commit_id": head, "delete_branch_after_merge": True}
    assert_no_token(bare, out, err, token=TOKEN)
    assert all({k.lower(): v for k, v in q[2].items()}.get("authorization") == "token " + TOKEN
               for q in server.state.requests)


def test_merge_method_squash(git_server, gitea, tmp_path):
    server, _ = gitea
    url, bare = setup_repo(git_server, gitea, extra=", mergeMethod: squash")
    main_before = branch_tip(bare, "main")
    r = promote(git_server, tmp_path, "--repo", url, "apply", "shop", "--to", "prod")
    assert r.returncode == 0, r.stdout + r.stderr
    assert [q[3]["Do"] for q in requests_of(server, "POST", "/merge")] == ["squash"]
    main = branch_tip(bare, "main")
    assert run_git("-C", bare, "rev-list", "--parents", "-n1", main).stdout.split()[1:] == [main_before]


def test_head_moved_before_merge_is_not_merged(git_server, gitea, tmp_path):
    server, _ = gitea
    url, bare = setup_repo(git_server, gitea)
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

    server.hook_once("POST", r"/merge$", push_to_head)
    server.set_checks(head, "success")
    wait_for(lambda: server.state.merge_calls, "the merge")
    release_id = release_id_of(git_server, tmp_path, url)
    moved = branch_tip(bare, pr["head"])
    wait_for(lambda: requests_of(server, "GET", "/commits/%s/status" % moved), "the checks of the new head")
    assert server.pulls()[0]["state"] == "open" and branch_tip(bare, "main") == main_before
    step = release_record(git_server, tmp_path, url, release_id)["steps"][0]
    assert step["state"] == "awaiting_merge" and "checks pending" in step["reason"], step
    server.set_checks(moved, "success")
    out, err = apply.communicate(timeout=60)
    assert apply.returncode == 0, out + err
    assert [q[3]["head_commit_id"] for q in requests_of(server, "POST", "/merge")] == [head, moved]
    assert server.pulls()[0]["state"] == "merged"
    history = run_git("-C", bare, "log", "-p", "--format=%s", "refs/promote/releases/" + release_id).stdout
    assert "git/gitops#1 was not merged: its head moved since commit %s" % head[:12] in history, history


def test_killed_after_opening_reuses_the_pull_request(git_server, gitea, tmp_path):
    """kill -9 after Gitea made the pull request, before promote heard of it: resuming finds it among the
    open ones by its head branch and never opens a second."""
    server, _ = gitea
    url, bare = setup_repo(git_server, gitea)
    server.state.checks_on_open = "pending"
    server.hook_once("AFTER POST", "/pulls", lambda state: os.kill(process.pid, 9))
    process = promote_background(git_server, tmp_path, "--repo", url, "apply", "shop", "--to", "prod",
                                 variable="PROMOTE_GITEA_TOKEN")
    process.communicate(timeout=120)
    assert process.returncode == -9
    release_id = release_id_of(git_server, tmp_path, url)
    record = release_record(git_server, tmp_path, url, release_id)
    assert len(server.pulls()) == 1, server.pulls()
    assert record["steps"][0]["change"] == "git/gitops#1", record
    assert record["steps"][0]["state"] == "awaiting_merge", record
    assert len(requests_of(server, "POST", "/pulls")) == 1


def test_manual_release_waits_for_a_person_at_gitea_then_merges(git_server, gitea, tmp_path):
    """A release into a manual environment: the pull request is work in progress ("WIP: ", Gitea has no
    draft flag in its API) and counts no approval; `promote change show|comment` read and act on it;
    a person removes the prefix at Gitea, `promote release approve` approves it there, and the
    release merges it."""
    server, _ = gitea
    url, bare = setup_repo(git_server, gitea, strategy="manual")
    server.state.checks_on_open = "success"
    r = promote(git_server, tmp_path, "--repo", url, "run", "shop", "--version", "1.5.0")
    assert r.returncode == 3, r.stdout + r.stderr  # waiting for a person
    [pr] = server.pulls()
    assert pr["title"].startswith("WIP: ") and pr["state"] == "open", pr
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
    release_id = release_id_of(git_server, tmp_path, url)
    with server.state.lock:  # a person marks it ready at Gitea
        server.state.pulls[1]["title"] = server.state.pulls[1]["title"][len("WIP: "):]
    approved = promote(git_server, tmp_path, "--repo", url, "release", "approve", release_id, "--env", "prod",
                       "--by", "alice")
    assert approved.returncode in (0, 3), approved.stdout + approved.stderr
    [review] = server.state.pulls[1]["reviews"]
    assert review["state"] == "APPROVED" and "alice" in review["body"]
    if approved.returncode == 3:
        resumed = promote(git_server, tmp_path, "--repo", url, "watch", "--once")
        assert resumed.returncode in (0, 3), resumed.stdout + resumed.stderr
    record = release_record(git_server, tmp_path, url, release_id)
    assert record["state"] == "succeeded", record
    assert server.pulls()[0]["state"] == "merged"
    assert_no_token(bare, r.stdout, r.stderr, approved.stdout, approved.stderr, token=TOKEN)


def test_change_close(git_server, gitea, tmp_path):
    server, _ = gitea
    url, bare = setup_repo(git_server, gitea, strategy="manual")
    assert promote(git_server, tmp_path, "--repo", url, "apply", "shop", "--to", "prod").returncode == 3
    closed = promote(git_server, tmp_path, "--repo", url, "change", "close", "git/gitops#1")
    assert closed.returncode == 0, closed.stderr
    info = json.loads(promote(git_server, tmp_path, "--repo", url, "--json", "change", "show", "git/gitops#1").stdout)
    assert info["state"] == "closed" and server.pulls()[0]["state"] == "closed"


def test_a_conflict_is_never_merged(git_server, gitea, tmp_path):
    """Gitea's `mergeable` false reads as not ready (checks pending, a merge refused before it is asked);
    a merge that conflicts all the same (409 without a moved head) is said to be refused, not merged."""
    server, _ = gitea
    url, bare = setup_repo(git_server, gitea, strategy="manual")
    server.state.checks_on_open = "success"
    assert promote(git_server, tmp_path, "--repo", url, "apply", "shop", "--to", "prod").returncode == 3
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
    assert r.returncode != 0 and "Gitea refused the merge" in r.stderr and "resolve the conflict" in r.stderr, r.stderr
    assert server.pulls()[0]["state"] == "open"


def test_refused_token_is_said_and_never_shown(git_server, gitea, tmp_path):
    gitea[1].allow(UNLISTED_STATUS)
    url, bare = setup_repo(git_server, gitea)
    wrong = "gitea_WrongTokenValue9876543210"
    r = promote(git_server, tmp_path, "--repo", url, "apply", "shop", "--to", "prod", token=wrong)
    assert r.returncode != 0
    assert "401" in r.stderr and "invalid username, password or token" in r.stderr, r.stderr
    assert wrong not in r.stdout + r.stderr
    assert_no_token(bare, r.stdout, r.stderr, token=wrong)


def test_no_token_says_where_to_put_one(git_server, gitea, tmp_path):
    url, bare = setup_repo(git_server, gitea)
    r = promote(git_server, tmp_path, "--repo", url, "apply", "shop", "--to", "prod", token=None)
    assert r.returncode != 0
    assert "PROMOTE_GITEA_TOKEN" in r.stderr and "GITEA_TOKEN" in r.stderr and "write:repository" in r.stderr, r.stderr


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
