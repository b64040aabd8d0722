"""Forge webhooks with deliveries the forges really sent (doc/WEB.md#webhooks): the bodies recorded by
jenkins-x/go-scm and octokit/webhooks (tests/data/SOURCES.md), byte for byte, signed as the forge signs them.

Each kind the issue names that should wake the watcher starts a pass at once (202); the kinds that cannot move a
release are answered 204 and start none. The deliveries are years old and say when they happened, so the
watcher runs on the clock of their day (PROMOTE_NOW, a few minutes after them); on today's clock the same bytes
are refused as stale."""

import json
import uuid

import pytest

from conftest import HERE
from test_web_hooks import (GITLAB_TOKEN, assert_no_pass, assert_woken, gitea_signature, github_signature,
                            start_watcher, stop_watcher)

DATA = HERE.parents[0] / "data"
GOSCM = DATA / "go-scm" / "scm" / "driver"
OCTOKIT = DATA / "octokit-webhooks" / "payload-examples" / "api.github.com"

# The days the deliveries were recorded, and a clock a few minutes after each (within the hour a delivery is
# accepted for).
CHECKS_DAY = "2019-05-15T15:30:00Z"     # GitHub's review, check suite and check run; octokit's pull request
GITHUB_PUSH_DAY = "2018-05-30T20:30:00Z"  # GitHub's push (repository.pushed_at 1527711528)
GITEA_PUSH_DAY = "2017-12-09T01:45:00Z"   # Gitea's push (repository.updated_at 01:33:08)
GITEA_PR_DAY = "2018-07-06T01:45:00Z"     # Gitea's merged pull request and review (pull_request.updated_at)

# (what, the clock of its day, forge, event header, the recorded body, whether it wakes the watcher)
DELIVERIES = [
    ("github push to the watched branch", GITHUB_PUSH_DAY, "github", "push",
     GOSCM / "github/testdata/webhooks/push.json", True),
    ("github pull_request_review submitted", CHECKS_DAY, "github", "pull_request_review",
     GOSCM / "github/testdata/webhooks/pr_review_submitted.json", True),
    # go-scm's file is named "created" but records the suite's "completed" delivery.
    ("github check_suite completed", CHECKS_DAY, "github", "check_suite",
     GOSCM / "github/testdata/webhooks/check_suite_created.json", True),
    ("github check_run completed", CHECKS_DAY, "github", "check_run", OCTOKIT / "check_run/completed.payload.json", True),
    ("gitlab Push Hook to the watched branch", CHECKS_DAY, "gitlab", "Push Hook",
     GOSCM / "gitlab/testdata/webhooks/push.json", True),
    ("gitlab Merge Request Hook merged", CHECKS_DAY, "gitlab", "Merge Request Hook",
     GOSCM / "gitlab/testdata/webhooks/pull_request_merge.json", True),
    ("gitea push to the watched branch", GITEA_PUSH_DAY, "gitea", "push", GOSCM / "gitea/testdata/webhooks/push.json", True),
    ("gitea pull_request merged", GITEA_PR_DAY, "gitea", "pull_request",
     GOSCM / "gitea/testdata/webhooks/pull_request_merged.json", True),
    ("gitea review approved", GITEA_PR_DAY, "gitea", "pull_request_review_approved",
     GOSCM / "gitea/testdata/webhooks/review_approved.json", True),
    ("github push to a branch no environment is on", GITHUB_PUSH_DAY, "github", "push",
     GOSCM / "github/testdata/webhooks/push_branch_create.json", False),
    ("github pull_request closed unmerged", CHECKS_DAY, "github", "pull_request",
     OCTOKIT / "pull_request/closed.payload.json", False),
    ("github pull_request closed unmerged (go-scm)", CHECKS_DAY, "github", "pull_request",
     GOSCM / "github/testdata/webhooks/pr_closed.json", False),
    ("github check_run created", CHECKS_DAY, "github", "check_run",
     GOSCM / "github/testdata/webhooks/check_run_created.json", False),
    ("gitlab Merge Request Hook opened", CHECKS_DAY, "gitlab", "Merge Request Hook",
     GOSCM / "gitlab/testdata/webhooks/pull_request_create.json", False),
    ("gitea pull_request opened", GITEA_PR_DAY, "gitea", "pull_request",
     GOSCM / "gitea/testdata/webhooks/pull_request_opened.json", False),
]
WAKE = [d[:5] for d in DELIVERIES if d[5]]
IGNORED = [d[:5] for d in DELIVERIES if not d[5]]


def delivery(forge, event, body):
    """(path, body, headers) of a delivery of `body` as `forge` sends it, correctly signed."""
    if forge == "github":
        headers = {"X-GitHub-Event": event, "X-GitHub-Delivery": str(uuid.uuid4()),
                   "X-Hub-Signature-256": github_signature(body)}
    elif forge == "gitea":
        headers = {"X-Gitea-Event": event, "X-Gitea-Delivery": str(uuid.uuid4()),
                   "X-Gitea-Signature": gitea_signature(body)}
    else:
        headers = {"X-Gitlab-Event": event, "X-Gitlab-Event-UUID": str(uuid.uuid4()), "X-Gitlab-Token": GITLAB_TOKEN}
    headers["Content-Type"] = "application/json"
    return "/hooks/" + forge, body, headers


@pytest.fixture(scope="module")
def on_the_day(tmp_path_factory):
    """on_the_day(clock): a watcher whose clock is `clock` (None: today's), one per clock for the module."""
    started = {}

    def get(clock):
        if clock not in started:
            extra = {"PROMOTE_NOW": clock} if clock else {}
            started[clock] = start_watcher(tmp_path_factory.mktemp("recorded"), **extra)
        return started[clock]
    yield get
    for w in started.values():
        stop_watcher(w)


@pytest.mark.parametrize("name,clock,forge,event,path", WAKE, ids=[w[0] for w in WAKE])
def test_a_recorded_delivery_that_may_move_a_release_starts_a_pass(on_the_day, name, clock, forge, event, path):
    w = on_the_day(clock)
    before = w.settle()
    status, _, text = w.post(*delivery(forge, event, path.read_bytes()))
    assert (status, text) == (202, "a pass starts now\n"), (name, status, text)
    assert_woken(w, before)


@pytest.mark.parametrize("name,clock,forge,event,path", IGNORED, ids=[w[0] for w in IGNORED])
def test_a_recorded_delivery_that_cannot_move_a_release_is_ignored(on_the_day, name, clock, forge, event, path):
    w = on_the_day(clock)
    before = w.settle()
    status, _, text = w.post(*delivery(forge, event, path.read_bytes()))
    assert status == 204, (name, status, text)
    assert_no_pass(w, before)


def test_a_merged_github_pull_request_starts_a_pass(on_the_day):
    # Neither source recorded a merged GitHub pull request: octokit's closed one, with the one field a merge
    # changes (pull_request.merged) set, re-serialised and signed — derived, not recorded.
    payload = json.loads((OCTOKIT / "pull_request/closed.payload.json").read_bytes())
    assert payload["action"] == "closed" and payload["pull_request"]["merged"] is False
    payload["pull_request"]["merged"] = True
    w = on_the_day(CHECKS_DAY)
    before = w.settle()
    status, _, text = w.post(*delivery("github", "pull_request", json.dumps(payload).encode()))
    assert (status, text) == (202, "a pass starts now\n"), text
    assert_woken(w, before)


@pytest.mark.parametrize("forge,event,path", [("github", "push", GOSCM / "github/testdata/webhooks/push.json"),
                                              ("gitea", "push", GOSCM / "gitea/testdata/webhooks/push.json")],
                         ids=["github", "gitea"])
def test_the_same_bytes_on_todays_clock_are_refused_as_stale(on_the_day, forge, event, path):
    w = on_the_day(None)
    before = w.settle()
    status, _, text = w.post(*delivery(forge, event, path.read_bytes()))
    assert (status, text) == (400, "the event is more than an hour old: refused as stale\n"), text
    assert_no_pass(w, before)
