"""The gitlab provider through the CLI, as a user runs it, against a stateful GitLab server that checks
every request against GitLab's documented API and answers with bodies derived from responses GitLab
really sent (gitlab_server.py), with the branches on a real git server over HTTP. The project sits in
a nested group (git/platform/gitops), so the URL-encoded project path is exercised on every call."""

import json
import re
import time

import pytest

from forge_cli import Forge, assert_merged_into_main, branch_tip, finish_when_checks_pass, wait_for
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
    url, bare = RUN.create_gitops(git_server, gitlab.url, "platform/gitops", strategy, extra)
    gitlab.state.repo_path = str(bare)
    return url, bare


# The token in GITLAB_TOKEN unless a test says another variable; PRIVATE-TOKEN is its header; the merge
# is PUT .../merge naming the head in `sha`.
RUN = Forge("gitlab", TOKEN, ("PROMOTE_GITLAB_TOKEN", "GITLAB_TOKEN"), None, "PUT", "sha")
promote, promote_background = RUN.promote, RUN.background
release_record, release_id_of, assert_no_token = RUN.release_record, RUN.release_id_of, RUN.assert_no_token


def show(git_server, tmp_path, url, change):
    r = promote(git_server, tmp_path, "--repo", url, "--json", "change", "show", change)
    assert r.returncode == 0, r.stdout + r.stderr
    return json.loads(r.stdout)


def calls(gitlab, method, suffix):
    return [q for q in list(gitlab.state.requests) if q[0] == method and q[1].endswith(suffix)]


def step_of(git_server, tmp_path, url, release_id):
    return release_record(git_server, tmp_path, url, release_id)["steps"][0]


HANDED_OVER = "change %s!1: GitLab merges it when its pipeline succeeds (pipeline 7001 running)" % PROJECT


def handed_over(git_server, tmp_path, url, release_id):
    """The release's step once it says GitLab holds the merge request for its own merge."""
    wait_for(lambda: step_of(git_server, tmp_path, url, release_id).get("reason") == HANDED_OVER,
             "the step to say GitLab merges it when its pipeline succeeds",
             show=lambda: step_of(git_server, tmp_path, url, release_id))
    step = step_of(git_server, tmp_path, url, release_id)
    assert step["state"] == "awaiting_merge", step
    return step


def test_a_release_hands_a_running_pipeline_to_merge_when_pipeline_succeeds(git_server, gitlab, tmp_path):
    """promote apply while the head's pipeline runs: the merge request (no draft) is handed to GitLab's
    "merge when pipeline succeeds" once, naming the head; the step waits saying which pipeline GitLab waits
    for, asks nothing again, and adopts GitLab's merge when the pipeline succeeds."""
    url, bare = setup_repo(git_server, gitlab, extra=", mergeMethod: squash")
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
    step = handed_over(git_server, tmp_path, url, release_id)
    assert step["change"] == PROJECT + "!1", step
    head = branch_tip(bare, mr["source"])
    [merge] = calls(gitlab, "PUT", "/merge")
    assert merge[4] == {"sha": head, "should_remove_source_branch": True, "squash": True,
                        "merge_when_pipeline_succeeds": True, "auto_merge": True}, merge[4]
    assert gitlab.mrs()[0]["state"] == "opened" and gitlab.mrs()[0]["auto_merge"]["sha"] == head
    assert branch_tip(bare, "main") == main_before
    time.sleep(3)  # polls go on while GitLab holds it: none asks the merge again, no retry is spent
    assert gitlab.state.merge_calls == 1
    assert step_of(git_server, tmp_path, url, release_id)["attempts"] <= 1
    # Asked by a person meanwhile: refused, GitLab holds it; nothing is sent.
    r = promote(git_server, tmp_path, "--repo", url, "change", "merge", PROJECT + "!1")
    assert r.returncode != 0 and "is not merged by promote: GitLab merges it when its pipeline succeeds" in r.stderr, \
        r.stderr
    assert gitlab.state.merge_calls == 1
    # GitLab merges it itself when the pipeline succeeds; the release adopts that merge.
    out, err = finish_when_checks_pass(apply, lambda sha: gitlab.set_pipeline(sha, "success"), head)
    [mr] = gitlab.mrs()
    assert mr["state"] == "merged" and mr["squash_commit_sha"] == branch_tip(bare, "main"), mr
    assert gitlab.state.merge_calls == 1
    step = step_of(git_server, tmp_path, url, release_id)
    assert step["state"] == "succeeded", step
    info = show(git_server, tmp_path, url, PROJECT + "!1")
    assert info["state"] == "merged" and info["mergeCommit"] == mr["squash_commit_sha"]
    assert branch_tip(bare, mr["source"]) is None  # should_remove_source_branch
    assert '"1.5.0"' in run_git("-C", bare, "show", "main:envs/prod/apps/shop/values.yaml").stdout
    assert_no_token(bare, out, err)
    assert all({k.lower(): v for k, v in q[2].items()}.get("private-token") == TOKEN for q in gitlab.state.requests)
    assert not any("authorization" in {k.lower() for k in q[2]} for q in gitlab.state.requests)


def test_a_pipeline_that_fails_after_the_hand_over_fails_the_step(git_server, gitlab, tmp_path):
    """GitLab cancels its automatic merge when the pipeline fails: the step fails saying the checks
    failed, nothing is merged, and promote never merges it itself."""
    url, bare = setup_repo(git_server, gitlab)
    gitlab.state.pipeline_on_open = "running"
    apply, mr, main_before, head = RUN.start_apply(git_server, tmp_path, url, bare, gitlab.mrs, lambda m: m["source"])
    release_id = release_id_of(git_server, tmp_path, url)
    handed_over(git_server, tmp_path, url, release_id)
    gitlab.set_pipeline(head, "failed")
    out, err = apply.communicate(timeout=60)
    assert apply.returncode not in (0, 3), out + err
    r = promote(git_server, tmp_path, "--repo", url, "--json", "release", "status", release_id)
    record = json.loads(r.stdout)
    assert r.returncode == 1 and record["state"] == "failed", r.stdout + r.stderr
    [step] = record["steps"]
    assert step["state"] == "failed", step
    assert step["reason"] == ("checks failing on change %s!1: its pipeline 7001 failed, and GitLab does not merge it "
                              "(an automatic merge is cancelled)" % PROJECT), step
    [mr] = gitlab.mrs()
    assert mr["state"] == "opened" and not mr["auto_merge"], mr
    assert gitlab.state.merge_calls == 1 and branch_tip(bare, "main") == main_before


def test_a_pipeline_that_passed_is_merged_by_promote(git_server, gitlab, tmp_path):
    """No pipeline running when the release reads it: promote merges it itself, naming the head, with no
    automatic merge asked."""
    url, bare = setup_repo(git_server, gitlab)
    gitlab.state.pipeline_on_open = "success"
    main_before = branch_tip(bare, "main")
    r = RUN.apply_prod(git_server, tmp_path, url)
    assert r.returncode == 0, r.stdout + r.stderr
    [mr] = gitlab.mrs()
    assert mr["state"] == "merged", mr
    assert_merged_into_main(bare, main_before, mr["head_at_close"], mr["source"], mr["merge_commit_sha"])
    [merge] = calls(gitlab, "PUT", "/merge")
    assert merge[4] == {"sha": mr["head_at_close"], "should_remove_source_branch": True}, merge[4]


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
    """Someone pushes to the branch after its pipeline was read, before the hand-over: GitLab refuses the
    merge naming the old head (409), nothing is merged; the new head's running pipeline is handed over,
    naming it, and GitLab merges it when that pipeline succeeds."""
    url, bare = setup_repo(git_server, gitlab)
    gitlab.state.pipeline_on_open = "running"
    moved = []

    def push(state):  # on the first merge call, before GitLab handles it
        mr = state.mrs[1]
        moved.append(state.push_late(mr["source"], state.tip(mr["source"])))
        state.pipelines[moved[0]] = "running"

    gitlab.hook_once("PUT", r"/merge$", push)
    apply, mr, main_before, _ = RUN.start_apply(git_server, tmp_path, url, bare, gitlab.mrs, lambda m: m["source"])
    release_id = release_id_of(git_server, tmp_path, url)
    handed_over(git_server, tmp_path, url, release_id)
    [moved] = moved
    head = run_git("-C", bare, "rev-parse", moved + "^").stdout.strip()
    assert [q[4]["sha"] for q in calls(gitlab, "PUT", "/merge")] == [head, moved]
    assert gitlab.mrs()[0]["state"] == "opened" and gitlab.mrs()[0]["auto_merge"]["sha"] == moved
    assert branch_tip(bare, "main") == main_before
    finish_when_checks_pass(apply, lambda sha: gitlab.set_pipeline(sha, "success"), moved)
    assert gitlab.mrs()[0]["state"] == "merged" and gitlab.mrs()[0]["head_at_close"] == moved
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
