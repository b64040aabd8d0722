"""A small stateful GitLab REST API v4 server for tests, over a real bare git repository, that checks
every request it gets.

    with GitLabServer(bare_repo_path, project="git/gitops", token="glpat-t0ken") as gl:
        gl.url                              # http://127.0.0.1:PORT/api/v4 (the API's base)
        gl.set_pipeline(sha, "running")     # the head pipeline of a commit
        gl.fail_once("PUT", r"/merge$", 429, {"Retry-After": "1"})

GitLab's official OpenAPI description is not obtainable here, so the contract is held two ways:
- every answer starts from a response GitLab really sent, recorded by go-scm
  (tests/data/go-scm/scm/driver/gitlab/testdata: pr_create.json for a merge request and its
  pipeline, merges.json for a list's item, compare.json, merge_note.json), with the live state
  written over it and the fields GitLab added since (draft, detailed_merge_status, head_pipeline,
  has_conflicts, ...) set as GitLab's API documentation describes them;
- every request is checked against GitLab's documented parameters (REQUESTS below: the method,
  the path with the project's URL-encoded path, each query or JSON body parameter's name and
  type, the required ones): an unknown parameter, a wrong type or a missing required one is
  answered 400 the way GitLab's API answers ({"error": "..."}) and logged in `violations`, which
  the tests assert empty. The server is stricter than GitLab (which ignores unknown parameters)
  on purpose: a call we send wrongly fails the test that makes it.

State: merge requests (open, draft by title, labels, approvals, notes, closed, merged), the head
pipeline of each commit, the project's "pipelines must succeed" setting, what
detailed_merge_status says (computed as GitLab does, or set by a test). A merge checks the `sha`
against the source branch's tip (409 "SHA does not match HEAD of source branch"), refuses a merge
request that cannot be accepted (405), sets "merge when pipeline succeeds" when asked while the
pipeline runs (and merges when the test makes it succeed, if the head did not move), and merges
in the repository with the git CLI. Every request must carry "PRIVATE-TOKEN: TOKEN" (401
otherwise). Standard library only.
"""

import copy
import json
import pathlib
import re
import time
import urllib.parse

from forge_server import ForgeHandler, ForgeServer, ForgeState

DATA = pathlib.Path(__file__).resolve().parents[1] / "data" / "go-scm" / "scm" / "driver" / "gitlab" / "testdata"
IDENTITY = ["-c", "user.name=GitLab", "-c", "user.email=noreply@gitlab.com"]
NOW = "2026-12-05T12:00:00.000Z"
RUNNING = ("created", "waiting_for_resource", "preparing", "pending", "running", "manual", "scheduled")


def recorded(name):
    with open(DATA / name, encoding="utf-8") as f:
        return json.load(f)


# ---- the documented requests --------------------------------------------------------------------
# (method, path pattern under /projects/:id) -> (where the parameters are, {name: type}, required).
# Types: "string", "integer", "boolean", or a tuple of allowed strings. From GitLab's REST API
# documentation (doc/api/merge_requests.md, merge_request_approvals.md, notes.md, repositories.md).
MR_STATES = ("opened", "closed", "locked", "merged", "all")
REQUESTS = {
    ("GET", r"/merge_requests"): ("query", {
        "state": MR_STATES, "source_branch": "string", "target_branch": "string", "labels": "string",
        "per_page": "integer", "page": "integer", "order_by": ("created_at", "updated_at", "title"),
        "sort": ("asc", "desc"), "with_labels_details": "boolean", "view": ("simple",)}, ()),
    ("POST", r"/merge_requests"): ("body", {
        "source_branch": "string", "target_branch": "string", "title": "string", "description": "string",
        "labels": "string", "assignee_id": "integer", "assignee_ids": "array", "reviewer_ids": "array",
        "milestone_id": "integer", "remove_source_branch": "boolean", "squash": "boolean",
        "allow_collaboration": "boolean", "target_project_id": "integer"},
        ("source_branch", "target_branch", "title")),
    ("GET", r"/merge_requests/(\d+)"): ("query", {
        "render_html": "boolean", "include_diverged_commits_count": "boolean",
        "include_rebase_in_progress": "boolean"}, ()),
    ("PUT", r"/merge_requests/(\d+)"): ("body", {
        "title": "string", "description": "string", "state_event": ("close", "reopen"), "labels": "string",
        "add_labels": "string", "remove_labels": "string", "target_branch": "string",
        "remove_source_branch": "boolean", "squash": "boolean", "discussion_locked": "boolean",
        "assignee_ids": "array", "reviewer_ids": "array", "milestone_id": "integer"}, ()),
    ("PUT", r"/merge_requests/(\d+)/merge"): ("body", {
        "merge_commit_message": "string", "squash_commit_message": "string", "squash": "boolean",
        "should_remove_source_branch": "boolean", "merge_when_pipeline_succeeds": "boolean",
        "auto_merge": "boolean", "sha": "string"}, ()),
    ("GET", r"/merge_requests/(\d+)/approvals"): ("query", {}, ()),
    ("POST", r"/merge_requests/(\d+)/approve"): ("body", {"sha": "string", "approval_password": "string"}, ()),
    ("POST", r"/merge_requests/(\d+)/notes"): ("body", {
        "body": "string", "internal": "boolean", "created_at": "string",
        "merge_request_diff_head_sha": "string"}, ("body",)),
    ("GET", r"/repository/compare"): ("query", {
        "from": "string", "to": "string", "straight": "boolean", "from_project_id": "integer",
        "unidiff": "boolean"}, ("from", "to")),
}


def check_parameters(kind, allowed, required, values):
    """The first problem with `values` (a query's strings or a JSON body), GitLab's words, or None."""
    if kind == "body" and values is not None and not isinstance(values, dict):
        return "the body is not a JSON object"
    values = values or {}
    for name in required:
        if name not in values or values[name] in ("", None):
            return "%s is missing" % name
    for name, value in values.items():
        if name not in allowed:
            return "%s is not a parameter of this endpoint" % name
        want = allowed[name]
        if kind == "query":
            ok = (want == "string" or (want == "integer" and value.isdigit()) or
                  (want == "boolean" and value in ("true", "false")) or
                  (isinstance(want, tuple) and value in want))
        else:
            ok = ((want == "string" and isinstance(value, str)) or
                  (want == "integer" and isinstance(value, int) and not isinstance(value, bool)) or
                  (want == "boolean" and isinstance(value, bool)) or
                  (want == "array" and isinstance(value, list)) or
                  (isinstance(want, tuple) and value in want))
        if not ok:
            return "%s is invalid" % name
    return None


class GitLabState(ForgeState):
    """What the server knows; tests read and change it directly (under `lock`)."""

    IDENTITY = IDENTITY

    def __init__(self, repo_path, project, token):
        super().__init__(repo_path, token)
        self.project = project
        self.project_id = 4711
        self.mrs = {}               # iid -> dict (our own fields, not GitLab's shape)
        self.pipelines = {}         # sha -> status
        self.pipelines_must_succeed = True  # only_allow_merge_if_pipeline_succeeds
        self.violations = []        # requests out of the documented API
        self.next_iid = 1
        self.merge_calls = 0
        self.pipeline_on_open = None  # "running": a new merge request's head gets a running pipeline

    def record(self, method, path, headers, query, body):
        # (method, path, headers dict, query dict, body, time.monotonic()) of every request
        self.requests.append((method, path, headers, query, body, time.monotonic()))

    # ---- what GitLab computes ---------------------------------------------------------------
    def head_sha(self, mr):
        return self.tip(mr["source"]) or mr.get("head_at_close") or "0" * 40

    def draft(self, mr):
        return bool(re.match(r"(?i)^\s*(draft:|\[draft\]|\(draft\))", mr["title"]))

    def detailed_merge_status(self, mr):
        """As GitLab decides it (its order of checks), unless a test set one."""
        if mr["state"] != "opened":
            return "not_open"
        if mr.get("detailed_override"):
            return mr["detailed_override"]
        if self.draft(mr):
            return "draft_status"
        if mr.get("conflict"):
            return "conflict"
        status = self.pipelines.get(self.head_sha(mr))
        if self.pipelines_must_succeed and status in RUNNING:
            return "ci_still_running"
        if self.pipelines_must_succeed and status in ("failed", "canceled"):
            return "ci_must_pass"
        return "mergeable"

    def merge(self, mr, squash, remove_source):
        """The merge itself, in the repository; None when git finds a conflict."""
        head, base = self.tip(mr["source"]), self.tip(mr["target"])
        tree = self.git("merge-tree", "--write-tree", base, head, check=False)
        if tree is None:
            mr["conflict"] = True
            return None
        tree = tree.splitlines()[0]
        if squash:
            commit = self.git("commit-tree", tree, "-p", base, "-m", mr["title"])
            mr["squash_commit_sha"] = commit
        else:
            commit = self.git("commit-tree", tree, "-p", base, "-p", head, "-m",
                              "Merge branch '%s' into '%s'\n\n%s\n\nSee merge request %s!%d"
                              % (mr["source"], mr["target"], mr["title"], self.project, mr["iid"]))
            mr["merge_commit_sha"] = commit
        self.git("update-ref", "refs/heads/" + mr["target"], commit, base)
        mr.update(state="merged", merged_at=NOW, head_at_close=head, auto_merge=None)
        if remove_source:
            self.git("update-ref", "-d", "refs/heads/" + mr["source"])
        return commit

    def pipeline_changed(self, sha):
        """GitLab's "merge when pipeline succeeds": a merge request waiting on `sha`'s pipeline."""
        for mr in self.mrs.values():
            auto = mr.get("auto_merge")
            if mr["state"] != "opened" or not auto or self.pipelines.get(sha) not in ("success", "failed", "canceled"):
                continue
            if auto["sha"] != self.tip(mr["source"]):
                mr["auto_merge"] = None  # the head moved: GitLab cancels the automatic merge
            elif auto["sha"] == sha and self.pipelines[sha] == "success":
                self.merge(mr, auto["squash"], auto["remove_source"])
            elif auto["sha"] == sha:
                mr["auto_merge"] = None


def _user(username):
    user = copy.deepcopy(recorded("pr_create.json")["author"])
    user.update(username=username, name=username, web_url="https://gitlab.example.com/" + username)
    return user


def mr_body(state, mr, listed=False):
    """One merge request in the shape of GET /projects/:id/merge_requests/:iid (a list's item when `listed`)."""
    body = copy.deepcopy(recorded("merges.json")[0] if listed else recorded("pr_create.json"))
    sha = state.head_sha(mr)
    detailed = state.detailed_merge_status(mr)
    web = "https://gitlab.example.com/%s/-/merge_requests/%d" % (state.project, mr["iid"])
    body.update(
        id=90000 + mr["iid"], iid=mr["iid"], project_id=state.project_id, title=mr["title"],
        description=mr["description"], state=mr["state"], created_at=NOW, updated_at=NOW,
        target_branch=mr["target"], source_branch=mr["source"], source_project_id=state.project_id,
        target_project_id=state.project_id, labels=list(mr["labels"]), author=_user("promote-bot"),
        draft=state.draft(mr), work_in_progress=state.draft(mr),
        merge_when_pipeline_succeeds=bool(mr.get("auto_merge")),
        merge_status={"mergeable": "can_be_merged", "conflict": "cannot_be_merged",
                      "need_rebase": "cannot_be_merged", "checking": "checking",
                      "unchecked": "unchecked"}.get(detailed, "can_be_merged"),
        detailed_merge_status=detailed, has_conflicts=bool(mr.get("conflict")),
        sha=sha, merge_commit_sha=mr.get("merge_commit_sha"), squash_commit_sha=mr.get("squash_commit_sha"),
        should_remove_source_branch=mr.get("remove_source"), squash=bool(mr.get("squash")),
        user_notes_count=len(mr["notes"]), web_url=web, milestone=None,
        references={"short": "!%d" % mr["iid"], "relative": "!%d" % mr["iid"],
                    "full": "%s!%d" % (state.project, mr["iid"])})
    if not listed:
        status = state.pipelines.get(sha)
        pipeline = None
        if status:
            pipeline = copy.deepcopy(recorded("pr_create.json")["pipeline"])
            pipeline.update(id=7000 + mr["iid"], sha=sha, ref=mr["source"], status=status,
                            web_url="https://gitlab.example.com/%s/-/pipelines/%d" % (state.project, 7000 + mr["iid"]))
        body.update(
            pipeline=pipeline, head_pipeline=pipeline, merged_at=mr.get("merged_at"), closed_at=mr.get("closed_at"),
            merged_by=_user("promote-bot") if mr["state"] == "merged" else None,
            closed_by=_user("promote-bot") if mr["state"] == "closed" else None, merge_error=None,
            diff_refs={"base_sha": state.tip(mr["target"]), "head_sha": sha, "start_sha": state.tip(mr["target"])})
    return body


def approvals_body(state, mr):
    """GET /projects/:id/merge_requests/:iid/approvals (merge_request_approvals.md: no recording exists)."""
    return {
        "id": 90000 + mr["iid"], "iid": mr["iid"], "project_id": state.project_id, "title": mr["title"],
        "description": mr["description"], "state": mr["state"], "created_at": NOW, "updated_at": NOW,
        "merge_status": "can_be_merged", "approved": bool(mr["approved_by"]), "approvals_required": 0,
        "approvals_left": 0, "approved_by": [{"user": _user(u)} for u in mr["approved_by"]],
        "user_has_approved": bool(mr["approved_by"]), "user_can_approve": True,
    }


class Handler(ForgeHandler):

    def bad_json(self):
        return self.send(400, {"error": "The request body is not valid JSON"})

    def answer(self, method, path, query, payload):
        st = self.state
        if self.headers.get("PRIVATE-TOKEN") != st.token:
            return self.send(401, {"message": "401 Unauthorized"})
        # The project is addressed by its URL-encoded path ("group%2Fsub%2Fproject"), never raw slashes.
        prefix = "/api/v4/projects/" + urllib.parse.quote(st.project, safe="")
        if not path.startswith(prefix + "/"):
            return self.send(404, {"message": "404 Project Not Found"})
        full, path = path, path[len(prefix):]
        for (verb, pattern), (kind, allowed, required) in REQUESTS.items():
            match = re.fullmatch(pattern, path)
            if verb == method and match:
                problem = self.problem(method, pattern, kind, allowed, required, query, payload)
                if problem:
                    st.violations.append("%s %s: %s" % (method, full, problem))
                    return self.send(400, {"error": problem})
                return getattr(self, HANDLERS[(verb, pattern)])(query, payload or {}, *match.groups())
        st.violations.append("%s %s: no such endpoint" % (method, full))
        return self.send(404, {"error": "404 Not Found"})

    @staticmethod
    def problem(method, pattern, kind, allowed, required, query, payload):
        """What is wrong with a request by GitLab's documentation, or None."""
        if kind == "query" and payload is not None:
            return "%s %s takes no body" % (method, pattern)
        if kind == "body" and query:
            return "%s is not a parameter of this endpoint" % next(iter(query))
        return check_parameters(kind, allowed, required, query if kind == "query" else payload)

    def mr(self, iid):
        return self.state.mrs.get(int(iid))

    def not_found(self):
        return self.send(404, {"message": "404 Not found"})

    # ---- merge requests ----------------------------------------------------------------------
    def list_mrs(self, query, payload):
        st = self.state
        wanted = query.get("state", "all")
        labels = [l for l in query.get("labels", "").split(",") if l]
        out = []
        for mr in sorted(st.mrs.values(), key=lambda m: -m["iid"]):  # newest first, as GitLab lists them
            if wanted != "all" and mr["state"] != wanted:
                continue
            if "source_branch" in query and query["source_branch"] != mr["source"]:
                continue
            if "target_branch" in query and query["target_branch"] != mr["target"]:
                continue
            if any(l not in mr["labels"] for l in labels):
                continue
            out.append(mr_body(st, mr, listed=True))
        return self.send(200, out)

    def create_mr(self, query, payload):
        st = self.state
        source, target = payload["source_branch"], payload["target_branch"]
        if not st.tip(source):
            return self.send(400, {"message": {"source_branch": ["is invalid"]}})
        if source == target:
            return self.send(400, {"message": {"base": ["You can't use same project/branch for source and target"]}})
        for mr in st.mrs.values():
            if mr["state"] == "opened" and mr["source"] == source and mr["target"] == target:
                return self.send(409, {"message": ["Another open merge request already exists for this source "
                                                   "branch: !%d" % mr["iid"]]})
        iid = st.next_iid
        st.next_iid += 1
        st.mrs[iid] = mr = {
            "iid": iid, "title": payload["title"], "description": payload.get("description", ""), "source": source,
            "target": target, "labels": [l for l in payload.get("labels", "").split(",") if l], "state": "opened",
            "notes": [], "approved_by": [], "remove_source": payload.get("remove_source_branch"),
            "squash": payload.get("squash", False)}
        if st.pipeline_on_open:
            st.pipelines[st.tip(source)] = st.pipeline_on_open
        self.run_after("AFTER POST", "/merge_requests")
        return self.send(201, mr_body(st, mr))

    def get_mr(self, query, payload, iid):
        mr = self.mr(iid)
        return self.send(200, mr_body(self.state, mr)) if mr else self.not_found()

    def update_mr(self, query, payload, iid):
        mr = self.mr(iid)
        if not mr:
            return self.not_found()
        if not payload:
            return self.send(400, {"error": "title, description, state_event, ... are missing, at least one parameter "
                                            "must be provided"})
        if payload.get("state_event") == "close" and mr["state"] == "opened":
            mr.update(state="closed", closed_at=NOW, auto_merge=None)
        if payload.get("state_event") == "reopen" and mr["state"] == "closed":
            mr["state"] = "opened"
        if "title" in payload:
            mr["title"] = payload["title"]
        if "labels" in payload:
            mr["labels"] = [l for l in payload["labels"].split(",") if l]
        for label in payload.get("add_labels", "").split(","):
            if label and label not in mr["labels"]:
                mr["labels"].append(label)
        return self.send(200, mr_body(self.state, mr))

    def merge_mr(self, query, payload, iid):
        st = self.state
        st.merge_calls += 1
        mr = self.mr(iid)
        if not mr:
            return self.not_found()
        head = st.tip(mr["source"])
        if mr["state"] != "opened" or st.draft(mr):
            return self.send(405, {"message": "405 Method Not Allowed"})
        if payload.get("sha") and payload["sha"] != head:
            return self.send(409, {"message": "SHA does not match HEAD of source branch: %s" % head})
        automatic = payload.get("merge_when_pipeline_succeeds") or payload.get("auto_merge")
        detailed = st.detailed_merge_status(mr)
        squash = bool(payload.get("squash", mr.get("squash")))
        remove_source = bool(payload.get("should_remove_source_branch", mr.get("remove_source")))
        if automatic and st.pipelines.get(head) in RUNNING and detailed in ("ci_still_running", "mergeable"):
            mr["auto_merge"] = {"sha": head, "squash": squash, "remove_source": remove_source}
            mr["remove_source"] = remove_source
            return self.send(200, mr_body(st, mr))
        if detailed in ("conflict", "need_rebase"):
            return self.send(422, {"message": "Branch cannot be merged"})
        if detailed != "mergeable":
            return self.send(405, {"message": "405 Method Not Allowed"})
        if st.merge(mr, squash, remove_source) is None:
            return self.send(422, {"message": "Branch cannot be merged"})
        mr["remove_source"] = remove_source
        return self.send(200, mr_body(st, mr))

    def approvals(self, query, payload, iid):
        mr = self.mr(iid)
        return self.send(200, approvals_body(self.state, mr)) if mr else self.not_found()

    def approve(self, query, payload, iid):
        st = self.state
        mr = self.mr(iid)
        if not mr:
            return self.not_found()
        if payload.get("sha") and payload["sha"] != st.tip(mr["source"]):
            return self.send(409, {"message": "SHA does not match HEAD of source branch"})
        if "promote-bot" in mr["approved_by"]:
            return self.send(401, {"message": "401 Unauthorized"})  # GitLab's answer to a second approval
        mr["approved_by"].append("promote-bot")
        return self.send(201, approvals_body(st, mr))

    def add_note(self, query, payload, iid):
        mr = self.mr(iid)
        if not mr:
            return self.not_found()
        note = copy.deepcopy(recorded("merge_note.json"))
        note.update(id=300 + len(mr["notes"]), body=payload["body"], noteable_id=90000 + mr["iid"],
                    noteable_iid=mr["iid"], created_at=NOW, updated_at=NOW)
        mr["notes"].append(payload["body"])
        return self.send(201, note)

    def compare(self, query, payload):
        st = self.state
        base, head = st.tip(query["from"]), st.tip(query["to"])
        if not base or not head:
            return self.send(404, {"message": "404 Ref Not Found"})
        body = recorded("compare.json")
        commit_template, diff_template = body["commits"][0], body["diffs"][0]
        commits = []
        for sha in st.git("rev-list", "--reverse", "%s..%s" % (base, head)).split():
            c = copy.deepcopy(commit_template)
            c.update(id=sha, short_id=sha[:8], parent_ids=st.git("rev-parse", sha + "^@").split(),
                     web_url="https://gitlab.example.com/%s/-/commit/%s" % (st.project, sha))
            commits.append(c)
        diffs = []
        for name in st.git("diff", "--name-only", "%s...%s" % (base, head)).splitlines():
            d = copy.deepcopy(diff_template)
            d.update(old_path=name, new_path=name, diff="")
            diffs.append(d)
        body.update(commit=commits[-1] if commits else None, commits=commits, diffs=diffs,
                    compare_same_ref=base == head, compare_timeout=False,
                    web_url="https://gitlab.example.com/%s/-/compare/%s...%s" % (st.project, base, head))
        return self.send(200, body)


HANDLERS = {
    ("GET", r"/merge_requests"): "list_mrs",
    ("POST", r"/merge_requests"): "create_mr",
    ("GET", r"/merge_requests/(\d+)"): "get_mr",
    ("PUT", r"/merge_requests/(\d+)"): "update_mr",
    ("PUT", r"/merge_requests/(\d+)/merge"): "merge_mr",
    ("GET", r"/merge_requests/(\d+)/approvals"): "approvals",
    ("POST", r"/merge_requests/(\d+)/approve"): "approve",
    ("POST", r"/merge_requests/(\d+)/notes"): "add_note",
    ("GET", r"/repository/compare"): "compare",
}


class GitLabServer(ForgeServer):
    """The server on a free port of 127.0.0.1, in a thread of the test's process; `url` is its API base."""

    HANDLER = Handler

    def __init__(self, repo_path, project="git/gitops", token="glpat-testtoken"):
        super().__init__(GitLabState(repo_path, project, token), "/api/v4")

    # ---- what tests change -------------------------------------------------------------------
    def set_pipeline(self, sha, status):
        """The head pipeline of `sha`: "running", "success", "failed", ... (GitLab's pipeline statuses)."""
        with self.state.lock:
            self.state.pipelines[sha] = status
            self.state.pipeline_changed(sha)

    def mrs(self):
        with self.state.lock:
            return [dict(m) for m in self.state.mrs.values()]
