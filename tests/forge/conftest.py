"""Fixtures for the forge contract tests: a real git server (tests/integration/gitserver.py), the
stateful GitHub server over its bare repository (github_server.py), and Prism validating every
request and answer between them and promote against GitHub's official description (prism.py); GraphQL
requests go to the server itself, which checks them against GitHub's GraphQL schema.

meson passes the built `promote` in PROMOTE_CLI. Prism starts once per module (ten seconds or so);
each test gets a fresh GitHub state over its own repository, and fails on any contract violation
Prism logged during it. Without Prism the tests fail with the reason (never skipped).
"""

import os
import pathlib
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "integration"))

import importlib.util  # noqa: E402

# The integration tests' git_server fixture (a real git server over HTTP), shared, not copied.
_spec = importlib.util.spec_from_file_location("integration_conftest", HERE.parent / "integration" / "conftest.py")
_integration = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_integration)
git_server = _integration.git_server
from github_server import GitHubServer, GitHubState  # noqa: E402
from prism import GITHUB_SPEC, PrismMissing, PrismProxy, require_tools  # noqa: E402

SOURCE_ROOT = HERE.parents[1]
CLI = os.path.abspath(os.environ.get("PROMOTE_CLI") or SOURCE_ROOT / "build" / "cli" / "promote")


@pytest.fixture(scope="module")
def github_behind_prism(tmp_path_factory):
    try:
        require_tools()
    except PrismMissing as e:
        pytest.fail(str(e), pytrace=False)
    placeholder = tmp_path_factory.mktemp("none")
    with GitHubServer(placeholder) as server:
        with PrismProxy(GITHUB_SPEC, server.url) as prism:
            yield server, prism


@pytest.fixture
def github(github_behind_prism):
    """(server, prism) with a fresh state; server.use(repo_path, owner, repo) points it at a repository.
    The test fails when Prism logged a violation of the contract while it ran."""
    server, prism = github_behind_prism
    server.reset(None)
    mark = prism.mark()
    yield server, prism
    violations = prism.violations(mark)
    assert not violations, "requests or answers out of GitHub's contract:\n" + "\n".join(violations)
    graphql = server.state.graphql_violations
    assert not graphql, "GraphQL requests or answers out of GitHub's schema:\n%s" % graphql
