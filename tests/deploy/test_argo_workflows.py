"""The argocd deploy backend's checks: a release of shop 1.5.0 from dev into qa, whose policy names a
pre-action workflow (smoke) and a post-action one (verify), each a WorkflowTemplate submitted to the
Argo Workflows server of qa's `deploy.argoWorkflows` (argo_workflows_server.py behind Prism, every
request and answer checked against Argo Workflows' official description; the deploy itself goes to
argocd_server.py as in test_argocd.py).

What a user relies on: each check is submitted once from its template, with its parameters, in the
namespace and service account configured, labelled with the release; it is followed to its phase;
Failed fails the step with Argo's words; one that outlives its timeout is terminated; a process
killed after submitting does not submit again; the token is in no output and no record."""

from conftest import TOKEN, WORKFLOWS_TOKEN, git, kill_once, make_repo, promote, qa_step_of as qa_step

OK, FAILED, USAGE, WAITING = 0, 1, 2, 3

CHECKS = """\
workflows:
  smoke:
    workflowTemplate: smoke-test
    parameters: {environment: "{env}", version: "{version}", commit: "{commit}"}
    timeout: %(timeout)s
  verify: {workflowTemplate: verify, run: [./never-run-by-argocd.sh]}
policies:
  - {name: checked, match: {environments: {names: [qa]}}, pre: [smoke], post: [verify]}
"""


def make(argo, workflows, tmp_path, timeout="1m"):
    """The repository: qa deploys with Argo CD and submits its checks to Argo Workflows."""
    extra = ", argoWorkflows: {server: \"%s\", namespace: ci, serviceAccount: promote-checks}" % workflows[1].url
    return make_repo(tmp_path, argo[1].url, extra=extra, tail=CHECKS % {"timeout": timeout})


def run(repo, **env):
    env.setdefault("PROMOTE_ARGO_WORKFLOWS_TOKEN", WORKFLOWS_TOKEN)
    r = promote("--repo", repo, "--json", "run", "shop", "--version", "1.5.0", **env)
    assert r.code in (OK, FAILED, WAITING), r
    return r


def checks_of(record):
    return {c["name"]: c for c in qa_step(record)["checks"]}


def record_text(repo, release):
    return git(repo, "log", "-p", "refs/promote/releases/" + release)


def test_pre_and_post_workflows_are_submitted_from_their_templates_and_followed_to_succeeded(argo, workflows,
                                                                                           tmp_path):
    argo[0].add_app("shop-qa")
    server = workflows[0]
    server.add_template("smoke-test", running_reads=2)
    server.add_template("verify", running_reads=1)
    repo = make(argo, workflows, tmp_path)
    # ARGO_TOKEN as the argo command holds it, its scheme included: sent once.
    r = run(repo, PROMOTE_ARGO_WORKFLOWS_TOKEN="", ARGO_TOKEN="Bearer " + WORKFLOWS_TOKEN)
    assert r.code == OK, r
    record = r.json()
    assert qa_step(record)["state"] == "succeeded"
    after = git(repo, "rev-parse", "main").strip()
    before = git(repo, "rev-parse", "main^").strip()  # dev's commit of 1.5.0, the release's trigger
    smoke, verify = server.submitted
    assert smoke["namespace"] == "ci" and smoke["resourceKind"] == "WorkflowTemplate"
    assert smoke["resourceName"] == "smoke-test" and verify["resourceName"] == "verify"
    # The parameters with the placeholders replaced: the pre-check sees the branch before qa's write.
    assert smoke["submitOptions"]["parameters"] == ["environment=qa", "version=1.5.0", "commit=" + before]
    assert verify["submitOptions"]["parameters"] == []
    assert smoke["submitOptions"]["serviceAccount"] == "promote-checks"
    labels = dict(item.split("=") for item in verify["submitOptions"]["labels"].split(","))
    assert labels == {"promote.release": record["id"], "promote.environment": "qa", "promote.workflow": "verify",
                      "promote.revision": after}
    checks = checks_of(record)
    assert checks["smoke"]["run_id"] == "ci/smoke-test-00001" and checks["smoke"]["status"] == 0
    assert checks["verify"]["run_id"] == "ci/verify-00002" and checks["verify"]["status"] == 0
    assert "workflow ci/smoke-test-00001 (WorkflowTemplate smoke-test) Succeeded" in checks["smoke"]["output"]
    # Each was followed to its end: read until Argo said Succeeded, never submitted again.
    for name in ("smoke-test-00001", "verify-00002"):
        assert server.workflows[name].phase == "Succeeded"
    assert len(server.submitted) == 2 and server.terminated == []
    text = r.out + r.err + record_text(repo, record["id"])
    assert WORKFLOWS_TOKEN not in text and TOKEN not in text


def test_a_failed_workflow_fails_the_step_before_anything_is_written_with_argos_words(argo, workflows, tmp_path):
    argo[0].add_app("shop-qa")
    server = workflows[0]
    server.add_template("smoke-test", running_reads=1, ends="Failed", message="child 'smoke-test-00001-1234' failed")
    repo = make(argo, workflows, tmp_path)
    r = run(repo)
    assert r.code == FAILED, r
    step = qa_step(r.json())
    assert step["state"] == "failed" and "pre-check smoke exited 1" in step["reason"], step
    output = checks_of(r.json())["smoke"]["output"]
    assert "workflow ci/smoke-test-00001 (WorkflowTemplate smoke-test) Failed: child 'smoke-test-00001-1234' " \
           "failed" in output, output
    assert "step check Failed: Error (exit code 1)" in output, output
    assert '"1.4.0"' in git(repo, "show", "main:envs/qa/apps/shop/values.yaml")  # qa not written
    assert argo[0].app("shop-qa").accepted == [] and len(server.submitted) == 1


def test_a_workflow_running_past_its_timeout_is_terminated_and_fails_the_step(argo, workflows, tmp_path):
    argo[0].add_app("shop-qa")
    server = workflows[0]
    server.add_template("smoke-test", ends=None)
    repo = make(argo, workflows, tmp_path, timeout="2s")
    r = run(repo)
    assert r.code == FAILED, r
    step = qa_step(r.json())
    assert "pre-check smoke timed out after 2s" in step["reason"], step
    assert server.terminated == ["smoke-test-00001"]
    assert "terminated: still Running after the timeout, 2s" in checks_of(r.json())["smoke"]["output"]


def test_a_process_killed_after_submitting_takes_that_workflow_instead_of_submitting_again(argo, workflows,
                                                                                          tmp_path):
    """The submit's answer is held back; the process is killed before it could record the run. The
    release resumed by another process finds the workflow by its labels and follows it."""
    argo[0].add_app("shop-qa")
    server = workflows[0]
    server.add_template("smoke-test", running_reads=3, submit_delay=30)
    server.add_template("verify", running_reads=1)
    repo = make(argo, workflows, tmp_path)
    assert kill_once(repo, lambda: server.submitted, PROMOTE_ARGO_WORKFLOWS_TOKEN=WORKFLOWS_TOKEN), \
        "no workflow was submitted"
    labels = dict(item.split("=") for item in server.submitted[0]["submitOptions"]["labels"].split(","))
    r = promote("--repo", repo, "--json", "release", "status", labels["promote.release"], "--timeout", "60s",
                PROMOTE_ARGO_WORKFLOWS_TOKEN=WORKFLOWS_TOKEN)
    assert r.code == OK, r
    assert qa_step(r.json())["state"] == "succeeded"
    assert [s["resourceName"] for s in server.submitted] == ["smoke-test", "verify"]
    assert checks_of(r.json())["smoke"]["run_id"] == "ci/smoke-test-00001"


def test_an_unknown_template_fails_the_step_saying_argo_has_none(argo, workflows, tmp_path):
    argo[0].add_app("shop-qa")
    repo = make(argo, workflows, tmp_path)
    r = run(repo)
    assert r.code == FAILED, r
    reason = qa_step(r.json())["reason"]
    assert "pre-check smoke could not start" in reason and "HTTP 404" in reason, reason
    assert 'workflowtemplates.argoproj.io "smoke-test" not found' in reason, reason


def test_a_refused_token_fails_the_step_and_is_never_shown(argo, workflows, tmp_path):
    argo[0].add_app("shop-qa")
    workflows[0].add_template("smoke-test")
    repo = make(argo, workflows, tmp_path)
    wrong = "wr0ng-wf-t0ken-31aa"
    r = run(repo, PROMOTE_ARGO_WORKFLOWS_TOKEN=wrong)
    assert r.code == FAILED, r
    reason = qa_step(r.json())["reason"]
    assert "HTTP 401" in reason and "token not valid" in reason, reason
    assert wrong not in r.out + r.err + record_text(repo, r.json()["id"])
    assert workflows[0].submitted == []


def test_a_rate_limit_with_retry_after_is_waited_out(argo, workflows, tmp_path):
    argo[0].add_app("shop-qa")
    server = workflows[0]
    server.add_template("smoke-test", running_reads=1)
    server.add_template("verify", running_reads=1)
    server.fail_once("POST", r"/submit$", 429, {"Retry-After": "1"})
    repo = make(argo, workflows, tmp_path)
    r = run(repo)
    assert r.code == OK, r
    posts = [q for q in server.requests() if q[0] == "POST"]
    assert len(posts) == 3 and len(server.submitted) == 2  # the refused one, then each check once
