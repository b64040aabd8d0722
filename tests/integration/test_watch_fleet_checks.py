"""Several watchers, one repository, with checks: three `promote watch` processes (each its own cache
folder) on the HTTP test server run releases whose staging step has a slow pre-check and a post-check,
real commands (the exec backend) that count their runs in a file. Every check runs once per release,
though every watcher polls every release: a check is started only by the process that claimed its step,
and a process that does not hold the claim leaves it alone (its run, known only where it started, is
polled there). Then the watcher running a pre-check is killed with SIGKILL: a survivor takes the step over
(a claim by a process of this host that is gone holds nothing), starts that check again — the one case
where a check runs twice — and the releases finish.

PROMOTE_TEST_FLEET_PRODUCTS sets the number of products (default 3)."""

import collections
import contextlib
import os

from test_watch_fleet import all_final, client_env, settled, stop_all
from conftest import CLI
from watch_fleet import (Watcher, app_name, claim_pid, claimants, records, set_versions, small_repo,
                         wait_for)

PRODUCTS = int(os.environ.get("PROMOTE_TEST_FLEET_PRODUCTS", "3"))
WATCHERS = 3
FINISH_S = 90 + 5 * PRODUCTS

# staging runs its checks through the exec backend: `smoke` before its commit (3 s), `verify` after it.
CONFIG = """\
version: 1
environments:
  dev: {path: envs/dev, strategy: auto}
  staging: {path: envs/staging, strategy: auto, deploy: {backend: exec}}
  prod: {path: envs/prod, kind: production, strategy: auto}
products:
  "*":
    path: apps/*
    template: {attributes: {values.yaml: [image.tag]}, version: values.yaml#image.tag}
workflows:
  smoke: {run: [sh, -c, 'echo "$PROMOTE_RELEASE smoke" >> "$0"; sleep 3', RUNS]}
  verify: {run: [sh, -c, 'echo "$PROMOTE_RELEASE verify" >> "$0"', RUNS]}
policies:
  - {name: default, action: commit}
  - {name: checked, match: {environments: {names: [staging]}}, pre: [smoke], post: [verify]}
flows:
  default: {trigger: dev, steps: {staging: {}, prod: {dependsOn: [staging]}}}
"""


@contextlib.contextmanager
def fleet(git_server, tmp_path):
    """Three watchers on the repository, settled, then every product changed in dev: (the bare repository,
    the runs file, the watchers); the watchers are closed afterwards."""
    runs = tmp_path / "runs"
    repo = git_server.create_repo("gitops", small_repo(PRODUCTS, CONFIG.replace("RUNS", str(runs))))
    watchers = [Watcher(CLI, git_server.url("gitops"), tmp_path / ("cache-%d" % i), client_env(git_server),
                        ["--interval", "1s"]) for i in range(WATCHERS)]
    try:
        settled(repo, watchers)
        set_versions(repo, "dev", {app_name(n): "2.0.0" for n in range(PRODUCTS)})
        yield repo, runs, watchers
    finally:
        for w in watchers:
            w.close()


def check_runs(runs):
    """{(release id, check): how many times it ran}."""
    return collections.Counter(tuple(line.split()) for line in runs.read_text().splitlines())


def succeeded(repo):
    recs = records(repo)
    bad = {rid: (r["state"], r.get("reason")) for rid, r in recs.items() if r["state"] != "succeeded"}
    assert not bad and len(recs) == PRODUCTS, bad or recs
    return recs


def test_three_watchers_run_each_check_once(git_server, tmp_path):
    with fleet(git_server, tmp_path) as (repo, runs, watchers):
        wait_for("every release final", lambda: all_final(repo, PRODUCTS), FINISH_S, every=0.25)
        recs = succeeded(repo)
        expected = collections.Counter({(rid, check): 1 for rid in recs for check in ("smoke", "verify")})
        assert check_runs(runs) == expected
        stop_all(watchers)


def running_check(repo, pids):
    """(release id, pid) of a staging step whose pre-check has started (its run id recorded) and not ended,
    claimed by one of `pids`; or None."""
    for rid, r in records(repo).items():
        s = next(s for s in r["steps"] if s["environment"] == "staging")
        started = [c for c in s.get("checks", []) if c["phase"] == "pre" and c["run_id"] and not c["done"]]
        if s["state"] == "pre_check" and started and claim_pid(s) in pids:
            return rid, claim_pid(s)
    return None


def test_a_watcher_killed_while_its_check_runs(git_server, tmp_path):
    with fleet(git_server, tmp_path) as (repo, runs, watchers):
        pids = {w.pid: w for w in watchers}
        rid, pid = wait_for("a pre-check running under a watcher's claim", lambda: running_check(repo, pids),
                            FINISH_S, every=0.05)
        pids[pid].kill()
        survivors = [w for w in watchers if w.pid != pid]
        wait_for("every release final", lambda: all_final(repo, PRODUCTS), FINISH_S, every=0.25)
        recs = succeeded(repo)
        # The pre-check the killed watcher was running ran again under a survivor (its run, a child of the
        # killed watcher, is known to no other process).
        # So may the pre-checks of other releases whose staging it held — a check it had started but not
        # yet recorded — but no other check, and none more than twice.
        ran = check_runs(runs)
        held = {r for r in recs if pid in claimants(repo, r, "staging")}
        assert ran[(rid, "smoke")] == 2, ran
        for r in recs:
            assert ran[(r, "verify")] == 1, (r, ran)
            assert ran[(r, "smoke")] in ((1, 2) if r in held else (1,)), (r, held, ran)
        assert set(ran) == {(r, check) for r in recs for check in ("smoke", "verify")}, ran
        took = claimants(repo, rid, "staging")
        assert took[0] == pid and set(took[1:]) & {w.pid for w in survivors}, (pid, took)
        stop_all(survivors)
