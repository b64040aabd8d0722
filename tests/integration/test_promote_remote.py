"""promote against a real git server over HTTP (lighttpd + git-http-backend, basic auth):
mirrors in the cache, commits pushed, credentials from the environment, never shown."""

import json
import os
import pathlib
import subprocess
import time
import re
import shutil

from conftest import CLI
from gitserver import GitServer, run_git, stop_process_group

SOURCE_ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLE = SOURCE_ROOT / "examples" / "gitops"


def promote(server, cache, *args, password=None, env_extra=None):
    env = dict(os.environ, PROMOTE_GIT_USERNAME=server.user,
               PROMOTE_GIT_PASSWORD=server.password if password is None else password,
               PROMOTE_CACHE_DIR=str(cache))
    env.update(env_extra or {})
    return subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, env=env, timeout=120,
                          stdin=subprocess.DEVNULL)


def remote_log(server, name="gitops"):
    return run_git("-C", server.repo_path(name), "log", "--format=%s", "main").stdout.splitlines()


def test_apply_pushes_one_commit(git_server, tmp_path):
    git_server.create_repo("gitops", EXAMPLE)
    cache = tmp_path / "cache"
    url = git_server.url("gitops")
    r = promote(git_server, cache, "--repo", url, "apply", "shop", "--to", "qa")
    assert r.returncode == 0, r.stderr
    assert "committed " in r.stdout
    assert remote_log(git_server)[0] == "Promote shop 1.4.0 to qa"
    shown = run_git("-C", git_server.repo_path("gitops"), "show", "main:envs/qa/apps/shop/values.yaml").stdout
    assert 'tag: "1.4.0"' in shown
    # one mirror in the cache, reused (fetched) the second time; no second commit
    assert len(list(cache.glob("*.git"))) == 1
    again = promote(git_server, cache, "--repo", url, "apply", "shop", "--to", "qa")
    assert again.returncode == 0, again.stderr
    assert "already in qa" in again.stdout
    assert len(remote_log(git_server)) == 2


def test_a_mirror_of_many_loose_refs_has_them_packed(git_server, tmp_path):
    """Each release leaves loose refs in the mirror (its record, leases); the fetch packs them once there
    are 100 (lib/git/refs_pack.h), and every ref still reads the same."""
    git_server.create_repo("gitops", EXAMPLE)
    served = git_server.repo_path("gitops")
    tip = run_git("-C", served, "rev-parse", "main").stdout.strip()
    updates = "".join("create refs/promote/releases/shop-1.%d.0-abcdef %s\n" % (i, tip) for i in range(120))
    subprocess.run(["git", "-C", str(served), "update-ref", "--stdin"], input=updates, text=True, check=True)
    cache = tmp_path / "cache"
    url = git_server.url("gitops")
    # the first fetch (a clone) writes each ref loose; the next one packs them before it reads them
    for _ in range(2):
        r = promote(git_server, cache, "--repo", url, "plan", "shop", "--to", "qa")
        assert r.returncode == 0, r.stderr
    mirror = next(cache.glob("*.git"))
    loose = [p for p in (mirror / "refs").rglob("*") if p.is_file()]
    assert loose == []
    packed = (mirror / "packed-refs").read_text()
    assert packed.count("refs/promote/releases/shop-1.") == 120
    listed = run_git("-C", mirror, "for-each-ref", "--format=%(objectname) %(refname)", "refs/promote/releases/")
    assert listed.stdout.splitlines() == sorted("%s refs/promote/releases/shop-1.%d.0-abcdef" % (tip, i)
                                                for i in range(120))
    # and nothing is packed again while few are loose
    before = (mirror / "packed-refs").stat().st_mtime_ns
    assert promote(git_server, cache, "--repo", url, "plan", "shop", "--to", "qa").returncode == 0
    assert (mirror / "packed-refs").stat().st_mtime_ns == before


def test_the_mirror_follows_the_servers_default_branch(git_server, tmp_path):
    """The server's HEAD is the mirror's after each fetch; set only when it changed."""
    git_server.create_repo("gitops", EXAMPLE)
    served = git_server.repo_path("gitops")
    cache = tmp_path / "cache"
    url = git_server.url("gitops")

    def mirror_head():
        r = promote(git_server, cache, "--repo", url, "plan", "shop", "--to", "qa")
        assert r.returncode == 0, r.stderr
        return run_git("-C", next(cache.glob("*.git")), "symbolic-ref", "HEAD").stdout.strip()

    assert mirror_head() == "refs/heads/main"
    assert mirror_head() == "refs/heads/main"
    run_git("-C", served, "branch", "trunk", "main")
    run_git("-C", served, "symbolic-ref", "HEAD", "refs/heads/trunk")
    assert mirror_head() == "refs/heads/trunk"


def test_a_push_that_lost_a_race_is_planned_again(git_server, tmp_path):
    git_server.create_repo("gitops", EXAMPLE)
    url = git_server.url("gitops")
    cache = tmp_path / "cache"
    # the mirror is fetched, then someone else pushes before promote does
    assert promote(git_server, cache, "--repo", url, "plan", "shop", "--to", "qa").returncode == 0
    work = tmp_path / "other"
    run_git("clone", "-q", git_server.url_with_credentials("gitops"), work)
    (work / "README").write_text("someone else's change\n")
    run_git("-C", work, "add", "README")
    run_git("-C", work, "-c", "user.name=o", "-c", "user.email=o@x", "commit", "-qm", "another change")
    run_git("-C", work, "push", "-q", "origin", "main")
    r = promote(git_server, cache, "--repo", url, "apply", "cart", "--to", "qa")
    assert r.returncode == 0, r.stderr
    log = remote_log(git_server)
    assert log[:2] == ["Promote cart 1.4.0 to qa", "another change"]  # both landed, each once


def example_with_apps(root, count):
    """The bundled example plus a discovery product "*" with `count` apps (more/appN) in dev and qa."""
    source = root / "example"
    shutil.copytree(EXAMPLE, source)
    for i in range(1, count + 1):
        for env, tag in [("dev", "2.0"), ("qa", "1.0")]:
            app = source / "envs" / env / "more" / ("app%d" % i)
            app.mkdir(parents=True)
            (app / "values.yaml").write_text('image:\n  tag: "%s" # app\n' % tag)
    config = source / "promote.yaml"
    text = config.read_text()
    star = ('  "*":\n    path: more/*\n'
            '    template: {attributes: {values.yaml: [image.tag]}, version: values.yaml#image.tag}\n')
    config.write_text(text.replace("\nworkflows:", "\n" + star + "workflows:", 1))
    return source


def test_concurrent_processes_all_land_once(git_server, tmp_path):
    # Eight processes promote eight applications into the same branch at once, sharing one cache.
    git_server.create_repo("gitops", example_with_apps(tmp_path, 8))
    url = git_server.url("gitops")
    cache = tmp_path / "cache"
    jobs = []
    for i in range(1, 9):
        args = [CLI, "--repo", url, "apply", "app%d" % i, "--to", "qa"]
        e = dict(os.environ, PROMOTE_GIT_USERNAME=git_server.user, PROMOTE_GIT_PASSWORD=git_server.password,
                 PROMOTE_CACHE_DIR=str(cache))
        jobs.append(subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=e))
    for job in jobs:
        out, err = job.communicate(timeout=120)
        assert job.returncode == 0, err
    log = remote_log(git_server)
    for i in range(1, 9):
        assert log.count("Promote app%d 2.0 to qa" % i) == 1, log
        shown = run_git("-C", git_server.repo_path("gitops"), "show",
                        "main:envs/qa/more/app%d/values.yaml" % i).stdout
        assert shown == 'image:\n  tag: "2.0" # app\n'
    assert len(log) == 9


def test_change_request_lives_on_the_server(git_server, tmp_path):
    # Proposed from one machine (cache), approved and merged from another: the record travels with
    # the repository.
    git_server.create_repo("gitops", EXAMPLE)
    url = git_server.url("gitops")
    r = promote(git_server, tmp_path / "cache1", "--repo", url, "apply", "cart", "--to", "prod", "--version", "5.0",
                "--force", "--reason", "a test of the change request")
    assert r.returncode == 3, r.stderr  # prod is manual: the release waits for its approval
    release = re.search(r"^release (cart-5\.0-\w+) waiting", r.stdout, re.M).group(1)
    change = "promote/%s/prod" % release
    server = git_server.repo_path("gitops")
    refs = run_git("-C", server, "for-each-ref", "--format=%(refname)", "refs/promote/").stdout.split()
    assert refs == ["refs/promote/changes/" + change, "refs/promote/leases/cart/prod",
                    "refs/promote/releases/" + release]
    other = tmp_path / "cache2"
    approved = promote(git_server, other, "--repo", url, "change", "approve", change, "--by", "alice")
    assert approved.returncode == 0, approved.stderr
    merged = promote(git_server, other, "--repo", url, "--json", "change", "merge", change)
    assert merged.returncode == 0, merged.stderr
    assert remote_log(git_server)[0] == "Promote cart 5.0 to prod"  # a fast-forward
    record = json.loads(run_git("-C", server, "show", "refs/promote/changes/%s:record.json" % change).stdout)
    assert record["state"] == "merged" and [a["by"] for a in record["approvals"]] == ["alice"]
    assert json.loads(merged.stdout)["url"].startswith(git_server.base_url)
    assert git_server.password not in merged.stdout
    # The first machine sees it merged too.
    shown = promote(git_server, tmp_path / "cache1", "--repo", url, "--json", "change", "show", change)
    assert json.loads(shown.stdout)["state"] == "merged", shown.stderr


def test_wrong_password_is_an_auth_error_and_never_shown(git_server, tmp_path):
    git_server.create_repo("gitops", EXAMPLE)
    r = promote(git_server, tmp_path / "cache", "--repo", git_server.url("gitops"), "validate",
                password="wrong-s3cret-value")
    assert r.returncode == 2, r
    assert "refused the credentials" in r.stderr
    assert "wrong-s3cret-value" not in r.stderr + r.stdout
    assert git_server.password not in r.stderr + r.stdout
    # a password in the URL is not shown either
    url = git_server.url_with_credentials("gitops", password="in-url-s3cret")
    r = promote(git_server, tmp_path / "cache2", "--repo", url, "validate", password="")
    assert r.returncode == 2
    assert "in-url-s3cret" not in r.stderr + r.stdout


def test_a_refusing_hook_is_reported_not_retried(git_server, tmp_path):
    # A server-side pre-receive hook says no: promote reports the server's reason once (exit 1)
    # instead of planning again, and the branch is untouched.
    git_server.create_repo("gitops", EXAMPLE)
    hook = git_server.repo_path("gitops") / "hooks" / "pre-receive"
    # (It takes the release's record, under refs/promote/, and refuses main.)
    runs = tmp_path / "hook-runs"
    hook.write_text("#!/bin/sh\nwhile read old new ref; do\n  if [ \"$ref\" = refs/heads/main ]; then\n"
                    "    echo run >> %s\n"
                    "    echo 'main is frozen for the release' >&2; exit 1\n  fi\ndone\n" % runs)
    hook.chmod(0o755)
    before = remote_log(git_server)
    r = promote(git_server, tmp_path / "cache", "--repo", git_server.url("gitops"), "apply", "shop", "--to", "qa")
    assert r.returncode == 1, r
    assert "refused the update of 'main'" in r.stderr and "pre-receive hook declined" in r.stderr, r.stderr
    assert "moved meanwhile" not in r.stderr
    assert remote_log(git_server) == before
    # The hook was asked once: a refusal other than "the ref holds another value" is not pushed again.
    assert runs.read_text() == "run\n"


def test_push_sends_only_what_the_commit_adds(git_server, tmp_path):
    # The server unpacks pushes into loose objects (receive.unpackLimit): a promotion of one file
    # adds exactly the commit, the trees along its path and the new blob.
    git_server.create_repo("gitops", EXAMPLE)
    server = git_server.repo_path("gitops")
    run_git("-C", server, "config", "receive.unpackLimit", "100000")
    run_git("-C", server, "repack", "-adq")
    r = promote(git_server, tmp_path / "cache", "--repo", git_server.url("gitops"), "apply", "cart", "--to", "qa")
    assert r.returncode == 0, r.stderr
    stats = dict(line.split(": ") for line in run_git("-C", server, "count-objects", "-v").stdout.splitlines())
    loose = int(stats["count"])
    changed = run_git("-C", server, "diff", "--name-only", "main~1", "main").stdout.split()
    assert changed == ["envs/qa/apps/cart/values.yaml"]
    # commit + trees /, envs, envs/qa, envs/qa/apps, envs/qa/apps/cart + the blob, and the objects of the
    # release's record and of the lease of qa it took (each a commit, its tree and its record.json), nothing else
    records = run_git("-C", server, "rev-list", "--objects", "--glob=refs/promote/releases",
                      "--glob=refs/promote/leases").stdout.split("\n")
    assert loose == 7 + len([line for line in records if line]), stats


def test_tls_is_verified_unless_turned_off_by_name(tmp_path):
    # https with a certificate nobody vouches for: refused by the fetch (libgit2) unless
    # PROMOTE_GIT_INSECURE_SKIP_TLS_VERIFY=1 names the exception; then the fetch and the push
    # (promote's own smart HTTP, libcurl) both go through.
    with GitServer(tmp_path / "repos", tls=True) as server:
        server.create_repo("gitops", EXAMPLE)
        url = server.url("gitops")
        assert url.startswith("https://")
        r = promote(server, tmp_path / "cache", "--repo", url, "apply", "shop", "--to", "qa")
        assert r.returncode == 1, r
        assert "TLS certificate is not trusted" in r.stderr and "PROMOTE_GIT_INSECURE_SKIP_TLS_VERIFY" in r.stderr
        assert server.password not in r.stderr
        r = promote(server, tmp_path / "cache", "--repo", url, "apply", "shop", "--to", "qa",
                    env_extra={"PROMOTE_GIT_INSECURE_SKIP_TLS_VERIFY": "1"})
        assert r.returncode == 0, r.stderr
        assert remote_log(server)[0] == "Promote shop 1.4.0 to qa"
        # Anything but exactly "1" is not the switch.
        r = promote(server, tmp_path / "cache", "--repo", url, "validate",
                    env_extra={"PROMOTE_GIT_INSECURE_SKIP_TLS_VERIFY": "yes"})
        assert r.returncode == 1 and "not trusted" in r.stderr, r


def test_a_mirror_locked_too_long_is_a_clear_busy_error(git_server, tmp_path):
    # Another process holds the mirror's lock (flock(1) here): promote waits its bound
    # (PROMOTE_CACHE_LOCK_WAIT seconds), then says who holds what, and fails (exit 1).
    git_server.create_repo("gitops", EXAMPLE)
    url, cache = git_server.url("gitops"), tmp_path / "cache"
    assert promote(git_server, cache, "--repo", url, "validate").returncode == 0
    [lock] = list(cache.glob("*.git.lock"))
    holder = subprocess.Popen(["flock", "-x", str(lock), "-c", "echo held; sleep 30"], stdout=subprocess.PIPE,
                              text=True, start_new_session=True)
    try:
        assert holder.stdout.readline() == "held\n"
        start = time.monotonic()
        r = promote(git_server, cache, "--repo", url, "validate", env_extra={"PROMOTE_CACHE_LOCK_WAIT": "1"})
        waited = time.monotonic() - start
        assert r.returncode == 1, r
        assert "is locked by another promote for more than 1 s" in r.stderr and str(lock) in r.stderr
        assert 1 <= waited < 10
    finally:
        stop_process_group(holder, 5)  # flock and its sleep, which holds the lock too
    # Released, the same command goes through.
    assert promote(git_server, cache, "--repo", url, "validate").returncode == 0



def test_a_long_reference_name_is_pushed_and_reported_pushed(git_server, tmp_path):
    # The server's "ok REF" answer for a branch name longer than the push's old fixed buffers is
    # read whole (folders keep each part of the name under the file system's limit on the server):
    # qa lives on such a branch.
    branch = "env/qa-" + "/".join(["v" * 200] * 4)
    source = tmp_path / "source"
    shutil.copytree(EXAMPLE, source)
    config = source / "promote.yaml"
    config.write_text(config.read_text().replace("    path: envs/qa\n", "    path: envs/qa\n    branch: %s\n" % branch, 1))
    server = git_server.create_repo("gitops", source)
    run_git("-C", server, "branch", branch, "main")
    url = git_server.url("gitops")
    r = promote(git_server, tmp_path / "cache", "--repo", url, "apply", "cart", "--to", "qa")
    assert r.returncode == 0, r.stderr
    assert len("refs/heads/" + branch) > 800
    assert " on %s: cart 1.4.0 to qa" % branch in r.stdout, r.stdout
    assert run_git("-C", server, "log", "-1", "--format=%s", branch).stdout == "Promote cart 1.4.0 to qa\n"
