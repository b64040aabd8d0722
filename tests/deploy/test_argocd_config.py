"""`deploy: {backend: argocd, ...}` in promote.yaml: what `promote validate` says of it (every error
with file:line:column and what to write), the application name the backend would ask Argo CD for
refused before any request when it is no Kubernetes name, a missing token, and TLS: verified unless
`insecure: true` is written (these talk to argocd_server.py directly: nothing of the contract is
at stake)."""

import textwrap

from argocd_server import ArgoCDServer
from conftest import TOKEN, make_repo, promote, qa_step_of
from scriptserver import self_signed_certificate

OK, USAGE, FAILED = 0, 2, 1


def position(text, token):
    index = text.index(token)
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def test_validate_names_each_misused_argocd_key(tmp_path):
    text = textwrap.dedent("""\
        version: 1
        environments:
          dev: {path: envs/dev, deploy: {backend: exec, server: "https://argocd.example.com"}}
          qa: {path: envs/qa, deploy: {backend: argocd, application: "{product}-{env}"}}
          prod: {path: envs/prod, deploy: {backend: argocd, server: argocd.example.com, insecure: yes, hold: 2h}}
          perf: {path: envs/perf, deploy: {project: shop}}
        """)
    path = tmp_path / "promote.yaml"
    path.write_text(text)
    r = promote("--config", path, "validate")
    assert r.code == USAGE, r
    at = lambda token: "%s:%d:%d: " % ((path,) + position(text, token))  # noqa: E731
    assert r.err.splitlines() == [
        at("\"https://argocd.example.com\"}}") + "'server' of 'deploy' of environment 'dev' is a setting of the argocd backend, but "
        "the backend is 'exec'; remove 'server' or write 'backend: argocd'",
        at("{backend: argocd, application") + "'deploy' of environment 'qa' has backend argocd and no 'server'; give "
        "Argo CD's address, e.g. 'server: https://argocd.example.com'",
        at("argocd.example.com,") + "'server' of 'deploy' of environment 'prod' is 'argocd.example.com', which is not "
        "an http(s) URL; give Argo CD's address, such as https://argocd.example.com",
        at("yes") + "'insecure' of 'deploy' of environment 'prod' is 'yes'; use one of: false, true",
        at("2h") + "'hold' of 'deploy' of environment 'prod' is '2h'; write a duration from 1s to 1h",
        at("shop}}") + "'project' of 'deploy' of environment 'perf' is a setting of the argocd backend, but no backend "
        "is named; remove 'project' or write 'backend: argocd'",
        "promote: 6 errors"]
    assert r.out == ""


def test_an_application_name_that_is_no_kubernetes_name_fails_before_any_request(tmp_path):
    # Nothing listens there: a request would fail otherwise.
    repo = make_repo(tmp_path, "http://127.0.0.1:9", extra=', application: "{product}_{env}"')
    r = promote("--repo", repo, "--json", "run", "shop", "--version", "1.5.0")
    assert r.code == FAILED, r
    assert "the Argo CD application of environment 'qa' would be 'shop_qa', which is no Kubernetes name (lower-case " \
        "letters, digits, '-' and '.'); fix deploy.application" in qa_step_of(r.json())["reason"]


def test_without_a_token_the_step_fails_saying_where_to_put_one(tmp_path):
    repo = make_repo(tmp_path, "http://127.0.0.1:9")
    r = promote("--repo", repo, "--json", "run", "shop", "--version", "1.5.0", token="")
    assert r.code == FAILED, r
    assert "no Argo CD token for http://127.0.0.1:9: set PROMOTE_ARGOCD_TOKEN or ARGOCD_AUTH_TOKEN" in \
        qa_step_of(r.json())["reason"]


def test_validate_names_each_workflow_its_backend_cannot_run_and_each_misused_workflow_key(tmp_path):
    text = textwrap.dedent("""\
        version: 1
        environments:
          dev: {path: envs/dev, deploy: {backend: exec}}
          qa: {path: envs/qa, deploy: {backend: argocd, server: "https://argocd.example.com"}}
          prod:
            path: envs/prod
            deploy: {backend: argocd, server: "https://argocd.example.com", argoWorkflows: {namespace: Argo_NS, port: 1}}
          perf:
            path: envs/perf
            deploy: {backend: argocd, server: "https://argocd.example.com", argoWorkflows: {server: "https://wf"}}
        workflows:
          smoke: {run: [./smoke.sh]}
          soak: {workflowTemplate: soak, parameters: {"bad name": x}}
          lint: {parameters: {a: b}}
          load: {workflowTemplate: Load_Test}
        policies:
          - {name: dev-checks, match: {environments: {names: [dev]}}, pre: [soak]}
          - {name: qa-checks, match: {environments: {names: [qa]}}, pre: [smoke, soak]}
          - {name: perf-checks, match: {environments: {names: [perf]}}, post: [smoke]}
        """)
    path = tmp_path / "promote.yaml"
    path.write_text(text)
    r = promote("--config", path, "validate")
    assert r.code == USAGE, r
    at = lambda token, skip=0: "%s:%d:%d: " % ((path,) + position(text, token)[:1] +  # noqa: E731
                                               (position(text, token)[1] + skip,))
    wf_server = "'server: https://argo-workflows.example.com'"
    assert r.err.splitlines() == [
        at("{namespace: Argo_NS") + "'argoWorkflows' of 'deploy' of environment 'prod' has no 'server'; give the Argo "
        "Workflows server's address, e.g. " + wf_server,
        at("Argo_NS") + "'namespace' of 'argoWorkflows' of 'deploy' of environment 'prod' is 'Argo_NS', which is no "
        "Kubernetes name (lower-case letters, digits, '-' and '.')",
        at("port: 1") + "unknown key 'port' in 'argoWorkflows' of 'deploy' of environment 'prod'; the keys allowed "
        "here are: server, namespace, serviceAccount, insecure",
        at('"bad name"') + "parameter 'bad name' of 'parameters' of workflow 'soak' is no Argo Workflows parameter "
        "name: use letters, digits, '-' and '_'",
        at("lint:") + "workflow 'lint' has no 'run' and no 'workflowTemplate'; give the command it runs, e.g. 'run: "
        "[./checks/lint.sh, \"{env}\"]' (deploy backend exec), or the Argo Workflows WorkflowTemplate it submits, "
        "e.g. 'workflowTemplate: lint' (deploy backend argocd)",
        at("{a: b}") + "'parameters' of workflow 'lint' are passed to an Argo Workflows WorkflowTemplate, but it has "
        "no 'workflowTemplate'; give one or remove 'parameters'",
        at("Load_Test") + "'workflowTemplate' of workflow 'load' is 'Load_Test', which is no WorkflowTemplate name "
        "(lower-case letters, digits, '-' and '.')",
        at("[soak]", 1) + "workflow 'soak' of policy 'dev-checks' would run in environment 'dev', whose backend exec "
        "runs a command, but it has no 'run'; give it one, e.g. 'run: [./checks/soak.sh, \"{env}\"]'",
        at("[smoke, soak]", 1) + "workflow 'smoke' of policy 'qa-checks' would run in environment 'qa', whose backend "
        "argocd submits an Argo Workflows WorkflowTemplate, but it has no 'workflowTemplate'; give it one, e.g. "
        "'workflowTemplate: smoke'",
        at("[smoke, soak]", 8) + "workflow 'soak' of policy 'qa-checks' would be submitted to Argo Workflows from "
        "environment 'qa', which names no Argo Workflows server: give qa's deploy 'argoWorkflows: {server: "
        "https://argo-workflows.example.com}'",
        at("post: [smoke]", 7) + "workflow 'smoke' of policy 'perf-checks' would run in environment 'perf', whose "
        "backend argocd submits an Argo Workflows WorkflowTemplate, but it has no 'workflowTemplate'; give it one, "
        "e.g. 'workflowTemplate: smoke'",
        "promote: 11 errors"]
    assert r.out == ""


def test_without_a_workflows_token_the_check_fails_saying_where_to_put_one(tmp_path):
    # Nothing listens there: a request would fail otherwise.
    repo = make_repo(tmp_path, "http://127.0.0.1:9", extra=", argoWorkflows: {server: \"http://127.0.0.1:9\"}",
                     tail="workflows: {smoke: {workflowTemplate: smoke}}\n"
                          "policies: [{name: checked, match: {environments: {names: [qa]}}, pre: [smoke]}]\n")
    r = promote("--repo", repo, "--json", "run", "shop", "--version", "1.5.0", PROMOTE_ARGO_WORKFLOWS_TOKEN="")
    assert r.code == FAILED, r
    assert "pre-check smoke could not start: no Argo Workflows token for http://127.0.0.1:9: set " \
        "PROMOTE_ARGO_WORKFLOWS_TOKEN or ARGO_TOKEN to the token of a service account that may submit, get, list " \
        "and terminate workflows and get workflow templates in the namespace" in qa_step_of(r.json())["reason"]


def test_tls_is_verified_unless_insecure_is_written(tmp_path):
    """An Argo CD server whose certificate is signed by itself: refused, naming the host and how to
    give a CA bundle; accepted with `insecure: true` written in the environment's deploy."""
    with ArgoCDServer(token=TOKEN, tls=self_signed_certificate(tmp_path)) as server:
        server.add_app("shop-qa")
        refused = promote("--repo", make_repo(tmp_path / "verified", server.url), "--json", "run", "shop", "--version",
                          "1.5.0")
        assert refused.code == FAILED, refused
        reason = qa_step_of(refused.json())["reason"]
        assert "127.0.0.1" in reason and "PROMOTE_CA_BUNDLE" in reason, reason
        assert server.requests() == []
        accepted = promote("--repo", make_repo(tmp_path / "insecure", server.url, extra=", insecure: true"), "--json",
                           "run", "shop", "--version", "1.5.0")
        assert accepted.code == OK, accepted
        assert len(server.app("shop-qa").accepted) == 1
