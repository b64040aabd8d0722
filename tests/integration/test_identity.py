"""Who promote's commits are by, read back with the git program: PROMOTE_AUTHOR_* first, then
GIT_AUTHOR_* / GIT_COMMITTER_*, then user.name / user.email as git reads them (the repository's
configuration, then the user's global one), then promote <promote@localhost>."""

import os
import pathlib
import subprocess

from conftest import CLI
from gitserver import create_bare_repo, run_git

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "gitops"
IDENTITY_VARS = ("PROMOTE_AUTHOR_NAME", "PROMOTE_AUTHOR_EMAIL", "EMAIL", "XDG_CONFIG_HOME")


def isolated_env(tmp_path, gitconfig=None, **extra):
    """An environment with its own HOME (holding `gitconfig` as ~/.gitconfig) and no identity variables."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    if gitconfig is not None:
        (home / ".gitconfig").write_text(gitconfig)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") and k not in IDENTITY_VARS}
    env.update(HOME=str(home), PROMOTE_CACHE_DIR=str(tmp_path / "cache"))
    env.update(extra)
    return env


def apply(env, repo, target="qa"):
    r = subprocess.run([CLI, "--repo", str(repo), "apply", "shop", "--to", target], capture_output=True,
                       text=True, env=env, timeout=120, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr
    assert "committed " in r.stdout, r.stdout


def last_commit_people(bare):
    """(author, committer) of main's tip, as `git log` shows them."""
    out = run_git("-C", bare, "log", "-1", "--format=%an <%ae>%n%cn <%ce>", "main").stdout.splitlines()
    return out[0], out[1]


USER_CONFIG = "[user]\n\tname = Global Person\n\temail = global@example.com\n"


def test_user_config_of_a_mirror_is_the_global_one(git_server, tmp_path):
    git_server.create_repo("gitops", EXAMPLE)
    env = isolated_env(tmp_path, USER_CONFIG, PROMOTE_GIT_USERNAME=git_server.user,
                       PROMOTE_GIT_PASSWORD=git_server.password)
    apply(env, git_server.url("gitops"))
    assert last_commit_people(git_server.repo_path("gitops")) == \
        ("Global Person <global@example.com>", "Global Person <global@example.com>")


def test_git_author_and_committer_variables_beat_the_config(git_server, tmp_path):
    git_server.create_repo("gitops", EXAMPLE)
    env = isolated_env(tmp_path, USER_CONFIG, PROMOTE_GIT_USERNAME=git_server.user,
                       PROMOTE_GIT_PASSWORD=git_server.password, GIT_AUTHOR_NAME="Author Var",
                       GIT_AUTHOR_EMAIL="author@example.com", GIT_COMMITTER_NAME="Committer Var")
    apply(env, git_server.url("gitops"))
    # the committer's address, not set, comes from the configuration as git takes it
    assert last_commit_people(git_server.repo_path("gitops")) == \
        ("Author Var <author@example.com>", "Committer Var <global@example.com>")


def test_promote_author_variables_come_first(git_server, tmp_path):
    git_server.create_repo("gitops", EXAMPLE)
    env = isolated_env(tmp_path, USER_CONFIG, PROMOTE_GIT_USERNAME=git_server.user,
                       PROMOTE_GIT_PASSWORD=git_server.password, GIT_AUTHOR_NAME="Author Var",
                       GIT_COMMITTER_EMAIL="committer@example.com", PROMOTE_AUTHOR_NAME="Release Bot",
                       PROMOTE_AUTHOR_EMAIL="bot@example.com")
    apply(env, git_server.url("gitops"))
    assert last_commit_people(git_server.repo_path("gitops")) == \
        ("Release Bot <bot@example.com>", "Release Bot <bot@example.com>")


def test_repository_config_beats_the_global_one(tmp_path):
    bare = create_bare_repo(tmp_path / "repos", "gitops", EXAMPLE)
    run_git("-C", bare, "config", "user.name", "Repo Person")
    env = isolated_env(tmp_path, USER_CONFIG)
    apply(env, bare)
    # the name from the repository, the address (which it does not set) from the user's file
    assert last_commit_people(bare) == \
        ("Repo Person <global@example.com>", "Repo Person <global@example.com>")


def test_nobody_configured_is_promote(tmp_path):
    bare = create_bare_repo(tmp_path / "repos", "gitops", EXAMPLE)
    apply(isolated_env(tmp_path), bare)
    assert last_commit_people(bare) == ("promote <promote@localhost>", "promote <promote@localhost>")
