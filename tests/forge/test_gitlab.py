"""The gitlab provider through the CLI, as a user runs it, against a stateful GitLab server that checks
every request against GitLab's documented API and answers with bodies derived from responses GitLab
really sent (gitlab_server.py), with the branches on a real git server over HTTP. The project sits in
a nested group (git/platform/gitops), so the URL-encoded project path is exercised on every call."""

import json
import re
import time

import pytest

from forge_cli import Runner, branch_tip, create_gitops, move_head_at_merge, wait_for
from gitlab_server import GitLabServer
from gitserver import run_git

TOKEN = "glpat-S3cretTokenValue0123456789"
PROJECT = "git/platform/gitops"


@pytest.fixture
def gitlab(tmp_path):
    """The GitLab server; the test fails when any request we sent was out of GitLab's documented API."""
    with GitLabServer(tmp_path, project=PROJECT, token=TOKEN) as server:
        yield server
        assert not server.state.violations, "requests out of GitLab's documented API:\n" + \
            "\n".join(server.state.violations)


def setup_repo(git_server, gitlab, strategy="auto", extra=""):
    """The gitops repository (dev at 1.5.0, prod at 1.4.0) on the git server; GitLab over it."""
    url, bare = create_gitops(git_server, "platform/gitops", "gitlab", gitlab.url, strategy, extra)
    gitlab.state.repo_path = str(bare)
    return url, bare


RUN = Runner(TOKEN, ("GITLAB_TOKEN", "PROMOTE_GITLAB_TOKEN"))
promote_env, promote, promote_background = RUN.promote_env, RUN.promote, RUN.promote_background
release_record, release_id_of, assert_no_token = RUN.release_record, RUN.release_id_of, RUN.assert_no_token


def show(git_server, tmp_path, url, change):
    r = promote(git_server, tmp_path, "--repo", url, "--json", "change", "show", change)
    assert r.returncode == 0, r.stdout + r.stderr
    return json.loads(r.stdout)


def calls(gitlab, method, suffix):
    return [q for q in list(gitlab.state.requests) if q[0] == method and q[1].endswith(suffix)]


def test_pipeline_running_then_success_then_merged(git_server, gitlab, tmp_path):
    url, bare = setup_repo(git_server, gitlab)
    gitlab.state.pipeline_on_open = "running"
    main_before = branch_tip(bare, "main")
    apply = promote_background(git_server, tmp_path, "--repo", url, "apply", "shop", "--to", "prod")
    wait_for(lambda: gitlab.mrs(), "the merge request")
    [mr] = gitlab.mrs()
    assert mr["state"] == "opened" and mr["source"].startswith("promote/") and mr["target"] == "main"
    assert mr["labels"] and all(l.startswith("promote/") for l in mr["labels"]), mr["labels"]
    assert not mr["title"].startswith("Draft:"), mr["title"]  # an auto environment: no draft
    # Labels went as GitLab takes them: one comma-separated string.
    [create] = calls(gitlab, "POST", "/merge_requests")
    assert create[4]["labels"] == ",".join(mr["labels"])
    # The project is addressed by its URL-encoded path.
    assert create[1] == "/api/v4/projects/git%2Fplatform%2Fgitops/merge_requests"
    release_id = release_id_of(git_server, tmp_path, url)
    wait_for(lambda: "checks pending" in (release_record(git_server, tmp_path, url, release_id)["steps"][0]
                                          .get("reason") or ""), "the pipeline to be read")
    [step] = release_record(git_server, tmp_path, url, release_id)["steps"]
    assert step["state"] == "awaiting_merge" and step["change"] == PROJECT + "!1", step
    assert branch_tip(bare, "main") == main_before and gitlab.state.merge_calls == 0  # nothing merged while it runs
    head = branch_tip(bare, mr["source"])
    gitlab.set_pipeline(head, "success")
    out, err = apply.communicate(timeout=60)
    assert apply.returncode == 0, out + err
    [mr] = gitlab.mrs()
    assert mr["state"] == "merged", mr
    assert release_record(git_server, tmp_path, url, release_id)["steps"][0]["state"] == "succeeded"
    main = branch_tip(bare, "main")
    assert mr["merge_commit_sha"] == main
    assert run_git("-C", bare, "rev-list", "--parents", "-n1", main).stdout.split()[1:] == [main_before, head]
    assert '"1.5.0"' in run_git("-C", bare, "show", "main:envs/prod/apps/shop/values.yaml").stdout
    assert branch_tip(bare, mr["source"]) is None  # should_remove_source_branch
    [merge] = calls(gitlab, "PUT", "/merge")
    assert merge[4] == {"sha": head, "should_remove_source_branch": True}, merge[4]
    assert_no_token(bare, out, err)
    assert all({k.lower(): v for k, v in q[2].items()}.get("private-token") == TOKEN for q in gitlab.state.requests)
    assert not any("authorization" in {k.lower() for k in q[2]} for q in gitlab.state.requests)


def test_a_release_into_a_manual_environment_opens_a_draft_approved_then_merged(git_server, gitlab, tmp_path):
    """promote run: prod (manual) opens a Draft merge request and waits; promote release approve approves
    it at GitLab and marks it ready; once its pipeline passes it is merged."""
    url, bare = setup_repo(git_server, gitlab, strategy="manual")
    gitlab.state.pipeline_on_open = "success"
    r = promote(git_server, tmp_path, "--repo", url, "--json", "run", "shop", "--version", "1.5.0")
    assert r.returncode == 3, r.stdout + r.stderr  # waiting for a person
    [mr] = gitlab.mrs()
    assert mr["title"].startswith("Draft: ") and mr["state"] == "opened", mr
    info = show(git_server, tmp_path, url, PROJECT + "!1")
    assert (info["state"], info["draft"], info["checks"], info["approvals"]) == ("open", True, "passing", 0)
    assert info["url"] == "https://gitlab.example.com/%s/-/merge_requests/1" % PROJECT
    release_id = json.loads(r.stdout)["id"]
    approved = promote(git_server, tmp_path, "--repo", url, "--json", "release", "approve", release_id, "--env", "prod",
                       "--by", "alice")
    assert approved.returncode == 0, approved.stdout + approved.stderr
    [mr] = gitlab.mrs()
    assert mr["state"] == "merged" and mr["approved_by"] == ["promote-bot"], mr
    assert not mr["title"].startswith("Draft:")
    [approve] = calls(gitlab, "POST", "/approve")
    assert approve[4] == {"sha": mr["head_at_close"]}  # the head that was read is the one approved
    record = release_record(git_server, tmp_path, url, release_id)
    assert record["state"] == "succeeded", record
    assert_no_token(bare, r.stdout, r.stderr, approved.stdout, approved.stderr)


def test_killed_after_opening_reuses_the_merge_request(git_server, gitlab, tmp_path):
    """kill -9 after GitLab made the merge request, before promote heard of it: resuming finds it by its
    source branch and never opens a second."""
    url, bare = setup_repo(git_server, gitlab)
    gitlab.state.pipeline_on_open = "running"
    record = RUN.killed_after_open(git_server, tmp_path, url, gitlab, "/merge_requests")
    assert len(gitlab.mrs()) == 1, gitlab.mrs()
    assert record["steps"][0]["change"] == PROJECT + "!1", record
    assert record["steps"][0]["state"] == "awaiting_merge", record
    assert len(calls(gitlab, "POST", "/merge_requests")) == 1
    assert any(q[3].get("source_branch") == gitlab.mrs()[0]["source"] for q in calls(gitlab, "GET", "/merge_requests"))


def test_a_race_answered_409_reuses_the_merge_request(git_server, gitlab, tmp_path):
    """Another run opens the same merge request between our look-up and our POST: GitLab answers 409
    "Another open merge request already exists"; that one is reused, none other opened."""
    url, bare = setup_repo(git_server, gitlab)

    def open_first(state):
        source = [b for b in run_git("-C", bare, "for-each-ref", "--format=%(refname:short)",
                                     "refs/heads/promote/").stdout.split()][0]
        state.mrs[1] = {"iid": 1, "title": "opened by another run", "description": "", "source": source,
                        "target": "main", "labels": [], "state": "opened", "notes": [], "approved_by": []}
        state.next_iid = 2

    gitlab.hook_once("POST", r"/merge_requests$", open_first)
    r = RUN.apply_prod(git_server, tmp_path, url)
    assert r.returncode == 0, r.stdout + r.stderr
    assert len(gitlab.mrs()) == 1 and gitlab.mrs()[0]["state"] == "merged"
    # The labels it lacked were added to it (add_labels keeps GitLab's others).
    [update] = calls(gitlab, "PUT", "/merge_requests/1")
    assert set(update[4]) == {"add_labels"} and update[4]["add_labels"].startswith("promote/")


def test_through_the_c_api_token_from_callback_no_empty_merge_request_reuse_by_labels(git_server, gitlab, tmp_path,
                                                                                      monkeypatch):
    """Through the C API (the Python binding): the token from the context's credentials callback; a
    branch that changes nothing opens nothing (GitLab's compare is asked first); an open merge request
    is found again by its source branch, and by its labels."""
    from test_github_api import open_context, promote as binding, push_branches
    url, bare = setup_repo(git_server, gitlab)
    push_branches(bare, monkeypatch, RUN.variables)
    asked = []
    with open_context(git_server, tmp_path, asked, TOKEN, "platform/gitops") as ctx:
        with pytest.raises(binding.PromoteError) as caught:
            ctx.open_change("same", "main", title="nothing", labels=["x"])
        assert "changes nothing" in str(caught.value) and "no merge request was opened" in str(caught.value)
        assert gitlab.mrs() == [] and calls(gitlab, "GET", "/repository/compare")
        change = ctx.open_change("feature", "main", title="a feature", labels=["promote/test=1", "promote/b=2"])
        assert change.id == PROJECT + "!1" and not change.reused
        again = ctx.open_change("feature", "main", title="a feature", labels=["promote/test=1"])
        assert again.id == change.id and again.reused
        found = ctx.find_change(["promote/test=1", "promote/b=2"])
        assert found.id == change.id
        assert calls(gitlab, "GET", "/merge_requests")[-1][3]["labels"] == "promote/test=1,promote/b=2"
    assert len(gitlab.mrs()) == 1
    assert any(u.startswith(gitlab.url) for u in asked), asked


def test_head_moved_before_merge_is_not_merged(git_server, gitlab, tmp_path):
    url, bare = setup_repo(git_server, gitlab)
    gitlab.state.pipeline_on_open = "running"
    apply, mr, main_before, head = RUN.start_apply(git_server, tmp_path, url, bare, gitlab.mrs, lambda m: m["source"])
    moved = move_head_at_merge(gitlab, mr["source"], head, lambda state, sha: state.pipelines.update({sha: "running"}),
                               lambda sha: gitlab.set_pipeline(sha, "success"))
    release_id = release_id_of(git_server, tmp_path, url)
    assert moved != head
    wait_for(lambda: len(calls(gitlab, "GET", "/merge_requests/1")) > 2 and
             "checks pending" in (release_record(git_server, tmp_path, url, release_id)["steps"][0].get("reason") or ""),
             "the new head's pipeline to be read")
    assert gitlab.mrs()[0]["state"] == "opened" and branch_tip(bare, "main") == main_before
    gitlab.set_pipeline(moved, "success")
    out, err = apply.communicate(timeout=60)
    assert apply.returncode == 0, out + err
    assert [q[4]["sha"] for q in calls(gitlab, "PUT", "/merge")] == [head, moved]
    assert gitlab.mrs()[0]["state"] == "merged"
    history = run_git("-C", bare, "log", "-p", "--format=%s", "refs/promote/releases/" + release_id).stdout
    assert re.search(r"%s!1 was not merged: its head moved since commit %s" % (PROJECT, head[:12]), history), history


def open_manual(git_server, gitlab, tmp_path, **kwargs):
    """A merge request opened by a manual environment (a draft, pipeline passed), then marked ready."""
    url, bare = setup_repo(git_server, gitlab, strategy="manual", **kwargs)
    gitlab.state.pipeline_on_open = "success"
    r = RUN.apply_prod(git_server, tmp_path, url)
    assert r.returncode == 3, r.stdout + r.stderr
    with gitlab.state.lock:
        mr = gitlab.state.mrs[1]
        mr["title"] = mr["title"][len("Draft: "):]
    return url, bare


@pytest.mark.parametrize("status, words", [
    ("not_approved", "it lacks the approvals its approval rules require"),
    ("checking", "GitLab is checking whether it can be merged"),
    ("discussions_not_resolved", "its discussions (threads) are not all resolved"),
    ("approvals_syncing", "GitLab is still syncing its approval rules"),
])
def test_not_ready_reads_as_checks_pending_and_is_not_merged(git_server, gitlab, tmp_path, status, words):
    url, bare = open_manual(git_server, gitlab, tmp_path)
    gitlab.state.mrs[1]["detailed_override"] = status
    assert show(git_server, tmp_path, url, PROJECT + "!1")["checks"] == "pending"
    r = promote(git_server, tmp_path, "--repo", url, "change", "merge", PROJECT + "!1")
    assert r.returncode != 0 and "cannot be merged yet: " + words in r.stderr, r.stderr
    assert gitlab.state.merge_calls == 0 and gitlab.mrs()[0]["state"] == "opened"


@pytest.mark.parametrize("status, words", [
    ("conflict", "it conflicts with its target branch"),
    ("need_rebase", "its branch must be rebased onto the target branch"),
])
def test_a_conflict_is_told_from_not_ready(git_server, gitlab, tmp_path, status, words):
    url, bare = open_manual(git_server, gitlab, tmp_path)
    gitlab.state.mrs[1]["detailed_override"] = status
    assert show(git_server, tmp_path, url, PROJECT + "!1")["checks"] == "passing"  # not pending: a person's turn
    r = promote(git_server, tmp_path, "--repo", url, "change", "merge", PROJECT + "!1")
    assert r.returncode != 0 and words in r.stderr, r.stderr
    assert gitlab.state.merge_calls == 0 and gitlab.mrs()[0]["state"] == "opened"


def test_merge_when_pipeline_succeeds(git_server, gitlab, tmp_path):
    """A merge asked while the pipeline runs, of a merge request that may merge itself (no draft), is
    left to GitLab — naming the head — and GitLab merges it when the pipeline succeeds."""
    url, bare = setup_repo(git_server, gitlab, extra=", mergeMethod: squash")
    gitlab.state.pipeline_on_open = "running"
    apply, _, _, head = RUN.start_apply(git_server, tmp_path, url, bare, gitlab.mrs, lambda m: m["source"])
    r = promote(git_server, tmp_path, "--repo", url, "change", "merge", PROJECT + "!1")
    assert r.returncode != 0 and "GitLab merges it when the pipeline succeeds" in r.stderr, r.stderr
    [merge] = calls(gitlab, "PUT", "/merge")
    assert merge[4] == {"sha": head, "should_remove_source_branch": True, "squash": True,
                        "merge_when_pipeline_succeeds": True, "auto_merge": True}, merge[4]
    assert gitlab.mrs()[0]["state"] == "opened" and gitlab.mrs()[0]["auto_merge"]["sha"] == head
    gitlab.set_pipeline(head, "success")  # GitLab merges it itself
    out, err = apply.communicate(timeout=60)
    assert apply.returncode == 0, out + err  # the release reads it merged (by someone else: GitLab)
    [mr] = gitlab.mrs()
    assert mr["state"] == "merged" and mr["squash_commit_sha"] == branch_tip(bare, "main")
    info = show(git_server, tmp_path, url, PROJECT + "!1")
    assert info["state"] == "merged" and info["mergeCommit"] == mr["squash_commit_sha"]


def test_a_draft_is_never_left_to_merge_itself(git_server, gitlab, tmp_path):
    url, bare = setup_repo(git_server, gitlab, strategy="manual")
    gitlab.state.pipeline_on_open = "running"
    assert RUN.apply_prod(git_server, tmp_path, url).returncode == 3
    r = promote(git_server, tmp_path, "--repo", url, "change", "merge", PROJECT + "!1")
    assert r.returncode != 0 and "it is a draft" in r.stderr, r.stderr
    assert gitlab.state.merge_calls == 0


def test_comment_and_close(git_server, gitlab, tmp_path):
    url, bare = open_manual(git_server, gitlab, tmp_path)
    r = promote(git_server, tmp_path, "--repo", url, "change", "comment", PROJECT + "!1", "hello")
    assert r.returncode == 0, r.stderr
    assert gitlab.state.mrs[1]["notes"] == ["hello"]
    r = promote(git_server, tmp_path, "--repo", url, "change", "close", PROJECT + "!1")
    assert r.returncode == 0, r.stderr
    assert calls(gitlab, "PUT", "/merge_requests/1")[-1][4] == {"state_event": "close"}
    assert show(git_server, tmp_path, url, PROJECT + "!1")["state"] == "closed"


def test_refused_token_is_said_and_never_shown(git_server, gitlab, tmp_path):
    url, bare = setup_repo(git_server, gitlab)
    wrong = "glpat-WrongTokenValue9876543210"
    r = RUN.apply_prod(git_server, tmp_path, url, token=wrong)
    assert r.returncode != 0 and "401" in r.stderr and "401 Unauthorized" in r.stderr, r.stderr
    assert wrong not in r.stdout + r.stderr
    assert_no_token(bare, r.stdout, r.stderr)


def test_a_token_echoed_by_the_server_is_redacted(git_server, gitlab, tmp_path):
    url, bare = setup_repo(git_server, gitlab)
    gitlab.fail_once("GET", r"/merge_requests$", 403, {}, {"message": "403 Forbidden - token %s lacks api" % TOKEN})
    r = RUN.apply_prod(git_server, tmp_path, url)
    assert r.returncode != 0 and "403 Forbidden - token *** lacks api" in r.stderr, r.stderr
    assert_no_token(bare, r.stdout, r.stderr)


def test_no_token_says_where_to_put_one(git_server, gitlab, tmp_path):
    url, bare = setup_repo(git_server, gitlab)
    r = RUN.apply_prod(git_server, tmp_path, url, token=False)
    assert r.returncode != 0
    assert "PROMOTE_GITLAB_TOKEN" in r.stderr and "api scope" in r.stderr, r.stderr


def test_not_found_and_refusals_are_said(git_server, gitlab, tmp_path):
    url, bare = setup_repo(git_server, gitlab)
    r = promote(git_server, tmp_path, "--repo", url, "change", "show", PROJECT + "!7")
    assert r.returncode == 2 and "404" in r.stderr, r.stdout + r.stderr
    gitlab.fail_once("POST", r"/merge_requests$", 422, {}, {"message": ["Validation failed: title is too long"]})
    r = RUN.apply_prod(git_server, tmp_path, url)
    assert r.returncode != 0 and "422" in r.stderr and "title is too long" in r.stderr, r.stderr
    assert gitlab.mrs() == []


def test_a_merge_refused_at_gitlab_is_reported(git_server, gitlab, tmp_path):
    url, bare = open_manual(git_server, gitlab, tmp_path)
    gitlab.fail_once("PUT", r"/merge$", 422, {}, {"message": "Branch cannot be merged"})
    r = promote(git_server, tmp_path, "--repo", url, "change", "merge", PROJECT + "!1")
    assert r.returncode != 0 and "422" in r.stderr and "Branch cannot be merged" in r.stderr, r.stderr
    assert gitlab.mrs()[0]["state"] == "opened"
    gitlab.fail_once("PUT", r"/merge$", 405, {}, {"message": "405 Method Not Allowed"})
    r = promote(git_server, tmp_path, "--repo", url, "change", "merge", PROJECT + "!1")
    assert r.returncode != 0 and "GitLab does not merge merge request %s!1 now" % PROJECT in r.stderr, r.stderr


def test_a_merge_gitlab_is_still_carrying_out_is_not_recorded_as_done(git_server, gitlab, tmp_path):
    """GitLab may answer the merge with the merge request "locked" (being merged): not merged yet — read
    again later, never taken for merged without its commit."""
    from gitlab_server import mr_body
    url, bare = open_manual(git_server, gitlab, tmp_path)
    with gitlab.state.lock:
        locked = dict(mr_body(gitlab.state, gitlab.state.mrs[1]), state="locked")
    gitlab.fail_once("PUT", r"/merge$", 200, {}, locked)
    r = promote(git_server, tmp_path, "--repo", url, "change", "merge", PROJECT + "!1")
    assert r.returncode != 0 and "GitLab accepted the merge of head" in r.stderr and "'locked'" in r.stderr, r.stderr
    gitlab.state.mrs[1]["state"] = "locked"
    info = show(git_server, tmp_path, url, PROJECT + "!1")
    assert (info["state"], info["checks"]) == ("open", "pending"), info
    r = promote(git_server, tmp_path, "--repo", url, "change", "merge", PROJECT + "!1")
    assert r.returncode != 0 and "GitLab is merging it now" in r.stderr, r.stderr


@pytest.mark.parametrize("headers", [
    {"RateLimit-Remaining": "0", "RateLimit-Reset": None},  # epoch seconds, filled in below
    {"Retry-After": "1"},
])
def test_rate_limit_is_honoured(git_server, gitlab, tmp_path, headers):
    url, bare = setup_repo(git_server, gitlab)
    # RateLimit-Reset is epoch seconds: made when the answer is sent (cloning may take seconds before).
    gitlab.fail_once("GET", r"/merge_requests$", 429,
                     lambda: {k: (v if v is not None else str(int(time.time()) + 2)) for k, v in headers.items()},
                     {"message": "Retry later"})
    r = RUN.apply_prod(git_server, tmp_path, url)
    assert r.returncode == 0, r.stdout + r.stderr
    lists = calls(gitlab, "GET", "/merge_requests")
    assert len(lists) >= 2 and lists[1][5] - lists[0][5] >= 0.9, [q[5] for q in lists]
    assert gitlab.mrs()[0]["state"] == "merged"


def test_a_wrong_request_fails_the_harness(gitlab):
    """The server can fail: a parameter GitLab does not document, or one of the wrong type, is refused
    400 and logged."""
    import urllib.error
    import urllib.request
    base = gitlab.url + "/projects/" + PROJECT.replace("/", "%2F")
    for method, path, body in (("POST", "/merge_requests", {"source_branch": "a", "target_branch": "main",
                                                              "title": "t", "draft": True}),
                               ("PUT", "/merge_requests/1/merge", {"sha": 1}),
                               ("GET", "/merge_requests?state=open", None)):
        request = urllib.request.Request(base + path, method=method, headers={"PRIVATE-TOKEN": TOKEN,
                                                                             "Content-Type": "application/json"},
                                         data=json.dumps(body).encode() if body else None)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 400
    assert [v.split(": ", 1)[1] for v in gitlab.state.violations] == [
        "draft is not a parameter of this endpoint", "sha is invalid", "state is invalid"]
    gitlab.state.violations.clear()
