"""Fixtures for the forge contract tests: a real git server (tests/integration/gitserver.py), the
stateful GitHub server over its bare repository (github_server.py), and Prism validating every
request and answer between them and promote against GitHub's official description (prism.py); GraphQL
requests go to the server itself, which checks them against GitHub's GraphQL schema.

meson passes the built `promote` in PROMOTE_CLI. Prism starts once per module (ten seconds or so);
each test gets a fresh GitHub state over its own repository, and fails on any contract violation
Prism logged during it. Without Prism the tests fail with the reason (never skipped).
"""

import contextlib
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
from gitea_server import GiteaServer  # noqa: E402
from github_server import GitHubServer, GitHubState  # noqa: E402
from prism import GITEA_SPEC, GITHUB_SPEC, PrismMissing, PrismProxy, require_tools  # noqa: E402

SOURCE_ROOT = HERE.parents[1]
CLI = os.path.abspath(os.environ.get("PROMOTE_CLI") or SOURCE_ROOT / "build" / "cli" / "promote")


@contextlib.contextmanager
def _behind_prism(tmp_path_factory, server_class, spec, upstream_path=""):
    try:
        require_tools(spec)
    except PrismMissing as e:
        pytest.fail(str(e), pytrace=False)
    placeholder = tmp_path_factory.mktemp("none")
    with server_class(placeholder) as server:
        with PrismProxy(spec, server.url + upstream_path) as prism:
            yield server, prism


def _fresh(pair, forge):
    """(server, prism) with a fresh state; the test fails when Prism logged a violation while it ran."""
    server, prism = pair
    server.reset(None)
    mark = prism.mark()
    yield server, prism
    violations = prism.violations(mark)
    assert not violations, "requests or answers out of %s's contract:\n" % forge + "\n".join(violations)


@pytest.fixture(scope="module")
def github_behind_prism(tmp_path_factory):
    with _behind_prism(tmp_path_factory, GitHubServer, GITHUB_SPEC) as pair:
        yield pair


@pytest.fixture
def github(github_behind_prism):
    """(server, prism) with a fresh state; server.use(repo_path, owner, repo) points it at a repository.
    The test fails when Prism logged a violation of the contract while it ran."""
    yield from _fresh(github_behind_prism, "GitHub")
    graphql = github_behind_prism[0].state.graphql_violations
    assert not graphql, "GraphQL requests or answers out of GitHub's schema:\n%s" % graphql


@pytest.fixture(scope="module")
def gitea_behind_prism(tmp_path_factory):
    """The stateful Gitea server behind Prism validating against Gitea's Swagger description. Its
    document has a basePath (/api/v1) but no host, so Prism serves its paths at its root: the API's
    base is Prism's URL, and Prism forwards to the server's /api/v1."""
    with _behind_prism(tmp_path_factory, GiteaServer, GITEA_SPEC, "/api/v1") as pair:
        yield pair


@pytest.fixture
def gitea(gitea_behind_prism):
    """(server, prism) with a fresh state, as `github` above, against Gitea's contract."""
    yield from _fresh(gitea_behind_prism, "Gitea")
