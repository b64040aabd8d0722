"""A watcher's pass is one batch: the releases it starts and everything they record in the pass — their
creations, leases, claims, the environments' commits stacked on main, their records — and the flow's
handled commit go to the server in one atomic push at the pass's end, instead of several pushes per
release. The server never holds a record naming a commit that is not on main, every step is made once,
and the repository stays sound. Counted from the server's access log (gitserver.LoggingGitServer)."""

import json
import os
import subprocess

from conftest import CLI
from gitserver import LoggingGitServer, run_git
from watch_fleet import RECORDS, app_name, environment_commits, records, set_versions, small_repo

PRODUCTS = 6


def test_one_pass_is_one_push(tmp_path):
    with LoggingGitServer(tmp_path / "repos") as server:
        repo = server.create_repo("gitops", small_repo(PRODUCTS))
        env = dict(os.environ, PROMOTE_GIT_USERNAME=server.user, PROMOTE_GIT_PASSWORD=server.password,
                   PROMOTE_CACHE_DIR=str(tmp_path / "cache"), GIT_CONFIG_NOSYSTEM="1",
                   GIT_CONFIG_GLOBAL="/dev/null", GIT_TERMINAL_PROMPT="0")

        def once():
            done = subprocess.run([CLI, "--repo", server.url("gitops"), "watch", "--once"], capture_output=True,
                                  text=True, env=env, timeout=300, stdin=subprocess.DEVNULL)
            assert done.returncode == 0, done.stdout + done.stderr
            return done.stdout

        once()  # the flow is watched from here on
        set_versions(repo, "dev", {app_name(n): "2.0.0" for n in range(PRODUCTS)})
        since = server.mark()
        out = once()
        requests = [line for _, line in server.requests(since)]

    recs = records(repo)
    assert len(recs) == PRODUCTS and all(r["state"] == "succeeded" for r in recs.values()), (out, recs)
    pushes = [r for r in requests if r.startswith("POST ") and r.split()[1].endswith("/git-receive-pack")]
    assert len(pushes) == 1, "%d pushes for a pass of %d releases:\n%s" % (len(pushes), PRODUCTS, "\n".join(requests))
    # Each environment's commit once per release, on main.
    commits = environment_commits(repo)
    assert sorted(commits) == sorted((rid, e) for rid in recs for e in ("staging", "prod")), commits
    # Every version of every record names only commits that are on main.
    on_main = set(run_git("--git-dir", repo, "rev-list", "main").stdout.split())
    for rid in recs:
        for version in run_git("--git-dir", repo, "rev-list", RECORDS + rid).stdout.split():
            rec = json.loads(run_git("--git-dir", repo, "show", version + ":record.json").stdout)
            named = [s["commit"] for s in rec["steps"] if s.get("commit")]
            assert all(c in on_main for c in named), (rid, version, named)
    fsck = run_git("--git-dir", repo, "fsck", "--strict", check=False)
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr
