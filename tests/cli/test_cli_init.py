"""`promote init`: a starting promote.yaml — from every jx-requirements.yml of the test material (golden
files, each accepted by `promote validate`), and guessed from the committed folders of repositories made
from gitops-environment-promotion, kargo-simple and multi-app-multi-value-argocd (then promoted with
`promote apply`); an existing file kept unless --force, nothing written on an error."""

import os
import pathlib
import shutil

import pytest

from conftest import SOURCE_ROOT, git, promote
from gitserver import create_bare_repo

OK, FAILED, USAGE = 0, 1, 2
DATA = SOURCE_ROOT / "tests" / "data"
GOLDEN = pathlib.Path(__file__).resolve().parent / "init"

# Every jx-requirements.yml of the test material, and ours with every setting; the golden file of each.
JX = {
    "tests/data/jx3-kind/jx-requirements.yml": "jx3-kind",
    "tests/data/jx3-kubernetes/jx-requirements.yml": "jx3-kubernetes",
    "tests/data/jx-gitops/pkg/cmd/helmfile/resolve/testdata/custom-env-ingress/jx-requirements.yml":
        "jx-gitops-custom-env-ingress",
    "tests/data/jx-gitops/pkg/cmd/helmfile/status/testdata/jx-requirements.yml": "jx-gitops-status",
    "tests/data/jx-api/pkg/apis/core/v4beta1/test_data/jx-requirements.yml": "jx-api-v4beta1",
    "tests/cli/init/jx-every-setting.yml": "jx-every-setting",
}


@pytest.mark.parametrize("source", sorted(JX))
def test_from_jx_golden_and_valid(source, tmp_path):
    # Run from the source root: the file's name as given is in the header.
    r = promote("init", "--from-jx", source, "-o", "-", cwd=SOURCE_ROOT)
    assert r.code == OK and r.err == "", r
    assert r.out == (GOLDEN / (JX[source] + ".promote.yaml")).read_text(), r.out
    written = tmp_path / "promote.yaml"
    r = promote("init", "--from-jx", SOURCE_ROOT / source, "--output", written)
    assert r.code == OK and r.out == "wrote %s; check it with: promote --config %s validate\n" % (written, written)
    v = promote("--config", written, "validate")
    assert v.code == OK and v.err == "", v


def test_jenkins_x_defaults(tmp_path):
    """Strategies (Auto, Manual, Never, empty: staging auto, dev never, others manual), Never kept but not a
    step, remoteCluster environments in their own repositories, namespaces (jx for dev, jx-KEY)."""
    r = promote("--json", "init", "--from-jx", GOLDEN / "jx-every-setting.yml", "-o", "-")
    assert r.code == OK, r
    out = r.out
    for text in ("  qa:\n    path: helmfiles/jx-qa\n    strategy: auto\n",
                 "  staging:\n    path: helmfiles/jx-staging\n    strategy: auto\n",
                 "  perf:\n    path: helmfiles/jx-perf\n    strategy: never\n",
                 "  production:\n    path: helmfiles/jx-production\n    kind: production\n    strategy: manual\n"
                 "    repository: production\n",
                 '  production:\n    url: "https://git.example.com/acme/environment-demo-production.git"\n',
                 '  dr:\n    url: "https://gitlab.example.com/ops/disaster-recovery.git"\n',
                 "        namespace: dr_Zone\n", "  dev:\n    path: helmfiles/jx\n    strategy: never\n",
                 "    trigger: dev\n    steps:\n      qa: {}\n      staging: {dependsOn: [qa]}\n"
                 "      production: {dependsOn: [staging]}\n      dr: {dependsOn: [production]}\n"):
        assert text in out, text
    assert "perf: {" not in out


def test_errors_name_the_place_and_write_nothing(tmp_path, write):
    cases = {
        "apiVersion: core.jenkins-x.io/v4beta1\nspec:\n  cluster: {}\n":
            "jx.yml:3:3: no 'spec.environments' in this jx-requirements.yml",
        "spec:\n  environments:\n  - key: dev\n  - owner: x\n":
            "jx.yml:4:5: environment 2 of 'environments' has no 'key'",
        "spec:\n  environments:\n  - key: dev\n  - key: dev\n":
            "jx.yml:4:5: environment 'dev' is listed twice",
        "spec:\n  environments:\n  - key: dev\n  - key: qa\n    promotionStrategy: Sometimes\n":
            "jx.yml:5:24: 'promotionStrategy' is 'Sometimes'; use one of: Auto, Manual, Never",
        "spec:\n  environments:\n  - key: dev\n    remoteCluster: maybe\n":
            "jx.yml:4:20: 'remoteCluster' is 'maybe'; write true or false",
        "spec: [\n": "jx.yml:2:1: YAML syntax error",
        "environments: []\n": "jx.yml:1:15: 'environments' is empty",
    }
    out = tmp_path / "promote.yaml"
    for text, message in cases.items():
        source = write(text, "jx.yml")
        r = promote("init", "--from-jx", "jx.yml", "-o", out, cwd=tmp_path)
        assert r.code == USAGE and r.err.startswith(message), (text, r)
        assert not out.exists()
    r = promote("init", "--from-jx", tmp_path / "missing.yml", "-o", out)
    assert r.code == USAGE and "cannot open" in r.err and not out.exists(), r
    assert source.exists()


def test_an_existing_file_is_kept_unless_force(tmp_path):
    out = tmp_path / "promote.yaml"
    out.write_text("mine\n")
    source = DATA / "jx3-kind" / "jx-requirements.yml"
    r = promote("init", "--from-jx", source, "-o", out)
    assert r.code == USAGE and "exists; nothing written (--force replaces it)" in r.err, r
    assert out.read_text() == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["promote.yaml"]
    r = promote("init", "--from-jx", source, "-o", out, "--force")
    assert r.code == OK, r
    assert out.read_text().startswith("# promote.yaml made from the Jenkins X requirements ")
    assert oct(out.stat().st_mode & 0o777) == oct(0o666 & ~current_umask())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["promote.yaml"]


def current_umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


# ---- guessed from a repository's folders --------------------------------------------------------------------

def work_tree(tmp_path, name, folders):
    """A clone (work tree) holding `folders` of tests/data/NAME, committed."""
    work = tmp_path / name
    for folder in folders:
        shutil.copytree(DATA / name / folder, work / folder)
    git(tmp_path, "init", "-q", "-b", "main", str(work))
    git(work, "add", "-A")
    git(work, "commit", "-qm", "the material")
    return work


def init_and_commit(work, *args):
    r = promote("init", *args, cwd=work)
    assert r.code == OK, r
    v = promote("validate", cwd=work)
    assert v.code == OK, v
    git(work, "add", "promote.yaml")
    git(work, "commit", "-qm", "promote init")
    return (work / "promote.yaml").read_text()


def test_kargo_simple_flat_kustomizations(tmp_path):
    work = work_tree(tmp_path, "kargo-simple", ["env", "base", "kargo"])
    text = init_and_commit(work)
    assert "  guestbook:\n    path: env\n    template:\n      attributes:\n" \
           '        "{env}/kustomization.yaml": ["images[0].newTag"]\n' in text, text
    assert "    trigger: dev\n    steps:\n      staging: {}\n      prod: {dependsOn: [staging]}\n" in text, text
    # A new version in dev, promoted to staging by the configuration init wrote.
    kustomization = work / "env" / "dev" / "kustomization.yaml"
    kustomization.write_text(kustomization.read_text().replace("newTag: v0.0.1", "newTag: v0.0.2"))
    git(work, "commit", "-qam", "v0.0.2 in dev")
    r = promote("apply", "guestbook", "--to", "staging", cwd=work)
    assert r.code == OK and "committed" in r.out, r
    assert "newTag: v0.0.2" in git(work, "show", "HEAD:env/staging/kustomization.yaml")
    assert promote("drift", "dev", "staging", cwd=work).code == OK


def test_gitops_environment_promotion_one_folder_per_environment(tmp_path):
    work = work_tree(tmp_path, "gitops-environment-promotion", ["base", "envs", "variants"])
    text = init_and_commit(work)
    assert '  simple-env-app:\n    path: envs\n' in text and \
        '"{env}/version.yml": ["spec.template.spec.containers[0].image"]' in text, text
    assert "  prod-eu:\n    path: .\n    kind: production\n    strategy: manual\n" in text, text
    assert "    trigger: integration-gpu\n" in text
    r = promote("plan", "simple-env-app", "--from", "integration-gpu", "--to", "integration-non-gpu", cwd=work)
    assert r.code == OK and "envs/integration-non-gpu/version.yml" in r.out, r
    r = promote("apply", "simple-env-app", "--from", "integration-gpu", "--to", "integration-non-gpu", cwd=work)
    assert r.code == OK and "committed" in r.out, r
    assert "simple-env-app:1.0" in git(work, "show", "HEAD:envs/integration-non-gpu/version.yml")


def test_multi_app_products_with_folders_per_environment(tmp_path):
    work = work_tree(tmp_path, "multi-app-multi-value-argocd", ["kustomize-apps", "values"])
    text = init_and_commit(work)
    for product in ("invoices", "orders"):
        assert ("  %s:\n    path: %s\n    template:\n      attributes:\n"
                '        "envs/{env}/version.yml": ["spec.template.spec.containers[0].image"]\n' % (product, product)) \
            in text, text
    assert "  qa:\n    path: kustomize-apps\n" in text, text
    r = promote("apply", "orders", "--from", "qa", "--to", "staging", cwd=work)
    assert r.code == OK and "committed" in r.out, r
    assert "simple-env-app:1.0" in git(work, "show", "HEAD:kustomize-apps/orders/envs/staging/version.yml")


def test_nested_products_read_from_the_committed_tree_only(tmp_path):
    """envs/ENV/apps/PRODUCT (the bundled example), from a bare repository (--repo): the committed tree; a
    folder only in a working tree is never looked at."""
    example = SOURCE_ROOT / "examples" / "gitops"
    bare = create_bare_repo(tmp_path, "gitops", {str(p.relative_to(example)): p.read_bytes()
                                                 for p in example.rglob("*") if p.is_file()
                                                 and p.name != "promote.yaml"})
    out = tmp_path / "promote.yaml"
    r = promote("--repo", bare, "init", "-o", out)
    assert r.code == OK, r
    text = out.read_text()
    assert "  dev:\n    path: envs/dev\n    strategy: auto\n" in text, text
    assert "  prod:\n    path: envs/prod\n    kind: production\n    strategy: manual\n" in text, text
    assert "  shop:\n    path: apps/shop\n    template:\n      attributes:\n        values.yaml: [image.tag]\n" \
           "      version: values.yaml#image.tag\n" in text, text
    assert "    trigger: dev\n    steps:\n      qa: {}\n      staging: {dependsOn: [qa]}\n" \
           "      prod: {dependsOn: [staging]}\n" in text, text
    # A work tree whose environments are only in files not committed: nothing found.
    work = tmp_path / "work"
    git(tmp_path, "init", "-q", "-b", "main", str(work))
    (work / "README").write_text("x\n")
    git(work, "add", "README")
    git(work, "commit", "-qm", "readme")
    shutil.copytree(example / "envs", work / "envs")
    r = promote("init", cwd=work)
    assert r.code == USAGE and "no environments with a version that can be read" in r.err, r
    assert not (work / "promote.yaml").exists()


def test_outside_a_work_tree(tmp_path):
    r = promote("init", cwd=tmp_path)
    assert r.code == USAGE and "not in a git work tree" in r.err, r
    r = promote("--config", tmp_path / "x.yaml", "init", cwd=tmp_path)
    assert r.code == USAGE, r
