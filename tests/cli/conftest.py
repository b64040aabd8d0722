"""Fixtures for the `promote` command's tests.

meson passes the built executable in PROMOTE_CLI, the example configuration
in PROMOTE_EXAMPLE and the project version in PROMOTE_EXPECTED_VERSION.
"""

import json
import os
import pathlib
import shutil
import subprocess
import sys
import textwrap

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "integration"))
from gitserver import create_bare_repo  # noqa: E402

SOURCE_ROOT = pathlib.Path(__file__).resolve().parents[2]
CLI = os.path.abspath(os.environ.get("PROMOTE_CLI") or SOURCE_ROOT / "build" / "cli" / "promote")
EXAMPLE = pathlib.Path(os.environ.get("PROMOTE_EXAMPLE") or SOURCE_ROOT / "examples" / "gitops" / "promote.yaml")

# The example's prod is promoted from qa and staging (1.3.2), but dev has only ever held 1.4.0 in the
# one commit of a test repository: the apply gate refuses 1.3.2 into prod unless forced. Tests of what
# a promotion into prod does (a draft change, its approval) force it, as a person would.
FORCED = ("--force", "--reason", "a test of prod's change request")

GIT_ENV = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull,
               GIT_AUTHOR_NAME="Test", GIT_AUTHOR_EMAIL="test@example.com",
               GIT_COMMITTER_NAME="Test", GIT_COMMITTER_EMAIL="test@example.com")


class Result:
    def __init__(self, completed):
        self.code = completed.returncode
        self.out = completed.stdout
        self.err = completed.stderr

    def json(self):
        return json.loads(self.out)

    def __repr__(self):
        return "<exit %d\nstdout:\n%s\nstderr:\n%s>" % (self.code, self.out, self.err)


def promote(*args, cwd=None):
    """Run the built `promote` with `args`; never through a shell."""
    if not os.access(CLI, os.X_OK):
        pytest.fail("no promote executable at %s; set PROMOTE_CLI" % CLI)
    completed = subprocess.run([CLI, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=60,
                               stdin=subprocess.DEVNULL)
    return Result(completed)


def git(repo, *args):
    return subprocess.run(["git", "-C", str(repo), *args], env=GIT_ENV, check=True, capture_output=True,
                          text=True).stdout


def position(text, token, occurrence=1):
    """(line, column), 1-based, of the `occurrence`-th `token` in `text`."""
    index = -1
    for _ in range(occurrence):
        index = text.index(token, index + 1)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


@pytest.fixture
def write(tmp_path):
    """Write dedented text to tmp_path/NAME; returns the path."""
    def write_file(text, name="promote.yaml"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
        return path
    return write_file


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git command")


@pytest.fixture
def repo(tmp_path):
    """The bundled example committed to a bare repository; returns its path."""
    return create_bare_repo(tmp_path, "gitops", EXAMPLE.parent)
