"""A small stateful Gitea REST server for tests (Gitea's API, which Forgejo shares), over a real bare
git repository.

    with GiteaServer(bare_repo_path, owner="org", repo="gitops", token="t0ken") as gitea:
        gitea.url                      # http://127.0.0.1:PORT (the API is under /api/v1)
        gitea.set_checks(sha, "pending")  # a commit status on a commit
        gitea.fail_once("GET", r"/pulls$", 403)

It answers the operations the gitea provider uses (tests/forge/gitea-paths.txt) in the shapes of
Gitea's official Swagger description (tests/data/gitea): every body starts from a response Gitea
really sent (tests/data/go-scm/scm/driver/gitea/testdata, recorded by go-scm) with the live state
written over it. Gitea sends null for an absent milestone, merge time and the like; its Swagger 2.0
description has no way to say "or null", so those members are left out here, as a Gitea that
omitted them would answer (the provider reads absent and null alike). It runs behind Prism's
validating proxy in the tests, so a shape invented here fails the test that sees it.

The plumbing (faults, hooks, the request log, the real merge in the bare repository) is
github_server.py's; what is Gitea's own: the API under /api/v1, "Authorization: token T", labels that
are ids (made by POST .../labels, set by id), no draft flag (a title starting with "WIP:" or "[WIP]"
is work in progress: Gitea will not merge it), `mergeable` (false while a conflict stands), a merge
that is POST .../merge with `Do` and `head_commit_id` — 409 "head out of date" when the head moved,
405 when the pull request is work in progress or not mergeable, the head branch deleted when
`delete_branch_after_merge` — and 409 for a second open pull request of the same head and base.
Branch protection that requires status checks (`required_checks`): a plain merge of a head whose checks
have not passed is refused 405, `merge_when_checks_succeed` schedules the merge instead (a
`pull_scheduled_merge` event in the pull request's timeline; 409 when scheduled already) and the merge
happens when set_checks() makes them pass; GET .../branches/{branch} says the protection (no recorded
answer exists: its members are the description's "Branch"). Standard library only.
"""

import copy
import json
import pathlib

from github_server import GitHubServer, GitHubState, Handler

DATA = pathlib.Path(__file__).resolve().parents[1] / "data" / "go-scm" / "scm" / "driver" / "gitea" / "testdata"
WIP_PREFIXES = ("wip:", "[wip]")


def recorded(name):
    with open(DATA / name, encoding="utf-8") as f:
        return json.load(f)


def without_nulls(value):
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


class GiteaState(GitHubState):
    def __init__(self, *args):
        super().__init__(*args)
        self.labels = {}  # name -> id: the repository's labels
        self.required_checks = []  # the base branch's protection requires these status contexts (none: none)

    def checks_pass(self, sha):
        """Whether `sha`'s required status checks pass (Gitea's IsPullCommitStatusPass: none required, yes)."""
        return not self.required_checks or self.statuses.get(sha) in ("success", "warning")

    def auto_merge(self, pr):
        """Gitea's scheduled merge of `pr`, carried out when its head's required checks pass (its head then)."""
        auto = pr.get("scheduled_merge")
        head = self.tip(pr["head"])
        if pr["state"] != "open" or not auto or not head or not self.checks_pass(head):
            return
        title = "Merge pull request '%s' (#%s) from %s into %s" % (pr["title"], pr["number"], pr["head"], pr["base"])
        if self.merge(pr, "merge" if auto["style"] == "merge" else "squash", title) is not None and auto["delete"]:
            self.git("update-ref", "-d", "refs/heads/" + pr["head"])


def _user(login):
    user = copy.deepcopy(recorded("pr.json")["user"])
    user.update(login=login, username=login, email=login + "@example.com")
    return user


def _repository(state):
    repo = copy.deepcopy(recorded("pr.json")["base"]["repo"])
    full = "%s/%s" % (state.owner, state.repo)
    repo.update(name=state.repo, full_name=full, owner=_user(state.owner),
                html_url="https://gitea.example/" + full, clone_url="https://gitea.example/%s.git" % full)
    return repo


def _label(state, name):
    label = copy.deepcopy(recorded("issue_labels.json")[0])
    label.update(id=state.labels[name], name=name, color="ededed", description="",
                 url="https://gitea.example/api/v1/repos/%s/%s/labels/%d" % (state.owner, state.repo,
                                                                             state.labels[name]))
    return label


def is_wip(title):
    return title.lower().startswith(WIP_PREFIXES)


def pull_body(state, pr):
    """One pull request in the shape of GET /repos/{owner}/{repo}/pulls/{index} ("PullRequest")."""
    body = copy.deepcopy(recorded("pr.json"))
    number = pr["number"]
    full = "%s/%s" % (state.owner, state.repo)
    html = "https://gitea.example/%s/pulls/%d" % (full, number)
    head_sha = state.tip(pr["head"]) or pr.get("head_sha_at_close") or "0" * 40
    base_sha = state.tip(pr["base"]) or "0" * 40
    body.update(
        id=number, number=number, title=pr["title"], body=pr["body"], draft=is_wip(pr["title"]),
        state="open" if pr["state"] == "open" else "closed", merged=pr["state"] == "merged",
        merge_commit_sha=pr.get("merge_commit_sha"), merged_at=pr.get("merged_at"), closed_at=pr.get("closed_at"),
        labels=[_label(state, name) for name in pr["labels"]], url=html, html_url=html,
        diff_url=html + ".diff", patch_url=html + ".patch", comments=len(pr["comments"]),
        mergeable=pr["state"] == "open" and pr["mergeable"] and not is_wip(pr["title"]),
        user=_user("promote-bot"), merged_by=_user("promote-bot") if pr["state"] == "merged" else None,
        merge_base=base_sha)
    repo = _repository(state)
    for side, branch, sha in (("head", pr["head"], head_sha), ("base", pr["base"], base_sha)):
        body[side].update(ref=branch, sha=sha, label=branch, repo=repo, repo_id=repo["id"])
    return without_nulls(body)


class GiteaHandler(Handler):
    API_PREFIX = "/api/v1"
    AUTH_SCHEME = "token "
    BAD_CREDENTIALS = "invalid username, password or token"
    NO_PULL = "pull request does not exist"
    NO_COMPARE = "The target couldn't be found."
    EDITED = 201  # Gitea answers an edit with 201

    def body_of(self, pr):
        return pull_body(self.state, pr)

    def error(self, status, message, **extra):
        self.send(status, {"message": message, "url": "https://gitea.example/api/swagger"})

    def routes(self):
        return self.shared_routes() + (
            ("POST", r"/pulls/(\d+)/merge", self.merge_pull),
            ("GET", r"/labels", self.list_labels),
            ("POST", r"/labels", self.create_label),
            ("GET", r"/branches/(.+)", self.get_branch),
            ("GET", r"/issues/(\d+)/timeline", self.timeline),
        )

    # ---- pull requests -----------------------------------------------------------------------
    def list_pulls(self, query, payload):
        st = self.state
        wanted = query.get("state", "open")
        out = [self.body_of(pr) for pr in sorted(st.pulls.values(), key=lambda p: p["number"])
               if wanted == "all" or ("open" if pr["state"] == "open" else "closed") == wanted]
        return self.send(200, out)

    def create_pull(self, query, payload):
        st = self.state
        payload = payload or {}
        if not payload.get("head") or not payload.get("base") or not payload.get("title"):
            return self.error(422, "[Head]: Required")
        head = payload["head"].split(":", 1)[-1]
        if not st.tip(head) or not st.tip(payload["base"]):
            return self.error(404, "The target couldn't be found.")
        for pr in st.pulls.values():
            if pr["state"] == "open" and pr["head"] == head and pr["base"] == payload["base"]:
                return self.error(409, "pull request already exists for these targets [id: %d, head_branch: %s, "
                                       "base_branch: %s]" % (pr["number"], head, pr["base"]))
        return self.opened({"title": payload["title"], "body": payload.get("body", ""), "head": head,
                            "base": payload["base"], "mergeable": True})

    def merge_pull(self, query, payload, number):
        st = self.state
        st.merge_calls += 1
        pr = self.pull(number)
        payload = payload or {}
        if not pr or pr["state"] == "closed":
            return self.error(404, self.NO_PULL)
        if pr["state"] == "merged":
            return self.error(405, "PR already merged")
        if is_wip(pr["title"]):
            return self.error(405, "Work in progress PRs cannot be merged")
        if not pr["mergeable"]:
            return self.error(405, "Please try again later")
        head = st.tip(pr["head"])
        automatic = payload.get("merge_when_checks_succeed")
        if not automatic and not st.checks_pass(head):  # CheckPullMergeable's required status checks
            return self.error(405, "Not all required status checks successful")
        style = payload.get("Do")
        if style not in ("merge", "rebase", "rebase-merge", "squash", "fast-forward-only", "manually-merged"):
            return self.error(405, "%s is not allowed an allowed merge style for this repository" % style)
        if automatic and not st.checks_pass(head):
            # ScheduleAutoMerge: no head is named (head_commit_id is not read); 409 when scheduled already.
            if pr.get("scheduled_merge"):
                return self.error(409, "pull request is already scheduled to auto merge when checks succeed")
            pr["scheduled_merge"] = {"style": style, "delete": bool(payload.get("delete_branch_after_merge"))}
            pr.setdefault("timeline", []).append(("pull_scheduled_merge", "promote-bot"))
            # Gitea answers 201 here, a status its description leaves out: Prism's validating proxy would
            # replace it with an error, so 200 (the description's) — the provider reads the pull request
            # after the merge call either way, not the status.
            return self.send(200)
        if payload.get("head_commit_id") and payload["head_commit_id"] != head:
            return self.error(409, "head out of date")
        title = payload.get("MergeTitleField") or (
            "Merge pull request '%s' (#%s) from %s into %s" % (pr["title"], number, pr["head"], pr["base"])
            if style == "merge" else "%s (#%s)" % (pr["title"], number))
        if st.merge(pr, "merge" if style == "merge" else "squash", title) is None:
            pr["mergeable"] = False
            return self.send(409, {"message": "Merge Conflict", "url": "https://gitea.example/api/swagger"})
        if payload.get("delete_branch_after_merge"):
            st.git("update-ref", "-d", "refs/heads/" + pr["head"])
        return self.send(200)

    def create_review(self, query, payload, number):
        st = self.state
        pr = self.pull(number)
        if not pr:
            return self.error(404, self.NO_PULL)
        payload = payload or {}
        event = payload.get("event", "")
        if event not in ("APPROVED", "REQUEST_CHANGES", "COMMENT", "PENDING"):
            return self.error(422, "review event invalid")
        review = copy.deepcopy(recorded("review.json"))
        review.update(id=len(pr["reviews"]) + 1, user=_user(payload.get("_as", "reviewer")), state=event,
                      commit_id=st.tip(pr["head"]), body=payload.get("body", ""), dismissed=False)
        pr["reviews"].append(review)
        return self.send(200, review)

    def get_branch(self, query, payload, name):
        """GET .../branches/{branch} ("Branch"): with the protection's status checks as Gitea says them."""
        st = self.state
        sha = st.tip(name)
        if not sha:
            return self.error(404, "branch does not exist")
        who = {"name": "GitHub", "email": "noreply@github.com", "username": "ci"}
        protected = bool(st.required_checks)
        return self.send(200, {
            "name": name, "protected": protected, "effective_branch_protection_name": name if protected else "",
            "enable_status_check": protected, "status_check_contexts": list(st.required_checks),
            "required_approvals": 0, "user_can_push": not protected, "user_can_merge": True,
            "commit": {"id": sha, "message": st.git("log", "-1", "--format=%B", sha), "author": who,
                       "committer": who, "timestamp": "2026-12-05T12:00:00Z", "added": [], "removed": [],
                       "modified": [], "url": "https://gitea.example/%s/%s/commit/%s" % (st.owner, st.repo, sha)}})

    def timeline(self, query, payload, number):
        """GET .../issues/{index}/timeline ("TimelineList"): the scheduled merges and their cancelling."""
        pr = self.pull(number)
        if not pr:
            return self.error(404, "issue does not exist")
        out = []
        for i, (kind, login) in enumerate(pr.get("timeline", []), 1):
            event = {k: v for k, v in recorded("comment.json").items() if k in ("id", "body", "created_at", "updated_at")}
            event.update(id=500 + i, type=kind, body="", user=_user(login),
                         html_url="https://gitea.example/%s/%s/pulls/%s#issuecomment-%d" % (
                             self.state.owner, self.state.repo, number, 500 + i),
                         issue_url="https://gitea.example/%s/%s/issues/%s" % (self.state.owner, self.state.repo, number))
            out.append(without_nulls(event))
        return self.send(200, out)

    # ---- labels and comments -----------------------------------------------------------------
    def list_labels(self, query, payload):
        st = self.state
        return self.send(200, [_label(st, name) for name in sorted(st.labels, key=st.labels.get)])

    def create_label(self, query, payload):
        st = self.state
        payload = payload or {}
        if not payload.get("name") or not payload.get("color"):
            return self.error(422, "[Name]: Required" if not payload.get("name") else "[Color]: Required")
        if payload["name"] not in st.labels:
            st.labels[payload["name"]] = len(st.labels) + 1
        return self.send(201, _label(st, payload["name"]))

    def add_labels(self, query, payload, number):
        st = self.state
        pr = self.pull(number)
        if not pr:
            return self.error(404, "issue does not exist")
        names = {v: k for k, v in st.labels.items()}
        for label in (payload or {}).get("labels", []):
            if label not in names:
                return self.error(422, "label does not exist [id: %s]" % label)
            if names[label] not in pr["labels"]:
                pr["labels"].append(names[label])
        return self.send(200, [_label(st, name) for name in pr["labels"]])

    def add_comment(self, query, payload, number):
        pr = self.pull(number)
        if not pr:
            return self.error(404, "issue does not exist")
        comment = copy.deepcopy(recorded("comment.json"))
        comment.update(id=len(pr["comments"]) + 1, user=_user("promote-bot"), body=(payload or {}).get("body", ""))
        pr["comments"].append(comment)
        return self.send(201, comment)

    # ---- checks and compare ------------------------------------------------------------------
    def combined_status(self, query, payload, ref):
        st = self.state
        sha = st.tip(ref) or ref
        state = st.statuses.get(sha)
        statuses = []
        if state:
            status = copy.deepcopy(recorded("status.json"))
            status.update(status=state, context="ci/test", creator=_user("ci"))
            statuses.append(status)
        # Gitea answers a commit without statuses with an empty combined status (state "").
        return self.send(200, {"state": state or "", "sha": sha, "total_count": len(statuses), "statuses": statuses,
                               "commit_url": "https://gitea.example/api/v1/repos/%s/%s/git/commits/%s"
                                             % (st.owner, st.repo, sha),
                               "url": "https://gitea.example/api/v1/repos/%s/%s/commits/%s/status"
                                      % (st.owner, st.repo, sha)})

    def compared(self, basehead, base_sha, head_sha, shas, names):
        st = self.state
        commits = []
        for sha in shas:
            commit = copy.deepcopy(recorded("commit.json"))
            names = st.git("diff-tree", "--no-commit-id", "--name-only", "-r", "--root", sha).splitlines()
            commit.update(sha=sha, files=[{"filename": n, "status": "modified"} for n in names])
            commits.append(without_nulls(commit))
        return self.send(200, {"total_commits": len(commits), "commits": commits})


class GiteaServer(GitHubServer):
    STATE = GiteaState
    HANDLER = GiteaHandler

    def __init__(self, repo_path, owner="org", repo="gitops", token="gitea_testtoken"):
        super().__init__(repo_path, owner, repo, token)

    def reset(self, repo_path, owner="org", repo="gitops", token="gitea_testtoken"):
        super().reset(repo_path, owner, repo, token)

    def set_checks(self, sha, state):
        """A commit status on `sha`: "pending", "success", "warning", "error" or "failure"."""
        with self.state.lock:
            self.state.statuses[sha] = state
            for pr in list(self.state.pulls.values()):
                self.state.auto_merge(pr)

