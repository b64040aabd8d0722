"""`promote sync` on jx-updatebot's own sync cases (tests/data/jx-updatebot/pkg/cmd/sync/test_data/<case>,
provenance in tests/data/SOURCES.md) other than update-only (test_cli_sync_golden.py).

How a case is run. In jx-updatebot (pkg/cmd/sync/sync_test.go) `source/` and `target/` are the GitOps
repositories of two clusters, each a root helmfile.yaml listing a helmfile per namespace
(helmfiles/NS/helmfile.yaml); the root helmfile's own releases are those of its `namespace` (jx). Here
both sides are folders of one repository, and each namespace of each side is an environment of
doc/CONFIG.md's helmfile layout (`source-NS`: source/helmfiles/NS; `target-NS`: target/helmfiles/NS, the
root `target` for jx). The layout's template names a release's chart repository with a var, so the
releases are products named one by one with theirs (`"*"` has one value for every release). A case's
namespace filter (`ChartFilter.Namespaces`, `Source`/`Target.Namespace`) is the choice of environments
to sync; its chart filter (`ChartFilter.Charts`) is `--only` on the releases of those charts.

Compared with `expected/` parsed, as jx-updatebot's harness compares every helmfile.yaml of the target
(testhelmfile.AssertHelmfiles), with these deliberate differences (doc/SYNC.md, "jx-updatebot's sync
cases"):

- The root helmfile's `helmfiles:` list is not edited: it is outside the environment's folder. (jx-updatebot
  also lists helmfiles/jx/helmfile.yaml there when it puts the jx releases in the root file itself.)
- A helmfile new to the target is the source's, environment names renamed (`namespace: jx-staging`
  becomes `jx-production` from staging to production), with only the synced releases in its list: the
  source's `environments`, its other chart repositories and the first release's `values` come with it
  (jx-updatebot writes a new file with the namespace, the repositories its releases use and their chart,
  version and name). A release added after the first is added as into any helmfile: name, chart,
  version (and namespace when the source's release sets one). Releases new to a file come in the order of
  their names, as a sync plans its products (jx-updatebot: the source's order); helmfile does not read
  an order into its releases.
- no-change: the target already holds every release at the source's version, so nothing is committed.
  jx-updatebot's expected/ for it holds the target plus a second copy of two releases in new files
  (helmfiles/jx-staging, helmfiles/nginx) and their lines in the root: its editor finds a namespace's
  helmfile by the file's top-level `namespace`, which the target's jx-staging/ and nginx/ helmfiles do not
  set (their releases do).

Where our edit is surgical (a file the target has), the result is also compared byte for byte: the
lines the sync adds, and nothing else changed.
"""

import re

import yaml

from conftest import git, promote
from gitserver import create_bare_repo
from test_cli_layouts import UPDATEBOT, only_lines_added

CASES = UPDATEBOT / "sync" / "test_data"
COMMITTED = r"committed [0-9a-f]{12} on main: %s synced with %s, %d updated, %d added\nrelease sync-[-a-z0-9]+ succeeded\n"

# doc/CONFIG.md's helmfile layout with the releases of the cases named one by one, each with its chart
# repository.
TEMPLATE = """templates:
  release:
    attributes:
      helmfile.yaml:
        - "repositories[name={repository}].url?"
        - "releases[name={product}].chart"
        - "releases[name={product}].namespace?"
        - "releases[name={product}].version"
    version: "helmfile.yaml#releases[name={product}].version"
products:
  myapp: {path: ., vars: {repository: dev}, template: release}
  another: {path: ., vars: {repository: dev}, template: release}
  jx-pipelines-visualizer: {path: ., vars: {repository: jx3}, template: release}
  nginx-ingress: {path: ., vars: {repository: ingress-nginx}, template: release}
"""

# Each namespace of each side, an environment.
NAMESPACES = {"source-jx": "source/helmfiles/jx", "source-jx-staging": "source/helmfiles/jx-staging",
              "source-nginx": "source/helmfiles/nginx", "target-jx": "target",
              "target-jx-staging": "target/helmfiles/jx-staging", "target-nginx": "target/helmfiles/nginx"}


def config(environments):
    lines = "".join("  %s: {path: %s}\n" % item for item in environments.items())
    return "version: 1\nenvironments:\n" + lines + TEMPLATE


def case_repo(tmp_path, case, environments=NAMESPACES):
    """One repository: promote.yaml, and the case's source/ and target/ folders as they are."""
    files = {"promote.yaml": config(environments)}
    for side in ("source", "target"):
        for path in sorted((CASES / case / side).rglob("*")):
            if path.is_file():
                files["%s/%s" % (side, path.relative_to(CASES / case / side))] = path.read_bytes()
    return create_bare_repo(tmp_path, "jx", files)


def sync(bare, source, target, *args):
    r = promote("--repo", bare, "sync", "--from", source, "--to", target, *args)
    assert r.code == 0 and r.err == "", r
    return r.out


def show(bare, path):
    return git(bare, "show", "main:" + path).encode()


def parsed(data):
    return yaml.safe_load(data)


def expected(case, path, *, listed=True):
    """The case's expected helmfile `path`, parsed; without the root's `helmfiles:` (see above)."""
    doc = parsed((CASES / case / "expected" / path).read_bytes())
    if not listed:
        doc.pop("helmfiles")
    return doc


def without_source_extras(doc, source):
    """A helmfile new to the target without what it keeps of the source's (see above), after checking that
    it is the source's: its `environments`, the `values` of its releases, the repositories no release uses."""
    doc = dict(doc)
    assert doc.pop("environments") == source["environments"]
    used = {r["chart"].split("/")[0] for r in doc["releases"]}
    repositories = {r["name"]: r for r in source["repositories"]}
    assert all(repositories[r["name"]] == r for r in doc["repositories"])
    doc["repositories"] = [r for r in doc["repositories"] if r["name"] in used]
    values = {r["name"]: r["values"] for r in source["releases"] if "values" in r}
    releases = []
    for release in doc["releases"]:
        release = dict(release)
        if "values" in release:
            assert release.pop("values") == values[release["name"]]
        releases.append(release)
    doc["releases"] = releases
    return doc


def new_helmfile(bare, case, path, source_path, renamed=None):
    """The target's new helmfile `path` against the case's expected one, parsed (see above)."""
    source = parsed((CASES / case / "source" / source_path).read_bytes())
    if renamed:
        source["namespace"] = renamed
    ours = parsed(show(bare, "target/" + path))
    assert ours["namespace"] == source["namespace"]
    ours, theirs = without_source_extras(ours, source), expected(case, path)
    # Releases new to a file are added in the products' order, by name (theirs: the source's order).
    for doc in (ours, theirs):
        doc["releases"].sort(key=lambda release: release["name"])
    assert ours == theirs


def commits(bare):
    return int(git(bare, "rev-list", "--count", "main"))


def test_simple_every_namespace(tmp_path):
    """No filter: every release of every namespace of the source, into a target that has only its root
    helmfile (namespace jx): the jx release into the root file (lines added, nothing else changed), the
    other namespaces' into new helmfiles."""
    case = "simple"
    bare = case_repo(tmp_path, case)
    root = (CASES / case / "target" / "helmfile.yaml").read_bytes()
    out = sync(bare, "source-jx", "target-jx")
    assert re.fullmatch("add jx-pipelines-visualizer 1.4.0\n" + COMMITTED % ("target-jx", "source-jx", 0, 1), out)
    out = sync(bare, "source-jx-staging", "target-jx-staging")
    assert re.fullmatch("add myapp 0.0.3\n" + COMMITTED % ("target-jx-staging", "source-jx-staging", 0, 1), out)
    out = sync(bare, "source-nginx", "target-nginx")
    assert re.fullmatch("add nginx-ingress 3.12.0\n" + COMMITTED % ("target-nginx", "source-nginx", 0, 1), out)
    ours = show(bare, "target/helmfile.yaml")
    assert parsed(ours) == expected(case, "helmfile.yaml", listed=False)
    assert only_lines_added(root, ours)
    new_helmfile(bare, case, "helmfiles/jx-staging/helmfile.yaml", "helmfiles/jx-staging/helmfile.yaml")
    new_helmfile(bare, case, "helmfiles/nginx/helmfile.yaml", "helmfiles/nginx/helmfile.yaml")
    # The source is left as it was, and a second round changes nothing.
    assert git(bare, "diff", "--stat", "main~3", "main", "--", "source") == ""
    for ns in ("jx", "jx-staging", "nginx"):
        again = sync(bare, "source-" + ns, "target-" + ns)
        assert again == "target-%s holds every product of source-%s at its version: nothing to change\n" % (ns, ns)
    assert commits(bare) == 4


def one_namespace(tmp_path, case, ns, release, version):
    bare = case_repo(tmp_path, case)
    out = sync(bare, "source-" + ns, "target-" + ns)
    assert re.fullmatch("add %s %s\n" % (release, version) + COMMITTED % ("target-" + ns, "source-" + ns, 0, 1), out)
    new_helmfile(bare, case, "helmfiles/%s/helmfile.yaml" % ns, "helmfiles/%s/helmfile.yaml" % ns)
    # Only that namespace's helmfile was written (jx-updatebot's root helmfile is the target's but for
    # its `helmfiles:` line).
    assert git(bare, "show", "--name-only", "--format=", "main").split() == ["target/helmfiles/%s/helmfile.yaml" % ns]
    assert parsed(show(bare, "target/helmfile.yaml")) == expected(case, "helmfile.yaml", listed=False)


def test_ns_nginx_one_namespace(tmp_path):
    """ChartFilter.Namespaces = [nginx]: the nginx namespace only."""
    one_namespace(tmp_path, "ns-nginx", "nginx", "nginx-ingress", "3.12.0")


def test_ns_staging_one_namespace(tmp_path):
    """ChartFilter.Namespaces = [jx-staging]: the jx-staging namespace only."""
    one_namespace(tmp_path, "ns-staging", "jx-staging", "myapp", "0.0.3")


def test_ns_prod_into_another_namespace(tmp_path):
    """Source.Namespace = jx-staging, Target.Namespace = jx-production: the staging namespace's two
    releases into the production one, which the target lacks. The new helmfile's namespace is renamed
    with the environments' names (staging -> production)."""
    case = "ns-prod"
    bare = case_repo(tmp_path, case, {"staging": "source/helmfiles/jx-staging",
                                      "production": "target/helmfiles/jx-production"})
    out = sync(bare, "staging", "production")
    assert re.fullmatch("add another 2.3.4\nadd myapp 0.0.3\n" + COMMITTED % ("production", "staging", 0, 2), out)
    new_helmfile(bare, case, "helmfiles/jx-production/helmfile.yaml", "helmfiles/jx-staging/helmfile.yaml",
                 renamed="jx-production")
    body = git(bare, "log", "-1", "--format=%B", "main")
    assert "another 2.3.4 (added)\nmyapp 0.0.3 (added)\n" in body, body


def test_name_filter_only_the_charts_named(tmp_path):
    """ChartFilter.Charts = [ingress-nginx, myapp], every namespace: --only on the releases of those charts
    (myapp, nginx-ingress). jx's release is left out; jx-staging's `another` does not come into the new
    helmfile with myapp."""
    case = "name-filter"
    bare = case_repo(tmp_path, case)
    only = ("--only", "myapp", "--only", "nginx-ingress")
    out = sync(bare, "source-jx", "target-jx", *only)
    assert out == "no product of source-jx is chosen: nothing to change\n"
    out = sync(bare, "source-jx-staging", "target-jx-staging", *only)
    assert re.fullmatch("add myapp 0.0.3\n" + COMMITTED % ("target-jx-staging", "source-jx-staging", 0, 1), out)
    out = sync(bare, "source-nginx", "target-nginx", *only)
    assert re.fullmatch("add nginx-ingress 3.12.0\n" + COMMITTED % ("target-nginx", "source-nginx", 0, 1), out)
    assert show(bare, "target/helmfile.yaml") == (CASES / case / "target" / "helmfile.yaml").read_bytes()
    assert parsed(show(bare, "target/helmfile.yaml")) == expected(case, "helmfile.yaml", listed=False)
    new_helmfile(bare, case, "helmfiles/jx-staging/helmfile.yaml", "helmfiles/jx-staging/helmfile.yaml")
    new_helmfile(bare, case, "helmfiles/nginx/helmfile.yaml", "helmfiles/nginx/helmfile.yaml")
    assert [r["name"] for r in parsed(show(bare, "target/helmfiles/jx-staging/helmfile.yaml"))["releases"]] == ["myapp"]
    assert commits(bare) == 3


def test_no_change_commits_nothing(tmp_path):
    """The target holds every release of the source at its version, in helmfiles at other paths
    (jx/, jx-staging/, nginx/ beside the root) whose releases set their namespace: nothing to change in
    any namespace, nothing committed, every file as it was."""
    case = "no-change"
    bare = case_repo(tmp_path, case, {"source-jx": "source/helmfiles/jx", "source-jx-staging": "source/helmfiles/jx-staging",
                                      "source-nginx": "source/helmfiles/nginx", "target-root": "target",
                                      "target-jx": "target/jx", "target-jx-staging": "target/jx-staging",
                                      "target-nginx": "target/nginx"})
    head = git(bare, "rev-parse", "main")
    for source, target in (("source-jx", "target-root"), ("source-jx", "target-jx"),
                           ("source-jx-staging", "target-jx-staging"), ("source-nginx", "target-nginx")):
        out = sync(bare, source, target)
        assert out == "%s holds every product of %s at its version: nothing to change\n" % (target, source)
    assert git(bare, "rev-parse", "main") == head
    # What the target holds is what jx-updatebot expects of its releases; its duplicates are not made.
    for path in ("helmfile.yaml", "jx/helmfile.yaml", "jx-staging/helmfile.yaml", "nginx/helmfile.yaml"):
        assert show(bare, "target/" + path) == (CASES / case / "target" / path).read_bytes()
        assert parsed(show(bare, "target/" + path)) == parsed((CASES / case / "expected" / path).read_bytes()) \
            or path == "helmfile.yaml"
    assert expected(case, "helmfile.yaml")["releases"] == parsed(show(bare, "target/helmfile.yaml"))["releases"]


def test_apply_one_release_into_a_namespace_the_target_lacks(tmp_path):
    """ns-prod's files, one release promoted with `promote apply`: the new helmfile holds that release
    only (the source's `another` stays out) and the target's namespace."""
    case = "ns-prod"
    bare = case_repo(tmp_path, case, {"staging": "source/helmfiles/jx-staging",
                                      "production": "target/helmfiles/jx-production"})
    r = promote("--repo", bare, "apply", "myapp", "--from", "staging", "--to", "production",
                "--force", "--reason", "a golden test")
    assert r.code == 0, r
    ours = parsed(show(bare, "target/helmfiles/jx-production/helmfile.yaml"))
    assert ours["namespace"] == "jx-production"
    assert [(x["name"], x["version"]) for x in ours["releases"]] == [("myapp", "0.0.3")]
