"""examples/embed.c, the smallest complete program: it loads a configuration and prints it; given a
repository, a product and a version it plans the product into the flow's first environment (the
diff printed), applies the plan, and runs a release at the version until it waits for prod's
approval."""

import os
import pathlib
import subprocess
import sys

import pytest

from conftest import EXAMPLE

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "integration"))
from gitserver import create_bare_repo, run_git  # noqa: E402

PROGRAM = os.environ.get("PROMOTE_EMBED") or str(pathlib.Path(__file__).resolve().parents[2] / "build" / "examples"
                                                 / "embed")


def embed(*args):
    if not os.access(PROGRAM, os.X_OK):
        pytest.fail("no embed example at %s; set PROMOTE_EMBED" % PROGRAM)
    return subprocess.run([PROGRAM, *map(str, args)], capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL)


def test_embed_prints_the_configuration():
    done = embed(EXAMPLE)
    assert done.returncode == 0, done.stderr
    assert "flow default: from dev, 2 waves\n  wave 0: qa staging\n  wave 1: prod\n" in done.stdout


def test_embed_plans_applies_and_releases(tmp_path):
    repo = create_bare_repo(tmp_path, "gitops", EXAMPLE.parent)
    done = embed(repo, "shop", "1.5.0")
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "plan: shop 1.4.0 from dev to qa, 3 files\n" in out
    assert '-  tag: "1.3.2"\n+  tag: "1.4.0"\n' in out
    applied = [line for line in out.splitlines() if line.startswith("apply: committed ")]
    assert len(applied) == 1, out
    commit = applied[0].split()[-1]
    message = run_git("log", "-1", "--format=%B", commit, cwd=repo).stdout
    assert "Promote-Environment: qa" in message and "Promote-Version: 1.4.0" in message
    assert run_git("merge-base", "--is-ancestor", commit, "main", cwd=repo, check=False).returncode == 0
    steps = [line.split()[:2] for line in out.splitlines() if line.startswith("  ") and "wave" not in line
             and not line.startswith("   ")]
    assert ["prod", "awaiting_approval"] in steps and ["qa", "succeeded"] in steps, out
    assert "release shop-1.5.0-" in out and ": waiting" in out
    assert 'tag: "1.5.0"' in run_git("show", "main:envs/staging/apps/shop/values.yaml", cwd=repo).stdout


def test_embed_reports_every_error_with_its_location(tmp_path):
    bad = tmp_path / "promote.yaml"
    bad.write_text("version: 1\nenvironments:\n  dev: {path: envs/dev, strategy: sometimes}\n")
    done = embed(bad)
    assert done.returncode == 1
    assert "promote.yaml:3:" in done.stderr and "sometimes" in done.stderr
