"""Several watchers, one repository: three `promote watch` processes, each with its own cache folder, on
the same remote repository (the HTTP test server). N products change in the trigger environment in one
commit; every release is started once (one record per product under refs/promote/releases/), every
environment's commit is made once (one commit per release and environment carrying its
Promote-Release / Promote-Environment trailers), and every release ends succeeded. Then one watcher is
killed with SIGKILL while it pushes a step's commit (with the claim and the record that names it, in
one atomic push the server holds for a second): the other two finish its releases, each step still once.

A claim names its owner "host:pid:nonce"; a claim by a process of this host that is gone holds nothing
(lib/engine/release_claim.c), whatever its cache folder — so the takeover needs no lease to expire.

The flow is bench/watch.py's (dev -> staging -> prod, auto, commit) in a small monorepo. N is
PROMOTE_TEST_FLEET_PRODUCTS (default 4; e.g. 40 for a bigger run)."""

import collections
import os

from conftest import CLI
from gitserver import run_git
from watch_fleet import (Watcher, app_name, claim_pid, claimants, environment_commits, inflight_records, records,
                         set_versions, slow_branch_pushes, small_repo, wait_for, watched)

PRODUCTS = int(os.environ.get("PROMOTE_TEST_FLEET_PRODUCTS", "4"))
WATCHERS = 3
INTERVAL = "1s"
FINISH_S = 60 + 3 * PRODUCTS  # the bound on all releases' end: generous for a loaded machine


def client_env(server):
    return dict(os.environ, PROMOTE_GIT_USERNAME=server.user, PROMOTE_GIT_PASSWORD=server.password,
                GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null", GIT_TERMINAL_PROMPT="0")


def start_watchers(server, tmp_path):
    env = client_env(server)
    return [Watcher(CLI, server.url("gitops"), tmp_path / ("cache-%d" % i), env, ["--interval", INTERVAL])
            for i in range(WATCHERS)]


def settled(repo, watchers):
    """Wait until the flow is watched: a first pass wrote where it was handled (refs/promote/watch/default)
    before anything changes, so that the change is one to release."""
    wait_for("the flow's first pass", lambda: watched(repo) or any(w.process.poll() is not None for w in watchers),
             30)
    for w in watchers:
        assert w.process.poll() is None, w.output()


def all_final(repo, count):
    recs = records(repo)
    return recs if len(recs) >= count and all(r["state"] in ("succeeded", "failed", "aborted")
                                              for r in recs.values()) else None


def check_once_each(repo, changed):
    """Every changed product has exactly one release, succeeded, and every one of its steps made
    exactly one commit on main."""
    recs = records(repo)
    by_product = collections.Counter(r["product"] for r in recs.values())
    assert by_product == collections.Counter(changed), by_product
    assert {r["version"] for r in recs.values()} == {"2.0.0"}, recs
    not_succeeded = {rid: (r["state"], r.get("reason")) for rid, r in recs.items() if r["state"] != "succeeded"}
    assert not not_succeeded, not_succeeded
    commits = collections.Counter(environment_commits(repo))
    expected = collections.Counter((rid, env) for rid in recs for env in ("staging", "prod"))
    assert commits == expected, "commits per (release, environment): %s" % {
        k: v for k, v in (commits | expected).items() if commits[k] != expected[k]}
    for env in ("staging", "prod"):
        for app in changed:
            text = run_git("--git-dir", repo, "show", "main:envs/%s/apps/%s/values.yaml" % (env, app)).stdout
            assert 'tag: "2.0.0"' in text, (env, app, text)
    return recs


def stop_all(watchers):
    """SIGTERM to each live watcher: it exits 0."""
    for w in watchers:
        if w.process.poll() is None:
            assert w.stop() == 0, w.output()


def test_three_watchers_start_and_promote_each_release_once(git_server, tmp_path):
    repo = git_server.create_repo("gitops", small_repo(PRODUCTS))
    watchers = start_watchers(git_server, tmp_path)
    try:
        settled(repo, watchers)
        changed = [app_name(n) for n in range(PRODUCTS)]
        set_versions(repo, "dev", {app: "2.0.0" for app in changed})
        wait_for("every release final", lambda: all_final(repo, PRODUCTS), FINISH_S, every=0.25)
        check_once_each(repo, changed)
        stop_all(watchers)
    finally:
        for w in watchers:
            w.close()
    # Nothing more happens afterwards: a watcher started again finds no change and no open release.
    again = Watcher(CLI, git_server.url("gitops"), tmp_path / "cache-0", client_env(git_server), ["--once"])
    assert again.process.wait(timeout=60) == 0, again.output()
    again.close()
    check_once_each(repo, changed)


def held_step(repo, pids):
    """(release id, environment, pid) of a step being promoted, claimed by one of `pids`, whose commit is
    on its way to the server (in a push the server's hook holds), or None."""
    for rid, r in inflight_records(repo):
        for s in r["steps"]:
            pid = claim_pid(s)
            if pid in pids and s["state"] == "promoting":
                return rid, s["environment"], pid
    return None


def test_a_watcher_killed_mid_pass_leaves_its_releases_to_the_others(git_server, tmp_path):
    repo = git_server.create_repo("gitops", small_repo(PRODUCTS))
    # Each push of a commit takes the server a second: the watcher that made it can be killed while the
    # commit, its claim and its record are in flight together.
    slow_branch_pushes(repo, 1)
    watchers = start_watchers(git_server, tmp_path)
    try:
        settled(repo, watchers)
        changed = [app_name(n) for n in range(PRODUCTS)]
        set_versions(repo, "dev", {app: "2.0.0" for app in changed})
        pids = {w.pid: w for w in watchers}
        rid, env, pid = wait_for("a step's commit in flight, pushed by a watcher", lambda: held_step(repo, pids),
                                 FINISH_S, every=0.05)
        pids[pid].kill()
        survivors = [w for w in watchers if w.pid != pid]
        wait_for("every release final", lambda: all_final(repo, PRODUCTS), FINISH_S, every=0.25)
        recs = check_once_each(repo, changed)
        # The killed watcher's push landed whole (the step's claim is its) or not at all (a survivor
        # claimed the step and made its commit): either way the survivors finished the release.
        took = claimants(repo, rid, env)
        assert took and (took[0] == pid or set(took) & {w.pid for w in survivors}), (pid, took)
        assert recs[rid]["state"] == "succeeded", recs[rid]
        stop_all(survivors)
    finally:
        for w in watchers:
            w.close()
