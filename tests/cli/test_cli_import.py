"""`promote import NEW --from A`: a new environment made from an existing one in one commit, on a bare
repository made from the bundled example."""

from conftest import git, promote

OK, USAGE = 0, 2


def count(repo):
    return int(git(repo, "rev-list", "--count", "main"))


def test_import_then_again(repo):
    before = git(repo, "show", "main:promote.yaml")
    n = count(repo)
    r = promote("--repo", repo, "import", "perf", "--from", "staging", "--only", "apps/shop", "--strategy", "auto",
                "--label", "tier=perf")
    assert r.code == OK, r
    head = git(repo, "rev-parse", "main").strip()
    assert r.out == "committed %s: environment perf imported from staging\n" % head[:12]
    assert count(repo) == n + 1
    # Only the inserted lines differ.
    after = git(repo, "show", "main:promote.yaml")
    entry = ("  perf:\n    path: envs/perf\n    strategy: auto\n    labels:\n      tier: perf\n"
             '    deploy: {backend: exec, health: [./checks/health.sh, "{env}"], timeout: 5m}\n')
    anchor = 'timeout: 10m}\n'
    assert after == before.replace(anchor, anchor + entry, 1)
    assert git(repo, "ls-tree", "-r", "--name-only", "main", "envs/perf").split() == [
        "envs/perf/apps/shop/Chart.yaml", "envs/perf/apps/shop/config/feature-flags.yaml",
        "envs/perf/apps/shop/values.yaml"]
    listed = promote("--repo", repo, "env", "list")
    assert listed.code == OK and "perf" in listed.out, listed

    # Run again (after a crash, say): found, said, no second commit.
    again = promote("--repo", repo, "--json", "import", "perf", "--from", "staging", "--only", "apps/shop",
                    "--strategy", "auto", "--label", "tier=perf")
    assert again.code == OK, again
    assert again.json() == {"outcome": "unchanged", "environment": "perf", "from": "staging", "commit": head,
                            "remote": None}
    text = promote("--repo", repo, "import", "perf", "--from", "staging", "--only", "apps/shop", "--strategy", "auto",
                   "--label", "tier=perf")
    assert text.out == "environment perf already imported in %s: nothing to do\n" % head[:12], text
    assert count(repo) == n + 1

    # Another import under that name is refused.
    refused = promote("--repo", repo, "import", "perf", "--from", "qa")
    assert refused.code == USAGE, refused
    assert "environment 'perf' is configured already: import under another name" in refused.err
    assert count(repo) == n + 1


def test_refusals_write_nothing(repo):
    n = count(repo)
    folder = promote("--repo", repo, "import", "prod2", "--from", "prod", "--path", "envs/prod")
    assert folder.code == USAGE, folder
    assert folder.err == ("promote: 'envs/prod' exists already on branch main: import into another folder (path), "
                          "or remove it first\n")
    unknown = promote("--repo", repo, "import", "perf", "--from", "stagin")
    assert unknown.code == USAGE, unknown
    assert "(did you mean 'staging'?)" in unknown.err
    bad = promote("--repo", repo, "import", "per f", "--from", "staging")
    assert bad.code == USAGE and "environment name 'per f' is not valid" in bad.err, bad
    kind = promote("--repo", repo, "import", "perf", "--from", "staging", "--kind", "prod")
    assert kind.code == USAGE and kind.err == "promote: --kind takes non-production or production, not 'prod'\n", kind
    strategy = promote("--repo", repo, "import", "perf", "--from", "staging", "--strategy", "sometimes")
    assert strategy.code == USAGE and "--strategy takes auto, manual or never, not 'sometimes'" in strategy.err
    missing = promote("--repo", repo, "import", "perf")
    assert missing.code == USAGE and "--from" in missing.err, missing
    assert count(repo) == n


def test_kind_and_namespace(repo):
    r = promote("--repo", repo, "--json", "import", "prod-us", "--from", "prod", "--namespace", "shop-us",
                "--path", "regions/us")
    assert r.code == OK, r
    assert r.json()["outcome"] == "committed"
    cfg = git(repo, "show", "main:promote.yaml")
    assert "  prod-us:\n    path: regions/us\n    kind: production\n    strategy: manual\n" in cfg
    message = git(repo, "log", "-1", "--format=%B", "main")
    assert message == ("Import environment prod-us from prod\n\nNamespace shop becomes shop-us.\n\n"
                       "Promote-Import: prod-us\nPromote-From: prod\n\n")
