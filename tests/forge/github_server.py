"""A small stateful GitHub REST server for tests, over a real bare git repository.

    with GitHubServer(bare_repo_path, owner="org", repo="gitops", token="t0ken") as gh:
        gh.url                       # http://127.0.0.1:PORT (the API's base)
        gh.set_checks(sha, "pending") # a commit status and a check run on a commit
        gh.fail_once("PUT", r"/merge$", 429, {"Retry-After": "1"})

It answers the operations the github provider uses (tests/forge/github-paths.txt)
in the shapes of GitHub's official description: every body starts from a
response GitHub really sent (tests/data/go-scm/.../testdata, recorded by
go-scm) with the live state written over it, and the fields the description
requires that the recording predates added (node_id, author_association,
auto_merge, ...). It runs behind Prism's validating proxy in the tests
(prism.py), so a shape invented here fails the test that sees it.

State: pull requests (open, draft, labels, reviews, comments, closed,
merged), commit statuses and check runs per commit, each pull request's
`mergeable_state` (clean unless a test sets it). A merge checks the `sha`
given against the head branch's tip in the bare repository (409 "Head
branch was modified" when it moved), refuses a pull request that is not
mergeable (405), and then really merges in the repository with the git CLI
(a merge commit, or one commit for squash and rebase) and moves the base
branch. Every request must carry "Authorization: Bearer TOKEN" (401
otherwise). Standard library only.
"""

import copy
import json
import pathlib
import re
import time
import urllib.parse

from forge_server import ForgeHandler, ForgeServer, ForgeState

DATA = pathlib.Path(__file__).resolve().parents[1] / "data" / "go-scm" / "scm" / "driver" / "github" / "testdata"
IDENTITY = ["-c", "user.name=GitHub", "-c", "user.email=noreply@github.com"]
NODE_ID = "MDExOlB1bGxSZXF1ZXN0MQ=="


def recorded(name):
    with open(DATA / name, encoding="utf-8") as f:
        return json.load(f)


class GitHubState(ForgeState):
    """What the server knows; tests read and change it directly (under `lock`)."""

    IDENTITY = IDENTITY

    def __init__(self, repo_path, owner, repo, token):
        super().__init__(repo_path, token)
        self.owner, self.repo = owner, repo
        self.pulls = {}          # number -> dict (our own fields, not GitHub's shape)
        self.statuses = {}       # sha -> "pending" | "success" | "failure"
        self.check_runs = {}     # sha -> "queued" | "success" | "failure"
        self.next_number = 1
        self.merge_calls = 0
        self.checks_on_open = None  # "pending": a new pull request's head gets a pending status and check run

    def record(self, method, path, headers, query, body):
        # (method, path, headers dict, body, time.monotonic()) of every request
        self.requests.append((method, path, headers, body, time.monotonic()))


def _user(login):
    user = copy.deepcopy(recorded("pr.json")["user"])
    user.update(login=login, url="https://api.github.com/users/" + login, html_url="https://github.com/" + login)
    user.setdefault("node_id", "MDQ6VXNlcjE=")
    return user


def _repository(state):
    repo = copy.deepcopy(recorded("pr.json")["base"]["repo"])
    full = "%s/%s" % (state.owner, state.repo)
    repo.update(name=state.repo, full_name=full, owner=_user(state.owner),
                url="https://api.github.com/repos/" + full, html_url="https://github.com/" + full)
    # Required by the current description, absent from the recording.
    for key, value in (("node_id", "MDEwOlJlcG9zaXRvcnkxMjk2MjY5"), ("forks", 0), ("has_projects", True),
                       ("license", None), ("open_issues", 0), ("watchers", 0), ("disabled", False)):
        repo.setdefault(key, value)
    return repo


def _labels(names):
    template = recorded("pr.json")["labels"][0]
    out = []
    for i, name in enumerate(names):
        label = copy.deepcopy(template)
        label.update(id=1000 + i, name=name, url="https://api.github.com/repos/labels/" + urllib.parse.quote(name),
                     default=False)
        out.append(label)
    return out


def pull_body(state, pr):
    """One pull request in the shape of GET /repos/{owner}/{repo}/pulls/{number} ("pull-request")."""
    body = copy.deepcopy(recorded("pr.json"))
    number = pr["number"]
    full = "%s/%s" % (state.owner, state.repo)
    api = "https://api.github.com/repos/%s" % full
    head_sha = state.tip(pr["head"]) or pr.get("head_sha_at_close") or "0" * 40
    base_sha = state.tip(pr["base"]) or "0" * 40
    body.update(
        id=number, number=number, node_id=NODE_ID, title=pr["title"], body=pr["body"], draft=pr["draft"],
        state="open" if pr["state"] == "open" else "closed", merged=pr["state"] == "merged",
        merge_commit_sha=pr.get("merge_commit_sha"), labels=_labels(pr["labels"]),
        url="%s/pulls/%d" % (api, number), html_url="https://github.com/%s/pull/%d" % (full, number),
        issue_url="%s/issues/%d" % (api, number), author_association="CONTRIBUTOR", auto_merge=None,
        review_comments=0, comments=len(pr["comments"]), closed_at=pr.get("closed_at"), merged_at=pr.get("merged_at"),
        mergeable=pr["mergeable_state"] != "dirty", mergeable_state=pr["mergeable_state"],
        user=_user("promote-bot"), merged_by=_user("promote-bot") if pr["state"] == "merged" else None,
        # No milestone, assignee or requested reviewer here (the recording's predate node_id).
        milestone=None, assignee=None, assignees=[], requested_reviewers=[], requested_teams=[])
    repo = _repository(state)
    for side, branch, sha in (("head", pr["head"], head_sha), ("base", pr["base"], base_sha)):
        body[side].update(ref=branch, sha=sha, label="%s:%s" % (state.owner, branch), repo=repo,
                          user=_user(state.owner))
    return body


def simple_pull_body(state, pr):
    """The "pull-request-simple" shape of GET .../pulls (a list)."""
    body = pull_body(state, pr)
    for key in ("merged", "mergeable", "rebaseable", "mergeable_state", "merged_by", "comments", "review_comments",
                "maintainer_can_modify", "commits", "additions", "deletions", "changed_files"):
        body.pop(key, None)
    return body


class Handler(ForgeHandler):
    content_type = "application/json; charset=utf-8"

    def error(self, status, message, **extra):
        body = {"message": message, "documentation_url": "https://docs.github.com/rest", **extra}
        self.send(status, body)

    def bad_json(self):
        return self.error(400, "Problems parsing JSON")

    def answer(self, method, path, query, payload):
        st = self.state
        if self.headers.get("Authorization") != "Bearer " + st.token:
            return self.error(401, "Bad credentials")
        prefix = "/repos/%s/%s" % (st.owner, st.repo)
        if not path.startswith(prefix + "/"):
            return self.error(404, "Not Found")
        return self.route(method, path[len(prefix):], query, payload)

    def route(self, method, path, query, payload):
        routes = (
            ("GET", r"/pulls", self.list_pulls),
            ("POST", r"/pulls", self.create_pull),
            ("GET", r"/pulls/(\d+)", self.get_pull),
            ("PATCH", r"/pulls/(\d+)", self.update_pull),
            ("PUT", r"/pulls/(\d+)/merge", self.merge_pull),
            ("GET", r"/pulls/(\d+)/reviews", self.list_reviews),
            ("POST", r"/pulls/(\d+)/reviews", self.create_review),
            ("POST", r"/issues/(\d+)/labels", self.add_labels),
            ("POST", r"/issues/(\d+)/comments", self.add_comment),
            ("GET", r"/commits/([^/]+)/status", self.combined_status),
            ("GET", r"/commits/([^/]+)/check-runs", self.check_runs),
            ("GET", r"/compare/(.+)", self.compare),
            ("DELETE", r"/git/refs/(.+)", self.delete_ref),
        )
        for verb, pattern, handler in routes:
            match = re.fullmatch(pattern, path)
            if verb == method and match:
                return handler(query, payload, *[urllib.parse.unquote(g) for g in match.groups()])
        return self.error(404, "Not Found")

    def pull(self, number):
        return self.state.pulls.get(int(number))

    # ---- pull requests -----------------------------------------------------------------------
    def list_pulls(self, query, payload):
        st = self.state
        wanted = query.get("state", "open")
        out = []
        for pr in sorted(st.pulls.values(), key=lambda p: p["number"]):
            state = "open" if pr["state"] == "open" else "closed"
            if wanted != "all" and state != wanted:
                continue
            if "head" in query and query["head"] != "%s:%s" % (st.owner, pr["head"]):
                continue
            if "base" in query and query["base"] != pr["base"]:
                continue
            out.append(simple_pull_body(st, pr))
        return self.send(200, out)

    def create_pull(self, query, payload):
        st = self.state
        payload = payload or {}
        missing = [k for k in ("head", "base") if not payload.get(k)]
        if missing:
            return self.error(422, "Validation Failed",
                              errors=[{"resource": "PullRequest", "field": k, "code": "missing_field"} for k in missing])
        head = payload["head"].split(":", 1)[-1]
        if not st.tip(head):
            return self.error(422, "Validation Failed",
                              errors=[{"resource": "PullRequest", "field": "head", "code": "invalid"}])
        for pr in st.pulls.values():
            if pr["state"] == "open" and pr["head"] == head and pr["base"] == payload["base"]:
                return self.error(422, "Validation Failed", errors=[{
                    "resource": "PullRequest", "code": "custom",
                    "message": "A pull request already exists for %s:%s." % (st.owner, head)}])
        number = st.next_number
        st.next_number += 1
        st.pulls[number] = pr = {
            "number": number, "title": payload.get("title", ""), "body": payload.get("body", ""), "head": head,
            "base": payload["base"], "draft": bool(payload.get("draft")), "state": "open", "labels": [],
            "reviews": [], "comments": [], "mergeable_state": "clean"}
        if st.checks_on_open:
            st.statuses[st.tip(head)] = st.checks_on_open
            st.check_runs[st.tip(head)] = "queued" if st.checks_on_open == "pending" else st.checks_on_open
        self.run_after("AFTER POST", "/pulls")
        return self.send(201, pull_body(st, pr))

    def get_pull(self, query, payload, number):
        pr = self.pull(number)
        return self.send(200, pull_body(self.state, pr)) if pr else self.error(404, "Not Found")

    def update_pull(self, query, payload, number):
        pr = self.pull(number)
        if not pr:
            return self.error(404, "Not Found")
        if (payload or {}).get("state") == "closed" and pr["state"] == "open":
            pr["state"] = "closed"
            pr["closed_at"] = "2026-12-05T12:00:00Z"
        return self.send(200, pull_body(self.state, pr))

    def merge_pull(self, query, payload, number):
        st = self.state
        st.merge_calls += 1
        pr = self.pull(number)
        payload = payload or {}
        if not pr:
            return self.error(404, "Not Found")
        if pr["state"] != "open" or pr["draft"] or pr["mergeable_state"] in ("dirty", "blocked"):
            return self.error(405, "Pull Request is not mergeable")
        head = st.tip(pr["head"])
        if payload.get("sha") and payload["sha"] != head:
            return self.error(409, "Head branch was modified. Review and try the merge again.")
        base = st.tip(pr["base"])
        tree = st.git("merge-tree", "--write-tree", base, head, check=False)
        if tree is None:
            pr["mergeable_state"] = "dirty"
            return self.error(405, "Pull Request is not mergeable")
        tree = tree.splitlines()[0]
        method = payload.get("merge_method", "merge")
        title = payload.get("commit_title") or (
            "Merge pull request #%s from %s/%s" % (number, st.owner, pr["head"]) if method == "merge"
            else "%s (#%s)" % (pr["title"], number))
        parents = ["-p", base] + (["-p", head] if method == "merge" else [])
        commit = st.git("commit-tree", tree, *parents, "-m", title)
        st.git("update-ref", "refs/heads/" + pr["base"], commit, base)
        pr.update(state="merged", merge_commit_sha=commit, merged_at="2026-12-05T12:00:00Z",
                  closed_at="2026-12-05T12:00:00Z", head_sha_at_close=head)
        return self.send(200, {"sha": commit, "merged": True, "message": "Pull Request successfully merged"})

    def list_reviews(self, query, payload, number):
        pr = self.pull(number)
        return self.send(200, pr["reviews"]) if pr else self.error(404, "Not Found")

    def create_review(self, query, payload, number):
        st = self.state
        pr = self.pull(number)
        if not pr:
            return self.error(404, "Not Found")
        event = (payload or {}).get("event", "COMMENT")
        review = copy.deepcopy(recorded("reviews_list.json")[0])
        review.update(id=len(pr["reviews"]) + 1, user=_user((payload or {}).get("_as", "reviewer")),
                      state={"APPROVE": "APPROVED", "REQUEST_CHANGES": "CHANGES_REQUESTED"}.get(event, "COMMENTED"),
                      commit_id=st.tip(pr["head"]), body=(payload or {}).get("body", ""),
                      author_association="COLLABORATOR")
        pr["reviews"].append(review)
        return self.send(200, review)

    def add_labels(self, query, payload, number):
        pr = self.pull(number)
        if not pr:
            return self.error(404, "Not Found")
        for name in (payload or {}).get("labels", []):
            if name not in pr["labels"]:
                pr["labels"].append(name)
        return self.send(200, _labels(pr["labels"]))

    def add_comment(self, query, payload, number):
        st = self.state
        pr = self.pull(number)
        if not pr:
            return self.error(404, "Not Found")
        comment = copy.deepcopy(recorded("issue_comment.json"))
        comment.update(user=_user("promote-bot"), id=len(pr["comments"]) + 1, body=(payload or {}).get("body", ""), node_id="MDEyOklzc3VlQ29tbWVudDE=",
                       issue_url="https://api.github.com/repos/%s/%s/issues/%s" % (st.owner, st.repo, number),
                       author_association="CONTRIBUTOR")
        pr["comments"].append(comment)
        return self.send(201, comment)

    # ---- checks ------------------------------------------------------------------------------
    def combined_status(self, query, payload, ref):
        st = self.state
        sha = st.tip(ref) or ref
        body = recorded("combined_status.json")
        state = st.statuses.get(sha)
        statuses = []
        if state:
            status = copy.deepcopy(body["statuses"][0])
            status.update(state=state, context="ci/test", node_id="MDEzOlN0YXR1c0NvbnRleHQx")
            statuses.append(status)
        body.update(sha=sha, state=state or "pending", statuses=statuses, total_count=len(statuses),
                    repository=_repository(st))
        # GitHub's documented quirk: no status at all reads "pending" with total_count 0.
        return self.send(200, body)

    def check_runs(self, query, payload, ref):
        st = self.state
        sha = st.tip(ref) or ref
        runs = []
        result = st.check_runs.get(sha)
        if result:
            completed = result in ("success", "failure")
            # No recorded check run exists in go-scm: every field the description requires, no more.
            runs.append({
                "id": 1, "node_id": "MDg6Q2hlY2tSdW4x", "head_sha": sha, "name": "build",
                "url": "https://api.github.com/repos/%s/%s/check-runs/1" % (st.owner, st.repo),
                "html_url": "https://github.com/%s/%s/runs/1" % (st.owner, st.repo), "details_url": None,
                "status": "completed" if completed else result, "conclusion": result if completed else None,
                "started_at": "2026-12-05T12:00:00Z", "completed_at": "2026-12-05T12:01:00Z" if completed else None,
                "external_id": None, "check_suite": {"id": 1}, "app": None, "pull_requests": [],
                "output": {"title": None, "summary": None, "text": None, "annotations_count": 0,
                           "annotations_url": "https://api.github.com/repos/%s/%s/check-runs/1/annotations"
                                              % (st.owner, st.repo)}})
        return self.send(200, {"total_count": len(runs), "check_runs": runs})

    def compare(self, query, payload, basehead):
        st = self.state
        base, _, head = basehead.partition("...")
        base_sha, head_sha = st.tip(base) or base, st.tip(head) or head
        if not base_sha or not head_sha or not st.git("cat-file", "-e", base_sha + "^{commit}", check=False) == "":
            return self.error(404, "Not Found")
        ahead = int(st.git("rev-list", "--count", "%s..%s" % (base_sha, head_sha)))
        behind = int(st.git("rev-list", "--count", "%s..%s" % (head_sha, base_sha)))
        names = st.git("diff", "--name-only", "%s...%s" % (base_sha, head_sha)).splitlines()
        commit = recorded("commit.json")
        commits = []
        for sha in st.git("rev-list", "--reverse", "%s..%s" % (base_sha, head_sha)).split():
            c = copy.deepcopy(commit)
            c.update(sha=sha, node_id="MDY6Q29tbWl0MQ==")
            c.pop("files", None)
            c.pop("stats", None)
            commits.append(c)
        base_commit = copy.deepcopy(commit)
        base_commit.update(sha=base_sha, node_id="MDY6Q29tbWl0MQ==")
        full = "https://github.com/%s/%s/compare/%s" % (st.owner, st.repo, basehead)
        files = [{"sha": "0" * 40, "filename": name, "status": "modified", "additions": 1, "deletions": 1,
                  "changes": 2, "blob_url": full, "raw_url": full, "contents_url": full} for name in names]
        return self.send(200, {
            "url": full, "html_url": full, "permalink_url": full, "diff_url": full + ".diff", "patch_url": full + ".patch",
            "base_commit": base_commit, "merge_base_commit": base_commit,
            "status": "identical" if ahead == 0 and behind == 0 else "ahead" if behind == 0 else "diverged",
            "ahead_by": ahead, "behind_by": behind, "total_commits": ahead, "commits": commits, "files": files})

    def delete_ref(self, query, payload, ref):
        st = self.state
        if not ref.startswith("heads/") or not st.tip(ref[len("heads/"):]):
            return self.error(422, "Reference does not exist")
        st.git("update-ref", "-d", "refs/" + ref)
        return self.send(204)


class GitHubServer(ForgeServer):
    """The server on a free port of 127.0.0.1, in a thread of the test's process."""

    HANDLER = Handler
    FAULT_BODY = {"message": "injected", "documentation_url": ""}

    def __init__(self, repo_path, owner="org", repo="gitops", token="ghp_testtoken"):
        super().__init__(GitHubState(repo_path, owner, repo, token))

    # ---- what tests change -------------------------------------------------------------------
    def reset(self, repo_path, owner="org", repo="gitops", token="ghp_testtoken"):
        """A fresh state (no pull requests, statuses or faults) over `repo_path`."""
        self.use_state(GitHubState(repo_path, owner, repo, token))

    def set_checks(self, sha, state):
        """A commit status and a check run on `sha`: "pending", "success" or "failure"."""
        with self.state.lock:
            self.state.statuses[sha] = state
            self.state.check_runs[sha] = "queued" if state == "pending" else state

    def pulls(self):
        with self.state.lock:
            return [dict(p) for p in self.state.pulls.values()]
