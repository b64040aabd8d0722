"""promote sync over HTTP from an environment that lives in another repository: the source repository
is a remote too (named relative to the target's URL, as git names a submodule), mirrored in the cache
and only read; the one commit lands in the target's repository."""

from gitserver import run_git
from test_sync_remote import promote
from watch_fleet import app_name, config, values

APPS = 30

# The monorepo's flow dev -> staging -> prod, dev in a repository of its own: the target's URL with
# apps.git for gitops.git.
CONFIG = config().replace("version: 1\n", "version: 1\nrepositories:\n  gitops: {}\n  apps: {url: ../apps.git}\n") \
    .replace("dev: {path: envs/dev, strategy: auto}", "dev: {path: envs/dev, strategy: auto, repository: apps}")
assert "repository: apps" in CONFIG


def refs(server, name):
    return run_git("--git-dir", server.repo_path(name), "for-each-ref").stdout


def test_a_sync_from_a_remote_source_repository(git_server, tmp_path):
    # dev (2.0.0) in the apps repository; staging (1.0.0) in gitops, without the last application
    git_server.create_repo("apps", {"envs/dev/apps/%s/values.yaml" % app_name(n): values(app_name(n), "2.0.0")
                                    for n in range(APPS)})
    target = {"envs/staging/apps/%s/values.yaml" % app_name(n): values(app_name(n), "1.0.0") for n in range(APPS - 1)}
    git_server.create_repo("gitops", dict(target, **{"promote.yaml": CONFIG}))
    url, cache, source = git_server.url("gitops"), tmp_path / "cache", refs(git_server, "apps")
    r = promote(git_server, cache, "--repo", url, "-q", "sync", "--from", "dev", "--to", "staging")
    assert r.returncode == 0, r.stderr
    assert "staging synced with dev, %d updated, 1 added\nrelease sync-staging-" % (APPS - 1) in r.stdout, r.stdout
    gitops = ("--git-dir", git_server.repo_path("gitops"))
    assert run_git(*gitops, "rev-list", "--count", "main").stdout == "2\n"
    stats = run_git(*gitops, "diff", "--numstat", "main~1", "main").stdout.splitlines()
    assert stats == ["1\t1\tenvs/staging/apps/%s/values.yaml" % app_name(n) for n in range(APPS - 1)] + \
        ["3\t0\tenvs/staging/apps/%s/values.yaml" % app_name(APPS - 1)]
    run_git(*gitops, "fsck", "--strict", "--no-dangling")
    # the source was only read: its refs as they were, and a mirror of it in the cache beside the target's
    assert refs(git_server, "apps") == source
    assert len(list(cache.glob("*.git"))) == 2
    again = promote(git_server, cache, "--repo", url, "sync", "--from", "dev", "--to", "staging")
    assert again.returncode == 0, again.stderr
    assert again.stdout == "staging holds every product of dev at its version: nothing to change\n"
    # a new version in the source repository is fetched by the next sync
    work = tmp_path / "apps-work"
    run_git("clone", "-q", git_server.url_with_credentials("apps"), work)
    (work / "envs/dev/apps" / app_name(0) / "values.yaml").write_text(values(app_name(0), "2.1.0"))
    run_git("-C", work, "commit", "-qam", "ci: new image")
    run_git("-C", work, "push", "-q", "origin", "main")
    r = promote(git_server, cache, "--repo", url, "sync", "--from", "dev", "--to", "staging")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("update %s 2.0.0 -> 2.1.0\ncommitted " % app_name(0)), r.stdout
    assert run_git(*gitops, "rev-list", "--count", "main").stdout == "3\n"
