"""Fixtures for the integration tests: a real git server over HTTP (lighttpd + git-http-backend).

meson passes the built `promote` executable in PROMOTE_CLI.

    from gitserver import run_git

    def test_something(git_server, tmp_path):
        git_server.create_repo("gitops", {"promote.yaml": "..."})   # or a folder of files
        run_git("clone", git_server.url_with_credentials("gitops"), tmp_path / "work")
"""

import os
import pathlib

import pytest

from gitserver import GitServer, create_bare_repo

SOURCE_ROOT = pathlib.Path(__file__).resolve().parents[2]
CLI = os.path.abspath(os.environ.get("PROMOTE_CLI") or SOURCE_ROOT / "build" / "cli" / "promote")


@pytest.fixture
def git_server(tmp_path):
    """A started GitServer with a fresh, empty root (tmp_path/"repos"); stopped after the test."""
    with GitServer(tmp_path / "repos") as server:
        yield server


@pytest.fixture
def make_bare_repo(git_server):
    """make_bare_repo(name, source) -> path: a bare repository in the git_server's root, committed
    from a folder of files (or a {path: content} mapping)."""
    def make(name, source=None, **kwargs):
        return create_bare_repo(git_server.root, name, source, **kwargs)
    return make


@pytest.fixture
def ssh_server(tmp_path):
    """A started SshServer (OpenSSH's sshd, key authentication) serving tmp_path/"ssh-repos"."""
    from sshserver import SshServer
    with SshServer(tmp_path / "ssh-repos") as server:
        yield server
