"""jx-promote's nested helmfile rule cases (tests/data/jx-promote/pkg/rules/factory/test_data/helmfile-nested*,
provenance in tests/data/SOURCES.md) through `promote apply`: a root helmfile.yaml whose `helmfiles:`
lists a helmfile per namespace (helmfiles/NS/helmfile.yaml), the release promoted into the jx namespace's
— 1.2.3 gives the case's `.1.expected`, then 1.2.4 its `.2.expected`, and the root is its
`helmfile.yaml.expected`.

The layout: each environment is the whole repository on a branch of its own (staging, and jx on main),
and the template names both files: the root's list entry (`helmfiles[path=helmfiles/{namespace}/helmfile.yaml].path`)
and the release in the namespace's helmfile. So a helmfile new to an environment is listed in its root
(the namespace-per-environment layout of doc/CONFIG.md cannot: the root is outside the environment's
folder). The source, staging, holds the case's expected files of the step, as the release at that version.

Compared byte for byte where our edit is surgical, parsed where jx promote re-emits the whole file: its
input files carry what Go's marshalling of helmfile's state left in them (`templates: {}`,
`missingFileHandler: ""`, `environment: {}`, `forceNamespace: ""`, `skipDeps: null`), which its output drops
with the rest of the file re-written; ours keeps them, so the parsed comparison leaves empty values out.

Not applicable: helmfile-nested-explicit-keep-old-releases and -keep-old-versions. Their rule keeps the
old release and adds one per version, named after it (`myapp-1-2-3`, then `myapp-1-2-4` beside it); a
product here is one release found by its name, whose version a promotion moves in place — a release
named after each version is a new product each time, which no template expresses.
"""

import pytest
import yaml

from conftest import git, promote
from gitserver import create_bare_repo
from test_cli_layouts import JX_PROMOTE, apply, changed_lines, only_lines_added

CONFIG = """version: 1
environments:
  staging: {path: ., branch: staging}
  jx: {path: ., branch: main}
products:
  "*":
    path: .
    vars: {repository: dev, namespace: jx}
    template:
      attributes:
        helmfile.yaml: ["helmfiles[path=helmfiles/{namespace}/helmfile.yaml].path"]
        "helmfiles/{namespace}/helmfile.yaml":
          - "repositories[name={repository}].url?"
          - "releases[name={product}].chart"
          - "releases[name={product}].version"
      version: "helmfiles/{namespace}/helmfile.yaml#releases[name={product}].version"
flows:
  default: {trigger: staging, steps: {jx: {}}}
"""
JX = "helmfiles/jx/helmfile.yaml"
NGINX = "helmfiles/nginx/helmfile.yaml"


def read(case, path):
    return (JX_PROMOTE / case / path).read_bytes()


def set_staging(tmp_path, bare, files):
    """The staging branch holds exactly `files`."""
    work = tmp_path / "staging-work"
    if not work.exists():
        git(tmp_path, "clone", "-q", str(bare), str(work))
        git(work, "checkout", "-q", "--orphan", "staging")
    git(work, "rm", "-rqf", "--ignore-unmatch", ".")
    for path, data in files.items():
        (work / path).parent.mkdir(parents=True, exist_ok=True)
        (work / path).write_bytes(data)
    git(work, "add", "-A")
    git(work, "commit", "-qm", "staging")
    git(work, "push", "-q", "origin", "staging")


def staging_files(case, step):
    return {"helmfile.yaml": read(case, "helmfile.yaml.expected"), NGINX: read(case, NGINX),
            JX: read(case, JX + ".%d.expected" % step)}


def show(bare, path):
    return git(bare, "show", "main:" + path).encode()


def without_empty(value):
    if isinstance(value, dict):
        return {k: without_empty(v) for k, v in value.items() if v not in ({}, "", None)}
    if isinstance(value, list):
        return [without_empty(v) for v in value]
    return value


def parsed(data):
    return [without_empty(doc) for doc in yaml.safe_load_all(data)]


def commits(bare):
    return int(git(bare, "rev-list", "--count", "main"))


def test_nested_a_namespace_new_to_the_environment(tmp_path):
    """helmfile-nested: no helmfiles/jx yet. 1.2.3 makes it (the release, its chart repository, the
    namespace) and lists it in the root, lines added and nothing else changed; 1.2.4 moves one line."""
    case = "helmfile-nested"
    root = read(case, "helmfile.yaml")
    bare = create_bare_repo(tmp_path, "jx", {"promote.yaml": CONFIG, "helmfile.yaml": root, NGINX: read(case, NGINX)})
    set_staging(tmp_path, bare, staging_files(case, 1))
    assert git(bare, "ls-tree", "--name-only", "main", "helmfiles/") == "helmfiles/nginx\n"
    apply(bare, "myapp", "--to", "jx")
    ours = show(bare, "helmfile.yaml")
    assert only_lines_added(root, ours)
    assert len(ours.splitlines()) == len(root.splitlines()) + 1
    assert b"\n- path: helmfiles/jx/helmfile.yaml\n" in ours
    assert parsed(ours) == parsed(read(case, "helmfile.yaml.expected"))
    assert show(bare, JX) == read(case, JX + ".1.expected")
    assert show(bare, NGINX) == read(case, NGINX)
    set_staging(tmp_path, bare, staging_files(case, 2))
    apply(bare, "myapp", "--to", "jx")
    assert show(bare, JX) == read(case, JX + ".2.expected")
    assert show(bare, "helmfile.yaml") == ours
    assert git(bare, "show", "--name-only", "--format=", "main").split() == [JX]


@pytest.mark.parametrize("case,release,line", [
    ("helmfile-nested-double-release", "myapp", 1),
    ("helmfile-nested-double-release-name-option", "myapp-beta", 2)])
def test_nested_two_releases_of_one_chart(tmp_path, case, release, line):
    """Two releases of dev/myapp in helmfiles/jx (myapp and myapp-beta, both 1.2.3); the one named is
    promoted. 1.2.3 is already there: nothing is written (jx promote re-emits the file: the same, parsed).
    1.2.4 moves that release's version line, the other stays."""
    original = read(case, JX)
    bare = create_bare_repo(tmp_path, "jx", {"promote.yaml": CONFIG, "helmfile.yaml": read(case, "helmfile.yaml"),
                                            NGINX: read(case, NGINX), JX: original})
    set_staging(tmp_path, bare, staging_files(case, 1))
    before = commits(bare)
    r = promote("--repo", bare, "apply", release, "--to", "jx", "--force", "--reason", "a layout test")
    assert r.code == 0, r
    assert commits(bare) == before
    assert parsed(show(bare, JX)) == parsed(read(case, JX + ".1.expected"))
    assert parsed(show(bare, "helmfile.yaml")) == parsed(read(case, "helmfile.yaml.expected"))
    set_staging(tmp_path, bare, staging_files(case, 2))
    apply(bare, release, "--to", "jx")
    after = show(bare, JX)
    # The file's own indentation kept: its releases are indented (jx promote's output is not).
    assert changed_lines(original.decode(), after.decode()) == [("    version: 1.2.3\n", "    version: 1.2.4\n")]
    versions = [i for i, text in enumerate(after.decode().splitlines()) if text.strip().startswith("version:")]
    assert after.decode().splitlines()[versions[line - 1]] == "    version: 1.2.4"
    assert parsed(after) == parsed(read(case, JX + ".2.expected"))
    assert git(bare, "show", "--name-only", "--format=", "main").split() == [JX]


def test_nested_sync_lists_the_new_helmfile_in_the_root(tmp_path):
    """The same first step as a `promote sync` of the environment: one commit, the root's line and the
    new helmfile."""
    case = "helmfile-nested"
    root = read(case, "helmfile.yaml")
    bare = create_bare_repo(tmp_path, "jx", {"promote.yaml": CONFIG, "helmfile.yaml": root, NGINX: read(case, NGINX)})
    set_staging(tmp_path, bare, staging_files(case, 1))
    r = promote("--repo", bare, "sync", "--from", "staging", "--to", "jx")
    assert r.code == 0 and r.out.startswith("add myapp 1.2.3\ncommitted "), r
    assert " on main: jx synced with staging, 0 updated, 1 added\nrelease sync-jx-" in r.out, r
    assert sorted(git(bare, "show", "--name-only", "--format=", "main").split()) == ["helmfile.yaml", JX]
    assert parsed(show(bare, "helmfile.yaml")) == parsed(read(case, "helmfile.yaml.expected"))
    assert show(bare, JX) == read(case, JX + ".1.expected")
