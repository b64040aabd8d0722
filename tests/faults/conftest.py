"""Fixtures of the fault tests: the bundled example as a bare repository, and a git server."""

import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "integration"))
from faults import make_bare  # noqa: E402
from gitserver import GitServer  # noqa: E402


@pytest.fixture(scope="module")
def example_repo(tmp_path_factory):
    """A bare repository holding the bundled example (copy it before changing it)."""
    return make_bare(tmp_path_factory.mktemp("example") / "example.git")


@pytest.fixture(scope="module")
def git_server(tmp_path_factory):
    with GitServer(tmp_path_factory.mktemp("server") / "repos") as server:
        yield server
