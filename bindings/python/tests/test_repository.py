"""Context.from_repository: promote.yaml as committed at HEAD of a git repository."""

import os
import shutil
import subprocess

import pytest

import promote
from conftest import EXAMPLE_CONFIG, position

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git command")

GIT_ENV = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull,
               GIT_AUTHOR_NAME="Test", GIT_AUTHOR_EMAIL="test@example.com",
               GIT_COMMITTER_NAME="Test", GIT_COMMITTER_EMAIL="test@example.com")


def git(repo, *args):
    return subprocess.run(["git", "-C", str(repo), *args], env=GIT_ENV, check=True, capture_output=True,
                          text=True).stdout


def commit(repo, files, message="change"):
    for name, text in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        git(repo, "add", name)
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def repo(tmp_path):
    path = tmp_path / "gitops"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    commit(path, {"promote.yaml": EXAMPLE_CONFIG.read_text()}, "add promote.yaml")
    return path


def env_names(ctx):
    return [e.name for e in ctx.environments]


def test_reads_the_committed_configuration(repo):
    with promote.Context.from_repository(repo) as ctx:
        assert ctx.source == "promote.yaml"
        assert env_names(ctx) == ["dev", "qa", "staging", "prod"]
        with promote.Context.from_file(EXAMPLE_CONFIG) as from_file:
            assert ctx.environments == from_file.environments
            assert ctx.flows == from_file.flows
            assert ctx.policies == from_file.policies


def test_the_work_tree_and_the_index_are_not_read(repo):
    edited = EXAMPLE_CONFIG.read_text().replace("  qa:\n", "  qa-edited:\n", 1)
    (repo / "promote.yaml").write_text(edited)
    with promote.Context.from_repository(repo) as ctx:
        assert "qa" in env_names(ctx)
    git(repo, "add", "promote.yaml")
    with promote.Context.from_repository(repo) as ctx:
        assert "qa" in env_names(ctx)
    # Once committed, it is what HEAD holds (and this edit breaks the flow).
    git(repo, "commit", "-q", "-m", "rename qa")
    with pytest.raises(promote.ConfigError) as info:
        promote.Context.from_repository(repo)
    # The flow's step 'qa' now names an environment that does not exist.
    where = ("promote.yaml",) + position(edited, "qa: {}")
    assert any((r.file, r.line, r.column) == where and "'qa'" in r.message for r in info.value.errors)


def test_errors_point_into_the_committed_file(repo):
    bad = EXAMPLE_CONFIG.read_text().replace("strategy: manual", "strategy: manul")
    commit(repo, {"promote.yaml": bad})
    with pytest.raises(promote.ConfigError) as info:
        promote.Context.from_repository(repo)
    e = info.value
    assert (e.file, e.line, e.column) == ("promote.yaml",) + position(bad, "manul")
    assert "did you mean 'manual'?" in e.message


def test_another_config_path(repo):
    text = EXAMPLE_CONFIG.read_text().replace("  prod:\n", "  live:\n", 1).replace(
        "prod:\n        dependsOn", "live:\n        dependsOn")
    commit(repo, {"deploy/promote.yaml": text})
    with promote.Context.from_repository(repo, "deploy/promote.yaml") as ctx:
        assert ctx.source == "deploy/promote.yaml"
        assert env_names(ctx) == ["dev", "qa", "staging", "live"]


def test_a_bare_repository(repo, tmp_path):
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo), str(bare)], env=GIT_ENV, check=True)
    with promote.Context.from_repository(bare) as ctx:
        assert env_names(ctx) == ["dev", "qa", "staging", "prod"]


def test_no_configuration_at_head(repo, tmp_path):
    with pytest.raises(promote.NotFoundError, match="HEAD"):
        promote.Context.from_repository(repo, "nothing/here.yaml")
    empty = tmp_path / "empty"
    empty.mkdir()
    git(empty, "init", "-q")
    with pytest.raises(promote.NotFoundError, match="HEAD"):
        promote.Context.from_repository(empty)


def test_not_a_repository(tmp_path):
    with pytest.raises(promote.GitError) as info:
        promote.Context.from_repository(tmp_path)
    assert info.value.klass == promote.ErrorClass.GIT
    assert str(tmp_path) in info.value.message


def test_an_unreachable_remote_is_a_network_error_without_secrets(monkeypatch, tmp_path):
    # Remote URLs are mirrored in the cache; nobody answers at port 1.
    monkeypatch.setenv("PROMOTE_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.raises(promote.NetworkError) as info:
        promote.Context.from_repository("http://user:s3cret@127.0.0.1:1/org/gitops.git")
    assert "s3cret" not in info.value.message
    assert "http://***@127.0.0.1:1/org/gitops.git" in info.value.message


def test_remote_name_and_repository_path(repo, tmp_path):
    # A configuration file in an ordinary clone promotes into the clone's remote.
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo), str(bare)], env=GIT_ENV, check=True)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(bare), str(clone)], env=GIT_ENV, check=True)
    git(clone, "remote", "rename", "origin", "upstream")
    with promote.Context.from_file(clone / "promote.yaml") as ctx:
        assert ctx.remote_name == "upstream"
        assert os.path.samefile(ctx.repository_path, bare)
    # A repository's own context, a bare one and a string name no clone's remote.
    with promote.Context.from_repository(bare) as ctx:
        assert ctx.remote_name is None
        assert ctx.repository_path == str(bare)
    with promote.Context.from_file(repo / "promote.yaml") as ctx:
        assert ctx.remote_name is None
        assert os.path.samefile(ctx.repository_path, repo / ".git")
    with promote.Context.from_string(EXAMPLE_CONFIG.read_text()) as ctx:
        assert ctx.remote_name is None and ctx.repository_path is None


def test_a_silent_remote_times_out_after_net_timeout(monkeypatch, tmp_path):
    # A server that accepts the connection and never answers: the context's bound ends the clone,
    # over the environment's.
    import socket
    monkeypatch.setenv("PROMOTE_NET_TIMEOUT", "600")
    with socket.create_server(("127.0.0.1", 0)) as listener:
        url = "http://127.0.0.1:%d/org/gitops.git" % listener.getsockname()[1]
        with pytest.raises(promote.TimedOutError) as info:
            promote.Context.from_repository(url, cache_dir=tmp_path / "cache", net_timeout=1)
    assert info.value.code == promote.ErrorCode.ETIMEOUT
    assert "no data from 127.0.0.1 for 1 s" in info.value.message


def test_paths_start_at_the_folder_of_config_path(repo):
    # config_path in a folder: the environments' paths are that folder's, as for a file there
    examples = EXAMPLE_CONFIG.parent
    files = {str(p.relative_to(examples.parent)): p.read_text() for p in examples.rglob("*") if p.is_file()}
    commit(repo, files, "the example in a folder")
    with promote.Context.from_repository(repo, "gitops/promote.yaml") as ctx:
        assert ctx.discover_products() == ["cart", "shop"]
        assert ctx.plan("shop", "qa").changes[0].startswith("gitops/envs/qa/apps/shop/")
    with promote.Context.from_file(repo / "gitops" / "promote.yaml") as ctx:
        assert ctx.discover_products() == ["cart", "shop"]


def test_doctor_lists_and_removes_stale_locks(repo, tmp_path, monkeypatch):
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo), str(bare)], env=GIT_ENV, check=True)
    stale, young = bare / "refs" / "heads" / "main.lock", bare / "packed-refs.lock"
    stale.write_text("0" * 40 + "\n")
    young.write_text("")
    old = os.stat(stale).st_mtime - 3600
    os.utime(stale, (old, old))
    monkeypatch.setenv("PROMOTE_STALE_LOCK_AGE", "600")
    with promote.Context.from_repository(bare) as ctx:
        found = {os.path.basename(f.file): f for f in ctx.doctor()}
        assert set(found) == {"main.lock", "packed-refs.lock"}
        assert found["main.lock"].code == promote.ErrorCode.EBUSY and "60 min old" in found["main.lock"].message
        assert stale.exists()
        fixed = {os.path.basename(f.file): f.code for f in ctx.doctor(fix=True)}
        # the stale one removed, the young one (a writer may be at work) left
        assert fixed == {"main.lock": 0, "packed-refs.lock": promote.ErrorCode.EBUSY}
        assert not stale.exists() and young.exists()
