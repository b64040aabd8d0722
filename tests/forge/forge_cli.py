"""What the forge tests share to run promote as a user does (test_github.py, test_gitlab.py): the CLI
with a forge's token in its environment (and no other of that forge's), a release's record and id,
waiting for a state, a branch's tip, and the check that a token is in no output and no release record."""

import json
import os
import subprocess
import time

from conftest import CLI
from gitserver import run_git


CONFIG = """\
version: 1
repositories:
  gitops: {{url: {url}, provider: {provider}, api: {api}{extra}}}
environments:
  dev: {{path: envs/dev}}
  prod: {{path: envs/prod, kind: production, strategy: {strategy}}}
products:
  shop:
    path: apps/shop
    template: {{attributes: {{values.yaml: [image.tag]}}, version: values.yaml#image.tag}}
policies:
  - name: prod-by-change-request
    match: {{environments: {{names: [prod]}}}}
    action: pull-request
flows:
  default:
    trigger: dev
    steps:
      prod: {{}}
"""


def create_gitops(git_server, name, provider, api, strategy="auto", extra=""):
    """The gitops repository `name` on the git server: dev at 1.5.0, prod at 1.4.0, prod's policy a change
    request at `provider` (its API at `api`). Its URL and bare repository's path."""
    url = git_server.url(name)
    files = {
        "promote.yaml": CONFIG.format(url=url, provider=provider, api=api, strategy=strategy, extra=extra),
        "envs/dev/apps/shop/values.yaml": 'image:\n  tag: "1.5.0"\n',
        "envs/prod/apps/shop/values.yaml": 'image:\n  tag: "1.4.0"\n',
    }
    return url, git_server.create_repo(name, files)


def wait_for(predicate, what, timeout=60, show=lambda: ""):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "still waiting for %s %s" % (what, show())
        time.sleep(0.2)


def branch_tip(bare, branch):
    r = run_git("-C", bare, "rev-parse", "--verify", "-q", "refs/heads/" + branch, check=False)
    return r.stdout.strip() if r.returncode == 0 else None


def move_head_at_merge(server, branch, head, start_checks, pass_checks):
    """Someone pushes to `branch` after the checks of its `head` were read, before the merge: the push is
    hooked on the merge call (start_checks(state, new_tip): its CI starts), `head`'s checks are made to
    pass (pass_checks(head)), and the merge call waited for. The new tip."""
    server.hook_once("PUT", r"/merge$", lambda state: start_checks(state, state.push_late(branch, head)))
    pass_checks(head)
    wait_for(lambda: server.state.merge_calls, "the merge")
    return server.state.tip(branch)


class Runner:
    """promote as a user of one forge runs it: `token` in the first of `variables` (unless told another)."""

    def __init__(self, token, variables):
        self.token, self.variables = token, variables

    def promote_env(self, git_server, tmp_path, token=None, variable=None):
        env = {k: v for k, v in os.environ.items() if k not in self.variables}
        env.update(PROMOTE_GIT_USERNAME=git_server.user, PROMOTE_GIT_PASSWORD=git_server.password,
                   PROMOTE_CACHE_DIR=str(tmp_path / "cache"), no_proxy="127.0.0.1", NO_PROXY="127.0.0.1")
        if token is not False:
            env[variable or self.variables[0]] = token or self.token
        return env

    def promote(self, git_server, tmp_path, *args, token=None, variable=None):
        """promote ARGS, waited for; token=False: none."""
        return subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, timeout=120,
                              env=self.promote_env(git_server, tmp_path, token, variable), stdin=subprocess.DEVNULL)

    def apply_prod(self, git_server, tmp_path, url, **kwargs):
        """promote apply shop --to prod in the repository at `url`, waited for (promote()'s options)."""
        return self.promote(git_server, tmp_path, "--repo", url, "apply", "shop", "--to", "prod", **kwargs)

    def promote_background(self, git_server, tmp_path, *args, variable=None):
        """promote ARGS started, not waited for (it polls a change whose checks run)."""
        return subprocess.Popen([CLI, *map(str, args)], env=self.promote_env(git_server, tmp_path, None, variable),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)

    def start_apply(self, git_server, tmp_path, url, bare, changes, branch):
        """promote apply shop --to prod started (it waits on the change's checks); once the forge has the
        change — `changes()` lists the forge's, `branch(change)` names its branch — (the process, the
        change, main's tip, the change branch's tip)."""
        process = self.promote_background(git_server, tmp_path, "--repo", url, "apply", "shop", "--to", "prod")
        wait_for(changes, "the change request")
        [change] = changes()
        return process, change, branch_tip(bare, "main"), branch_tip(bare, branch(change))

    def killed_after_open(self, git_server, tmp_path, url, server, path):
        """promote apply (the token in the second variable) killed with -9 once the forge made the change
        (`server`'s "AFTER POST" hook on `path`), before promote heard of it; then the release read again,
        which resumes it: its record."""
        server.hook_once("AFTER POST", path, lambda state: os.kill(process.pid, 9))
        process = self.promote_background(git_server, tmp_path, "--repo", url, "apply", "shop", "--to", "prod",
                                          variable=self.variables[1])
        process.communicate(timeout=120)
        assert process.returncode == -9
        return self.release_record(git_server, tmp_path, url, self.release_id_of(git_server, tmp_path, url))

    def release_record(self, git_server, tmp_path, url, release_id):
        r = self.promote(git_server, tmp_path, "--repo", url, "--json", "release", "status", release_id)
        assert r.returncode in (0, 3), r.stdout + r.stderr
        return json.loads(r.stdout)

    def release_id_of(self, git_server, tmp_path, url):
        r = self.promote(git_server, tmp_path, "--repo", url, "--json", "release", "list")
        releases = json.loads(r.stdout)["releases"]
        assert len(releases) == 1, releases
        return releases[0]["id"]

    def assert_no_token(self, bare, *outputs):
        """The token is in no output, and in no release record (every commit of refs/promote/)."""
        for text in outputs:
            assert self.token not in text
        records = run_git("-C", bare, "log", "-p", "--all", "--format=%H %B").stdout
        assert "refs/promote" in run_git("-C", bare, "for-each-ref", "--format=%(refname)", "refs/promote/").stdout
        assert self.token not in records
