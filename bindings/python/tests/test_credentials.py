"""A credentials callback (promote_context_options.credentials_cb) against the integration tests'
real git server over HTTP: asked when the server wants credentials, for the fetch of the mirror
and for the push, instead of the environment variables."""

import os
import pathlib
import sys

import pytest

import promote
from conftest import EXAMPLE_CONFIG

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests" / "integration"))
from gitserver import GitServer, run_git  # noqa: E402


@pytest.fixture
def server(tmp_path, monkeypatch):
    for name in ("PROMOTE_GIT_USERNAME", "PROMOTE_GIT_PASSWORD", "PROMOTE_GIT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    # The server's processes are not the library's: no sanitizer runtime preloaded into them.
    monkeypatch.delenv("LD_PRELOAD", raising=False)
    with GitServer(tmp_path / "repos") as s:
        s.create_repo("gitops", EXAMPLE_CONFIG.parent)
        yield s


def test_fetch_and_push_ask_the_callback(server, tmp_path):
    asked = []

    def credentials(url, user_from_url, allowed):
        asked.append((url, user_from_url, allowed))
        return (server.user, server.password)

    with promote.Context.from_repository(server.url("gitops"), credentials=credentials,
                                         cache_dir=tmp_path / "cache") as ctx:
        applied = ctx.plan("shop", "qa").apply()
        assert applied.outcome is promote.ApplyOutcome.COMMITTED
    log = run_git("-C", server.repo_path("gitops"), "log", "--format=%s", "main").stdout.splitlines()
    assert log[0] == "Promote shop 1.4.0 to qa"
    assert asked and all(a == (server.url("gitops"), None, promote._native.CREDENTIAL_USERPASS) for a in asked)
    assert len(asked) == 2  # the clone of the mirror, then the push


def test_a_refused_answer_is_an_auth_error_without_the_secret(server, tmp_path):
    def credentials(url, user_from_url, allowed):
        return (server.user, "not-the-s3cret")

    with pytest.raises(promote.AuthError) as caught:
        promote.Context.from_repository(server.url("gitops"), credentials=credentials, cache_dir=tmp_path / "c")
    assert "refused the credentials" in str(caught.value)
    assert "not-the-s3cret" not in str(caught.value)


def test_none_means_the_environment(server, tmp_path, monkeypatch):
    monkeypatch.setenv("PROMOTE_GIT_USERNAME", server.user)
    monkeypatch.setenv("PROMOTE_GIT_PASSWORD", server.password)
    with promote.Context.from_repository(server.url("gitops"), credentials=lambda *a: None,
                                         cache_dir=tmp_path / "cache") as ctx:
        assert ctx.plan("cart", "qa").apply().outcome is promote.ApplyOutcome.COMMITTED


def test_what_the_callback_raises_is_raised(server, tmp_path):
    class VaultDown(Exception):
        pass

    def credentials(url, user_from_url, allowed):
        raise VaultDown("the vault is sealed")

    with pytest.raises(promote.PromoteError) as caught:
        promote.Context.from_repository(server.url("gitops"), credentials=credentials, cache_dir=tmp_path / "c")
    assert isinstance(caught.value.__cause__, VaultDown)
    assert caught.value.code == promote.ErrorCode.EUSER
