"""`promote sync`, `plan`, `apply` and `drift` from an environment that lives in another repository:
read there, written only into the context's repository (doc/SYNC.md#across-repositories)."""

import os

import yaml

from conftest import EXAMPLE, git, promote
from gitserver import create_bare_repo
from test_cli_layouts import UPDATEBOT, layout_config

OK, FAILED, USAGE = 0, 1, 2

APPS = EXAMPLE.parent / "envs" / "dev" / "apps"

CONFIG = """\
version: 1
repositories:
  gitops: {}
  apps: {url: "%s"}
environments:
  dev: {path: envs/dev, repository: apps}
  qa: {path: envs/qa, repository: gitops}
  staging: {path: envs/staging, repository: gitops}
products:
  shop:
    path: apps/shop
    template:
      files: ["config/*.yaml"]
      attributes: {values.yaml: [image.tag], Chart.yaml: [appVersion]}
      version: values.yaml#image.tag
  cart:
    path: apps/cart
    template: {attributes: {values.yaml: [image.tag]}, version: values.yaml#image.tag}
flows:
  default: {trigger: dev, steps: {qa: {}, staging: {dependsOn: [qa]}}}
"""


def tree(folder, prefix):
    """The files under `folder`, as create_bare_repo takes them, each under `prefix`."""
    return {prefix + "/" + str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


# A file of shop's folder that no template names: a product the target lacks comes with its whole folder.
SERVICE = "apiVersion: v1\nkind: Service\nmetadata:\n  name: shop\n  namespace: shop-dev\n"


def source_repo(tmp_path, name="apps"):
    """The example's dev environment (shop and cart at 1.4.0), alone in a repository of its own."""
    files = tree(APPS, "envs/dev/apps")
    files["envs/dev/apps/shop/templates/service.yaml"] = SERVICE
    return create_bare_repo(tmp_path, name, files)


def target_repo(tmp_path, url, without=()):
    """The configuration and the example's qa and staging (at 1.3.2), without the folders `without`."""
    files = {"promote.yaml": CONFIG % url}
    for env in ("qa", "staging"):
        files.update(tree(EXAMPLE.parent / "envs" / env, "envs/" + env))
    for folder in without:
        files = {k: v for k, v in files.items() if not k.startswith(folder + "/")}
    return create_bare_repo(tmp_path, "gitops", files)


def refs(bare):
    """Every ref and the object it names, and the objects the repository holds."""
    return git(bare, "for-each-ref", "--format=%(refname) %(objectname)"), \
        git(bare, "count-objects", "-v"), sorted(os.listdir(os.path.join(bare, "objects")))


def count(bare, rev="main"):
    return int(git(bare, "rev-list", "--count", rev))


def test_sync_reads_the_source_repository_and_commits_in_the_target(tmp_path):
    apps = source_repo(tmp_path)
    gitops = target_repo(tmp_path, apps)
    before = refs(apps)
    r = promote("--repo", gitops, "--cache", tmp_path / "cache", "sync", "--from", "dev", "--to", "qa")
    assert r.code == OK, r
    assert r.out.startswith("update cart 1.3.2 -> 1.4.0\nupdate shop 1.3.2 -> 1.4.0\ncommitted ")
    assert count(gitops) == 2
    # surgical: the version lines change, every other byte is qa's; a file copied whole is dev's
    for path in ("apps/cart/values.yaml", "apps/shop/values.yaml", "apps/shop/Chart.yaml"):
        assert git(gitops, "show", "main:envs/qa/" + path) == \
            (EXAMPLE.parent / "envs/qa" / path).read_text().replace("1.3.2", "1.4.0"), path
    assert git(gitops, "show", "main:envs/qa/apps/shop/config/feature-flags.yaml") == \
        (APPS / "shop/config/feature-flags.yaml").read_text()
    assert "Promote-Sync-From: dev\nPromote-Sync-To: qa\n" in git(gitops, "log", "-1", "--format=%B", "main")
    # nothing written where the source lives
    assert refs(apps) == before
    again = promote("--repo", gitops, "--cache", tmp_path / "cache", "sync", "--from", "dev", "--to", "qa")
    assert again.code == OK, again
    assert again.out == "qa holds every product of dev at its version: nothing to change\n"
    assert count(gitops) == 2 and refs(apps) == before


def test_a_product_the_target_lacks_comes_whole_from_the_other_repository(tmp_path):
    apps = source_repo(tmp_path)
    gitops = target_repo(tmp_path, apps, without=["envs/qa/apps/shop"])
    r = promote("--repo", gitops, "sync", "--from", "dev", "--to", "qa")
    assert r.code == OK, r
    assert "add shop 1.4.0\n" in r.out
    for path in ("values.yaml", "Chart.yaml", "config/feature-flags.yaml"):
        assert git(gitops, "show", "main:envs/qa/apps/shop/" + path) == (APPS / "shop" / path).read_text()
    # the whole folder, the source environment's name renamed
    assert git(gitops, "show", "main:envs/qa/apps/shop/templates/service.yaml") == SERVICE.replace("-dev", "-qa")
    # the target's own object database holds every object of its tree: nothing points into the source's
    assert git(gitops, "fsck", "--strict", "--no-dangling") == ""


def test_a_relative_url_starts_at_the_repository_holding_the_configuration(tmp_path):
    apps = source_repo(tmp_path)
    gitops = target_repo(tmp_path, "../" + os.path.basename(apps))
    r = promote("--repo", gitops, "sync", "--from", "dev", "--to", "qa", "--only", "cart")
    assert r.code == OK, r
    assert r.out.startswith("update cart 1.3.2 -> 1.4.0\ncommitted ")


def test_a_relative_url_in_a_clone_starts_at_the_configuration_file(tmp_path):
    """promote.yaml in a clone without remote: its folder is where '../apps.git' starts."""
    apps = source_repo(tmp_path, "apps")
    clone = tmp_path / "work" / "gitops"
    gitops = target_repo(tmp_path, "../../" + os.path.basename(apps))
    git(tmp_path, "clone", "-q", str(gitops), str(clone))
    git(clone, "remote", "remove", "origin")
    r = promote("--config", clone / "promote.yaml", "plan", "cart", "--to", "qa")
    assert r.code == OK, r
    assert '-  tag: "1.3.2"\n+  tag: "1.4.0"\n' in r.out


def test_a_source_repository_that_is_not_there_is_a_clear_error_and_nothing_is_written(tmp_path):
    gitops = target_repo(tmp_path, str(tmp_path / "nowhere.git"))
    before = refs(gitops)
    r = promote("--repo", gitops, "sync", "--from", "dev", "--to", "qa")
    assert r.code != OK, r
    assert "environment 'dev' lives in repository 'apps' (%s), which cannot be read" % (tmp_path / "nowhere.git") \
        in r.err, r
    assert refs(gitops) == before
    climbing = target_repo(tmp_path / "climb", "../../../../../../../../../../../../../../../../../../../x.git")
    r = promote("--repo", climbing, "plan", "cart", "--to", "qa")
    assert r.code == USAGE or r.code == FAILED, r
    assert "the url '../../" in r.err and "climbs above the folder it starts from" in r.err, r


def test_writing_into_an_environment_of_another_repository_is_refused(tmp_path):
    apps = source_repo(tmp_path)
    gitops = target_repo(tmp_path, apps)
    before = refs(apps), refs(gitops)
    for args in (["sync", "--from", "qa", "--to", "dev"], ["apply", "cart", "--from", "qa", "--to", "dev"]):
        r = promote("--repo", gitops, *args)
        assert r.code != OK, r
        assert "environment 'dev' lives in repository 'apps' (%s), and changes are written only into the " \
            "context's repository" % apps in r.err, r
    assert (refs(apps), refs(gitops)) == before


def test_plan_and_apply_from_the_other_repository(tmp_path):
    apps = source_repo(tmp_path)
    gitops = target_repo(tmp_path, apps)
    before = refs(apps)
    r = promote("--repo", gitops, "plan", "shop", "--to", "qa")
    assert r.code == OK, r
    assert '-appVersion: "1.3.2"\n+appVersion: "1.4.0"\n' in r.out
    r = promote("--repo", gitops, "apply", "shop", "--to", "qa")
    assert r.code == OK, r
    assert count(gitops) == 2
    assert git(gitops, "show", "main:envs/qa/apps/shop/values.yaml") == \
        (EXAMPLE.parent / "envs/qa/apps/shop/values.yaml").read_text().replace("1.3.2", "1.4.0")
    assert "Promote-From: dev\n" in git(gitops, "log", "-1", "--format=%B", "main")
    assert refs(apps) == before


def test_drift_reads_each_environment_from_its_own_repository(tmp_path):
    apps = source_repo(tmp_path)
    gitops = target_repo(tmp_path, apps)
    r = promote("--repo", gitops, "--json", "drift", "dev", "qa")
    assert r.code == FAILED, r
    rows = {row["product"]: row for row in r.json()["rows"]}
    assert rows["shop"]["from_version"] == "1.4.0" and rows["shop"]["to_version"] == "1.3.2"
    assert rows["shop"]["relation"] == "behind" and rows["cart"]["relation"] == "behind"
    assert promote("--repo", gitops, "sync", "--from", "dev", "--to", "qa").code == OK
    r = promote("--repo", gitops, "drift", "dev", "qa")
    assert r.code == OK, r


def test_the_same_folder_in_another_repository_is_another_folder(tmp_path):
    """Both environments at envs/dev, each in its own repository: a product the target lacks is copied
    whole, one it has is updated."""
    apps = source_repo(tmp_path)
    files = tree(EXAMPLE.parent / "envs/qa/apps/cart", "envs/dev/apps/cart")
    files["promote.yaml"] = CONFIG.replace("qa: {path: envs/qa", "qa: {path: envs/dev") % apps
    gitops = create_bare_repo(tmp_path, "gitops", files)
    r = promote("--repo", gitops, "sync", "--from", "dev", "--to", "qa")
    assert r.code == OK, r
    assert r.out.startswith("update cart 1.3.2 -> 1.4.0\nadd shop 1.4.0\ncommitted "), r
    assert git(gitops, "ls-tree", "-r", "--name-only", "main", "envs/dev/apps/shop") == "".join(
        "envs/dev/apps/shop/%s\n" % f for f in ("Chart.yaml", "config/feature-flags.yaml", "templates/service.yaml",
                                                 "values.yaml"))


# jx-updatebot's own case of a sync between two clusters' repositories (tests/data/SOURCES.md): the
# source cluster's jx-staging namespace, into a target cluster that has none yet.
NS_STAGING = UPDATEBOT / "sync" / "test_data" / "ns-staging"
HELMFILE = "helmfiles/jx-staging/helmfile.yaml"


def releases(helmfile):
    return [{k: rel[k] for k in ("name", "chart", "version")} for rel in helmfile["releases"]]


def test_jx_updatebot_ns_staging_between_two_repositories(tmp_path):
    source = create_bare_repo(tmp_path, "source", NS_STAGING / "source")
    config = layout_config("A helmfile release").replace(
        "version: 1\n", "version: 1\nrepositories:\n  cluster: {}\n  source: {url: ../source.git}\n").replace(
        "staging: {path: helmfiles/jx-staging}",
        "source-jx-staging: {path: helmfiles/jx-staging, repository: source}").replace(
        "production: {path: helmfiles/jx-production}",
        "target-jx-staging: {path: helmfiles/jx-staging, repository: cluster}").replace(
        "trigger: staging, steps: {production: {}}", "trigger: source-jx-staging, steps: {target-jx-staging: {}}")
    target = create_bare_repo(tmp_path, "target", {
        "promote.yaml": config, "helmfile.yaml": (NS_STAGING / "target/helmfile.yaml").read_bytes()})
    before = refs(source)
    # the two sides named as jx-updatebot's harness names them: no environment's name is in the file, so
    # nothing of the new helmfile is renamed (the namespace is jx-staging in both clusters)
    r = promote("--repo", target, "sync", "--from", "source-jx-staging", "--to", "target-jx-staging")
    assert r.code == OK, r
    assert r.out.startswith("add myapp 0.0.3\ncommitted "), r
    assert git(target, "diff", "--name-status", "main~1", "main") == "A\t%s\n" % HELMFILE
    # compared parsed, as jx-updatebot's harness compares helmfiles: the namespace, the chart repository
    # and the release at the source's version (the new file is the source's whole, so its `environments`
    # and the release's `values` come too; the target's root helmfile.yaml is not given a `helmfiles` entry)
    after, expected = yaml.safe_load(git(target, "show", "main:" + HELMFILE)), \
        yaml.safe_load((NS_STAGING / "expected" / HELMFILE).read_text())
    assert after["namespace"] == expected["namespace"] == "jx-staging"
    assert after["repositories"] == expected["repositories"]
    assert releases(after) == releases(expected)
    assert refs(source) == before
    again = promote("--repo", target, "sync", "--from", "source-jx-staging", "--to", "target-jx-staging")
    assert again.code == OK and again.out.endswith("nothing to change\n"), again


def test_a_release_reads_its_trigger_there_and_a_watcher_refuses_it(tmp_path):
    apps = source_repo(tmp_path)
    gitops = target_repo(tmp_path, apps)
    before, records = refs(apps), refs(gitops)
    # a version given would be written into the trigger: refused before any record is made
    r = promote("--repo", gitops, "run", "cart", "--version", "9.9.9")
    assert r.code != OK and "environment 'dev' lives in repository 'apps'" in r.err, r
    assert refs(gitops) == records
    r = promote("--repo", gitops, "run", "cart")
    assert r.code == OK, r
    assert "release cart-1.4.0-" in r.out and "succeeded" in r.out
    assert git(gitops, "show", "main:envs/staging/apps/cart/values.yaml") == \
        (EXAMPLE.parent / "envs/staging/apps/cart/values.yaml").read_text().replace("1.3.2", "1.4.0")
    # the release's record is in the context's repository, nothing in the source's
    assert "refs/promote/releases/cart-1.4.0-" in git(gitops, "for-each-ref", "refs/promote/")
    assert refs(apps) == before
    r = promote("--repo", gitops, "watch", "--once")
    assert "flow 'default' cannot be watched: its trigger 'dev' lives in repository 'apps' (%s)" % apps in r.err, r
    assert refs(apps) == before


def test_a_url_that_names_the_context_repository_is_written_into(tmp_path):
    """gitops's own url, relative ('.': the repository holding the configuration) or absolute, is the
    context's repository: qa is written into, as without a url."""
    apps = source_repo(tmp_path)
    for folder, own in (("relative", "."), ("absolute", str(tmp_path / "absolute" / "gitops.git"))):
        files = {"promote.yaml": (CONFIG % apps).replace("gitops: {}", "gitops: {url: '%s'}" % own)}
        files.update(tree(EXAMPLE.parent / "envs/qa", "envs/qa"))
        gitops = create_bare_repo(tmp_path / folder, "gitops", files)
        r = promote("--repo", gitops, "sync", "--from", "dev", "--to", "qa", "--only", "cart")
        assert r.code == OK, (folder, r)
        assert count(gitops) == 2
