"""The layouts of doc/CONFIG.md#layouts, each configured with the snippet the page shows, on real files
(tests/data, provenance in tests/data/SOURCES.md) committed to a git repository: plan, apply, status and
product list through the `promote` command.

Golden files are compared byte for byte where our edit is surgical (an existing value changed: exactly
one line differs), and as parsed YAML where the other tool re-emits the whole file (jx promote rewrites
every key's order when it adds a release; its expected file is not the input with lines added)."""

import difflib
import json
import pathlib
import re

import pytest
import yaml

from conftest import git, promote
from gitserver import create_bare_repo

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
JX_PROMOTE = DATA / "jx-promote" / "pkg" / "rules" / "factory" / "test_data"
UPDATEBOT = DATA / "jx-updatebot" / "pkg" / "cmd"
OK = 0


def layout_config(title):
    """The ```yaml block of the section '### TITLE' under '## Layouts' in doc/CONFIG.md."""
    text = (ROOT / "doc" / "CONFIG.md").read_text()
    section = text.split("\n## Layouts\n", 1)[1].split("\n## ", 1)[0]
    part = section.split("\n### %s\n" % title, 1)[1].split("\n### ", 1)[0]
    return re.search(r"```yaml\n(.*?)```", part, re.S).group(1)


def data(path):
    return (DATA / path).read_bytes()


def repository(tmp_path, title, files):
    out = {"promote.yaml": layout_config(title)}
    out.update(files)
    return create_bare_repo(tmp_path, "gitops", out)


def show(repo, path):
    return git(repo, "show", "main:%s" % path).encode()


def apply(repo, *args):
    r = promote("--repo", repo, "apply", *args, "--force", "--reason", "a layout test")
    assert r.code == OK, r
    return r


def changed_lines(before, after):
    """The lines that differ, for two texts of the same number of lines."""
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    assert len(a) == len(b), (before, after)
    return [(x, y) for x, y in zip(a, b) if x != y]


def only_lines_added(before, after):
    """`after` is `before` with whole lines inserted, and nothing else changed."""
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    ops = difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    return all(op in ("equal", "insert") for op, *_ in ops)


def status(repo):
    r = promote("--repo", repo, "--json", "status")
    assert r.code == OK, r
    return {p["name"]: {e: c["version"] if c["present"] else "absent" for e, c in p["environments"].items()}
            for p in r.json()["products"]}


def products(repo, env):
    r = promote("--repo", repo, "--json", "product", "list", "--env", env)
    assert r.code == OK, r
    return r.json()["products"]


def test_every_layout_snippet_is_valid(tmp_path):
    for title in ("A folder per product", "A file per environment", "A helmfile release", "An Argo CD Application",
                  "Argo CD Applications in one file", "A Flux HelmRelease", "A kustomization image"):
        config = tmp_path / ("%s.yaml" % title.replace(" ", "-"))
        config.write_text(layout_config(title))
        r = promote("--config", config, "validate")
        assert r.code == OK and r.err == "", (title, r)


# ---- a folder per product -------------------------------------------------------------------------

def test_folder_per_product(tmp_path):
    values = data("argocd-example-apps/helm-guestbook/values.yaml")
    newer = values.replace(b"  tag: v5\n", b"  tag: v6\n", 1)
    assert newer != values
    repo = repository(tmp_path, "A folder per product", {
        "envs/dev/apps/guestbook/values.yaml": newer,
        "envs/staging/apps/guestbook/values.yaml": values})
    assert products(repo, "staging") == ["guestbook"]
    apply(repo, "guestbook", "--to", "staging")
    after = show(repo, "envs/staging/apps/guestbook/values.yaml")
    assert after == newer and len(changed_lines(values.decode(), after.decode())) == 1


# ---- a file per environment ------------------------------------------------------------------------

def multi_app_files(without=()):
    out = {}
    for app in ("app1", "app2"):
        for env in ("qa", "staging", "prod"):
            path = "values/%s/app-version/%s-values.yaml" % (app, env)
            if path not in without:
                out[path] = data("multi-app-multi-value-argocd/" + path)
    return out


def test_file_per_environment_status_plan_apply(tmp_path):
    repo = repository(tmp_path, "A file per environment", multi_app_files())
    assert status(repo) == {"app1": {"qa": "3.0", "staging": "2.0", "prod": "1.0"},
                            "app2": {"qa": "3.0", "staging": "2.0", "prod": "1.0"}}
    plan = promote("--repo", repo, "plan", "app1", "--to", "prod")
    assert plan.code == OK, plan
    assert "--- a/values/app1/app-version/prod-values.yaml" in plan.out
    assert '-imageVersion: "1.0"' in plan.out and '+imageVersion: "2.0"' in plan.out
    apply(repo, "app1", "--to", "prod")
    # The file keeps its style (quoted) and its missing final newline; nothing else moved.
    assert show(repo, "values/app1/app-version/prod-values.yaml") == b'imageVersion: "2.0"'
    assert git(repo, "show", "--name-only", "--format=", "main").split() == ["values/app1/app-version/prod-values.yaml"]
    assert status(repo)["app1"] == {"qa": "3.0", "staging": "2.0", "prod": "2.0"}


def test_file_per_environment_a_product_is_where_its_file_is(tmp_path):
    """The folder is every environment's: app2 is not in qa when qa's file is not there (it was shown
    present, without a version, and the folder discovery of an environment at the root found nothing)."""
    repo = repository(tmp_path, "A file per environment",
                      multi_app_files(without=("values/app2/app-version/qa-values.yaml",)))
    assert products(repo, "qa") == ["app1"]
    assert products(repo, "staging") == ["app1", "app2"]
    assert status(repo)["app2"] == {"qa": "absent", "staging": "2.0", "prod": "1.0"}
    # Promoting into qa creates its file from staging's.
    apply(repo, "app2", "--to", "qa", "--from", "staging")
    assert show(repo, "values/app2/app-version/qa-values.yaml") == b'imageVersion: "2.0"'


def test_file_per_environment_configured_product(tmp_path):
    """A configured product whose path is the same in every environment."""
    config = layout_config("A file per environment").replace('  "*":\n    path: values/*', "  app1:\n    path: values/app1")
    files = multi_app_files()
    files["promote.yaml"] = config
    repo = create_bare_repo(tmp_path, "gitops", files)
    assert status(repo) == {"app1": {"qa": "3.0", "staging": "2.0", "prod": "1.0"}}
    apply(repo, "app1", "--to", "staging")
    assert show(repo, "values/app1/app-version/staging-values.yaml") == b'imageVersion: "3.0"'


def test_file_per_environment_copied_whole_under_the_targets_name(tmp_path):
    """A file named after its environment, copied whole ({env} in a `files` glob), lands in the target under
    the target's name, beside the source's in the shared folder (it was copied onto itself: no change)."""
    config = layout_config("A file per environment").replace(
        '      attributes:', '      files: ["envs/{env}-values.yaml"]\n      attributes:')
    files = multi_app_files()
    files["promote.yaml"] = config
    staging = data("multi-app-multi-value-argocd/values/app1/envs/staging-values.yaml")
    files["values/app1/envs/staging-values.yaml"] = staging
    repo = create_bare_repo(tmp_path, "gitops", files)
    plan = promote("--repo", repo, "plan", "app1", "--to", "qa", "--from", "staging")
    assert plan.code == OK, plan
    apply(repo, "app1", "--to", "qa", "--from", "staging")
    assert show(repo, "values/app1/envs/qa-values.yaml") == staging
    assert show(repo, "values/app1/envs/staging-values.yaml") == staging
    assert sorted(git(repo, "show", "--name-only", "--format=", "main").split()) == [
        "values/app1/app-version/qa-values.yaml", "values/app1/envs/qa-values.yaml"]


# ---- a helmfile release: jx-promote's rule cases ---------------------------------------------------

def helmfile_repo(tmp_path, case, staging, production, name="gitops"):
    files = {"promote.yaml": layout_config("A helmfile release"),
             "helmfiles/jx-staging/helmfile.yaml": staging,
             "helmfiles/jx-production/helmfile.yaml": production}
    return create_bare_repo(tmp_path / case, name, files)


# Each case: its folder, the release (the product). The source environment holds the release at 1.2.3
# (the case's .1.expected), the target the case's helmfile.yaml.
HELMFILE_CASES = [("helmfile", "myapp"), ("helmfile-explicit", "myapp"), ("helmfile-double-release", "myapp"),
                  ("helmfile-release-name-option", "myapp-foo")]
TARGET = "helmfiles/jx-production/helmfile.yaml"


@pytest.mark.parametrize("case,release", HELMFILE_CASES)
def test_jx_promote_helmfile_cases(tmp_path, case, release):
    folder = JX_PROMOTE / case
    original = (folder / "helmfile.yaml").read_bytes()
    first = (folder / "helmfile.yaml.1.expected").read_bytes()
    second = (folder / "helmfile.yaml.2.expected").read_bytes()
    # 1.2.3 into the case's helmfile: the release (and its chart repository) added. jx promote re-emits
    # the file (key order changes), so the result is compared parsed.
    repo = helmfile_repo(tmp_path, case, first, original)
    apply(repo, release, "--to", "production")
    ours = show(repo, TARGET)
    assert yaml.safe_load(ours) == yaml.safe_load(first), ours.decode()
    assert only_lines_added(original, ours), "what was there stays as it was, byte for byte"
    # 1.2.4 onto the .1.expected file: a surgical edit, so byte for byte: one line.
    repo = helmfile_repo(tmp_path, case + "-2", second, first)
    plan = promote("--repo", repo, "plan", release, "--to", "production")
    assert plan.code == OK, plan
    apply(repo, release, "--to", "production")
    after = show(repo, TARGET)
    assert after == second
    assert changed_lines(first.decode(), after.decode()) == [("  version: 1.2.3\n", "  version: 1.2.4\n")]
    # ... and onto our own result of the first step, the same parsed.
    repo = helmfile_repo(tmp_path, case + "-3", second, ours)
    apply(repo, release, "--to", "production")
    assert yaml.safe_load(show(repo, TARGET)) == yaml.safe_load(second)


def test_jx_promote_helm_requirements(tmp_path):
    """The chart's requirements.yaml: the same layout with dependencies[name={product}]."""
    folder = JX_PROMOTE / "helm" / "env"
    config = layout_config("A helmfile release").replace("helmfile.yaml", "requirements.yaml")
    config = re.sub(r'          - "repositories.*\n', "", config)
    config = config.replace("releases[name={product}].chart", "dependencies[name={product}].repository")
    config = re.sub(r'          - "releases\[name=\{product\}\].namespace"\n', "", config)
    config = config.replace("releases[", "dependencies[")
    for step, (source, target, expected) in enumerate((
            ("requirements.yaml.1.expected", "requirements.yaml", "requirements.yaml.1.expected"),
            ("requirements.yaml.2.expected", "requirements.yaml.1.expected", "requirements.yaml.2.expected"))):
        repo = create_bare_repo(tmp_path / str(step), "gitops", {
            "promote.yaml": config,
            "helmfiles/jx-staging/requirements.yaml": (folder / source).read_bytes(),
            "helmfiles/jx-production/requirements.yaml": (folder / target).read_bytes()})
        apply(repo, "myapp", "--to", "production")
        # The new dependency is appended with its keys in the template's order, which is the expected
        # file's: byte for byte in both steps.
        assert show(repo, "helmfiles/jx-production/requirements.yaml") == (folder / expected).read_bytes()


def test_helmfile_products_are_its_releases(tmp_path):
    """Discovery: the releases of each environment's helmfile (jx-updatebot's update-only case: staging
    holds myapp 0.0.3 and another 0.0.4; production's helmfile, jx3's own)."""
    sync = UPDATEBOT / "sync" / "test_data" / "update-only"
    staging = (sync / "source" / "helmfiles" / "jx-staging" / "helmfile.yaml").read_bytes()
    production = (sync / "target" / "helmfiles" / "jx-production" / "helmfile.yaml").read_bytes()
    repo = helmfile_repo(tmp_path, "update-only", staging, production)
    assert products(repo, "staging") == ["another", "myapp"]
    found = {r["name"] for r in yaml.safe_load(production)["releases"]}
    assert products(repo, "production") == sorted(found)
    table = status(repo)
    assert table["myapp"]["staging"] == "0.0.3" and table["another"]["staging"] == "0.0.4"
    # One release promoted: only its version line changes (when the target has it), nothing else.
    for name in ("myapp", "another"):
        before = show(repo, TARGET)
        had = yaml.safe_load(before)["releases"]
        apply(repo, name, "--to", "production")
        after = show(repo, TARGET)
        if any(r["name"] == name for r in had):
            assert len(changed_lines(before.decode(), after.decode())) == 1
        assert status(repo)[name]["production"] == table[name]["staging"]


def test_jx3_helmfile_of_two_documents(tmp_path):
    """jx3-kind's helmfiles/jx/helmfile.yaml: an environments document, then the releases."""
    jx = data("jx3-kind/helmfiles/jx/helmfile.yaml")
    newer = jx.replace(b"version: 1.33.6", b"version: 1.33.7")
    repo = helmfile_repo(tmp_path, "jx3", newer, jx)
    names = products(repo, "production")
    assert "lighthouse" in names and "jx-preview" in names
    assert status(repo)["lighthouse"] == {"staging": "1.33.7", "production": "1.33.6"}
    apply(repo, "lighthouse", "--to", "production")
    assert show(repo, TARGET) == newer


# ---- Argo CD, Flux: jx-updatebot's promote cases ---------------------------------------------------

def test_argo_applications(tmp_path):
    case = UPDATEBOT / "argo" / "promote" / "test_data" / "simple"
    files = {}
    for f in sorted((case / "source").iterdir()):
        files["staging/" + f.name] = f.read_bytes()
        files["production/" + f.name] = f.read_bytes()
    repo = repository(tmp_path, "An Argo CD Application", files)
    assert products(repo, "production") == ["myapp", "myapp-appset", "myapp-git", "myapp-helm"]
    for product in ("myapp", "myapp-appset", "myapp-git", "myapp-helm"):
        apply(repo, product, "--to", "production", "--version", "v1.2.3")
    for f in sorted((case / "expected").iterdir()):
        # jx updatebot's expected files are its input with the one line changed: byte for byte.
        assert show(repo, "production/" + f.name) == f.read_bytes(), f.name
    assert set(status(repo)["myapp"].values()) == {"v0.0.5", "v1.2.3"}


def applications_file(side):
    """jx-updatebot's argo sync 'simple' case, app1 and app2 of one side, as two documents of one file."""
    case = UPDATEBOT / "argo" / "sync" / "test_data" / "simple" / side
    return (case / "app1.yaml").read_bytes() + b"\n---\n" + (case / "somedir" / "app2.yaml").read_bytes()


def test_argo_applications_in_one_file(tmp_path):
    source, target = applications_file("source"), applications_file("target")
    repo = repository(tmp_path, "Argo CD Applications in one file",
                      {"staging/apps.yaml": source, "production/apps.yaml": target})
    assert products(repo, "production") == ["app1", "app2"]
    assert status(repo) == {"app1": {"staging": "v0.0.52", "production": "v0.0.51"},
                            "app2": {"staging": "v1.2.3", "production": "v1.2.1"}}
    apply(repo, "app1", "--to", "production")
    after = show(repo, "production/apps.yaml")
    # app1's document, and in it the one line; app2 untouched.
    assert changed_lines(target.decode(), after.decode()) == [("    targetRevision: v0.0.51\n",
                                                               "    targetRevision: v0.0.52\n")]
    apply(repo, "app2", "--to", "production")
    expected = UPDATEBOT / "argo" / "sync" / "test_data" / "simple" / "expected"
    assert show(repo, "production/apps.yaml") == (expected / "app1.yaml").read_bytes() + b"\n---\n" + (
        expected / "somedir" / "app2.yaml").read_bytes()


def test_flux_helmrelease(tmp_path):
    case = UPDATEBOT / "flux" / "promote" / "test_data" / "simple"
    source = (case / "source" / "myapp.yaml").read_bytes()
    expected = (case / "expected" / "myapp.yaml").read_bytes()
    repo = repository(tmp_path, "A Flux HelmRelease", {
        "staging/myapp.yaml": source, "production/myapp.yaml": source,
        "production/random.yaml": (case / "source" / "random.yaml").read_bytes()})
    apply(repo, "myapp", "--to", "production", "--version", "1.2.3")
    after = show(repo, "production/myapp.yaml")
    # jx updatebot re-emits the file with a final newline the source lacks; ours keeps the source's
    # bytes but the one line: byte for byte against the source with that line, parsed against theirs.
    assert changed_lines(source.decode(), after.decode()) == [('      version: "1.1.1"\n', '      version: "1.2.3"\n')]
    assert yaml.safe_load(after) == yaml.safe_load(expected)
    assert show(repo, "production/random.yaml") == (case / "expected" / "random.yaml").read_bytes()


# ---- a kustomization image: kargo-simple -----------------------------------------------------------

def test_kustomization_image(tmp_path):
    files = {"env/%s/kustomization.yaml" % e: data("kargo-simple/env/%s/kustomization.yaml" % e)
             for e in ("dev", "staging", "prod")}
    repo = repository(tmp_path, "A kustomization image", files)
    assert status(repo) == {"guestbook": {"dev": "v0.0.1", "staging": "v0.0.1", "prod": "v0.0.1"}}
    apply(repo, "guestbook", "--to", "staging", "--version", "v0.0.2")
    before = files["env/staging/kustomization.yaml"].decode()
    after = show(repo, "env/staging/kustomization.yaml").decode()
    assert changed_lines(before, after) == [("  newTag: v0.0.1\n", "  newTag: v0.0.2\n")]
    assert status(repo)["guestbook"]["staging"] == "v0.0.2"


def test_watch_releases_the_release_whose_version_moved(tmp_path):
    """`promote watch` on a helmfile: a new version of one release in the trigger starts that product's
    release, and only that one."""
    sync = UPDATEBOT / "sync" / "test_data" / "update-only"
    staging = (sync / "source" / "helmfiles" / "jx-staging" / "helmfile.yaml").read_bytes()
    production = (sync / "target" / "helmfiles" / "jx-production" / "helmfile.yaml").read_bytes()
    repo = helmfile_repo(tmp_path, "watch", staging, production)
    first = promote("--repo", repo, "watch", "--once")
    assert first.code == OK, first
    work = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(work))
    path = work / "helmfiles" / "jx-staging" / "helmfile.yaml"
    path.write_bytes(staging.replace(b"version: 0.0.4", b"version: 0.0.5"))
    git(work, "commit", "-qam", "another 0.0.5")
    git(work, "push", "-q", "origin", "main")
    second = promote("--repo", repo, "--json", "watch", "--once")
    assert second.code == OK, second
    started = [e for e in map(json.loads, second.out.splitlines()) if e["event"] == "release started"]
    assert [(e["product"], e["version"]) for e in started] == [("another", "0.0.5")], second
    assert status(repo)["another"]["production"] == "0.0.5"
