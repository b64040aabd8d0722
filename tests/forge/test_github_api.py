"""The github provider through the C API (the ctypes binding, bindings/python), behind Prism like
test_github.py: the token from the context's credentials callback, and no pull request for a branch
that changes nothing."""

import os
import pathlib
import sys

import pytest

from gitserver import run_git
from test_github import TOKEN, setup_repo

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "bindings" / "python"))
import promote  # noqa: E402


def open_context(git_server, tmp_path, asked, token=TOKEN):
    def credentials(url, user_from_url, allowed):
        asked.append(url)
        if "/git/" in url:
            return (git_server.user, git_server.password)
        return ("x-access-token", token)  # the forge API's: the token is the password

    return promote.Context.from_repository(git_server.url("gitops"), credentials=credentials,
                                           cache_dir=tmp_path / "cache")


def push_branch(bare, name, change):
    work = bare.parent / ("work-" + name)
    run_git("clone", "-q", bare, work)
    run_git("-C", work, "checkout", "-q", "-b", name)
    if change:
        (work / "README").write_text("a change\n")
        run_git("-C", work, "add", "README")
    run_git("-C", work, "commit", "-q", "--allow-empty", "-m", "on " + name)
    run_git("-C", work, "push", "-q", "origin", name)


def test_token_from_the_credentials_callback_and_no_empty_pull_request(git_server, github, tmp_path, monkeypatch):
    server, _ = github
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("PROMOTE_GITHUB_TOKEN", raising=False)
    url, bare = setup_repo(git_server, github)
    push_branch(bare, "same", change=False)   # a commit, but no file changed
    push_branch(bare, "feature", change=True)
    asked = []
    with open_context(git_server, tmp_path, asked) as ctx:
        with pytest.raises(promote.PromoteError) as caught:
            ctx.open_change("same", "main", title="nothing", labels=["x"])
        assert "changes nothing" in str(caught.value) and "no pull request was opened" in str(caught.value)
        assert server.pulls() == []
        change = ctx.open_change("feature", "main", title="a feature", labels=["promote/test=1"])
        assert change.id == "git/gitops#1" and not change.reused
        again = ctx.open_change("feature", "main", title="a feature", labels=["promote/test=1"])
        assert again.id == change.id and again.reused
        found = ctx.find_change(["promote/test=1"])
        assert found.id == change.id
    assert len(server.pulls()) == 1
    assert any(u.startswith(server_api(github)) for u in asked), asked
    assert all({k.lower(): v for k, v in q[2].items()}.get("authorization") == "Bearer " + TOKEN
               for q in server.state.requests)


def server_api(github):
    return github[1].url
