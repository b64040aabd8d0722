"""Golden tests of `promote yaml` on real GitOps files (suite 'yaml').

The files are third-party repositories' own YAML, copied byte for byte into
tests/data (see its SOURCES.md); meson passes that folder in
PROMOTE_TEST_DATA, the built command in PROMOTE_CLI and the library in
PROMOTE_LIBRARY (the Python binding, bindings/python, is on PYTHONPATH). A
missing file is a failure, never a skip.

For every row of ROWS, `promote yaml set -e PATH=VALUE FILE` runs on a copy
of the file; the unified diff against the original must be exactly the
edited line (one line removed, one added, with the expected text: quoting,
inline comment, trailing spaces, line ending and a missing final newline
kept), and `promote yaml get` must read the value back. Where the upstream
project has a golden file for the same edit (jx-promote, jx-updatebot), the
result must equal it byte for byte.

Then: CRLF and byte-order-mark variants made from real files, creation with
--create in kargo-demo's stages (which have no images:), multi-document files
with @N, Flux's own image-automation setter test data (original/ ->
expected/, byte-identical) through the Python binding and the CLI, and, for
the record only, how many lines ruamel.yaml (round-trip mode) changes for the
same edits.
"""

import collections
import difflib
import io
import os
import pathlib
import re
import shutil
import subprocess

import pytest

HERE = pathlib.Path(__file__).resolve().parent
SOURCE_ROOT = HERE.parents[1]
MATERIAL = pathlib.Path(os.environ.get("PROMOTE_TEST_DATA") or HERE.parent / "data")
CLI = os.path.abspath(os.environ.get("PROMOTE_CLI") or SOURCE_ROOT / "build" / "cli" / "promote")

OK, USAGE = 0, 2
BOM = b"\xef\xbb\xbf"


def material(relative):
    """A file of the test material; its absence fails the test."""
    path = MATERIAL / relative
    if not path.is_file():
        pytest.fail("test material missing: %s (PROMOTE_TEST_DATA=%s); it is part of the project's "
                    "test data (tests/data, see SOURCES.md there) and must be present" % (path, MATERIAL))
    return path


# In a sanitized build meson preloads the sanitizer runtime and turns leak
# reports off for the Python binding; the command carries its own runtime
# and keeps leak detection.
CLI_ENV = dict(os.environ)
if CLI_ENV.get("ASAN_OPTIONS") == "detect_leaks=0":
    del CLI_ENV["ASAN_OPTIONS"]
    CLI_ENV.pop("LD_PRELOAD", None)


def promote(*args, stdin=None):
    if not os.access(CLI, os.X_OK):
        pytest.fail("no promote executable at %s; set PROMOTE_CLI" % CLI)
    return subprocess.run([CLI, *map(str, args)], capture_output=True, timeout=60, env=CLI_ENV,
                          input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL)


def lines_of(data):
    """The lines of `data` split at '\\n' only, each keeping whatever else it
    holds ('\\r', trailing spaces); the last is '' when data ends with '\\n'."""
    return data.decode("utf-8").split("\n")


def line_diff(before, after):
    """The body of the unified diff (no context): ['-old', '+new', ...]."""
    diff = difflib.unified_diff(lines_of(before), lines_of(after), lineterm="", n=0)
    return [d for d in diff if not d.startswith(("---", "+++", "@@"))]


def assert_only_line_changed(before, after, new_line):
    """The unified diff of `before` and `after` is exactly one line removed and
    `new_line` added in its place; everything else is byte-identical."""
    body = line_diff(before, after)
    shown = "\n".join(repr(d) for d in body)
    assert len(body) == 2 and body[0].startswith("-"), "expected one line changed, the diff is:\n" + shown
    assert body[1] == "+" + new_line, "expected %r, the diff is:\n%s" % ("+" + new_line, shown)
    a, b = lines_of(before), lines_of(after)
    assert len(a) == len(b)
    changed = [i for i in range(len(a)) if a[i] != b[i]]
    assert len(changed) == 1, shown
    # Byte-identical outside the line (also pins the final newline or its absence).
    i = changed[0]
    assert "\n".join(a[:i]) == "\n".join(b[:i]) and "\n".join(a[i + 1:]) == "\n".join(b[i + 1:])


# ---- the table ------------------------------------------------------------------------

Row = collections.namedtuple("Row", "file path value new_line golden", defaults=(None,))

ARGO = "argocd-example-apps/"
KS = "kargo-simple/"
GEP = "gitops-environment-promotion/"
MAMV = "multi-app-multi-value-argocd/"
UB = "jx-updatebot/pkg/cmd/"
JXP = "jx-promote/pkg/rules/factory/test_data/"

ROWS = [
    # argocd-example-apps: Helm values with comments, `{}` followed by comment blocks, an inline comment.
    Row(ARGO + "helm-guestbook/values.yaml", "image.tag", "v6", "  tag: v6"),
    Row(ARGO + "helm-guestbook/values.yaml", "replicaCount", "3", "replicaCount: 3"),
    Row(ARGO + "helm-guestbook/values.yaml", "ingress.path", "/guestbook", "  path: /guestbook"),
    Row(ARGO + "helm-guestbook/values.yaml", "ingress.hosts[0]", "guestbook.example.com",
        "    - guestbook.example.com"),
    Row(ARGO + "helm-guestbook/values.yaml", "service.port", "8080", "  port: 8080"),
    Row(ARGO + "blue-green/values.yaml", "image.repository", "ghcr.io/example/gb-frontend",
        "  repository: ghcr.io/example/gb-frontend"),
    Row(ARGO + "blue-green/values.yaml", "image.pullPolicy", "Always", "  pullPolicy: Always"),
    Row(ARGO + "helm-guestbook/values-production.yaml", "service.type", "NodePort", "  type: NodePort"),
    Row(ARGO + "helm-dependency/values.yaml", "wordpress.image.tag", "5.8.1",
        "    tag: 5.8.1 #break this app on purpose until a dedicated broken app is created"),
    Row(ARGO + "helm-dependency/values.yaml", "wordpress.mariadb.rootUser.password", "s3cret",
        "      password: s3cret"),
    # Chart.yaml with a final newline (appVersion is the last line, double-quoted) ...
    Row(ARGO + "helm-guestbook/Chart.yaml", "appVersion", "1.1", 'appVersion: "1.1"'),
    Row(ARGO + "helm-guestbook/Chart.yaml", "version", "0.2.0", "version: 0.2.0"),
    # ... and without one (the edited line is the last one in the second row).
    Row(ARGO + "helm-dependency/Chart.yaml", "dependencies[name=wordpress].version", "9.0.4", "  version: 9.0.4"),
    Row(ARGO + "helm-dependency/Chart.yaml", "dependencies[name=wordpress].repository",
        "https://charts.bitnami.com/bitnami", "  repository: https://charts.bitnami.com/bitnami"),
    Row(ARGO + "plugins/kustomized-helm/Chart.yaml", "dependencies[name=helm-guestbook].repository",
        "file://../../helm-guestbook-v2", "  repository: file://../../helm-guestbook-v2"),
    Row(ARGO + "apps/values.yaml", "applications[name=plugin-nix].path", "plugins/nix2", "    path: plugins/nix2"),
    Row(ARGO + "apps/values.yaml", "config.spec.source.targetRevision", "HEAD", "      targetRevision: HEAD"),
    Row(ARGO + "kustomize-guestbook/kustomization.yaml", "namePrefix", "prod-", "namePrefix: prod-"),
    # kargo-simple: kustomization images[name=...].newTag, and the Kargo Stage manifests (3 documents).
    Row(KS + "env/dev/kustomization.yaml", "images[name=ghcr.io/akuity/guestbook].newTag", "v0.0.2",
        "  newTag: v0.0.2"),
    Row(KS + "env/staging/kustomization.yaml", "images[name=ghcr.io/akuity/guestbook].newTag", "v0.0.3",
        "  newTag: v0.0.3"),
    Row(KS + "env/prod/kustomization.yaml", "images[name=ghcr.io/akuity/guestbook].newTag", "v1.0.0",
        "  newTag: v1.0.0"),
    Row(KS + "env/prod/kustomization.yaml", "namespace", "guestbook-simple-prod2", "namespace: guestbook-simple-prod2"),
    Row(KS + "kargo/stages.yaml", "@2.spec.promotionTemplate.spec.steps[0].vars[name=openpr].value", "false",
        '          value: "false"'),
    Row(KS + "kargo/stages.yaml", '@1.metadata.annotations["kargo.akuity.io/color"]', "green",
        "    kargo.akuity.io/color: green"),
    # gitops-environment-promotion: files without a final newline and with trailing spaces.
    Row(GEP + "envs/prod-eu/replicas.yml", "spec.replicas", "10", "  replicas: 10"),
    Row(GEP + "envs/prod-eu/settings.yml", "spec.template.spec.containers[name=webserver-simple].env[name=N_BUCKETS].value",
        "43", '          value: "43"          '),
    Row(GEP + "envs/prod-eu/settings.yml", "spec.template.spec.containers[name=webserver-simple].env[name=SORTING].value",
        "descending", '          value: "descending"    '),
    Row(GEP + "envs/prod-eu/version.yml", "spec.template.spec.containers[0].image",
        "docker.io/kostiscodefresh/simple-env-app:3.1", "        image: docker.io/kostiscodefresh/simple-env-app:3.1"),
    Row(GEP + "envs/staging-us/version.yml", "spec.template.spec.containers[name=webserver-simple].image",
        "docker.io/kostiscodefresh/simple-env-app:3.0", "        image: docker.io/kostiscodefresh/simple-env-app:3.0"),
    Row(GEP + "envs/qa/deployment.yml", "spec.template.spec.containers[0].env[name=ENV].value", "qa-2",
        '          value: "qa-2"'),
    Row(GEP + "variants/eu/region.yml", "spec.template.spec.containers[0].env[name=REGION].value", "eu-west-1",
        '          value: "eu-west-1"'),
    # multi-app-multi-value-argocd: layered Helm values, no final newline.
    Row(MAMV + "values/app1/app-version/prod-values.yaml", "imageVersion", "2.0", 'imageVersion: "2.0"'),
    Row(MAMV + "values/app1/envs/prod-us-values.yaml", "replicaCount", "12", "replicaCount: 12"),
    Row(MAMV + "values/app1/envs/prod-us-values.yaml", "sorting", "Descending", 'sorting: "Descending"'),
    Row(MAMV + "values/app1/regions/eu-values.yaml", "region", "us", "region: us"),
    Row(MAMV + "values/app1/common-values.yaml", "replicaCount", "2", "replicaCount: 2"),
    Row(MAMV + "values/app2/env-type/prod-values.yaml", "paypalUrl", "payments.paypal.com",
        'paypalUrl: "payments.paypal.com"'),
    Row(MAMV + "kustomize-apps/invoices/envs/prod-eu/version.yml", "spec.template.spec.containers[0].image",
        "docker.io/kostiscodefresh/simple-env-app:4.0", "        image: docker.io/kostiscodefresh/simple-env-app:4.0"),
    Row(MAMV + "kustomize-apps/invoices/envs/prod-eu/replicas.yml", "spec.replicas", "9", "  replicas: 9"),
    # jx3-kind / jx3-kubernetes: helmfile.yaml (two documents) releases[name=...].version, jx-requirements.yml.
    Row("jx3-kind/helmfiles/jx/helmfile.yaml", "releases[name=lighthouse].version", "1.33.7", "  version: 1.33.7"),
    Row("jx3-kind/helmfiles/jx/helmfile.yaml", "@1.releases[name=jx-preview].version", "0.7.20", "  version: 0.7.20"),
    Row("jx3-kind/jx-requirements.yml", "spec.ingress.domain", "10.0.0.1.nip.io", '    domain: "10.0.0.1.nip.io"'),
    Row("jx3-kind/jx-requirements.yml", "spec.cluster.clusterName", "kind-2", "    clusterName: kind-2"),
    Row("jx3-kind/helmfiles/nginx/ingress-nginx-values.yaml", "controller.replicaCount", "2", "  replicaCount: 2"),
    Row("jx3-kubernetes/helmfiles/nginx/helmfile.yaml", "releases[name=nginx-ingress].version", "v4.15.2",
        "  version: v4.15.2"),
    Row("jx3-kubernetes/helmfiles/tekton-pipelines/helmfile.yaml", "releases[name=tekton-pipeline].version",
        "1.15.0", "  version: 1.15.0"),
    Row("jx3-kubernetes/jx-requirements.yml", "spec.cluster.registry", "docker.io", "    registry: docker.io"),
    Row("jx-gitops/pkg/cmd/helmfile/resolve/testdata/custom-env-ingress/jx-requirements.yml",
        "spec.environments[key=production].ingress.domain", "prod.example.com", '      domain: "prod.example.com"'),
    Row("jx-api/pkg/util/test_data/good_env.yaml", "spec.promotionStrategy", "Auto", '  promotionStrategy: "Auto"'),
    # jx-updatebot's golden tests: source -> expected by one promotion.
    Row(UB + "argo/promote/test_data/simple/source/myapp.yaml", "spec.source.targetRevision", "v1.2.3",
        "    targetRevision: v1.2.3", UB + "argo/promote/test_data/simple/expected/myapp.yaml"),
    Row(UB + "argo/promote/test_data/simple/source/myapp-git.yaml", "spec.source.targetRevision", "v1.2.3",
        "    targetRevision: v1.2.3", UB + "argo/promote/test_data/simple/expected/myapp-git.yaml"),
    Row(UB + "argo/promote/test_data/simple/source/myapp-helm.yaml", "spec.source.targetRevision", "v1.2.3",
        "    targetRevision: v1.2.3", UB + "argo/promote/test_data/simple/expected/myapp-helm.yaml"),
    Row(UB + "argo/promote/test_data/simple/source/myapp-appset.yaml", "spec.template.spec.source.targetRevision",
        "v1.2.3", "        targetRevision: v1.2.3", UB + "argo/promote/test_data/simple/expected/myapp-appset.yaml"),
    Row(UB + "argo/sync/test_data/simple/target/app1.yaml", "spec.source.targetRevision", "v0.0.52",
        "    targetRevision: v0.0.52", UB + "argo/sync/test_data/simple/expected/app1.yaml"),
    Row(UB + "argo/sync/test_data/simple/target/somedir/app2.yaml", "spec.source.targetRevision", "v1.2.3",
        "    targetRevision: v1.2.3", UB + "argo/sync/test_data/simple/expected/somedir/app2.yaml"),
    Row(UB + "flux/sync/test_data/simple/target/app1.yaml", "spec.chart.spec.version", "2.14.2",
        '      version: "2.14.2"', UB + "flux/sync/test_data/simple/expected/app1.yaml"),
    Row(UB + "flux/sync/test_data/simple/target/somedir/app2.yaml", "spec.chart.spec.version", "1.3.4",
        '      version: "1.3.4"', UB + "flux/sync/test_data/simple/expected/somedir/app2.yaml"),
    # (flux/promote's expected/ also adds a final newline the source lacks: promote keeps it absent.)
    Row(UB + "flux/promote/test_data/simple/source/myapp.yaml", "spec.chart.spec.version", "1.2.3",
        '      version: "1.2.3"'),
    Row(UB + "sync/test_data/update-only/target/helmfiles/jx-production/helmfile.yaml",
        "releases[name=myapp].version", "0.0.3", "  version: 0.0.3",
        UB + "sync/test_data/update-only/expected/helmfiles/jx-production/helmfile.yaml"),
    # jx-promote's rule tests: the state after promoting 1.2.3 (.1.expected) -> after 1.2.4 (.2.expected).
    Row(JXP + "helmfile/helmfile.yaml.1.expected", "releases[name=myapp].version", "1.2.4", "  version: 1.2.4",
        JXP + "helmfile/helmfile.yaml.2.expected"),
    Row(JXP + "helmfile-explicit/helmfile.yaml.1.expected", "releases[name=myapp].version", "1.2.4",
        "  version: 1.2.4", JXP + "helmfile-explicit/helmfile.yaml.2.expected"),
    Row(JXP + "helmfile-double-release/helmfile.yaml.1.expected", "releases[name=myapp].version", "1.2.4",
        "  version: 1.2.4", JXP + "helmfile-double-release/helmfile.yaml.2.expected"),
    Row(JXP + "helmfile-double-release-name-option/helmfile.yaml.1.expected", "releases[name=myapp-beta].version",
        "1.2.4", "  version: 1.2.4", JXP + "helmfile-double-release-name-option/helmfile.yaml.2.expected"),
    Row(JXP + "helmfile-release-name-option/helmfile.yaml.1.expected", "releases[-1].version", "1.2.4",
        "  version: 1.2.4", JXP + "helmfile-release-name-option/helmfile.yaml.2.expected"),
    Row(JXP + "helmfile-nested/helmfiles/jx/helmfile.yaml.1.expected", "releases[name=myapp].version", "1.2.4",
        "  version: 1.2.4", JXP + "helmfile-nested/helmfiles/jx/helmfile.yaml.2.expected"),
    Row(JXP + "helmfile-nested-double-release-name-option/helmfiles/jx/helmfile.yaml.1.expected",
        "releases[name=myapp-beta].version", "1.2.4", "  version: 1.2.4",
        JXP + "helmfile-nested-double-release-name-option/helmfiles/jx/helmfile.yaml.2.expected"),
    Row(JXP + "helm/env/requirements.yaml.1.expected", "dependencies[name=myapp].version", "1.2.4",
        "  version: 1.2.4", JXP + "helm/env/requirements.yaml.2.expected"),
    Row(JXP + "helm-explicit/env/requirements.yaml.1.expected", "dependencies[name=myapp].version", "1.2.4",
        "  version: 1.2.4", JXP + "helm-explicit/env/requirements.yaml.2.expected"),
    Row(JXP + "helm-empty/env/requirements.yaml.1.expected", "dependencies[name=myapp].version", "1.2.4",
        "  version: 1.2.4", JXP + "helm-empty/env/requirements.yaml.2.expected"),
]


def row_id(row):
    return "%s:%s" % ("/".join(row.file.split("/")[-2:]), row.path)


def rows(*wanted):
    """The rows for (file suffix, path) pairs."""
    found = [r for w in wanted for r in ROWS if r.file.endswith(w[0]) and r.path == w[1]]
    assert len(found) == len(wanted), wanted
    return found


def test_the_table_is_large_enough():
    assert len(ROWS) >= 30
    assert MATERIAL.is_dir(), "test material missing: %s" % MATERIAL


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_set_changes_exactly_the_edited_line(row, tmp_path):
    original = material(row.file).read_bytes()
    work = tmp_path / pathlib.Path(row.file).name
    work.write_bytes(original)
    os.chmod(work, 0o640)
    r = promote("yaml", "set", "-e", "%s=%s" % (row.path, row.value), work)
    assert r.returncode == OK, r.stderr.decode()
    assert r.stdout == b""
    result = work.read_bytes()
    assert_only_line_changed(original, result, row.new_line)
    assert os.stat(work).st_mode & 0o777 == 0o640
    # Reads back.
    g = promote("yaml", "get", work, row.path)
    assert g.returncode == OK, g.stderr.decode()
    assert g.stdout.decode() == row.value + "\n"
    # The same edit on standard input writes the same bytes to standard output.
    s = promote("yaml", "set", "-e", "%s=%s" % (row.path, row.value), "-", stdin=original)
    assert s.returncode == OK, s.stderr.decode()
    assert s.stdout == result
    if row.golden:
        assert result == material(row.golden).read_bytes(), "differs from the upstream golden file " + row.golden


@pytest.mark.parametrize("row", rows(
    ("helm-guestbook/values.yaml", "image.tag"),
    ("helm-dependency/Chart.yaml", "dependencies[name=wordpress].repository"),
    ("prod-eu/settings.yml", "spec.template.spec.containers[name=webserver-simple].env[name=N_BUCKETS].value"),
    ("kargo/stages.yaml", '@1.metadata.annotations["kargo.akuity.io/color"]'),
), ids=row_id)
def test_setting_the_value_again_rewrites_nothing(row, tmp_path):
    original = material(row.file).read_bytes()
    work = tmp_path / pathlib.Path(row.file).name
    work.write_bytes(original)
    assert promote("yaml", "set", "-e", "%s=%s" % (row.path, row.value), work).returncode == OK
    before = os.stat(work)
    r = promote("yaml", "set", "-e", "%s=%s" % (row.path, row.value), work)
    assert r.returncode == OK
    after = os.stat(work)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


# ---- line endings and byte-order marks made from real files ------------------------------

VARIANTS = {
    "crlf": lambda b: b.replace(b"\n", b"\r\n"),
    "bom": lambda b: BOM + b,
    "bom+crlf": lambda b: BOM + b.replace(b"\n", b"\r\n"),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("row", rows(
    ("helm-guestbook/values.yaml", "image.tag"),                                     # comments, {} blocks
    ("helm-dependency/values.yaml", "wordpress.image.tag"),                          # inline comment
    ("helm-guestbook/Chart.yaml", "appVersion"),                                     # last line, quoted
    ("helm-dependency/Chart.yaml", "dependencies[name=wordpress].repository"),       # no final newline
    ("kustomize-guestbook/kustomization.yaml", "namePrefix"),                        # the first line
    ("prod-eu/settings.yml", "spec.template.spec.containers[name=webserver-simple].env[name=N_BUCKETS].value"),
    ("jx3-kind/helmfiles/jx/helmfile.yaml", "releases[name=lighthouse].version"),    # two documents
), ids=row_id)
def test_line_endings_and_bom_are_kept(row, variant, tmp_path):
    converted = VARIANTS[variant](material(row.file).read_bytes())
    work = tmp_path / pathlib.Path(row.file).name
    work.write_bytes(converted)
    r = promote("yaml", "set", "-e", "%s=%s" % (row.path, row.value), work)
    assert r.returncode == OK, r.stderr.decode()
    result = work.read_bytes()
    crlf = "crlf" in variant
    lines = lines_of(converted)
    # The edited line keeps a '\r' exactly when it had one (the last line of a
    # file without a final newline has none).
    edited = [i for i, (a, b) in enumerate(zip(lines, lines_of(result))) if a != b]
    assert len(edited) == 1, line_diff(converted, result)
    expected = row.new_line + ("\r" if crlf and lines[edited[0]].endswith("\r") else "")
    if edited[0] == 0 and variant.startswith("bom"):
        expected = "\ufeff" + expected
    assert_only_line_changed(converted, result, expected)
    assert result.startswith(BOM) == variant.startswith("bom")
    g = promote("yaml", "get", work, row.path)
    assert g.returncode == OK and g.stdout.decode() == row.value + "\n", g


def test_bom_on_the_edited_first_line(tmp_path):
    # kustomize-guestbook's kustomization.yaml starts with the key edited.
    original = BOM + material(ARGO + "kustomize-guestbook/kustomization.yaml").read_bytes()
    work = tmp_path / "kustomization.yaml"
    work.write_bytes(original)
    assert promote("yaml", "set", "-e", "namePrefix=staging-", work).returncode == OK
    assert work.read_bytes() == original.replace(b"namePrefix: kustomize-", b"namePrefix: staging-")


# ---- creating images: in kargo-demo's stages ---------------------------------------------

KARGO_DEMO_STAGES = ["kargo-demo/stages/%s/kustomization.yaml" % s for s in ("test", "uat", "prod")]
NGINX = "public.ecr.aws/nginx/nginx"


@pytest.mark.parametrize("crlf", [False, True], ids=["lf", "crlf"])
@pytest.mark.parametrize("stage", KARGO_DEMO_STAGES)
def test_create_images_in_kargo_demo(stage, crlf, tmp_path):
    original = material(stage).read_bytes()
    assert b"images:" not in original
    eol = b"\r\n" if crlf else b"\n"
    if crlf:
        original = original.replace(b"\n", b"\r\n")
    work = tmp_path / "kustomization.yaml"
    work.write_bytes(original)
    path = "images[name=%s].newTag" % NGINX
    # Without --create: not found, nothing written.
    r = promote("yaml", "set", "-e", "%s=1.27.0" % path, work)
    assert r.returncode == USAGE, r
    assert b"not found" in r.stderr
    assert work.read_bytes() == original
    r = promote("yaml", "set", "--create", "-e", "%s=1.27.0" % path, work)
    assert r.returncode == OK, r.stderr.decode()
    # Appended after the last entry (patches: with its |- block), the
    # sequence indentless like the file's resources: and patches:.
    added = b"images:" + eol + b"- name: " + NGINX.encode() + eol + b"  newTag: 1.27.0" + eol
    assert work.read_bytes() == original + added
    g = promote("yaml", "get", work, path)
    assert g.returncode == OK and g.stdout == b"1.27.0\n"
    # A second image goes into the same list.
    r = promote("yaml", "set", "--create", "-e", "images[name=busybox].newTag=1.36", work)
    assert r.returncode == OK, r.stderr.decode()
    assert work.read_bytes() == original + added + b"- name: busybox" + eol + b'  newTag: "1.36"' + eol


def test_create_a_second_image_in_kargo_simple(tmp_path):
    original = material(KS + "env/dev/kustomization.yaml").read_bytes()
    work = tmp_path / "kustomization.yaml"
    work.write_bytes(original)
    r = promote("yaml", "set", "--create", "-e", "images[name=ghcr.io/akuity/other].newTag=v2.0.0", work)
    assert r.returncode == OK, r.stderr.decode()
    assert work.read_bytes() == original + b"- name: ghcr.io/akuity/other\n  newTag: v2.0.0\n"


@pytest.mark.parametrize("relative, expression, added", [
    (GEP + "envs/prod-eu/settings.yml", "spec.template.spec.containers[name=webserver-simple].env[name=NEW].value=1",
     '\n        - name: NEW\n          value: "1"'),
    (MAMV + "values/app1/regions/eu-values.yaml", "zone=a", "\nzone: a"),
], ids=["gitops-settings.yml", "mamv-eu-values.yaml"])
def test_create_in_a_file_without_a_final_newline(tmp_path, relative, expression, added):
    original = material(relative).read_bytes()
    assert not original.endswith(b"\n")
    work = tmp_path / "f.yml"
    work.write_bytes(original)
    r = promote("yaml", "set", "--create", "-e", expression, work)
    assert r.returncode == OK, r.stderr.decode()
    result = work.read_bytes()
    assert result.startswith(original) and result[len(original):].rstrip(b"\n") == added.encode()
    assert result == original + added.encode(), (
        "BUG lib/yaml/edit.c plan_create(): lines created after the last line of a file without a final "
        "newline end with one, so the file gains a final newline (doc/YAML.md: a missing final newline stays)",
        result[len(original):])


# ---- multi-document files ----------------------------------------------------------------

def test_multi_document_stages(tmp_path):
    src = material(KS + "kargo/stages.yaml")
    original = src.read_bytes()
    assert original.count(b"\n---\n") == 2
    for n, name in enumerate(["dev", "staging", "prod"]):
        g = promote("yaml", "get", src, "@%d.metadata.name" % n)
        assert (g.returncode, g.stdout) == (OK, name.encode() + b"\n"), g
    assert promote("yaml", "get", src, "@-1.metadata.name").stdout == b"prod\n"
    r = promote("yaml", "get", src, "metadata.name")
    assert r.returncode == USAGE
    assert b"matches in 3 of the file's 3 documents" in r.stderr and b"@N" in r.stderr
    # A path found in one document only needs no @N.
    g = promote("yaml", "get", src, "spec.promotionTemplate.spec.steps[0].vars[name=openpr].value")
    assert (g.returncode, g.stdout) == (OK, b"true\n")
    work = tmp_path / "stages.yaml"
    work.write_bytes(original)
    r = promote("yaml", "set", "-e", "@1.spec.requestedFreight[0].sources.stages[0]=qa", work)
    assert r.returncode == OK, r.stderr.decode()
    assert_only_line_changed(original, work.read_bytes(), "      - qa")
    r = promote("yaml", "set", "--create", "-e", "metadata.labels.team=web", work)
    assert r.returncode == USAGE and b"@N" in r.stderr


def test_multi_document_built_from_two_real_files(tmp_path):
    first = material(UB + "argo/promote/test_data/simple/source/myapp.yaml").read_bytes()
    second = material(UB + "argo/promote/test_data/simple/source/myapp-helm.yaml").read_bytes()
    original = first + b"---\n" + second
    work = tmp_path / "apps.yaml"
    work.write_bytes(original)
    r = promote("yaml", "set", "-e", "@1.spec.source.targetRevision=v1.2.3", work)
    assert r.returncode == OK, r.stderr.decode()
    assert work.read_bytes() == first + b"---\n" + material(
        UB + "argo/promote/test_data/simple/expected/myapp-helm.yaml").read_bytes()
    assert promote("yaml", "get", work, "@0.spec.source.targetRevision").stdout == b"v0.0.5\n"


# ---- Flux image-automation setters: Flux's own test data ---------------------------------

SETTERS = "image-automation-controller/internal/update/testdata/setters"
POLICIES = [
    ("automation-ns:policy", "index.repo.fake/updated:v1.0.1"),
    ("automation-ns:policy-with-digest",
     "image:v1.0.0@sha256:6745aaad46d795c9836632e1fb62f24b7e7f4c843144da8e47a5465c411a14be"),
]


def setter_files():
    original = MATERIAL / SETTERS / "original"
    names = sorted(p.name for p in original.iterdir()) if original.is_dir() else []
    if not names:
        pytest.fail("test material missing: %s" % original)
    return names


def expected_setter_result(name):
    expected = MATERIAL / SETTERS / "expected" / name
    return expected.read_bytes() if expected.is_file() else material(SETTERS + "/original/" + name).read_bytes()


def test_flux_setters_with_the_python_binding():
    import promote.yaml
    names = setter_files()
    assert {"Kustomization", "kustomization.yml", "marked.yaml", "otherns.yaml", "unmarked.yaml"} <= set(names)
    for name in names:
        original = material(SETTERS + "/original/" + name).read_bytes()
        doc = promote.yaml.Document.parse(original, name=name)
        changed = sum(doc.set_image_policy(policy, image) for policy, image in POLICIES)
        assert doc.content == expected_setter_result(name), name
        assert changed == len(line_diff(original, doc.content)) // 2, name
        if name in ("otherns.yaml", "unmarked.yaml"):
            assert (changed, doc.changed) == (0, False), name


def test_flux_setters_with_the_cli(tmp_path):
    names = setter_files()
    work = tmp_path / "setters"
    shutil.copytree(MATERIAL / SETTERS / "original", work)
    args = []
    for policy, image in POLICIES:
        args += ["--image-policy", "%s=%s" % (policy, image)]
    untouched = {n: os.stat(work / n).st_mtime_ns for n in ("otherns.yaml", "unmarked.yaml")}
    r = promote("yaml", "set", *args, *[work / n for n in names])
    assert r.returncode == OK, r.stderr.decode()
    for name in names:
        assert (work / name).read_bytes() == expected_setter_result(name), name
    for name, mtime in untouched.items():
        assert os.stat(work / name).st_mtime_ns == mtime, name + " was rewritten"


# ---- promotion between real files: jx-updatebot's update-only ------------------------------

def test_copy_between_real_helmfiles():
    import promote.yaml
    case = UB + "sync/test_data/update-only/"
    source = promote.yaml.Document.read(material(case + "source/helmfiles/jx-staging/helmfile.yaml"))
    target = promote.yaml.Document.read(material(case + "target/helmfiles/jx-production/helmfile.yaml"))
    target.copy_from(source, "releases[name=myapp].version")
    assert target.content == material(case + "expected/helmfiles/jx-production/helmfile.yaml").read_bytes()
    assert source.changed is False


# ---- for the record: ruamel.yaml on the same edits -----------------------------------------

def _ruamel_path(text):
    """(document index or None, [segments]) for the subset of paths in ROWS."""
    doc = None
    m = re.match(r"@(-?\d+)\.?", text)
    if m:
        doc, text = int(m.group(1)), text[m.end():]
    segments, i = [], 0
    while i < len(text):
        if text[i] == ".":
            i += 1
        elif text[i] == "[":
            j = text.index("]", i)
            inner = text[i + 1:j]
            if inner[0] in "\"'":
                segments.append(("key", inner[1:-1]))
            elif "=" in inner:
                segments.append(("select",) + tuple(inner.split("=", 1)))
            else:
                segments.append(("index", int(inner)))
            i = j + 1
        else:
            j = i
            while j < len(text) and text[j] not in ".[":
                j += 1
            segments.append(("key", text[i:j]))
            i = j
    return doc, segments


def _ruamel_set(documents, path, value):
    n, segments = _ruamel_path(path)
    if n is None:
        # Like promote: the one document where the path resolves.
        for i in range(len(documents)):
            try:
                _ruamel_set(documents, "@%d.%s" % (i, path), value)
                return
            except (KeyError, IndexError, TypeError, AttributeError, StopIteration):
                continue
        raise KeyError(path)
    node = documents[n]
    container, key = None, None
    for seg in segments:
        if container is not None:
            node = container[key]
        if seg[0] == "select":
            key = next(i for i, item in enumerate(node) if str(item.get(seg[1])) == seg[2])
        else:
            key = seg[1]
        container = node
    old = container[key]
    if isinstance(old, bool):
        new = value
    elif isinstance(old, int) and re.fullmatch(r"-?\d+", value):
        new = type(old)(int(value))
    elif isinstance(old, str) and type(old) is not str:
        new = type(old)(value)  # keeps ruamel's quoting style
    else:
        new = value
    container[key] = new


def _ruamel_edit(data, path, value):
    from ruamel.yaml import YAML
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    documents = list(yaml.load_all(data.decode("utf-8")))
    _ruamel_set(documents, path, value)
    out = io.StringIO()
    yaml.dump_all(documents, out)
    return out.getvalue().encode("utf-8")


def test_compare_with_ruamel_for_the_record(tmp_path, capsys):
    """Prints how many lines each tool changes; asserts only on promote."""
    try:
        import ruamel.yaml  # noqa: F401
    except ImportError:
        with capsys.disabled():
            print("\nruamel.yaml is not installed (Debian: apt-get install python3-ruamel.yaml): no comparison")
        return
    table = []
    total_promote = total_ruamel = 0
    for row in ROWS:
        original = material(row.file).read_bytes()
        work = tmp_path / "f.yaml"
        work.write_bytes(original)
        assert promote("yaml", "set", "-e", "%s=%s" % (row.path, row.value), work).returncode == OK
        p = line_diff(original, work.read_bytes())
        try:
            r = line_diff(original, _ruamel_edit(original, row.path, row.value))
            ruamel_text = "-%d/+%d" % (sum(d[0] == "-" for d in r), sum(d[0] == "+" for d in r))
            total_ruamel += len(r)
        except Exception as exc:  # noqa: BLE001 -- for the record only
            ruamel_text = "error: %s" % type(exc).__name__
        assert len(p) == 2
        total_promote += len(p)
        shown = row.path if len(row.path) <= 44 else row.path[:20] + "..." + row.path[-21:]
        table.append(("/".join(row.file.split("/")[-3:])[-44:], shown, "-1/+1", ruamel_text))
    widths = [max(len(r[i]) for r in table) for i in range(2)]
    lines = ["", "lines changed by the same edit (diff -U0 against the original):",
             "%-*s  %-*s  %-8s  %s" % (widths[0], "file", widths[1], "path", "promote", "ruamel.yaml (rt)")]
    for f, path, pr, ru in table:
        lines.append("%-*s  %-*s  %-8s  %s" % (widths[0], f, widths[1], path, pr, ru))
    lines.append("total diff lines: promote %d, ruamel.yaml %d; rows where ruamel.yaml changes more than the "
                 "edited line: %d of %d" % (total_promote, total_ruamel,
                                            sum(1 for t in table if t[3] != "-1/+1"), len(table)))
    with capsys.disabled():
        print("\n".join(lines))
