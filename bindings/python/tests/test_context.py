"""Loading the example configuration and every accessor of Context and the
objects it returns."""

import gc
import textwrap
import weakref

import pytest

import promote
from promote import Cluster, Environment, FlowStep, Policy, Product, Repository
from conftest import EXAMPLE_CONFIG


# ---- the example, field by field -------------------------------------------------

def test_source_is_the_path_given(ctx):
    assert ctx.source == str(EXAMPLE_CONFIG)


def test_repositories(ctx):
    # No 'repositories:' section: the implicit one holding promote.yaml.
    assert ctx.repositories == [Repository(name="default", url=None, provider="local", branch=None)]
    assert ctx.repository("default") == ctx.repositories[0]


def test_environments(ctx):
    envs = ctx.environments
    assert [e.name for e in envs] == ["dev", "qa", "staging", "prod"]
    dev, qa, staging, prod = envs
    assert dev == Environment(name="dev", path="envs/dev", kind="non-production", strategy="auto",
                              deploy_mode="auto", repository="default", branch=None, labels={"tier": "dev"},
                              clusters=[])
    assert qa.labels == {"tier": "pre"}
    assert list(staging.labels.items()) == [("tier", "pre"), ("region", "eu")]  # declaration order
    assert staging.clusters == [Cluster(name="stage-eu", namespace="shop")]
    assert prod == Environment(name="prod", path="envs/prod", kind="production", strategy="manual",
                               deploy_mode="auto", repository="default", branch=None, labels={},
                               clusters=[Cluster("prod-eu", "shop"), Cluster("prod-us", "shop")],
                               deploy_backend="exec")
    assert (dev.deploy_backend, qa.deploy_backend) == ("none", "exec")


def test_environment_lookup(ctx):
    assert ctx.environment("staging") == ctx.environments[2]


def test_products(ctx):
    shop, cart = ctx.products
    assert shop == Product(name="shop", path="apps/shop", discovery=False, template="helm-app",
                           files=["config/*.yaml"],
                           attributes=[("values.yaml", "image.tag"), ("Chart.yaml", "appVersion")],
                           version=("values.yaml", "image.tag"))
    assert cart == Product(name="cart", path="apps/cart", discovery=False, template=None, files=[],
                           attributes=[("values.yaml", "image.tag")], version=("values.yaml", "image.tag"))
    assert ctx.product("cart") == cart


def test_policies(ctx):
    default, checks, prod = ctx.policies
    assert default == Policy(name="default", priority=0, inline=False, action="commit", sets=frozenset({"action"}))
    assert checks == Policy(name="pre-production-checks", priority=10, inline=False, action=None,
                            post=["smoke-test"], sets=frozenset({"post"}), match_labels={"tier": "pre"})
    assert prod == Policy(name="prod-by-pull-request", priority=100, inline=False, action="pull-request",
                          pre=["change-window"], post=["verify"], sets=frozenset({"action", "pre", "post"}),
                          match_kind="production")
    assert ctx.policy("pre-production-checks") == checks


def test_flows(ctx):
    (flow,) = ctx.flows
    assert flow.name == "default"
    assert flow.trigger == "dev"
    assert flow.waves == [["qa", "staging"], ["prod"]]
    qa, staging, prod = flow.steps
    assert qa == FlowStep(environment="qa", depends_on=["dev"], wave=0, policy=None)
    assert staging == FlowStep(environment="staging", depends_on=["dev"], wave=0, policy=None)
    assert prod.environment == "prod"
    assert prod.depends_on == ["qa", "staging"]
    assert prod.wave == 1
    assert prod.policy == "default/prod"
    assert prod.inline_policy == Policy(name="default/prod", priority=0, inline=True, action=None,
                                        post=["verify", "notify"], sets=frozenset({"post"}))


def test_flow_lookup(ctx):
    assert ctx.flow() == ctx.flow("default") == ctx.flows[0]


def test_flow_step_lookup(ctx):
    assert ctx.flow_step("prod") == ctx.flows[0].steps[2]
    assert ctx.flow_step("qa", flow="default").depends_on == ["dev"]


def test_no_providers_registered_yet(ctx):
    # This library version has no built-in providers or backends.
    assert ctx.git_providers == []
    assert ctx.deploy_backends == []


def test_model_objects_are_accepted_where_names_are(ctx):
    prod = ctx.environment("prod")
    assert ctx.flow_step(prod, flow=ctx.flow()).environment == "prod"
    assert ctx.resolve_policy(ctx.product("shop"), prod).action == "pull-request"


# ---- lookups of what is not there ------------------------------------------------------

@pytest.mark.parametrize("lookup, name, suggestion", [
    ("environment", "stagin", "staging"),
    ("environment", "Prod", "prod"),
    ("product", "shp", "shop"),
    ("policy", "defualt", "default"),
    ("flow", "defalt", "default"),
    ("repository", "defaul", "default"),
])
def test_unknown_names_raise_not_found_with_a_suggestion(ctx, lookup, name, suggestion):
    with pytest.raises(promote.NotFoundError) as info:
        getattr(ctx, lookup)(name)
    e = info.value
    assert isinstance(e, LookupError)
    assert e.code == promote.ErrorCode.ENOTFOUND
    assert "'%s'" % name in e.message
    assert "did you mean '%s'?" % suggestion in e.message
    assert len(e.errors) == 1 and e.errors[0].message == e.message
    assert e.file is None and e.line is None and e.column is None


def test_unknown_name_far_from_any_gets_no_suggestion(ctx):
    with pytest.raises(promote.NotFoundError) as info:
        ctx.environment("kubernetes-cluster-in-mars")
    assert "did you mean" not in str(info.value)


def test_trigger_is_not_a_step(ctx):
    with pytest.raises(promote.NotFoundError, match="no step for environment 'dev'"):
        ctx.flow_step("dev")


def test_names_with_nul_are_refused_before_reaching_c(ctx):
    with pytest.raises(ValueError, match="NUL"):
        ctx.environment("prod\0ignored")


# ---- lifetime --------------------------------------------------------------------------

def test_close_is_idempotent_and_use_after_close_is_a_state_error():
    ctx = promote.Context.from_file(EXAMPLE_CONFIG)
    assert not ctx.closed
    ctx.close()
    ctx.close()
    assert ctx.closed
    assert "closed" in repr(ctx)
    for use in (lambda: ctx.environments, lambda: ctx.source, lambda: ctx.environment("dev"),
                lambda: ctx.resolve_policy("shop", "prod")):
        with pytest.raises(promote.StateError, match="closed"):
            use()


def test_with_closes():
    with promote.Context.from_file(EXAMPLE_CONFIG) as ctx:
        assert ctx.environment("dev").name == "dev"
    assert ctx.closed
    ctx.close()  # still fine


def test_objects_outlive_their_context():
    ctx = promote.Context.from_file(EXAMPLE_CONFIG)
    envs = ctx.environments
    flow = ctx.flow()
    effective = ctx.resolve_policy("shop", "prod", flow="default")
    product = ctx.product("shop")
    finalizer = ctx._finalizer
    ref = weakref.ref(ctx)
    del ctx
    gc.collect()
    # The context is gone and its C memory was freed by the finalizer ...
    assert ref() is None
    assert not finalizer.alive
    # ... while everything taken from it is intact.
    assert [e.name for e in envs] == ["dev", "qa", "staging", "prod"]
    assert envs[3].clusters[1] == Cluster("prod-us", "shop")
    assert flow.waves == [["qa", "staging"], ["prod"]]
    assert effective.post == ["verify", "notify"]
    assert product.attributes[1] == ("Chart.yaml", "appVersion")


def test_context_cannot_be_constructed_directly():
    with pytest.raises(TypeError, match="from_file"):
        promote.Context()


# ---- other configurations -----------------------------------------------------------------

FULL = """\
version: 1
repositories:
  gitops: {url: https://git.example.com/org/gitops.git, provider: github, branch: main}
  other: {url: https://git.example.com/org/other.git}
environments:
  dev: {path: envs/dev}
  prod:
    path: envs/prod
    kind: production
    strategy: never
    deployMode: manual
    repository: other
    branch: release
    clusters: [bare-cluster]
    deploy: {backend: exec, health: [./checks/health.sh, "{env}"]}
products:
  "*":
    path: apps/*
    template: {attributes: {values.yaml: [image.tag, "images[name=web].newTag"]}}
    flows: [release]
workflows:
  approve: {run: [./checks/approve.sh], timeout: 90s}
policies:
  - name: shops-in-prod
    priority: -5
    match:
      products: ["shop*"]
      environments: {names: [prod], labels: {team: web}}
    action: none
flows:
  release:
    trigger: dev
    timeout: 1h30m
    retries: 0
    steps: {prod: {policy: {action: pull-request, pre: [approve]}}}
"""


@pytest.fixture
def full():
    with promote.Context.from_string(FULL, name="full.yaml") as context:
        yield context


def test_repositories_with_urls_providers_and_branches(full):
    assert full.repositories == [
        Repository("gitops", "https://git.example.com/org/gitops.git", "github", "main"),
        Repository("other", "https://git.example.com/org/other.git", "local", None),
    ]


def test_environment_repository_and_branch(full):
    dev, prod = full.environments
    # dev: the first repository and its branch.
    assert (dev.repository, dev.branch) == ("gitops", "main")
    assert (prod.repository, prod.branch) == ("other", "release")
    assert (prod.kind, prod.strategy, prod.deploy_mode) == ("production", "never", "manual")
    assert prod.clusters == [Cluster("bare-cluster", None)]
    assert (dev.deploy_backend, prod.deploy_backend) == ("none", "exec")


def test_discovery_product(full):
    (star,) = full.products
    assert star == Product(name="*", path="apps/*", discovery=True, template=None, files=[],
                           attributes=[("values.yaml", "image.tag"), ("values.yaml", "images[name=web].newTag")],
                           version=None, flows=["release"])
    # Exact lookup only: discovery happens against a repository.
    with pytest.raises(promote.NotFoundError):
        full.product("anything")
    # ... but any product resolves a policy through discovery.
    assert full.resolve_policy("anything", "dev").action == "commit"


def test_policy_selectors(full):
    (p,) = full.policies
    assert p == Policy(name="shops-in-prod", priority=-5, inline=False, action="none", sets=frozenset({"action"}),
                       match_products=["shop*"], match_environments=["prod"], match_labels={"team": "web"})


def test_policy_matching(ctx, full):
    # The label selector: prod carries no 'team' label, so nothing matches.
    assert not full.policy_matches("shops-in-prod", "shop", "prod")
    # In the example: by kind, and by labels.
    assert ctx.policy_matches("prod-by-pull-request", "shop", "prod")
    assert not ctx.policy_matches("prod-by-pull-request", "shop", "staging")
    assert ctx.policy_matches("pre-production-checks", "cart", "staging")
    assert not ctx.policy_matches("pre-production-checks", "cart", "dev")
    with pytest.raises(promote.NotFoundError):
        ctx.policy_matches("no-such-policy", "shop", "prod")


def test_product_glob_selector():
    text = """\
    version: 1
    environments: {dev: {path: envs/dev}}
    products:
      shop-web: {path: apps/web, template: {files: ["*.yaml"]}}
    policies:
      - {name: shops, match: {products: ["shop-*"]}, action: pull-request}
    """
    with promote.Context.from_string(textwrap.dedent(text)) as c:
        assert c.policy_matches("shops", "shop-web", "dev")
        assert not c.policy_matches("shops", "cart", "dev")


def test_single_flow_not_named_default_is_the_default(full):
    assert full.flow().name == "release"
    assert (full.flow().timeout, full.flow().retries) == (5400, 0)
    assert full.flow_step("prod").inline_policy.pre == ["approve"]


def test_from_string_accepts_bytes_and_names_the_source():
    with promote.Context.from_string(FULL.encode(), name="bytes.yaml") as c:
        assert c.source == "bytes.yaml"
    with promote.Context.from_string(FULL) as c:
        assert c.source == "<buffer>"


def test_from_string_refuses_other_types():
    with pytest.raises(TypeError):
        promote.Context.from_string(42)


def test_a_context_per_thread():
    # Separate contexts may be used from separate threads (errors are thread-local).
    import threading
    results, failures = [], []

    def work(i):
        try:
            with promote.Context.from_file(EXAMPLE_CONFIG) as c:
                for _ in range(50):
                    try:
                        c.environment("nope-%d" % i)
                    except promote.NotFoundError as e:
                        assert "'nope-%d'" % i in e.message
                    results.append(c.resolve_policy("shop", "prod", "default").post)
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    assert results == [["verify", "notify"]] * 200


def test_check_refuses_unknown_providers_and_backends():
    text = textwrap.dedent("""\
        version: 1
        repositories: {gitops: {url: /nowhere, provider: gitlub}}
        environments: {dev: {path: envs/dev, deploy: {backend: argo}}}
        """)
    with promote.Context.from_string(text, name="check.yaml") as c:
        with pytest.raises(promote.ConfigError) as raised:
            c.check()
        assert [(e.file, e.line) for e in raised.value.errors] == [("check.yaml", 2), ("check.yaml", 3)]
        assert "unknown git provider 'gitlub'" in raised.value.errors[0].message
        assert "unknown deploy backend 'argo'" in raised.value.errors[1].message


def test_check_without_a_repository_has_no_warnings(ctx):
    assert ctx.check() == []
