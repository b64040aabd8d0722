"""kill -9 at every fault point of a release whose step has a pre-check and a post-check (real commands, the
exec backend, that count their runs in a file), then resumed by id until it is final: the release
succeeds with one commit, and each check ran once — or twice when the kill came while it ran (started,
its end not recorded): the one window where a check runs again, since its run was a child of the process
killed. A claim by that process, gone, holds nothing: the resume goes on at once.

The flow: dev -> qa (auto, commit; qa's deploy backend exec, pre: [before], post: [after]). The runs use
the promote of the fault-point build (PROMOTE_FAULT_CLI). A stride of PROMOTE_FAULTS_POINTS of its points
(default 24: about every one), or every one with PROMOTE_FAULTS_EXHAUSTIVE=1."""

import os

from faults import sample_size
from gitserver import create_bare_repo
from releases import BOUND, copy_tree, git, promote, record, release_ids, step
from test_release_kill import choose, fault_cli  # noqa: F401 (the fault build, brought up to date)

SUCCEEDED = 0
RESUMES = 6

CONFIG = """\
version: 1
environments:
  dev: {path: envs/dev, strategy: auto}
  qa: {path: envs/qa, strategy: auto, deploy: {backend: exec}}
products:
  shop:
    path: apps/shop
    template: {attributes: {values.yaml: [image.tag]}, version: values.yaml#image.tag}
workflows:
  before: {run: [sh, -c, 'echo before >> "$0"', RUNS]}
  after: {run: [sh, -c, 'echo after >> "$0"', RUNS]}
policies:
  - {name: default, action: commit}
  - {name: checked, match: {environments: {names: [qa]}}, pre: [before], post: [after]}
flows:
  default: {trigger: dev, steps: {qa: {}}}
"""

VALUES = 'image:\n  tag: "%s"\n'


def run_command():
    return ["run", "shop", "--version", "2.0.0", *BOUND]


def runs_of(runs):
    lines = runs.read_text().split() if runs.exists() else []
    return {name: lines.count(name) for name in ("before", "after")}


def qa_commits(repo):
    log = git(repo, "log", "--format=%(trailers:key=Promote-Environment,valueonly)", "main")
    return sum(1 for line in log.split() if line == "qa")


def resume(repo, env):
    """`release status` (or `run` again, when the kill left no record) until the release is final: None,
    or what went wrong."""
    for _ in range(RESUMES):
        ids = release_ids(repo)
        if ids and record(repo, ids[0])["state"] != "running":
            rec = record(repo, ids[0])
            return None if rec["state"] == "succeeded" else "release %s: %s (%s)" % (
                rec["state"], rec["reason"], step(rec, "qa"))
        args = ["release", "status", ids[0], *BOUND] if ids else run_command()
        done = promote(["--repo", repo, *args], env)
        if done.returncode not in (SUCCEEDED, 3):
            return "%s exited %d: %s" % (" ".join(args[:2]), done.returncode, (done.stderr or done.stdout)[-600:])
    return "not final after %d resumes" % RESUMES


def test_kill_around_checks(tmp_path):
    runs = tmp_path / "runs"
    files = {"promote.yaml": CONFIG.replace("RUNS", str(runs))}
    for env in ("dev", "qa"):
        files["envs/%s/apps/shop/values.yaml" % env] = VALUES % "1.0.0"
    snapshot = create_bare_repo(tmp_path / "snapshot", "gitops", files)
    env = dict(os.environ, PROMOTE_CACHE_DIR=str(tmp_path / "cache"))

    # The uninterrupted release, traced: its fault points, and when each check ran.
    repo = tmp_path / "reference.git"
    copy_tree(snapshot, repo)
    trace = tmp_path / "trace.log"
    done = promote(["--repo", repo, *run_command()], env, trace=trace)
    assert done.returncode == SUCCEEDED, done.stderr
    assert runs_of(runs) == {"before": 1, "after": 1} and qa_commits(repo) == 1
    points = [(int(n), what) for n, _, what in (line.partition(" ") for line in trace.read_text().splitlines())]
    assert [what for _, what in points].count("(check started)") == 2, points

    failures, unreached = [], 0
    tried = [(k, what) for _, k, what in choose([(0, k, what) for k, what in points], sample_size(24))]
    for k, _ in tried:
        repo = tmp_path / ("case-%d.git" % k)
        copy_tree(snapshot, repo)
        runs.unlink(missing_ok=True)
        trace.unlink()
        killed = promote(["--repo", repo, *run_command()], env, kill_at=k, trace=trace)
        # How many polls a check takes varies from run to run: what the killed run passed is read from its
        # own trace.
        passed = [line.partition(" ")[2] for line in trace.read_text().splitlines()]
        if killed.returncode != -9:
            unreached += 1
            continue
        problem = resume(repo, env)
        # Killed while a check ran (started, its end not recorded): it ran again; else once.
        started, finished = passed.count("(check started)"), passed.count("Check finished")
        expected = {name: 2 if started > i and finished <= i else 1 for i, name in enumerate(("before", "after"))}
        if not problem and runs_of(runs) != expected:
            problem = "checks ran %s, expected %s" % (runs_of(runs), expected)
        if not problem and qa_commits(repo) != 1:
            problem = "%d commits for qa" % qa_commits(repo)
        if problem:
            failures.append("killed at point %d (%s): %s" % (k, passed[-1], problem))
    print("%d fault points, %d tried, %d not reached, %d failed" % (len(points), len(tried), unreached,
                                                                    len(failures)))
    assert not failures, "\n".join(failures)
    assert unreached < len(tried) // 2, "most kills were not reached: the runs pass other points than the traced run"
