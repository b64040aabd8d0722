"""Policy resolution: the effective policy and which policy supplied each field."""

import textwrap

import pytest

import promote
from promote import EffectivePolicy


def test_prod_in_the_default_flow(ctx):
    eff = ctx.resolve_policy("shop", "prod", flow="default")
    assert eff == EffectivePolicy(
        product="shop", environment="prod", flow="default",
        action="pull-request", pre=["change-window"], post=["verify", "notify"],
        sources={"action": "prod-by-pull-request", "pre": "prod-by-pull-request", "post": "default/prod"},
        # The step's own policy first (it beats all), then by priority.
        matches=["default/prod", "prod-by-pull-request", "default"])
    assert eff.action_source == "prod-by-pull-request"
    assert eff.pre_source == "prod-by-pull-request"
    assert eff.post_source == "default/prod"


def test_prod_outside_a_flow_has_no_step_policy(ctx):
    eff = ctx.resolve_policy("shop", "prod")
    assert eff.flow is None
    assert eff.action == "pull-request"
    assert eff.post == ["verify"]
    assert eff.post_source == "prod-by-pull-request"
    assert eff.matches == ["prod-by-pull-request", "default"]


@pytest.mark.parametrize("env", ["qa", "staging"])
@pytest.mark.parametrize("flow", [None, "default"])
def test_pre_production(ctx, env, flow):
    eff = ctx.resolve_policy("cart", env, flow=flow)
    assert (eff.action, eff.action_source) == ("commit", "default")
    assert (eff.pre, eff.pre_source) == ([], None)          # nobody sets it: built-in default
    assert (eff.post, eff.post_source) == (["smoke-test"], "pre-production-checks")
    assert eff.matches == ["pre-production-checks", "default"]


def test_dev(ctx):
    eff = ctx.resolve_policy("shop", "dev")
    assert (eff.action, eff.pre, eff.post) == ("commit", [], [])
    assert eff.sources == {"action": "default", "pre": None, "post": None}
    assert eff.matches == ["default"]


def test_the_trigger_is_no_step_of_the_flow(ctx):
    with pytest.raises(promote.NotFoundError, match="no step for environment 'dev'"):
        ctx.resolve_policy("shop", "dev", flow="default")


@pytest.mark.parametrize("product, env, flow, fragment", [
    ("shp", "prod", None, "did you mean 'shop'?"),
    ("shop", "prd", None, "did you mean 'prod'?"),
    ("shop", "prod", "defaultt", "did you mean 'default'?"),
])
def test_unknown_names(ctx, product, env, flow, fragment):
    with pytest.raises(promote.NotFoundError) as info:
        ctx.resolve_policy(product, env, flow=flow)
    assert fragment in str(info.value)


def resolve(text, product="app", env="dev", flow=None):
    with promote.Context.from_string(textwrap.dedent(text)) as c:
        return c.resolve_policy(product, env, flow=flow)


BASE = """\
version: 1
environments:
  dev: {path: envs/dev, deploy: {backend: exec, health: [./health.sh]}}
  prod: {path: envs/prod, kind: production, deploy: {backend: exec, health: [./health.sh]}}
products: {app: {path: apps/app, template: {files: ["*.yaml"]}}}
workflows:
  low-pre: {run: [./low-pre.sh]}
  low-post: {run: [./low-post.sh]}
  first: {run: [./first.sh]}
  second: {run: [./second.sh]}
  strong: {run: [./strong.sh]}
"""


def test_without_policies_everything_is_the_built_in_default():
    eff = resolve(BASE)
    assert (eff.action, eff.pre, eff.post) == ("commit", [], [])
    assert eff.sources == {"action": None, "pre": None, "post": None}
    assert eff.matches == []


def test_field_by_field_merge_by_priority_then_declaration_order():
    eff = resolve(BASE + textwrap.dedent("""\
        policies:
          - {name: low, priority: 1, action: none, pre: [low-pre], post: [low-post]}
          - {name: first-of-two, priority: 5, pre: [first]}
          - {name: second-of-two, priority: 5, pre: [second], action: pull-request}
          - {name: negative, priority: -3, action: commit}
        """))
    assert eff.action == "pull-request" and eff.action_source == "second-of-two"
    assert eff.pre == ["first"] and eff.pre_source == "first-of-two"      # tie: declared first wins
    assert eff.post == ["low-post"] and eff.post_source == "low"          # only 'low' sets it
    assert eff.matches == ["first-of-two", "second-of-two", "low", "negative"]


def test_a_step_policy_beats_any_priority():
    eff = resolve(BASE + textwrap.dedent("""\
        policies:
          - {name: strong, priority: 1000, action: none, post: [strong]}
        flows:
          default:
            trigger: dev
            steps: {prod: {policy: {action: commit}}}
        """), env="prod", flow="default")
    assert (eff.action, eff.action_source) == ("commit", "default/prod")
    assert (eff.post, eff.post_source) == (["strong"], "strong")
    assert eff.matches == ["default/prod", "strong"]


def test_selectors_decide_what_matches():
    text = BASE + textwrap.dedent("""\
        policies:
          - {name: prod-only, match: {environments: {names: [prod]}}, action: none}
          - {name: other-product, match: {products: [web]}, action: pull-request}
        """)
    assert resolve(text, env="prod").matches == ["prod-only"]
    assert resolve(text, env="dev").matches == []
