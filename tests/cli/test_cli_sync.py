"""`promote sync` and `promote apply P1 P2 …`: many products in one change."""

import json
import shutil

from conftest import EXAMPLE, git, promote
from gitserver import create_bare_repo

OK, FAILED, USAGE, WAITING = 0, 1, 2, 3


def releases(bare):
    """The ids of the releases recorded in `bare`."""
    refs = git(bare, "for-each-ref", "--format=%(refname)", "refs/promote/releases/").split()
    return [ref[len("refs/promote/releases/"):] for ref in refs]


def count(bare, rev="main"):
    return int(git(bare, "rev-list", "--count", rev))


def numstat(bare, old="main~1", new="main"):
    return [line for line in git(bare, "diff", "--numstat", old, new).split("\n") if line]


def test_sync_updates_every_product_in_one_commit(repo):
    r = promote("--repo", repo, "sync", "--to", "qa")
    assert r.code == OK, r
    assert r.out.startswith("update cart 1.3.2 -> 1.4.0\nupdate shop 1.3.2 -> 1.4.0\ncommitted ")
    release = releases(repo)[0]
    assert r.out.endswith(" on main: qa synced with dev, 2 updated, 0 added\nrelease %s succeeded\n" % release)
    assert count(repo) == 2
    # exactly the promoted bytes: one line per file
    assert numstat(repo) == ["1\t1\tenvs/qa/apps/cart/values.yaml", "1\t1\tenvs/qa/apps/shop/Chart.yaml",
                             "1\t1\tenvs/qa/apps/shop/config/feature-flags.yaml",
                             "1\t1\tenvs/qa/apps/shop/values.yaml"]
    body = git(repo, "log", "-1", "--format=%B", "main")
    assert body == ("Sync qa with dev: 2 products updated, 0 added\n\ncart 1.3.2 -> 1.4.0\nshop 1.3.2 -> 1.4.0\n\n"
                    "Promote-Release: %s\nPromote-Environment: qa\nPromote-Sync-From: dev\nPromote-Sync-To: qa\n\n"
                    % release)
    again = promote("--repo", repo, "sync", "--from", "dev", "--to", "qa")
    assert again.code == OK, again
    assert again.out == "qa holds every product of dev at its version: nothing to change\n"
    assert count(repo) == 2


def test_dry_run_prints_the_diff_and_writes_nothing(repo):
    r = promote("--repo", repo, "sync", "--to", "staging", "--dry-run")
    assert r.code == OK, r
    assert '-  tag: "1.3.2"\n+  tag: "1.4.0"\n' in r.out
    assert r.out.endswith("would update cart 1.3.2 -> 1.4.0\nwould update shop 1.3.2 -> 1.4.0\n"
                          "4 files would change in staging on branch main\n")
    assert count(repo) == 1


def test_json_names_each_product_and_the_outcome(repo):
    r = promote("--repo", repo, "--json", "sync", "--to", "qa", "--only", "sh*")
    assert r.code == OK, r
    doc = r.json()
    assert doc["from"] == "dev" and doc["to"] == "qa" and doc["action"] == "commit" and doc["outcome"] == "committed"
    assert doc["products"] == [{"name": "shop", "kind": "update", "version": "1.4.0", "previous": "1.3.2"}]
    assert doc["changes"] == ["envs/qa/apps/shop/Chart.yaml", "envs/qa/apps/shop/config/feature-flags.yaml",
                              "envs/qa/apps/shop/values.yaml"]
    assert doc["commit"] == git(repo, "rev-parse", "main").strip() and doc["change"] is None
    excluded = promote("--repo", repo, "--json", "sync", "--to", "qa", "--exclude", "shop", "--dry-run").json()
    assert [p["name"] for p in excluded["products"]] == ["cart"] and excluded["outcome"] is None


def shared_file_repo(tmp_path, versions_dev, versions_qa, extra=None):
    config = """\
version: 1
environments:
  dev: {path: envs/dev, strategy: auto}
  qa: {path: envs/qa, strategy: auto}
templates:
  pinned:
    attributes: {versions.yaml: ["{product}.tag"]}
    version: "versions.yaml#{product}.tag"
products:
  api: {path: apps, template: {attributes: {versions.yaml: [api.tag]}, version: "versions.yaml#api.tag"}}
  web: {path: apps, template: {attributes: {versions.yaml: [web.tag]}, version: "versions.yaml#web.tag"}}
flows:
  default:
    trigger: dev
    steps: {qa: {}}
"""
    files = {"promote.yaml": config, "envs/dev/apps/versions.yaml": versions_dev,
             "envs/qa/apps/versions.yaml": versions_qa}
    files.update(extra or {})
    return create_bare_repo(tmp_path, "shared", files)


def test_products_sharing_a_file_are_written_together_byte_exact(tmp_path):
    qa = "# pinned versions\napi:\n  tag: '1.0.0'   # api\nweb:\n  tag: \"2.0.0\"\n"
    dev = "api:\n  tag: '1.1.0'\nweb:\n  tag: \"2.1.0\"\n"
    bare = shared_file_repo(tmp_path, dev, qa)
    r = promote("--repo", bare, "sync", "--to", "qa")
    assert r.code == OK, r
    assert "update api 1.0.0 -> 1.1.0\nupdate web 2.0.0 -> 2.1.0\n" in r.out
    assert git(bare, "show", "main:envs/qa/apps/versions.yaml") == \
        "# pinned versions\napi:\n  tag: '1.1.0'   # api\nweb:\n  tag: \"2.1.0\"\n"
    assert count(bare) == 2


def example_without(tmp_path, missing):
    """The bundled example without the folder `missing`, in a bare repository (its checks keep their
    executable mode: the sync's release runs them)."""
    copy = tmp_path / "example-copy"
    shutil.copytree(EXAMPLE.parent, copy)
    shutil.rmtree(copy / missing)
    return create_bare_repo(tmp_path, "partial", copy)


def test_a_product_the_target_lacks_is_added_unless_update_only(tmp_path):
    bare = example_without(tmp_path, "envs/staging/apps/cart")
    r = promote("--repo", bare, "sync", "--to", "staging", "--update-only")
    assert r.code == OK, r
    assert r.out.startswith("update shop 1.3.2 -> 1.4.0\ncommitted ")
    assert "\n1 product left out (not in staging with --update-only, or the policy's action is none)\n" in r.out
    assert git(bare, "ls-tree", "--name-only", "main", "envs/staging/apps/") == "envs/staging/apps/shop\n"
    r = promote("--repo", bare, "sync", "--to", "staging")
    assert r.code == OK, r
    assert r.out.startswith("add cart 1.4.0\ncommitted ") and "0 updated, 1 added" in r.out
    # the added product is the source's, with the target's name where the source's was
    assert git(bare, "show", "main:envs/staging/apps/cart/values.yaml") == \
        (EXAMPLE.parent / "envs/dev/apps/cart/values.yaml").read_text()


def test_apply_several_products_is_one_change(repo):
    r = promote("--repo", repo, "apply", "shop", "cart", "--to", "qa")
    assert r.code == OK, r
    assert "committed " in r.out and "qa synced with dev, 2 updated, 0 added" in r.out
    assert count(repo) == 2
    assert promote("--repo", repo, "apply", "--all", "--to", "qa").out.endswith("nothing to change\n")
    assert count(repo) == 2


def test_apply_several_refuses_what_only_one_product_takes(repo):
    for args, says in [(["--all", "shop"], "--all promotes every product"),
                       (["shop", "cart", "--version", "9.9.9"], "--version, --force and --reason are for one product"),
                       ([], "name the PRODUCT to promote")]:
        r = promote("--repo", repo, "apply", *args, "--to", "qa")
        assert r.code == USAGE, r
        assert says in r.err
    r = promote("--repo", repo, "apply", "shop", "nope", "--to", "qa")
    assert r.code == USAGE, r
    assert "'dev' has no product 'nope'" in r.err
    assert count(repo) == 1


def test_sync_into_a_manual_environment_is_one_change_request_reused(repo):
    """prod is manual: the sync's release opens one draft change request and waits for its approval
    (exit status 3); syncing again goes on with that release, never a second change; approved, it merges
    and runs prod's deploy and checks."""
    r = promote("--repo", repo, "--json", "sync", "--from", "staging", "--to", "prod")
    assert r.code == WAITING, r
    doc = r.json()
    assert doc["action"] == "pull-request" and doc["outcome"] == "proposed" and doc["state"] == "waiting"
    release = doc["release"]
    assert releases(repo) == [release] and doc["change"] == "promote/%s/prod" % release
    head = git(repo, "rev-parse", doc["change"]).strip()
    assert count(repo) == 1  # main does not move
    again = promote("--repo", repo, "--json", "sync", "--from", "staging", "--to", "prod")
    assert again.code == WAITING, again
    assert again.json()["release"] == release and again.json()["change"] == doc["change"]
    assert git(repo, "rev-parse", doc["change"]).strip() == head and releases(repo) == [release]
    shown = promote("--repo", repo, "--json", "change", "show", doc["change"])
    assert shown.code == OK, shown
    assert shown.json()["title"] == "Sync prod with staging: 2 products updated, 0 added"
    approved = promote("--repo", repo, "release", "approve", release, "--env", "prod", "--by", "alice")
    assert approved.code == OK, approved
    record = json.loads(git(repo, "show", "refs/promote/releases/%s:record.json" % release))
    assert record["state"] == "succeeded" and record["flow"] == "sync" and record["product"] == ""
    # (its products kept beside the record, read by the process that approved and wrote the step)
    products = json.loads(git(repo, "show", "refs/promote/releases/%s:%s" % (release, record["sync"]["products_file"])))
    assert [p["name"] for p in products["products"]] == ["cart", "shop"]
    step = record["steps"][0]
    assert step["environment"] == "prod" and step["from"] == "staging" and step["merge_commit"]
    assert git(repo, "rev-parse", "main").strip() == step["merge_commit"]


def test_unknown_and_equal_environments_are_refused(repo):
    r = promote("--repo", repo, "sync", "--to", "qaa")
    assert r.code == USAGE and "qaa" in r.err, r
    r = promote("--repo", repo, "sync", "--from", "qa", "--to", "qa")
    assert r.code == USAGE and "cannot be synced with itself" in r.err, r


def test_an_added_product_is_its_whole_folder_with_the_environment_renamed(tmp_path):
    """A product the target lacks comes with every file of its folder, the source environment's name
    renamed where a namespace, a name or a path holds it; nothing else of a file changes."""
    config = """\
version: 1
environments:
  dev: {path: envs/dev, strategy: auto}
  prod: {path: envs/prod, strategy: auto}
products:
  "*":
    path: apps/*
    template: {attributes: {values.yaml: [image.tag]}, version: values.yaml#image.tag}
flows:
  default: {trigger: dev, steps: {prod: {}}}
"""
    kustomization = ("# web in dev\nnamespace: web-dev   # the namespace\nresources:\n  - deployment.yaml\n"
                     "  - ../../../base/web-dev.yaml\n")
    deployment = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: web-dev\n"
                  "spec:\n  replicas: 1\n")
    values = 'image:\n  tag: "2.0.0"  # dev is ahead\n'
    bare = create_bare_repo(tmp_path, "folders", {
        "promote.yaml": config,
        "envs/dev/apps/web/values.yaml": values,
        "envs/dev/apps/web/kustomization.yaml": kustomization,
        "envs/dev/apps/web/deployment.yaml": deployment,
        "envs/dev/apps/web/README": "notes on web in dev\n",
        "envs/prod/apps/other/values.yaml": 'image:\n  tag: "1.0.0"\n'})
    r = promote("--repo", bare, "sync", "--to", "prod")
    assert r.code == OK, r
    assert r.out.startswith("add web 2.0.0\ncommitted ")
    files = git(bare, "ls-tree", "-r", "--name-only", "main", "envs/prod/apps/web").split()
    assert files == ["envs/prod/apps/web/README", "envs/prod/apps/web/deployment.yaml",
                     "envs/prod/apps/web/kustomization.yaml", "envs/prod/apps/web/values.yaml"]
    show = lambda name: git(bare, "show", "main:envs/prod/apps/web/" + name)  # noqa: E731
    assert show("kustomization.yaml") == kustomization.replace("namespace: web-dev", "namespace: web-prod").replace(
        "base/web-dev.yaml", "base/web-prod.yaml")
    assert show("deployment.yaml") == deployment.replace("namespace: web-dev", "namespace: web-prod")
    assert show("values.yaml") == values and show("README") == "notes on web in dev\n"
    again = promote("--repo", bare, "sync", "--to", "prod")
    assert again.code == OK and again.out.endswith("nothing to change\n"), again


def test_bad_input_is_refused_where_it_is_and_nothing_is_written(tmp_path):
    """An edited value's file is not parsed again when a scalar replaces a scalar (lib/yaml/replace.c):
    what the parses refuse is refused all the same, at its file:line:column, and nothing is written."""
    dev = "api:\n  tag: '1.1.0'\nweb:\n  tag: \"2.1.0\"\n"
    qa = "api:\n  tag: '1.0.0'\nweb:\n  tag: \"2.0.0\"\n"
    cases = {
        "duplicate": (dev, qa + "api:\n  tag: '0.9.0'\n",
                      "envs/qa/apps/versions.yaml:5:1: duplicate key 'api' (first at line 1, column 1); YAML "
                      "readers disagree about which one counts (most take the last), so the file is refused: "
                      "remove or rename one\n"),
        "utf8": (dev.replace("2.1.0", "2.1.\xff"), qa,
                 "envs/dev/apps/versions.yaml:4:13: cannot read the text here: invalid leading UTF-8 octet (0xFF); "
                 "a YAML file must be UTF-8 without control characters: fix these bytes, or convert the file to "
                 "UTF-8 (e.g. iconv -t UTF-8)\n"),
        # (a tab that starts a line after a quoted value: libyaml refuses it)
        "tab": (dev, qa.replace("web:", "\t\nweb:"),
                "envs/qa/apps/versions.yaml:3:1: YAML syntax error: found character that cannot start any token "
                "while scanning for the next token (line 3); fix the YAML so that it parses\n"),
    }
    for name, (source, target, message) in cases.items():
        bare = shared_file_repo(tmp_path / name, source.encode("latin-1"), target.encode("latin-1"))
        r = promote("--repo", bare, "sync", "--to", "qa")
        assert (r.code, r.out, r.err) == (USAGE, "", message), (name, r)
        assert count(bare) == 1 and releases(bare) == []
