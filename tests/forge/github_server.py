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
`mergeable_state` (clean unless a test sets it, or branch protection blocks
it: `required_approvals`), its auto-merge and its place in the merge queue
(`merge_queue`: a direct merge is refused, 405, as GitHub does).

GraphQL (POST /graphql, which the REST description does not cover): every
request is checked against GitHub's official GraphQL schema by graphql-js
(graphql_check.cjs; a request out of it is answered with GitHub's kind of
error and kept in `graphql_violations`), and every answer is the query
executed by graphql-js over the state, so its shape is the schema's. It
turns auto-merge on (enablePullRequestAutoMerge), adds to the merge queue
(enqueuePullRequest), reads a pull request's queue entry, and marks a draft
ready (markPullRequestReadyForReview). Like GitHub, it merges by itself a
pull request whose auto-merge is on once protection is satisfied and its
checks pass, and the queue when a test says (process_merge_queue()). A merge checks the `sha`
given against the head branch's tip in the bare repository (409 "Head
branch was modified" when it moved), refuses a pull request that is not
mergeable (405), and then really merges in the repository with the git CLI
(a merge commit, or one commit for squash and rebase) and moves the base
branch. Every request must carry "Authorization: Bearer TOKEN" (401
otherwise). Standard library only.
"""

import base64
import copy
import json
import os
import pathlib
import re
import subprocess
import time
import urllib.parse

from forge_server import ForgeHandler, ForgeServer, ForgeState

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE.parent / "data" / "go-scm" / "scm" / "driver" / "github" / "testdata"
IDENTITY = ["-c", "user.name=GitHub", "-c", "user.email=noreply@github.com"]
TOOLS = pathlib.Path(os.environ.get("PROMOTE_FORGE_TOOLS") or HERE.parents[1] / "build-tools")
GRAPHQL_TOOLS = TOOLS / "graphql"


def pull_node_id(number):
    """A pull request's global node id, as GitHub's legacy ones are made ("PullRequest" + number)."""
    return base64.b64encode(("012:PullRequest%d" % number).encode()).decode()


class GraphQLChecker:
    """graphql_check.cjs as a child process (GitHub's schema loads once, in about a second)."""

    def __init__(self):
        self.process = None

    def ask(self, request):
        if self.process is None:
            if not (GRAPHQL_TOOLS / "node_modules" / "graphql").exists():
                raise RuntimeError("GitHub's GraphQL schema and graphql-js are missing from %s: run `bash .ci/setup "
                                   "build`, or set PROMOTE_FORGE_TOOLS" % GRAPHQL_TOOLS)
            self.process = subprocess.Popen(["node", str(HERE / "graphql_check.cjs"), str(GRAPHQL_TOOLS)],
                                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            json.loads(self.process.stdout.readline())  # {"ready": true}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self):
        if self.process:
            self.process.stdin.close()
            self.process.wait(10)
            self.process = None


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
        self.required_approvals = 0  # branch protection: approvals a merge needs ("blocked" until then)
        self.merge_queue = False     # branch protection: merges only through the merge queue
        self.graphql_requests = []   # (operation, variables) of every valid GraphQL request
        self.graphql_violations = []  # [query, [messages]] of every GraphQL request out of the schema
        self.queue = []              # numbers of the pull requests in the merge queue, first first

    def record(self, method, path, headers, query, body):
        # (method, path, headers dict, body, time.monotonic()) of every request
        self.requests.append((method, path, headers, body, time.monotonic()))

    # ---- branch protection and GitHub's own merges --------------------------------------------
    def approvals(self, pr):
        return sum(1 for review in pr["reviews"] if review["state"] == "APPROVED")

    def mergeable_state(self, pr):
        """What GitHub says: the state a test set, else "blocked" while protection is not satisfied."""
        if pr["mergeable_state"] != "clean":
            return pr["mergeable_state"]
        if self.approvals(pr) < self.required_approvals:
            return "blocked"
        return "clean"

    def review(self, pr, login, event, body=""):
        """A review of `pr` by `login` (event APPROVE, REQUEST_CHANGES or COMMENT), as GitHub keeps it."""
        review = copy.deepcopy(recorded("reviews_list.json")[0])
        review.update(id=len(pr["reviews"]) + 1, user=_user(login),
                      state={"APPROVE": "APPROVED", "REQUEST_CHANGES": "CHANGES_REQUESTED"}.get(event, "COMMENTED"),
                      commit_id=self.tip(pr["head"]), body=body, author_association="COLLABORATOR")
        pr["reviews"].append(review)
        return review

    def checks_green(self, pr):
        sha = self.tip(pr["head"])
        return self.statuses.get(sha, "success") == "success" and self.check_runs.get(sha, "success") == "success"

    def merge(self, pr, method):
        """Merge `pr` in the repository as GitHub does: the merge commit's sha, or None for a conflict."""
        head, base = self.tip(pr["head"]), self.tip(pr["base"])
        tree = self.git("merge-tree", "--write-tree", base, head, check=False)
        if tree is None:
            pr["mergeable_state"] = "dirty"
            return None
        number = pr["number"]
        title = "Merge pull request #%s from %s/%s" % (number, self.owner, pr["head"]) if method == "merge" \
            else "%s (#%s)" % (pr["title"], number)
        parents = ["-p", base] + (["-p", head] if method == "merge" else [])
        commit = self.git("commit-tree", tree.splitlines()[0], *parents, "-m", title)
        self.git("update-ref", "refs/heads/" + pr["base"], commit, base)
        pr.update(state="merged", merge_commit_sha=commit, merged_at="2026-12-05T12:00:00Z",
                  closed_at="2026-12-05T12:00:00Z", head_sha_at_close=head, auto_merge=None)
        return commit

    def tick(self):
        """GitHub's auto-merge: an open pull request whose auto-merge is on is merged (or, with a merge queue,
        queued) once its reviews are there and its checks pass."""
        for pr in self.pulls.values():
            if pr["state"] != "open" or not pr.get("auto_merge") or pr["draft"] or not self.checks_green(pr):
                continue
            if self.approvals(pr) < self.required_approvals or pr["mergeable_state"] != "clean":
                continue
            if self.merge_queue:
                if pr["number"] not in self.queue:
                    self.queue.append(pr["number"])
            else:
                self.merge(pr, pr["auto_merge"]["merge_method"])

    def process_merge_queue(self):
        """The merge queue's turn: every pull request in it merged, in order."""
        with self.lock:
            for number in self.queue:
                self.merge(self.pulls[number], "merge")
            self.queue = []


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
    auto_merge = pr.get("auto_merge") and dict(enabled_by=_user(pr["auto_merge"]["enabled_by"]),
                                               merge_method=pr["auto_merge"]["merge_method"],
                                               commit_title="", commit_message="")
    body.update(
        id=number, number=number, node_id=pull_node_id(number), title=pr["title"], body=pr["body"], draft=pr["draft"],
        state="open" if pr["state"] == "open" else "closed", merged=pr["state"] == "merged",
        merge_commit_sha=pr.get("merge_commit_sha"), labels=_labels(pr["labels"]),
        url="%s/pulls/%d" % (api, number), html_url="https://github.com/%s/pull/%d" % (full, number),
        issue_url="%s/issues/%d" % (api, number), author_association="CONTRIBUTOR", auto_merge=auto_merge or None,
        review_comments=0, comments=len(pr["comments"]), closed_at=pr.get("closed_at"), merged_at=pr.get("merged_at"),
        mergeable=pr["mergeable_state"] != "dirty", mergeable_state=state.mergeable_state(pr),
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
        st.tick()
        if method == "POST" and path == "/graphql":
            return self.graphql(payload or {})
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
        if st.merge_queue and pr["state"] == "open":
            return self.error(405, "Pull Request is in the merge queue" if int(number) in st.queue
                              else "Changes must be made through the merge queue")
        if pr["state"] != "open" or pr["draft"] or st.mergeable_state(pr) in ("dirty", "blocked"):
            return self.error(405, "Pull Request is not mergeable")
        if payload.get("sha") and payload["sha"] != st.tip(pr["head"]):
            return self.error(409, "Head branch was modified. Review and try the merge again.")
        commit = st.merge(pr, payload.get("merge_method", "merge"))
        if commit is None:
            return self.error(405, "Pull Request is not mergeable")
        return self.send(200, {"sha": commit, "merged": True, "message": "Pull Request successfully merged"})

    def list_reviews(self, query, payload, number):
        pr = self.pull(number)
        return self.send(200, pr["reviews"]) if pr else self.error(404, "Not Found")

    def create_review(self, query, payload, number):
        st = self.state
        pr = self.pull(number)
        if not pr:
            return self.error(404, "Not Found")
        payload = payload or {}
        return self.send(200, st.review(pr, payload.get("_as", "reviewer"), payload.get("event", "COMMENT"),
                                        payload.get("body", "")))

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

    # ---- GraphQL -----------------------------------------------------------------------------
    def graphql(self, payload):
        st = self.state
        query, variables = payload.get("query") or "", payload.get("variables") or {}
        checked = self.checker.ask({"query": query, "variables": variables})
        if checked["errors"]:
            st.graphql_violations.append([query, checked["errors"]])
            return self.send(200, {"errors": [{"message": m} for m in checked["errors"]]})
        operation, arguments = checked["operation"], checked["arguments"]
        st.graphql_requests.append((operation, arguments))
        answer = getattr(self, "gql_" + operation, None)
        if not answer:
            st.graphql_violations.append([query, ["this test server does not answer %s" % operation]])
            return self.send(200, {"errors": [{"message": "not answered here: " + operation}]})
        root, refused = answer(arguments.get("input") or arguments)
        if refused:  # GitHub's way: 200, the field null, the reason in "errors"
            return self.send(200, {"data": {operation: None}, "errors": [
                {"type": refused[0], "path": [operation], "locations": [{"line": 1, "column": 1}],
                 "message": refused[1]}]})
        result = self.checker.ask({"query": query, "variables": variables, "root": {operation: root}})
        if "errors" in result:
            st.graphql_violations.append([query, result["errors"]])
        return self.send(200, result)

    def graphql_pull(self, node_id):
        for pr in self.state.pulls.values():
            if pull_node_id(pr["number"]) == node_id:
                return pr
        return None

    def queue_entry(self, pr):
        st = self.state
        if pr["number"] not in st.queue:
            return None
        return {"position": st.queue.index(pr["number"]) + 1, "state": "QUEUED" if st.checks_green(pr)
                else "AWAITING_CHECKS"}

    def gql_node(self, args):
        pr = self.graphql_pull(args["id"])
        if not pr:
            return None, ("NOT_FOUND", "Could not resolve to a node with the global id of '%s'" % args["id"])
        return {"__typename": "PullRequest", "isInMergeQueue": pr["number"] in self.state.queue,
                "mergeQueueEntry": self.queue_entry(pr)}, None

    def guarded_pull(self, args):
        """The open pull request of a mutation's input, and its refusal (GitHub's words) when there is one."""
        pr = self.graphql_pull(args["pullRequestId"])
        if not pr:
            return None, ("NOT_FOUND", "Could not resolve to a node with the global id of '%s'" % args["pullRequestId"])
        if pr["state"] != "open":
            return pr, ("UNPROCESSABLE", "Pull request is closed")
        if args.get("expectedHeadOid") and args["expectedHeadOid"] != self.state.tip(pr["head"]):
            return pr, ("UNPROCESSABLE", "Head sha didn't match expected head oid")
        return pr, None

    def gql_enablePullRequestAutoMerge(self, args):
        st = self.state
        pr, refused = self.guarded_pull(args)
        if not refused and st.mergeable_state(pr) == "clean":
            refused = ("UNPROCESSABLE", "Pull request is in clean status")
        if refused:
            return None, refused
        pr["auto_merge"] = {"merge_method": args.get("mergeMethod", "MERGE").lower(), "enabled_by": "promote-bot"}
        return {"pullRequest": {"autoMergeRequest": {"enabledAt": "2026-12-05T12:00:00Z"}}}, None

    def gql_enqueuePullRequest(self, args):
        st = self.state
        pr, refused = self.guarded_pull(args)
        if not refused and not st.merge_queue:
            refused = ("UNPROCESSABLE", "Pull request can't be enqueued: the base branch has no merge queue")
        if refused:
            return None, refused
        if pr["number"] not in st.queue:
            st.queue.append(pr["number"])
        return {"mergeQueueEntry": self.queue_entry(pr)}, None

    def gql_markPullRequestReadyForReview(self, args):
        pr, refused = self.guarded_pull(args)
        if refused:
            return None, refused
        pr["draft"] = False
        return {"pullRequest": {"isDraft": False}}, None


class GitHubServer(ForgeServer):
    """The server on a free port of 127.0.0.1, in a thread of the test's process."""

    HANDLER = Handler
    FAULT_BODY = {"message": "injected", "documentation_url": ""}

    def __init__(self, repo_path, owner="org", repo="gitops", token="ghp_testtoken"):
        self.checker = GraphQLChecker()
        super().__init__(GitHubState(repo_path, owner, repo, token))
        self.handler.checker = self.checker

    def __exit__(self, *exc):
        super().__exit__(*exc)
        self.checker.close()

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
