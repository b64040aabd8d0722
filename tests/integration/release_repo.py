"""The repository the release tests run on: the product shop, promoted by the flow

    dev -> qa + staging (auto, commit: grouped into one commit)
        [-> uat (auto, pull request: a change the local provider merges at once)]
        -> prod (manual, pull request: a draft change that waits for an approval)

tests/integration/test_release_remote.py uses it without uat (over HTTP, through the C API), the
release kill test (tests/faults/releases.py) with it. Both build it here, from text in this file, so
the tests need nothing beside a clone of the repository.
"""

ENVIRONMENTS = ["dev", "qa", "staging", "prod"]

_HEAD = """\
version: 1
environments:
  dev: {path: envs/dev, strategy: auto}
  qa: {path: envs/qa, strategy: auto}
  staging: {path: envs/staging, strategy: auto}
%s  prod: {path: envs/prod, kind: production, strategy: manual}
products:
  shop:
    path: apps/shop
    template: {attributes: {values.yaml: [image.tag]}, version: values.yaml#image.tag}
policies:
  - name: default
    action: commit
  - name: prod-by-pull-request
    priority: 100
    match: {environments: {kind: production}}
    action: pull-request
flows:
  default:
    trigger: dev
    steps:
      qa: {}
      staging: {}
%s"""

_UAT_ENVIRONMENT = "  uat: {path: envs/uat, strategy: auto}\n"

_PROD_STEP = "      prod: {dependsOn: [qa, staging]}\n"

_UAT_STEPS = """\
      uat:
        dependsOn: [qa, staging]
        policy: {action: pull-request}
      prod: {dependsOn: [uat]}
"""


def environments(uat=False):
    """The environments, upstream first."""
    return ENVIRONMENTS[:-1] + ["uat"] + ENVIRONMENTS[-1:] if uat else list(ENVIRONMENTS)


def config(uat=False):
    """promote.yaml: the flow above, with uat between staging and prod where `uat`."""
    return _HEAD % (_UAT_ENVIRONMENT, _UAT_STEPS) if uat else _HEAD % ("", _PROD_STEP)


def files(values, uat=False):
    """{path: content} of the whole repository: promote.yaml, and `values` as every environment's
    envs/ENV/apps/shop/values.yaml."""
    out = {"promote.yaml": config(uat)}
    for env in environments(uat):
        out["envs/%s/apps/shop/values.yaml" % env] = values
    return out
