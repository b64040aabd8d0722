"""`promote validate` on the configuration of releases: a flow through a
never environment is a warning (exit 0), a policy's workflow in an
environment without a deploy backend is an error (exit 2), each with its
file:line:column."""

from conftest import position, promote

USAGE, OK = 2, 0

NEVER = """\
version: 1
environments:
  dev: {path: envs/dev}
  staging: {path: envs/staging, strategy: never}
  prod: {path: envs/prod}
flows:
  default:
    trigger: dev
    steps:
      staging: {}
      prod: {dependsOn: [staging]}
"""


def test_validate_warns_about_a_flow_through_a_never_environment(write):
    path = write(NEVER)
    r = promote("--config", path, "validate")
    assert r.code == OK, r
    assert r.out == "%s: valid: 3 environments, 0 products, 0 policies, 1 flow\n" % path
    line, column = position(NEVER, "staging: {}")
    assert r.err == (
        "%s:%d:%d: warning: flow 'default' routes through environment 'staging', whose strategy is never: a release "
        "always skips it, so the step after it (prod) can never run; make 'staging' manual (promoted on approval) "
        "or let the step depend on another environment\n" % (path, line, column))
    (warning,) = promote("--config", path, "--json", "validate").json()["warnings"]
    assert (warning["line"], warning["column"]) == (line, column)


NO_BACKEND = """\
version: 1
environments:
  dev: {path: envs/dev}
  qa: {path: envs/qa}
  prod: {path: envs/prod, deploy: {backend: exec, health: [./checks/health.sh, "{env}"]}}
workflows:
  smoke-test: {run: [./checks/smoke.sh, "{env}"], timeout: 10m}
policies:
  - name: x
    post: [smoke-test]
"""


def test_validate_refuses_a_workflow_without_a_deploy_backend(write):
    path = write(NO_BACKEND)
    r = promote("--config", path, "validate")
    assert r.code == USAGE, r
    assert r.out == ""
    line, column = position(NO_BACKEND, "smoke-test]")
    assert r.err.splitlines() == [
        "%s:%d:%d: workflow 'smoke-test' of policy 'x' would run in environment '%s', which has no deploy backend to "
        "run it: give %s `deploy: {backend: exec, ...}`" % (path, line, column, env, env)
        for env in ("dev", "qa")] + ["promote: 2 errors"]

