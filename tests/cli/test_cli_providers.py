"""`promote providers`: the built-in git providers and deploy backends, the names the configuration
gives (an unknown one shown as such), and which repositories and environments use each."""

from conftest import EXAMPLE, promote


def test_the_example_uses_the_built_in_ones():
    shown = promote("--config", EXAMPLE, "providers")
    assert shown.code == 0, shown.err
    rows = [line.split(None, 4) for line in shown.out.splitlines()[1:]]
    assert [(r[0], r[1] + " " + r[2], r[3], r[4]) for r in rows] == [
        ("local", "git provider", "builtin", "default"), ("github", "git provider", "builtin", "-"),
        ("gitea", "git provider", "builtin", "-"),
        ("gitlab", "git provider", "builtin", "-"), ("forgejo", "git provider", "builtin", "-"),
        ("none", "deploy backend", "builtin", "dev"), ("exec", "deploy backend", "builtin", "qa, staging, prod"),
        ("argocd", "deploy backend", "builtin", "-")]


def test_json_names_an_unknown_provider_and_who_uses_it(write):
    config = write("""
        version: 1
        repositories:
          gitops: {provider: myforge}
        environments:
          dev: {path: envs/dev}
          prod: {path: envs/prod, deploy: {backend: argo-like}}
        products:
          shop: {path: apps/shop, template: {attributes: {values.yaml: [image.tag]}}}
    """)
    shown = promote("--config", config, "--json", "providers")
    assert shown.code == 0, shown.err
    assert shown.json() == {
        "git_providers": [
            {"name": "local", "origin": "builtin", "used_by": []},
            {"name": "github", "origin": "builtin", "used_by": []},
            {"name": "gitea", "origin": "builtin", "used_by": []},
            {"name": "gitlab", "origin": "builtin", "used_by": []},
            {"name": "forgejo", "origin": "builtin", "used_by": []},
            {"name": "myforge", "origin": "unknown", "used_by": ["gitops"]},
        ],
        "deploy_backends": [
            {"name": "none", "origin": "builtin", "used_by": ["dev"]},
            {"name": "exec", "origin": "builtin", "used_by": []},
            {"name": "argocd", "origin": "builtin", "used_by": []},
            {"name": "argo-like", "origin": "unknown", "used_by": ["prod"]},
        ],
    }
