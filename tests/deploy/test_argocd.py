"""The argocd deploy backend, driven through the `promote` command: a release of shop 1.5.0 from dev
into qa, whose `deploy: {backend: argocd}` names the Argo CD server of argocd_server.py behind
Prism (every request and answer checked against Argo CD's official description, conftest.py).

What a user relies on: the step syncs the application once, at the commit it promoted, tagged with
the release; it waits, saying why, until Argo CD shows that sync finished, compared after it,
Synced at that commit and Healthy for the hold; a Healthy read before then never counts; Degraded
fails it; another operation is waited for; a process killed after asking for the sync never asks
twice; the token is in no output and no record."""

import time

from conftest import TOKEN, git, kill_once, make_repo, promote, qa_step_of as qa_step

OK, FAILED, USAGE, WAITING = 0, 1, 2, 3


def run(repo, *extra):
    r = promote("--repo", repo, "--json", "run", "shop", "--version", "1.5.0", *extra)
    assert r.code in (OK, FAILED, WAITING), r
    return r


def reasons_in_order(repo, release, phrases):
    """Whether the release's record, commit after commit, said each of `phrases` in this order."""
    text = git(repo, "log", "--reverse", "-p", "refs/promote/releases/" + release)
    positions = [text.find(p) for p in phrases]
    return -1 not in positions and positions == sorted(positions), positions


def _url(argo):
    """Where promote sends its requests: Prism, in front of the server."""
    return argo[1].url


def record_text(repo, release):
    return git(repo, "log", "-p", "refs/promote/releases/" + release)


def qa_commit(repo):
    return git(repo, "rev-parse", "main").strip()


def assert_no_token(repo, release, *results):
    for r in results:
        assert TOKEN not in r.out and TOKEN not in r.err
    assert TOKEN not in record_text(repo, release)


def test_the_step_waits_saying_why_until_argo_cd_shows_our_sync_synced_and_healthy_for_the_hold(argo, tmp_path):
    server, _ = argo
    app = server.add_app("shop-qa", health_after=["Progressing", "Suspended", "Healthy"])
    repo = make_repo(tmp_path, _url(argo))
    r = run(repo)
    assert r.code == OK, r
    record = r.json()
    assert qa_step(record)["state"] == "succeeded" and qa_step(record)["deploy"] == "healthy"
    # Each wait said what it waited for, in the order Argo CD went through it.
    ordered, positions = reasons_in_order(repo, record["id"], [
        "Argo CD is syncing 'shop-qa' to",
        "the sync of 'shop-qa' to %s finished; waiting for Argo CD to compare the application again" %
        qa_commit(repo)[:12],
        "'shop-qa' is Progressing: Deployment shop: progressing",
        "'shop-qa' is Suspended (counted as progressing; waiting for it to be Healthy)",
        "'shop-qa' is Healthy at %s; holding until Argo CD has seen it Healthy for 1s" % qa_commit(repo)[:12]])
    assert ordered, positions
    # One sync, at the commit the release made in qa, tagged with the release.
    (body,) = app.accepted
    assert body["revision"] == qa_commit(repo) == qa_step(record)["commit"]
    assert {"name": "promote.release", "value": record["id"]} in body["infos"]
    assert all(q[3].get("authorization") == "Bearer " + TOKEN for q in server.requests())
    assert_no_token(repo, record["id"], r)


def test_a_degraded_after_the_sync_fails_the_step_though_argo_cd_read_healthy_before_it(argo, tmp_path):
    """The application reads Healthy (its previous revision's health) while our sync runs and after it
    until Argo CD compares it again: only then does it show Degraded. The step must fail."""
    server, _ = argo
    server.add_app("shop-qa", health_after=["Degraded"])
    repo = make_repo(tmp_path, _url(argo))
    r = run(repo)
    assert r.code == FAILED, r
    step = qa_step(r.json())
    assert step["state"] == "failed"
    assert "the deploy failed: 'shop-qa' is Degraded after the sync to" in step["reason"], step
    assert "Deployment shop: degraded" in step["reason"]
    assert any(q[2].get("refresh") == "normal" for q in server.requests())
    assert_no_token(repo, r.json()["id"], r)


def test_a_sync_at_another_revision_than_the_promoted_one_fails_the_step(argo, tmp_path):
    server, _ = argo
    server.add_app("shop-qa", result_revision="f" * 40)
    repo = make_repo(tmp_path, _url(argo))
    r = run(repo)
    assert r.code == FAILED, r
    reason = qa_step(r.json())["reason"]
    assert "Argo CD synced 'shop-qa' to ffffffffffff, not to the promoted %s" % qa_commit(repo)[:12] in reason


def test_another_operation_running_is_waited_for_and_no_sync_is_asked_over_it(argo, tmp_path):
    server, _ = argo
    app = server.add_app("shop-qa", busy_reads=6)
    repo = make_repo(tmp_path, _url(argo))
    r = run(repo)
    assert r.code == OK, r
    ordered, positions = reasons_in_order(repo, r.json()["id"], [
        "another operation runs on 'shop-qa' (a sync to 000000000000 started by alice, Running): waiting for it "
        "to end before syncing to %s" % qa_commit(repo)[:12],
        "Argo CD is syncing 'shop-qa' to"])
    assert ordered, positions
    assert app.refused == 0 and len(app.accepted) == 1


def test_a_sync_refused_because_an_operation_just_started_is_a_wait(argo, tmp_path):
    """Argo CD answers 400 "another operation is already in progress" when one started between our
    read and our sync: the step waits for it, then syncs once."""
    server, _ = argo
    app = server.add_app("shop-qa", busy_on_sync=True)
    repo = make_repo(tmp_path, _url(argo))
    r = run(repo)
    assert r.code == OK, r
    assert app.refused == 1 and len(app.accepted) == 1
    assert app.accepted[0]["revision"] == qa_commit(repo)


def test_a_process_killed_after_asking_for_the_sync_never_asks_twice(argo, tmp_path):
    """The sync's answer is held back; the process is killed before it could record that it asked.
    The release resumed by another process finds the operation by its tag and follows it."""
    server, _ = argo
    app = server.add_app("shop-qa", sync_delay=30)
    repo = make_repo(tmp_path, _url(argo))
    assert kill_once(repo, lambda: app.accepted), "no sync was asked for"
    release = next(i["value"] for i in app.accepted[0]["infos"] if i["name"] == "promote.release")
    r = promote("--repo", repo, "--json", "release", "status", release, "--timeout", "60s")
    assert r.code == OK, r
    assert qa_step(r.json())["state"] == "succeeded"
    assert len(app.accepted) == 1 and app.refused == 0
    assert [q[1] for q in server.requests()].count("/api/v1/applications/shop-qa/sync") == 1


def test_a_sync_taken_but_never_answered_is_found_again_not_sent_twice(argo, tmp_path):
    """Argo CD took the sync and the connection closed before its answer (Prism answers the broken
    upstream, "socket hang up", with a 5xx of its own): the backend does not send it again; it reads
    the application and follows the operation it finds there."""
    server, _ = argo
    app = server.add_app("shop-qa", drop_sync_answer=True)
    repo = make_repo(tmp_path, _url(argo))
    r = run(repo)
    assert r.code == OK, r
    assert len(app.accepted) == 1
    assert [q[1] for q in server.requests()].count("/api/v1/applications/shop-qa/sync") == 1


def test_a_refused_token_fails_the_step_naming_the_refusal_and_never_the_token(argo, tmp_path):
    server, _ = argo
    server.add_app("shop-qa")
    repo = make_repo(tmp_path, _url(argo))
    wrong = "wr0ng-t0ken-9f2e"
    r = promote("--repo", repo, "--json", "run", "shop", "--version", "1.5.0", token=wrong)
    assert r.code == FAILED, r
    reason = qa_step(r.json())["reason"]
    assert "HTTP 401" in reason and "invalid session" in reason, reason
    assert wrong not in r.out + r.err and wrong not in record_text(repo, r.json()["id"])
    assert server.app("shop-qa").accepted == []


def test_a_forbidden_answer_fails_the_step(argo, tmp_path):
    server, _ = argo
    server.add_app("shop-qa")
    server.fail_once("GET", r"/shop-qa$", 403, body={"error": "permission denied: applications, get, default/shop-qa",
                                                   "code": 7, "message": "permission denied"})
    repo = make_repo(tmp_path, _url(argo))
    r = run(repo)
    assert r.code == FAILED, r
    assert "HTTP 403" in qa_step(r.json())["reason"] and "permission denied" in qa_step(r.json())["reason"]
    assert_no_token(repo, r.json()["id"], r)


def test_an_unknown_application_fails_the_step_naming_it(argo, tmp_path):
    server, _ = argo
    repo = make_repo(tmp_path, _url(argo))
    r = run(repo)
    assert r.code == FAILED, r
    reason = qa_step(r.json())["reason"]
    assert "HTTP 404" in reason and 'applications.argoproj.io "shop-qa" not found' in reason, reason


def test_a_rate_limit_with_retry_after_is_waited_out(argo, tmp_path):
    server, _ = argo
    app = server.add_app("shop-qa")
    server.fail_once("GET", r"/shop-qa$", 429, {"Retry-After": "1"})
    repo = make_repo(tmp_path, _url(argo))
    started = time.monotonic()
    r = run(repo)
    assert r.code == OK, r
    assert time.monotonic() - started >= 1
    assert len(app.accepted) == 1


def test_application_pattern_project_and_namespace_reach_argo_cd(argo, tmp_path):
    server, _ = argo
    app = server.add_app("qa-shop-app")
    repo = make_repo(tmp_path, _url(argo),
                     extra=', application: "{env}-{product}-app", project: shop, appNamespace: team-a')
    r = run(repo)
    assert r.code == OK, r
    (body,) = app.accepted
    assert (body["name"], body["project"], body["appNamespace"]) == ("qa-shop-app", "shop", "team-a")
    assert all(q[2].get("appNamespace") == "team-a" and q[2].get("project") == "shop" for q in server.requests()
               if q[0] == "GET")


def left_deploying(argo, tmp_path, **app):
    """A release left running after two seconds, its qa step deploying to an application made with
    `app`: (server, application, repository, record)."""
    server, _ = argo
    application = server.add_app("shop-qa", **app)
    repo = make_repo(tmp_path, _url(argo))
    r = run(repo, "--timeout", "2s")
    assert r.code == WAITING, r
    assert qa_step(r.json())["state"] == "deploying"
    return server, application, repo, r.json()


def test_an_aborted_release_terminates_its_running_sync(argo, tmp_path):
    server, app, repo, record = left_deploying(argo, tmp_path, running_reads=10 ** 6)
    aborted = promote("--repo", repo, "--json", "release", "abort", record["id"], "--reason", "a bad build")
    assert aborted.code == OK, aborted
    assert qa_step(aborted.json())["state"] == "aborted"
    assert app.terminated == 1
    assert [q[:2] for q in server.requests() if q[0] == "DELETE"] == \
        [("DELETE", "/api/v1/applications/shop-qa/operation")]


def test_an_aborted_release_leaves_another_persons_operation_running(argo, tmp_path):
    server, app, repo, record = left_deploying(argo, tmp_path, busy_reads=10 ** 6)
    assert "another operation runs on 'shop-qa'" in qa_step(record)["reason"]
    aborted = promote("--repo", repo, "--json", "release", "abort", record["id"])
    assert aborted.code == OK, aborted
    assert app.terminated == 0 and app.accepted == []
    assert not [q for q in server.requests() if q[0] == "DELETE"]
