"""git's credential helpers against the HTTP test server (basic authentication): promote asks
`git credential fill` after the context's callback and before PROMOTE_GIT_*, then tells the helpers
`approve` when the server took the credentials and `reject` when it refused them. The helpers here
are git's own `store` (a credentials file) and a logging one, in an isolated HOME and
GIT_CONFIG_GLOBAL; the password is never shown."""

import os
import pathlib
import subprocess
import urllib.parse

from conftest import CLI
from gitserver import HOST, run_git

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "gitops"


def helper_env(tmp_path, server, stored_password, **extra):
    """An environment whose only git configuration names two helpers: one logging each action it is
    asked for (get, store, erase), then `store` with a file holding `stored_password` for the server."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    store = tmp_path / "git-credentials"
    log = tmp_path / "helper.log"
    store.write_text("http://%s:%s@%s:%d\n" % (urllib.parse.quote(server.user, safe=""),
                                                urllib.parse.quote(stored_password, safe=""), HOST, server.port))
    store.chmod(0o600)
    config = tmp_path / "gitconfig"
    config.write_text('[credential]\n\thelper = "!f() { echo \\"$1\\" >> \'%s\'; }; f"\n'
                      '\thelper = store --file=%s\n' % (log, store))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PROMOTE_GIT_"))}
    env.update(HOME=str(home), GIT_CONFIG_GLOBAL=str(config), GIT_CONFIG_NOSYSTEM="1",
               PROMOTE_CACHE_DIR=str(tmp_path / "cache"))
    env.update(extra)
    return env, store, log


def promote(env, *args):
    return subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, env=env, timeout=120,
                          stdin=subprocess.DEVNULL)


def test_stored_credentials_are_used_and_approved(git_server, tmp_path):
    git_server.create_repo("gitops", EXAMPLE)
    env, store, log = helper_env(tmp_path, git_server, git_server.password)
    r = promote(env, "--repo", git_server.url("gitops"), "apply", "shop", "--to", "qa")
    assert r.returncode == 0, r.stderr
    # fetched (libgit2's credentials) and pushed (our smart HTTP) with the helper's answer, asked for and
    # approved once in the run, however many pushes the release made
    assert log.read_text().split() == ["get", "store"]
    assert git_server.password in store.read_text()
    subject = run_git("-C", git_server.repo_path("gitops"), "log", "-1", "--format=%s", "main").stdout.strip()
    assert subject == "Promote shop 1.4.0 to qa"
    assert git_server.password not in r.stdout + r.stderr


def test_wrong_stored_credentials_are_refused_and_rejected(git_server, tmp_path):
    git_server.create_repo("gitops", EXAMPLE)
    env, store, log = helper_env(tmp_path, git_server, "wrong-st0red-s3cret")
    r = promote(env, "--repo", git_server.url("gitops"), "validate")
    assert r.returncode == 2, r  # PROMOTE_EAUTH
    assert "refused the credentials of git's credential helper" in r.stderr
    assert log.read_text().split() == ["get", "erase"]
    assert "wrong-st0red-s3cret" not in store.read_text()  # the store helper forgot them
    assert "wrong-st0red-s3cret" not in r.stdout + r.stderr
    # nothing stored any more: PROMOTE_GIT_* comes next
    env.update(PROMOTE_GIT_USERNAME=git_server.user, PROMOTE_GIT_PASSWORD=git_server.password)
    r = promote(env, "--repo", git_server.url("gitops"), "validate")
    assert r.returncode == 0, r.stderr
    assert git_server.password not in r.stdout + r.stderr


def test_the_helper_comes_before_promote_git_variables(git_server, tmp_path):
    git_server.create_repo("gitops", EXAMPLE)
    env, store, log = helper_env(tmp_path, git_server, git_server.password,
                                 PROMOTE_GIT_USERNAME=git_server.user, PROMOTE_GIT_PASSWORD="env-wr0ng")
    r = promote(env, "--repo", git_server.url("gitops"), "validate")
    assert r.returncode == 0, r.stderr
    assert log.read_text().split() == ["get", "store"]


def test_without_a_helper_the_message_names_the_variables(git_server, tmp_path):
    git_server.create_repo("gitops", EXAMPLE)
    env, store, log = helper_env(tmp_path, git_server, git_server.password)
    (tmp_path / "gitconfig").write_text("")
    r = promote(env, "--repo", git_server.url("gitops"), "validate")
    assert r.returncode == 2 and "set PROMOTE_GIT_USERNAME" in r.stderr, r
    assert not log.exists()
