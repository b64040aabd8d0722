"""kill -9 at every fault point of `promote import` (the fault-point build, PROMOTE_FAULT_CLI), locally and
over HTTP (lighttpd + git-http-backend, a cache shared by the runs), then the same import run again: it
exits 0 — "committed" when the kill came before the push, "already imported in COMMIT" after it — and the
branch holds exactly one import commit, the tree an uninterrupted import makes; git fsck passes."""

import os
import pathlib
import re

from gitserver import GitServer, create_bare_repo, run_git
from releases import promote
from test_release_kill import fault_cli  # noqa: F401 (the fault build, brought up to date)

SOURCE_ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLE = SOURCE_ROOT / "examples" / "gitops"
IMPORT = ["import", "perf", "--from", "staging", "--strategy", "auto"]


def points_of(trace):
    """[(n, where)] a traced run passed."""
    lines = pathlib.Path(trace).read_text().splitlines() if pathlib.Path(trace).exists() else []
    return [(int(n), where) for n, where in (line.split(" ", 1) for line in lines)]


def import_commits(repo):
    log = run_git("-C", repo, "log", "--format=%(trailers:key=Promote-Import,valueonly)", "main").stdout
    return [line for line in log.split() if line]


def tree(repo):
    return run_git("-C", repo, "rev-parse", "main^{tree}").stdout.strip()


def check_kills(tmp_path, make, prefix_of, env):
    """The reference run's points, then a fresh repository (from `make(name)`) per point killed there
    and run again. Returns the failures."""
    ref = make("reference")
    trace = tmp_path / "trace"
    done = promote([*prefix_of(ref, "reference"), *IMPORT], env, trace=trace)
    assert done.returncode == 0, done.stderr
    points = points_of(trace)
    assert any(where == "(import pushed)" for _, where in points), points
    expected = tree(ref)
    failures = []
    for n, where in points:
        name = "k%d" % n
        repo = make(name)
        killed = promote([*prefix_of(repo, name), *IMPORT], env, kill_at=n)
        if killed.returncode != -9:
            failures.append("point %d (%s): not killed: %d %s" % (n, where, killed.returncode, killed.stderr))
            continue
        again = promote([*prefix_of(repo, name), *IMPORT], env)
        said = again.stdout
        if again.returncode != 0:
            failures.append("point %d (%s): the run after exits %d: %s" % (n, where, again.returncode, again.stderr))
        elif where == "(import pushed)" and not re.fullmatch(r"environment perf already imported in [0-9a-f]{12}: "
                                                             r"nothing to do\n", said):
            failures.append("point %d (%s): the run after says %r" % (n, where, said))
        if import_commits(repo) != ["perf"]:
            failures.append("point %d (%s): import commits %s" % (n, where, import_commits(repo)))
        if tree(repo) != expected:
            failures.append("point %d (%s): another tree than an uninterrupted import's" % (n, where))
        fsck = run_git("-C", repo, "fsck", "--no-dangling", check=False)
        if fsck.returncode != 0:
            failures.append("point %d (%s): git fsck: %s" % (n, where, fsck.stderr))
    return failures


def test_import_killed_over_http(fault_cli, tmp_path):  # noqa: F811
    with GitServer(tmp_path / "repos") as server:
        env = dict(os.environ, PROMOTE_GIT_USERNAME=server.user, PROMOTE_GIT_PASSWORD=server.password,
                   PROMOTE_CACHE_DIR=str(tmp_path / "cache"))

        def make(name):
            server.create_repo(name, EXAMPLE)
            return server.repo_path(name)

        failures = check_kills(tmp_path, make, lambda repo, name: ["--repo", server.url(name)], env)
    assert failures == [], "\n".join(failures)


def test_import_killed_locally(fault_cli, tmp_path):  # noqa: F811
    env = dict(os.environ)

    def make(name):
        return create_bare_repo(tmp_path, name, EXAMPLE)

    failures = check_kills(tmp_path, make, lambda repo, name: ["--repo", repo], env)
    assert failures == [], "\n".join(failures)
