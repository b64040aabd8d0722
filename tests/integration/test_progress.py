"""Transfer progress on a terminal: `promote` draws the clone of its mirror and its push on stderr
when stderr is a terminal (a pseudo-terminal here), as git does, and writes not one byte more when
it is a pipe (compared byte for byte with -q)."""

import os
import pathlib
import pty
import subprocess

from conftest import CLI
from gitserver import run_git
from terminal import read_until_closed

SOURCE_ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLE = SOURCE_ROOT / "examples" / "gitops"


def environment(server, cache, **extra):
    env = dict(os.environ, PROMOTE_GIT_USERNAME=server.user, PROMOTE_GIT_PASSWORD=server.password,
               PROMOTE_CACHE_DIR=str(cache), TERM="xterm")
    env.update(extra)
    return env


def run_on_a_terminal(args, env):
    """Run `promote args` with stderr on a pseudo-terminal: (exit status, stdout, what the terminal got)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([CLI, *map(str, args)], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=slave, env=env)
    os.close(slave)
    terminal = read_until_closed(master)
    out = proc.stdout.read()
    proc.stdout.close()
    return proc.wait(timeout=60), out, terminal


def test_a_terminal_gets_the_progress_of_the_clone_and_the_push(git_server, tmp_path):
    git_server.create_repo("gitops", EXAMPLE)
    url = git_server.url("gitops")
    status, out, terminal = run_on_a_terminal(["--repo", url, "apply", "shop", "--to", "qa"],
                                              environment(git_server, tmp_path / "cache"))
    text = terminal.decode()
    assert status == 0, text
    assert b"committed " in out
    assert "Cloning %s\r\n" % url in text
    # Each phase's line rewritten in place ("\r", the text, then erased to the end of the line), and
    # finished when it is done.
    assert "\rReceiving objects: 100% (42/42), " in text
    assert "\rResolving deltas: 100% (" in text
    assert text.count(", done.\x1b[K\r\n") == 4  # receiving, resolving; packing, writing
    assert "Pushing to %s\r\n" % url in text
    assert "\rWriting objects: 100% (" in text
    assert git_server.password not in text
    # Every line drawn in place is finished: the last thing on the terminal ends a line.
    assert text.endswith("\r\n")
    assert run_git("-C", git_server.repo_path("gitops"), "log", "-1", "--format=%s", "main").stdout.strip() == \
        "Promote shop 1.4.0 to qa"


def test_quiet_draws_nothing_on_a_terminal(git_server, tmp_path):
    git_server.create_repo("gitops", EXAMPLE)
    status, out, terminal = run_on_a_terminal(["-q", "--repo", git_server.url("gitops"), "plan", "shop", "--to", "qa"],
                                              environment(git_server, tmp_path / "cache"))
    assert status == 0 and terminal == b""


def test_a_pipe_gets_nothing_more_than_with_quiet(git_server, tmp_path):
    git_server.create_repo("gitops", EXAMPLE)
    url = git_server.url("gitops")
    runs = []
    for quiet, cache in [([], "cache1"), (["-q"], "cache2")]:
        # Each with a cache of its own, so that both clone the mirror.
        r = subprocess.run([CLI, *quiet, "--repo", url, "plan", "shop", "--to", "qa"], capture_output=True,
                           env=environment(git_server, tmp_path / cache), stdin=subprocess.DEVNULL, timeout=120)
        assert r.returncode == 0, r.stderr
        runs.append(r)
    assert runs[0].stderr == runs[1].stderr == b""
    assert runs[0].stdout == runs[1].stdout


def test_a_failed_transfer_ends_the_line_before_the_error(git_server, tmp_path):
    git_server.create_repo("gitops", EXAMPLE)
    url = git_server.url("gitops")
    status, out, terminal = run_on_a_terminal(["--repo", url, "plan", "shop", "--to", "qa"],
                                              environment(git_server, tmp_path / "cache",
                                                          PROMOTE_GIT_PASSWORD="not-the-password"))
    text = terminal.decode()
    assert status == 2, text
    assert "promote: " in text and "refused the credentials" in text
    assert "not-the-password" not in text
    assert all(line.startswith(("Cloning ", "promote: ")) for line in text.split("\r\n") if line), text


def test_a_terminal_gets_the_progress_over_ssh_too(ssh_server, tmp_path):
    # Over ssh both directions are libgit2's: its indexer's progress for the clone, its packbuilder's
    # and its push's for the push.
    ssh_server.create_repo("gitops", EXAMPLE)
    url = ssh_server.url("gitops")
    env = dict(ssh_server.client_env(), TERM="xterm")
    status, out, terminal = run_on_a_terminal(["--cache", tmp_path / "cache", "--repo", url, "apply", "shop",
                                               "--to", "qa"], env)
    text = terminal.decode()
    assert status == 0, text
    assert b"committed " in out
    shown = url.replace(ssh_server.user + "@", "***@")  # no user information in what is shown
    assert "Cloning %s\r\n" % shown in text and "\rReceiving objects: 100% (42/42), " in text, text
    assert "Pushing to %s\r\n" % shown in text, text
    assert "\rWriting objects: 100% (" in text and text.endswith(", done.\x1b[K\r\n"), text
    assert run_git("-C", ssh_server.repo_path("gitops"), "log", "-1", "--format=%s", "main").stdout.strip() == \
        "Promote shop 1.4.0 to qa"
