"""promote import over HTTP (lighttpd + git-http-backend): the import commit is pushed; another machine
(its own mirror) running the same import finds it and commits nothing; a clone's import goes to its
remote."""

import os
import pathlib
import subprocess

from conftest import CLI, SOURCE_ROOT
from gitserver import run_git

EXAMPLE = SOURCE_ROOT / "examples" / "gitops"


def promote(server, cache, *args, cwd=None):
    env = dict(os.environ, PROMOTE_GIT_USERNAME=server.user, PROMOTE_GIT_PASSWORD=server.password,
               PROMOTE_CACHE_DIR=str(cache), PROMOTE_AUTHOR_NAME="Ada Ops", PROMOTE_AUTHOR_EMAIL="ops@example.com")
    return subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, env=env, timeout=120,
                          stdin=subprocess.DEVNULL, cwd=cwd)


def imports(server):
    log = run_git("-C", server.repo_path("gitops"), "log", "--format=%(trailers:key=Promote-Import,valueonly)",
                  "main").stdout
    return [line for line in log.split() if line]


def test_import_pushed_once(git_server, tmp_path):
    git_server.create_repo("gitops", EXAMPLE)
    url = git_server.url("gitops")
    r = promote(git_server, tmp_path / "cache-a", "--repo", url, "import", "perf", "--from", "staging")
    assert r.returncode == 0, r.stderr
    head = run_git("-C", git_server.repo_path("gitops"), "rev-parse", "main").stdout.strip()
    assert r.stdout == "committed %s: environment perf imported from staging\n" % head[:12]
    assert imports(git_server) == ["perf"]
    shown = run_git("-C", git_server.repo_path("gitops"), "show", "main:promote.yaml").stdout
    assert "  perf:\n    path: envs/perf\n    strategy: manual\n    labels: {tier: pre, region: eu}\n" in shown
    # Another machine: its mirror is fetched, the import found.
    again = promote(git_server, tmp_path / "cache-b", "--repo", url, "import", "perf", "--from", "staging")
    assert again.returncode == 0, again.stderr
    assert again.stdout == "environment perf already imported in %s: nothing to do\n" % head[:12]
    # The first machine again (its mirror older than the remote's branch? no: fetched at open).
    third = promote(git_server, tmp_path / "cache-a", "--repo", url, "import", "perf", "--from", "staging")
    assert third.returncode == 0 and "already imported" in third.stdout, third.stderr
    assert imports(git_server) == ["perf"]
    assert run_git("-C", git_server.repo_path("gitops"), "rev-parse", "main").stdout.strip() == head


def test_import_from_a_clone_goes_to_its_remote(git_server, tmp_path):
    git_server.create_repo("gitops", EXAMPLE)
    clone = tmp_path / "work"
    run_git("clone", "-q", git_server.url_with_credentials("gitops"), clone)
    r = promote(git_server, tmp_path / "cache", "import", "qa-eu", "--from", "qa", "--only", "apps/shop",
                cwd=clone)
    assert r.returncode == 0, r.stderr
    assert r.stdout.endswith("pushed to origin; git pull to see it\n"), r.stdout
    files = run_git("-C", git_server.repo_path("gitops"), "ls-tree", "-r", "--name-only", "main",
                    "envs/qa-eu").stdout.split()
    assert files == ["envs/qa-eu/apps/shop/Chart.yaml", "envs/qa-eu/apps/shop/config/feature-flags.yaml",
                     "envs/qa-eu/apps/shop/values.yaml"]
    # The clone's work tree is not touched: it learns the commit as any push.
    assert not (pathlib.Path(clone) / "envs" / "qa-eu").exists()
