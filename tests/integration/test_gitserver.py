"""The test git server is real: lighttpd + git-http-backend over HTTP, with basic authentication enforced."""

import os
import pathlib
import socket
import urllib.error
import urllib.request

import pytest

import gitserver
from gitserver import GitServer, GitServerError, run_git


def head(repo, ref="HEAD"):
    return run_git("rev-parse", ref, cwd=repo).stdout.strip()


def listening(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is not running any more (it only waits to be reaped).
    with open("/proc/%d/stat" % pid) as f:
        return f.read().rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture
def source(tmp_path):
    """A folder of files to make a repository from."""
    folder = tmp_path / "source"
    (folder / "envs" / "dev").mkdir(parents=True)
    (folder / "promote.yaml").write_text("version: 1\n")
    (folder / "envs" / "dev" / "shop.yaml").write_text("image: shop:1.0\n")
    return folder


def test_url_shape(git_server):
    port = git_server.port
    assert git_server.url("gitops") == "http://127.0.0.1:%d/git/gitops.git" % port
    assert git_server.url("gitops.git") == git_server.url("gitops")
    assert git_server.url_with_credentials("gitops") == \
        "http://promoter:%s@127.0.0.1:%d/git/gitops.git" % (git_server.password, port)


def test_clone_with_credentials_shows_the_files(git_server, make_bare_repo, source, tmp_path):
    bare = make_bare_repo("gitops", source)
    assert bare == git_server.root / "gitops.git" and (bare / "HEAD").is_file()

    run_git("clone", "-q", git_server.url_with_credentials("gitops"), tmp_path / "work")

    work = tmp_path / "work"
    assert (work / "promote.yaml").read_text() == "version: 1\n"
    assert (work / "envs" / "dev" / "shop.yaml").read_text() == "image: shop:1.0\n"
    assert head(work) == head(bare, "main")
    assert run_git("remote", "get-url", "origin", cwd=work).stdout.strip() == \
        git_server.url_with_credentials("gitops")


def test_clone_speaks_smart_http_after_a_401(git_server, make_bare_repo, source, tmp_path):
    make_bare_repo("gitops", source)
    traced = run_git("clone", git_server.url_with_credentials("gitops"), tmp_path / "work",
                     env=gitserver.git_env(GIT_TRACE_CURL="1", GIT_TRACE_CURL_NO_DATA="1"))

    trace = traced.stderr
    # curl asks without credentials first, is told 401 with the realm, then sends them.
    assert "<= Recv header: HTTP/1.1 401 Unauthorized" in trace, trace
    assert 'WWW-Authenticate: Basic realm="%s"' % git_server.realm in trace
    assert "<= Recv header: Content-Type: application/x-git-upload-pack-advertisement" in trace
    assert "<= Recv header: Content-Type: application/x-git-upload-pack-result" in trace
    # (Not checked: the password stays out of this trace. git redacts the Authorization header,
    # but curl's own "Info:" lines print URLs with the credentials embedded in them.)


def test_everything_needs_credentials(git_server, make_bare_repo, source, tmp_path):
    make_bare_repo("gitops", source)
    for path in ("/git/gitops.git/info/refs?service=git-upload-pack", "/git/gitops.git/HEAD", "/", "/nothing"):
        with pytest.raises(urllib.error.HTTPError) as raised:
            urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
                "http://127.0.0.1:%d%s" % (git_server.port, path), timeout=5)
        assert raised.value.code == 401, path
        assert raised.value.headers["WWW-Authenticate"].startswith('Basic realm="%s"' % git_server.realm)
        raised.value.close()

    # Without credentials git cannot ask anyone (no terminal, no helper): it fails at once.
    failed = run_git("clone", git_server.url("gitops"), tmp_path / "anonymous", check=False)
    assert failed.returncode != 0
    assert "could not read Username" in failed.stderr, failed.stderr
    assert not (tmp_path / "anonymous").exists()


@pytest.mark.parametrize("user,password", [("promoter", "wrong-password-5f2d"), ("intruder", None)])
def test_wrong_credentials_fail_without_showing_the_password(git_server, make_bare_repo, source, tmp_path,
                                                             user, password):
    make_bare_repo("gitops", source)
    password = password or git_server.password

    failed = run_git("clone", git_server.url_with_credentials("gitops", user=user, password=password),
                     tmp_path / "work", check=False)

    assert failed.returncode != 0
    output = failed.stdout + failed.stderr
    assert "Authentication failed for 'http://127.0.0.1:%d/git/gitops.git/'" % git_server.port in output, output
    assert password not in output
    assert not (tmp_path / "work").exists()


def test_push_lands_in_the_bare_repository(git_server, make_bare_repo, source, tmp_path):
    bare = make_bare_repo("gitops", source)
    run_git("config", "core.logAllRefUpdates", "true", cwd=bare)
    work = tmp_path / "work"
    run_git("clone", "-q", git_server.url_with_credentials("gitops"), work)

    (work / "envs" / "dev" / "shop.yaml").write_text("image: shop:1.1\n")
    run_git("commit", "-qam", "shop 1.1 in dev", cwd=work)
    run_git("push", "-q", "origin", "main", cwd=work)

    assert head(bare, "main") == head(work)
    assert run_git("show", "main:envs/dev/shop.yaml", cwd=bare).stdout == "image: shop:1.1\n"
    assert run_git("log", "-1", "--format=%s", "main", cwd=bare).stdout == "shop 1.1 in dev\n"
    # git-http-backend names the authenticated user (REMOTE_USER) as the committer of the ref update.
    reflog = run_git("reflog", "show", "--format=%gn <%ge>", "main", cwd=bare).stdout
    assert reflog.splitlines()[0] == "promoter <promoter@http.127.0.0.1>", reflog


def test_a_large_push_works(git_server, make_bare_repo, source, tmp_path):
    """Over http.postBuffer (1 MiB) git sends the pack with chunked transfer encoding."""
    bare = make_bare_repo("gitops", source)
    work = tmp_path / "work"
    run_git("clone", "-q", git_server.url_with_credentials("gitops"), work)
    blob = os.urandom(3 << 20)
    (work / "blob.bin").write_bytes(blob)
    run_git("add", "blob.bin", cwd=work)
    run_git("commit", "-qm", "three incompressible MiB", cwd=work)
    run_git("push", "-q", "origin", "main", cwd=work)

    assert head(bare, "main") == head(work)
    run_git("fsck", "--no-progress", cwd=bare)


def test_push_without_credentials_is_refused(git_server, make_bare_repo, source, tmp_path):
    bare = make_bare_repo("gitops", source)
    before = head(bare, "main")
    work = tmp_path / "work"
    run_git("clone", "-q", git_server.url_with_credentials("gitops"), work)
    run_git("commit", "-q", "--allow-empty", "-m", "sneaky", cwd=work)

    failed = run_git("push", git_server.url("gitops"), "main", cwd=work, check=False)

    assert failed.returncode != 0
    assert head(bare, "main") == before


def test_fetch_gets_a_commit_pushed_by_someone_else(git_server, make_bare_repo, source, tmp_path):
    make_bare_repo("gitops", source)
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    run_git("clone", "-q", git_server.url_with_credentials("gitops"), mine)
    run_git("clone", "-q", git_server.url_with_credentials("gitops"), theirs)
    (theirs / "promote.yaml").write_text("version: 2\n")
    run_git("commit", "-qam", "version 2", cwd=theirs)
    run_git("push", "-q", "origin", "main", cwd=theirs)
    assert head(mine, "origin/main") != head(theirs)

    run_git("fetch", "-q", "origin", cwd=mine)

    assert head(mine, "origin/main") == head(theirs)
    assert run_git("show", "origin/main:promote.yaml", cwd=mine).stdout == "version: 2\n"


def test_two_servers_at_once(tmp_path, source):
    with GitServer(tmp_path / "a", password="first") as a, GitServer(tmp_path / "b", password="second") as b:
        assert a.port != b.port
        a.create_repo("one", source)
        b.create_repo("two", {"README": "two\n"})
        run_git("clone", "-q", a.url_with_credentials("one"), tmp_path / "one")
        run_git("clone", "-q", b.url_with_credentials("two"), tmp_path / "two")
        assert (tmp_path / "two" / "README").read_text() == "two\n"
        # Each serves its own root with its own password.
        assert run_git("ls-remote", a.url_with_credentials("two"), check=False).returncode != 0
        assert run_git("ls-remote", a.url_with_credentials("one", password="second"), check=False).returncode != 0


def test_special_characters_in_the_password(tmp_path, source):
    password = "p@ss:w/rd %#?&+ é"
    with GitServer(tmp_path / "repos", password=password) as server:
        server.create_repo("gitops", source)
        run_git("clone", "-q", server.url_with_credentials("gitops"), tmp_path / "work")
        assert (tmp_path / "work" / "promote.yaml").is_file()


def test_stopped_and_cleaned_up_even_when_the_test_fails(tmp_path):
    with pytest.raises(ZeroDivisionError):
        with GitServer(tmp_path / "repos") as server:
            pid, port, directory = server.process.pid, server.port, pathlib.Path(server.dir)
            assert alive(pid) and listening(port) and directory.is_dir()
            1 / 0
    assert not alive(pid)
    assert not listening(port)
    assert not directory.exists()
    assert server.process is None and server.port is None


def test_a_port_taken_before_lighttpd_binds_it_is_retried(tmp_path, monkeypatch):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    ports = iter([taken.getsockname()[1]])
    real_free_port = gitserver._free_port
    monkeypatch.setattr(gitserver, "_free_port", lambda: next(ports, None) or real_free_port())
    with taken, GitServer(tmp_path / "repos") as server:
        assert server.port != taken.getsockname()[1]
        assert listening(server.port)


def test_a_server_that_cannot_start_says_why(tmp_path, monkeypatch):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    monkeypatch.setattr(gitserver, "_free_port", lambda: taken.getsockname()[1])
    server = GitServer(tmp_path / "repos", attempts=2)
    with taken, pytest.raises(GitServerError, match="(?s)lighttpd did not start.*Address already in use"):
        server.__enter__()
    assert server.process is None and server.dir is None
