"""examples/custom-provider.c: a git provider written in C ("fastforge": change requests in memory,
fast-forward merges with `git update-ref NEW OLD`), registered by name and used by a whole release
of the bundled example whose repository names it: qa and staging by commit, prod by a change request
that the program approves, merged by the provider, deployed and checked."""

import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from conftest import EXAMPLE

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "integration"))
from gitserver import create_bare_repo, run_git  # noqa: E402

PROGRAM = os.environ.get("PROMOTE_CUSTOM_PROVIDER") or str(
    pathlib.Path(__file__).resolve().parents[2] / "build" / "examples" / "custom-provider")


def run(*args):
    if not os.access(PROGRAM, os.X_OK):
        pytest.fail("no custom-provider example at %s; set PROMOTE_CUSTOM_PROVIDER" % PROGRAM)
    return subprocess.run([PROGRAM, *map(str, args)], capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL)


@pytest.fixture
def repo(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(EXAMPLE.parent, source)
    config = source / "promote.yaml"
    config.write_text(config.read_text().replace(
        "environments:\n", "repositories:\n  gitops: {provider: fastforge}\n\nenvironments:\n", 1))
    return create_bare_repo(tmp_path, "gitops", source)


def test_a_release_goes_through_a_provider_written_in_c(repo):
    done = run(repo, "shop", "1.5.0")
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    main = run_git("rev-parse", "refs/heads/main", cwd=repo).stdout.strip()
    opened = [line for line in out.splitlines() if line.startswith("fastforge: opened")]
    assert len(opened) == 1 and "into main, draft)" in opened[0], out
    assert "fastforge: FF-1 approved by custom-provider" in out
    assert "fastforge: merged FF-1 into main at %s" % main[:12] in out
    assert "release shop-1.5.0-" in out and ": succeeded" in out
    assert [line.split()[:2] for line in out.splitlines() if line.startswith("  ")] == [
        ["qa", "succeeded"], ["staging", "succeeded"], ["prod", "succeeded"]], out
    assert 'tag: "1.5.0"' in run_git("show", "main:envs/prod/apps/shop/values.yaml", cwd=repo).stdout
    # Fast-forward: the merged head is main itself, its parent the qa + staging commit.
    assert "Promote-Environment: prod" in run_git("log", "-1", "--format=%B", "main", cwd=repo).stdout


def test_the_release_it_ran_is_in_the_repository_for_anyone_to_read(repo):
    done = run(repo, "shop", "1.5.0")
    assert done.returncode == 0, done.stderr
    release_id = next(word for word in done.stdout.split() if word.startswith("shop-1.5.0-")).rstrip(":")
    cli = os.environ["PROMOTE_CLI"]
    shown = subprocess.run([cli, "--repo", str(repo), "release", "status", release_id, "--json"],
                           capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert shown.returncode == 0, shown.stderr
    record = json.loads(shown.stdout)
    prod = [step for step in record["steps"] if step["environment"] == "prod"][0]
    main = run_git("rev-parse", "refs/heads/main", cwd=repo).stdout.strip()
    assert record["state"] == "succeeded" and prod["change"] == "FF-1" and prod["merge_commit"] == main
    assert prod["approvals"][0]["by"] == "custom-provider"
