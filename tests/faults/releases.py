"""The release the kill tests break, and what must hold after it was resumed.

dev -> qa + staging (auto, commit: grouped into one commit) -> uat (auto, pull request: a change merged
at once by the local provider) -> prod (manual, pull request: a draft change that waits for an approval
given by another process): the repository of tests/integration/release_repo.py, with uat. The runs
use a promote built with fault points (PROMOTE_FAULT_CLI, from the build folder PROMOTE_FAULT_BUILD,
meson -Dfault_points=true): PROMOTE_FAULT_TRACE=FILE appends "N WHERE" for every point a process
passes, PROMOTE_FAULT_KILL_AT=N sends it SIGKILL at its Nth point.
"""

import json
import os
import pathlib
import shutil
import subprocess
import sys

SOURCE_ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(SOURCE_ROOT / "tests" / "integration"))
from gitserver import create_bare_repo, run_git  # noqa: E402
from release_repo import files  # noqa: E402

FAULT_BUILD = os.environ.get("PROMOTE_FAULT_BUILD", "")
FAULT_CLI = os.environ.get("PROMOTE_FAULT_CLI", "")

PRODUCT, VERSION, OLD = "shop", "2.0.0", "1.0.0"
STEPS = ["qa", "staging", "uat", "prod"]
COMMIT_STEPS = ["qa", "staging"]          # one grouped commit carries both
CHANGE_STEPS = ["uat", "prod"]            # one change request each
RECORDS = "refs/promote/releases/"
CHANGES = "refs/promote/changes/"
# A bound on every command that advances the release (it blocks while something runs elsewhere).
BOUND = ["--timeout", "90s"]

VALUES = 'image:\n  repository: registry.example.com/shop\n  tag: "%s"\nreplicas: 2\n'


def make_repo(root, name):
    """The release's repository, bare, at root/NAME.git: every environment holds shop 1.0.0."""
    return create_bare_repo(root, name, files(VALUES % OLD, uat=True), message="shop 1.0.0 everywhere")


def promote(args, env, kill_at=None, trace=None, timeout=180):
    """Run the fault build's promote; killed at its `kill_at`th fault point, tracing them to `trace`."""
    env = dict(env)
    env.pop("PROMOTE_FAULT_KILL_AT", None)
    env.pop("PROMOTE_FAULT_TRACE", None)
    if kill_at is not None:
        env["PROMOTE_FAULT_KILL_AT"] = str(kill_at)
    if trace is not None:
        env["PROMOTE_FAULT_TRACE"] = str(trace)
    return subprocess.run([FAULT_CLI, *map(str, args)], capture_output=True, text=True, env=env, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def start(args, env):
    """The same, started in the background (a subprocess.Popen)."""
    return subprocess.Popen([FAULT_CLI, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=dict(env), stdin=subprocess.DEVNULL)


# The commands of an uninterrupted release: started (it waits for prod's approval), approved by another
# process, then finished by a third. Each takes the release's id but the first.
def run_command():
    return ["run", PRODUCT, "--version", VERSION, *BOUND]


def approve_command(rid):
    return ["release", "approve", rid, "--env", "prod", "--by", "alice", *BOUND]


def status_command(rid):
    return ["release", "status", rid, *BOUND]


def retry_command(rid):
    return ["release", "retry", rid, *BOUND]


def git(repo, *args):
    return run_git("-C", repo, *args).stdout


def release_ids(repo):
    """The ids of the releases recorded in the bare repository `repo`."""
    refs = git(repo, "for-each-ref", "--format=%(refname)", RECORDS).split()
    return [ref[len(RECORDS):] for ref in refs]


def record(repo, rid):
    return json.loads(git(repo, "show", "%s%s:record.json" % (RECORDS, rid)))


def step(rec, env):
    return next(s for s in rec["steps"] if s["environment"] == env)


def commits_by_environment(repo):
    """{environment: number of commits on main whose trailers name it}, and the commits on main."""
    out = git(repo, "log", "--format=%H%x00%(trailers:key=Promote-Environment,valueonly,separator=%x2C)%x1e",
              "main")
    counts, total = {}, 0
    for entry in filter(None, (e.strip() for e in out.split("\x1e"))):
        total += 1
        _, _, envs = entry.partition("\x00")
        for env in filter(None, (e.strip() for e in envs.split(","))):
            counts[env] = counts.get(env, 0) + 1
    return counts, total


def changes_by_environment(repo, rid):
    """{environment: number of change records of the release} (refs/promote/changes/promote/ID/ENV...)."""
    refs = git(repo, "for-each-ref", "--format=%(refname)", CHANGES).split()
    counts = {}
    for ref in refs:
        name = ref[len(CHANGES):]
        for env in STEPS:
            if name.startswith("promote/%s/%s" % (rid, env)):
                counts[env] = counts.get(env, 0) + 1
    return counts


def outcome(repo):
    """What the uninterrupted run and every resumed one must agree on (ids left out)."""
    ids = release_ids(repo)
    rid = ids[0] if len(ids) == 1 else None
    rec = record(repo, rid) if rid else None
    commits, total = commits_by_environment(repo)
    return {
        "releases": len(ids),
        "state": rec and rec["state"],
        "steps": rec and {s["environment"]: s["state"] for s in rec["steps"]},
        "commits": commits,
        "commits on main": total,
        "changes": rid and changes_by_environment(repo, rid),
        "tree": git(repo, "rev-parse", "main^{tree}").strip(),
    }


def expected_shape(result):
    """The problems of the uninterrupted run's outcome itself (the scenario must be what it says)."""
    problems = []
    if result["releases"] != 1 or result["state"] != "succeeded":
        problems.append("%d releases, state %s" % (result["releases"], result["state"]))
    if result["steps"] != {env: "succeeded" for env in STEPS}:
        problems.append("steps %s" % result["steps"])
    for env in COMMIT_STEPS:
        if result["commits"].get(env) != 1:
            problems.append("%d commits for %s" % (result["commits"].get(env, 0), env))
    for env in CHANGE_STEPS:
        if (result["changes"] or {}).get(env) != 1:
            problems.append("%d changes for %s" % ((result["changes"] or {}).get(env, 0), env))
    return problems


def copy_tree(source, dest):
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(source, dest, symlinks=True)
