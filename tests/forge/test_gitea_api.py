"""The gitea provider through the C API (the ctypes binding), behind Prism like test_gitea.py: the token
from the context's credentials callback, no pull request for a branch that changes nothing (Gitea's
compare), an open one reused by its head branch, and found by its labels."""

import pathlib
import sys

import pytest

from forge_cli import requests_of
from test_gitea import TOKEN, setup_repo
from test_github_api import open_context, push_branch

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "bindings" / "python"))
import promote  # noqa: E402


def test_token_from_the_credentials_callback_no_empty_pull_request_and_reuse(git_server, gitea, tmp_path,
                                                                             monkeypatch):
    server, prism = gitea
    for variable in ("GITEA_TOKEN", "PROMOTE_GITEA_TOKEN"):
        monkeypatch.delenv(variable, raising=False)
    url, bare = setup_repo(git_server, gitea)
    push_branch(bare, "same", change=False)   # a commit, but no file changed
    push_branch(bare, "feature", change=True)
    asked = []
    with open_context(git_server, tmp_path, asked, token=TOKEN) as ctx:
        with pytest.raises(promote.PromoteError) as caught:
            ctx.open_change("same", "main", title="nothing", labels=["x"])
        assert "changes nothing" in str(caught.value) and "no pull request was opened" in str(caught.value)
        assert server.pulls() == []
        change = ctx.open_change("feature", "main", title="a feature", labels=["promote/test=1", "team/web"])
        assert change.id == "git/gitops#1" and not change.reused
        again = ctx.open_change("feature", "main", title="a feature", labels=["promote/test=1", "team/web"])
        assert again.id == change.id and again.reused
        assert ctx.find_change(["promote/test=1"]).id == change.id
    assert len(server.pulls()) == 1 and sorted(server.pulls()[0]["labels"]) == ["promote/test=1", "team/web"]
    # Each label made once, and set once: the reused pull request carried them already.
    assert len(requests_of(server, "POST", "/labels")) == 2 + 1  # two made, one POST .../issues/1/labels
    assert any(u.startswith(prism.url) for u in asked), asked
    assert all({k.lower(): v for k, v in q[2].items()}.get("authorization") == "token " + TOKEN
               for q in server.state.requests)
