"""What the forge providers' CLI tests share (test_github.py, test_gitea.py, test_gitlab.py): the gitops repository
on the real git server with a `promote.yaml` naming the forge, `promote` run with the forge's token,
and the scenarios every forge must pass alike — checks pending then passing then merged, a head that
moved before the merge, a run killed after opening, a refused token, no token. A `Forge` says what
differs: the provider's name, the token and its variable, how the merge is asked (method and the key
that names the head)."""

import json
import os
import re
import subprocess
import time

from conftest import CLI
from gitserver import run_git

# The product and the policy every forge test promotes with: prod by pull request (a format string).
SHOP_BY_PULL_REQUEST = """\
products:
  shop:
    path: apps/shop
    template: {{attributes: {{values.yaml: [image.tag]}}, version: values.yaml#image.tag}}
policies:
  - name: prod-by-pull-request
    match: {{environments: {{names: [prod]}}}}
    action: pull-request
"""

CONFIG = """\
version: 1
repositories:
  gitops: {{url: {url}, provider: {provider}, api: {api}{more}{extra}}}
environments:
  dev: {{path: envs/dev}}
  prod: {{path: envs/prod, kind: production, strategy: {strategy}}}
""" + SHOP_BY_PULL_REQUEST + """flows:
  default:
    trigger: dev
    steps:
      prod: {{}}
"""

# Every forge's token variables: none leaks in from outside.
TOKEN_VARIABLES = ("GITHUB_TOKEN", "PROMOTE_GITHUB_TOKEN", "GITEA_TOKEN", "PROMOTE_GITEA_TOKEN", "GITLAB_TOKEN",
                   "PROMOTE_GITLAB_TOKEN")
# Forges answer 401, 403 and 429 on every operation, while their descriptions list them on few: Prism
# warns it cannot match the status; that warning alone is allowed where a test asks for one.
UNLISTED_STATUS = "Unable to match the returned status code"
DEFAULT = object()


def wait_for(predicate, what, timeout=60, show=lambda: ""):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "still waiting for %s %s" % (what, show())
        time.sleep(0.2)


def branch_tip(bare, branch):
    r = run_git("-C", bare, "rev-parse", "--verify", "-q", "refs/heads/" + branch, check=False)
    return r.stdout.strip() if r.returncode == 0 else None


def requests_of(server, method, suffix):
    return [q for q in list(server.state.requests) if q[0] == method and q[1].endswith(suffix)]


def move_head_at_merge(server, branch, head, start_checks, pass_checks, method="PUT"):
    """Someone pushes to `branch` after the checks of its `head` were read, before the merge: the push is
    hooked on the merge call (`method` .../merge; start_checks(state, new_tip): its CI starts), `head`'s
    checks are made to pass (pass_checks(head)), and the merge call waited for. The new tip."""
    server.hook_once(method, r"/merge$", lambda state: start_checks(state, state.push_late(branch, head)))
    pass_checks(head)
    wait_for(lambda: server.state.merge_calls, "the merge")
    return server.state.tip(branch)


def finish_when_checks_pass(apply, pass_checks, sha):
    """The checks of `sha` made to pass (pass_checks(sha)); `apply` (a promote started in the background)
    waited for, and succeeded: its (stdout, stderr)."""
    pass_checks(sha)
    out, err = apply.communicate(timeout=60)
    assert apply.returncode == 0, out + err
    return out, err


def assert_merged_into_main(bare, main_before, head, branch, merge_commit):
    """main is now `merge_commit`, a merge commit of `main_before` and `head` (mergeMethod default: merge)
    that puts 1.5.0 in prod, and the change's `branch` was deleted after the merge."""
    main = branch_tip(bare, "main")
    assert merge_commit == main
    assert run_git("-C", bare, "rev-list", "--parents", "-n1", main).stdout.split()[1:] == [main_before, head]
    assert '"1.5.0"' in run_git("-C", bare, "show", "main:envs/prod/apps/shop/values.yaml").stdout
    assert branch_tip(bare, branch) is None


class Forge:
    def __init__(self, provider, token, variables, auth_scheme, merge_method, head_key, repo_config=None):
        self.provider, self.token, self.variables = provider, token, variables
        self.auth_scheme, self.merge_method, self.head_key = auth_scheme, merge_method, head_key
        self.repo_config = repo_config or (lambda server: "")  # more of the repository's entry, from the server

    def create_gitops(self, git_server, api, name="gitops", strategy="auto", extra="", more=""):
        """The gitops repository `name` (dev at 1.5.0, prod at 1.4.0) on the git server, the forge's API at
        `api`: its URL and bare repository's path."""
        url = git_server.url(name)
        files = {
            "promote.yaml": CONFIG.format(url=url, provider=self.provider, api=api, more=more, strategy=strategy,
                                          extra=extra),
            "envs/dev/apps/shop/values.yaml": 'image:\n  tag: "1.5.0"\n',
            "envs/prod/apps/shop/values.yaml": 'image:\n  tag: "1.4.0"\n',
        }
        return url, git_server.create_repo(name, files)

    def setup_repo(self, git_server, pair, strategy="auto", extra=""):
        """The gitops repository on the git server; the forge's server (behind Prism) over it."""
        server, prism = pair
        url, bare = self.create_gitops(git_server, prism.url, strategy=strategy, extra=extra,
                                       more=self.repo_config(server))
        server.reset(bare, owner="git", repo="gitops", token=self.token)
        return url, bare

    def env(self, git_server, tmp_path, token=DEFAULT, variable=None):
        env = {k: v for k, v in os.environ.items() if k not in TOKEN_VARIABLES}
        env.update(PROMOTE_GIT_USERNAME=git_server.user, PROMOTE_GIT_PASSWORD=git_server.password,
                   PROMOTE_CACHE_DIR=str(tmp_path / "cache"), no_proxy="127.0.0.1", NO_PROXY="127.0.0.1")
        token = self.token if token is DEFAULT else token
        if token not in (None, False):  # None or False: no token
            env[variable or self.variables[-1]] = token
        return env

    def promote(self, git_server, tmp_path, *args, token=DEFAULT, variable=None):
        return subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, timeout=120,
                              env=self.env(git_server, tmp_path, token, variable), stdin=subprocess.DEVNULL)

    def apply_prod(self, git_server, tmp_path, url, **kwargs):
        """promote apply shop --to prod in the repository at `url`, waited for (promote()'s options)."""
        return self.promote(git_server, tmp_path, "--repo", url, "apply", "shop", "--to", "prod", **kwargs)

    def background(self, git_server, tmp_path, *args, variable=None):
        """promote ARGS started, not waited for (it polls a pull request whose checks run)."""
        return subprocess.Popen([CLI, *map(str, args)], env=self.env(git_server, tmp_path, variable=variable),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)

    def start_apply(self, git_server, tmp_path, url, bare, changes, branch):
        """promote apply shop --to prod started (it waits on the change's checks); once the forge has the
        change — `changes()` lists the forge's, `branch(change)` names its branch — (the process, the
        change, main's tip, the change branch's tip)."""
        process = self.background(git_server, tmp_path, "--repo", url, "apply", "shop", "--to", "prod")
        wait_for(changes, "the change request")
        [change] = changes()
        return process, change, branch_tip(bare, "main"), branch_tip(bare, branch(change))

    def killed_after_open(self, git_server, tmp_path, url, server, path):
        """promote apply (the token in the first variable this time) killed with -9 once the forge made the
        change (`server`'s "AFTER POST" hook on `path`), before promote heard of it; then the release read
        again, which resumes it: its record."""
        server.hook_once("AFTER POST", path, lambda state: os.kill(process.pid, 9))
        process = self.background(git_server, tmp_path, "--repo", url, "apply", "shop", "--to", "prod",
                                  variable=self.variables[0])
        process.communicate(timeout=120)
        assert process.returncode == -9
        return self.release_record(git_server, tmp_path, url, self.release_id_of(git_server, tmp_path, url))

    def release_record(self, git_server, tmp_path, url, release_id):
        r = self.promote(git_server, tmp_path, "--repo", url, "--json", "release", "status", release_id)
        assert r.returncode in (0, 3), r.stdout + r.stderr
        return json.loads(r.stdout)

    def awaiting_checks(self, git_server, tmp_path, url):
        """The release (the only one) once its step waits with the change's checks read as pending: (its id,
        the step)."""
        release_id = self.release_id_of(git_server, tmp_path, url)
        wait_for(lambda: "checks pending" in (self.release_record(git_server, tmp_path, url, release_id)["steps"][0]
                                              .get("reason") or ""), "the checks to be read")
        [step] = self.release_record(git_server, tmp_path, url, release_id)["steps"]
        assert step["state"] == "awaiting_merge", step
        return release_id, step

    def release_id_of(self, git_server, tmp_path, url):
        r = self.promote(git_server, tmp_path, "--repo", url, "--json", "release", "list")
        releases = json.loads(r.stdout)["releases"]
        assert len(releases) == 1, releases
        return releases[0]["id"]

    def merges(self, server):
        """The bodies of the merge requests the server got."""
        return [q[3] for q in requests_of(server, self.merge_method, "/merge")]

    def assert_no_token(self, bare, *outputs, token=DEFAULT):
        """The token is in no output, and in no release record (every commit of refs/promote/)."""
        token = self.token if token is DEFAULT else token
        for text in outputs:
            assert token not in text
        records = run_git("-C", bare, "log", "-p", "--all", "--format=%H %B").stdout
        assert "refs/promote" in run_git("-C", bare, "for-each-ref", "--format=%(refname)", "refs/promote/").stdout
        assert token not in records

    def assert_authorized(self, server):
        """Every request carried the forge's authorization header with the token."""
        assert all({k.lower(): v for k, v in q[2].items()}.get("authorization") == self.auth_scheme + self.token
                   for q in server.state.requests)


# ---- scenarios -------------------------------------------------------------------------------------

def checks_pending_then_passing_then_merged(forge, git_server, pair, tmp_path):
    """`promote apply` opens a labelled pull request, waits while its checks are pending, merges it when
    they pass (a merge commit naming the head whose checks were read), and the release succeeds.
    Returns (bare, the pull request, its head, the merge's request body) for the forge's own checks."""
    server, _ = pair
    url, bare = forge.setup_repo(git_server, pair)
    server.state.checks_on_open = "pending"
    main_before = branch_tip(bare, "main")
    apply = forge.background(git_server, tmp_path, "--repo", url, "apply", "shop", "--to", "prod")
    wait_for(lambda: server.pulls() and server.pulls()[0]["labels"], "the pull request and its labels")
    [pr] = server.pulls()
    assert pr["state"] == "open" and pr["head"].startswith("promote/") and pr["base"] == "main"
    assert pr["labels"] and all(l.startswith("promote/") for l in pr["labels"]), pr["labels"]
    release_id, step = forge.awaiting_checks(git_server, tmp_path, url)
    assert step["change"] == "git/gitops#1", step
    assert branch_tip(bare, "main") == main_before  # nothing merged while checks run
    head = branch_tip(bare, pr["head"])
    out, err = finish_when_checks_pass(apply, lambda sha: server.set_checks(sha, "success"), head)
    [pr] = server.pulls()
    assert pr["state"] == "merged", pr
    record = forge.release_record(git_server, tmp_path, url, release_id)
    assert record["steps"][0]["state"] == "succeeded", record
    assert_merged_into_main(bare, main_before, head, pr["head"], pr["merge_commit_sha"])
    [merge] = forge.merges(server)
    assert merge[forge.head_key] == head  # the guard: the merge named the head whose checks were read
    forge.assert_no_token(bare, out, err)
    forge.assert_authorized(server)
    return bare, pr, head, merge


def head_moved_before_merge(forge, git_server, pair, tmp_path):
    """Someone pushes to the branch after its checks were read, before the merge: the forge refuses the
    merge, nothing is merged, the release waits for the new head's checks and then merges it, naming it."""
    server, _ = pair
    url, bare = forge.setup_repo(git_server, pair)
    server.state.checks_on_open = "pending"
    apply, pr, main_before, head = forge.start_apply(git_server, tmp_path, url, bare, server.pulls, lambda p: p["head"])
    moved = move_head_at_merge(server, pr["head"], head, lambda state, sha: state.statuses.update({sha: "pending"}),
                               lambda sha: server.set_checks(sha, "success"), forge.merge_method)
    release_id = forge.release_id_of(git_server, tmp_path, url)
    wait_for(lambda: requests_of(server, "GET", "/commits/%s/status" % moved), "the checks of the new head to be read")
    assert server.pulls()[0]["state"] == "open" and branch_tip(bare, "main") == main_before
    step = forge.release_record(git_server, tmp_path, url, release_id)["steps"][0]
    assert step["state"] == "awaiting_merge" and "checks pending" in step["reason"], step
    finish_when_checks_pass(apply, lambda sha: server.set_checks(sha, "success"), moved)
    assert [m[forge.head_key] for m in forge.merges(server)] == [head, moved]
    assert server.pulls()[0]["state"] == "merged"
    # Why it waited is in the release record's history (a commit per transition).
    history = run_git("-C", bare, "log", "-p", "--format=%s", "refs/promote/releases/" + release_id).stdout
    assert re.search(r"git/gitops#1 was not merged: its head moved since commit %s" % head[:12], history), history


def killed_after_opening(forge, git_server, pair, tmp_path):
    """kill -9 after the forge made the pull request, before promote heard of it: resuming finds it by
    its head branch and never opens a second. The token comes from the first variable this time."""
    server, _ = pair
    url, bare = forge.setup_repo(git_server, pair)
    server.state.checks_on_open = "pending"
    record = forge.killed_after_open(git_server, tmp_path, url, server, "/pulls")
    assert len(server.pulls()) == 1, server.pulls()
    assert record["steps"][0]["change"] == "git/gitops#1", record
    assert record["steps"][0]["state"] == "awaiting_merge", record
    assert len(requests_of(server, "POST", "/pulls")) == 1


def refused_token(forge, git_server, pair, tmp_path, wrong, said):
    """A token the forge refuses: 401 and the forge's words are said, the token never."""
    pair[1].allow(UNLISTED_STATUS)
    url, bare = forge.setup_repo(git_server, pair)
    r = forge.apply_prod(git_server, tmp_path, url, token=wrong)
    assert r.returncode != 0
    assert "401" in r.stderr and said in r.stderr, r.stderr
    assert wrong not in r.stdout + r.stderr
    forge.assert_no_token(bare, r.stdout, r.stderr, token=wrong)


def no_token(forge, git_server, pair, tmp_path, *said):
    url, bare = forge.setup_repo(git_server, pair)
    r = forge.apply_prod(git_server, tmp_path, url, token=None)
    assert r.returncode != 0
    assert all(words in r.stderr for words in forge.variables + said), r.stderr


def scenario_tests(forge, fixture, wrong_token, refused_words, *token_words):
    """The scenarios above as pytest tests for `forge`, whose (server, prism) fixture is named `fixture`:
    (head moved, killed after opening, refused token, no token), for a test module to name test_*."""
    def head_moved(git_server, tmp_path, request):
        head_moved_before_merge(forge, git_server, request.getfixturevalue(fixture), tmp_path)

    def killed(git_server, tmp_path, request):
        killed_after_opening(forge, git_server, request.getfixturevalue(fixture), tmp_path)

    def refused(git_server, tmp_path, request):
        refused_token(forge, git_server, request.getfixturevalue(fixture), tmp_path, wrong_token, refused_words)

    def none(git_server, tmp_path, request):
        no_token(forge, git_server, request.getfixturevalue(fixture), tmp_path, *token_words)

    return head_moved, killed, refused, none


def waiting_for_a_person(forge, git_server, pair, tmp_path, *command):
    """A manual environment whose checks pass on open: `promote COMMAND` (default: apply shop to prod)
    opens one pull request and waits for a person (exit status 3). Returns (url, bare, the run, the pull
    request)."""
    server, _ = pair
    url, bare = forge.setup_repo(git_server, pair, strategy="manual")
    server.state.checks_on_open = "success"
    r = forge.promote(git_server, tmp_path, "--repo", url, *(command or ("apply", "shop", "--to", "prod")))
    assert r.returncode == 3, r.stdout + r.stderr
    [pr] = server.pulls()
    assert pr["state"] == "open", pr
    return url, bare, r, pr
