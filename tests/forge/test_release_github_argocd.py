"""A whole release with the real providers: the repository at GitHub (github provider, the stateful GitHub
server behind Prism with GitHub's description, GraphQL checked against GitHub's schema), every environment
deployed by Argo CD (argocd backend, the stateful Argo CD server behind Prism with Argo CD's description),
the branches on a real git server over HTTP.

    dev (trigger) -> qa (a commit on main, synced by Argo CD) -> prod (manual: a draft pull request at
    GitHub, approved through promote, merged with the head-SHA guard, then synced by Argo CD)

What a user relies on: one commit for qa and one pull request for prod, each deployed once at exactly the
commit that landed (qa's commit, prod's merge commit) and only then counted healthy; the release waits for
the person with a reason, and finishes by itself once approved; no token in any output or record."""

import json
import pathlib
import re
import subprocess
import sys

import pytest

import test_github as gh
from conftest import CLI
from forge_cli import SHOP_BY_PULL_REQUEST, branch_tip
from github_server import pull_node_id
from gitserver import run_git
from prism import PrismProxy

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "deploy"))
from argocd_server import ArgoCDServer  # noqa: E402

ARGO_SPEC = HERE.parent / "data" / "argo-cd" / "assets" / "swagger.json"
ARGO_TOKEN = "argo-e2e-s3cr3t-t0ken"

CONFIG = """\
version: 1
repositories:
  gitops: {{url: {url}, provider: github, api: {api}, graphql: {graphql}}}
environments:
  dev: {{path: envs/dev, deploy: {{backend: argocd, server: "{argo}", hold: 1s}}}}
  qa: {{path: envs/qa, deploy: {{backend: argocd, server: "{argo}", hold: 1s}}}}
  prod:
    path: envs/prod
    kind: production
    strategy: manual
    deploy: {{backend: argocd, server: "{argo}", hold: 1s}}
""" + SHOP_BY_PULL_REQUEST + """flows:
  default:
    trigger: dev
    steps:
      qa: {{}}
      prod: {{dependsOn: [qa]}}
"""


@pytest.fixture(scope="module")
def argocd():
    """The stateful Argo CD server (tests/deploy/argocd_server.py) behind Prism with Argo CD's description."""
    with ArgoCDServer(token=ARGO_TOKEN) as server:
        with PrismProxy(ARGO_SPEC, server.url) as prism:
            yield server, prism


def run(git_server, tmp_path, *args):
    """`promote ARGS` with the GitHub token (as the forge tests run it) and the Argo CD token."""
    env = dict(gh.GITHUB.env(git_server, tmp_path), PROMOTE_ARGOCD_TOKEN=ARGO_TOKEN)
    return subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, timeout=300, env=env,
                          stdin=subprocess.DEVNULL)


def test_a_release_through_github_and_argo_cd(git_server, github, argocd, tmp_path):
    server, prism = github
    argo, argo_prism = argocd
    argo.reset(token=ARGO_TOKEN)
    mark = argo_prism.mark()
    url = git_server.url("gitops")
    files = {"promote.yaml": CONFIG.format(url=url, api=prism.url, graphql=server.url + "/graphql",
                                           argo=argo_prism.url)}
    for env, tag in (("dev", "1.5.0"), ("qa", "1.4.0"), ("prod", "1.4.0")):
        files["envs/%s/apps/shop/values.yaml" % env] = 'image:\n  tag: "%s"  # the shop\n' % tag
    bare = git_server.create_repo("gitops", files)
    server.reset(bare, owner="git", repo="gitops", token=gh.TOKEN)
    server.state.checks_on_open = "success"
    qa_app, prod_app = argo.add_app("shop-qa"), argo.add_app("shop-prod")

    # qa: one commit on main, synced by Argo CD at that commit; prod: a draft pull request, waiting.
    r = run(git_server, tmp_path, "--repo", url, "--json", "run", "shop", "--version", "1.5.0")
    assert r.returncode == 3, r.stdout + r.stderr
    record = json.loads(r.stdout)
    release = record["id"]
    steps = {s["environment"]: s for s in record["steps"]}
    assert steps["qa"]["state"] == "succeeded" and steps["qa"]["deploy"] == "healthy", steps["qa"]
    qa_commit = steps["qa"]["commit"]
    assert [body["revision"] for body in qa_app.accepted] == [qa_commit]
    assert steps["prod"]["state"] == "awaiting_approval", steps["prod"]
    assert steps["prod"]["change"] == "git/gitops#1" and "waiting for approval of change git/gitops#1" in \
        steps["prod"]["reason"]
    [pr] = server.pulls()
    assert pr["draft"] and pr["base"] == "main" and not prod_app.accepted

    # A person approves through promote: the draft is marked ready and approved at GitHub, merged naming
    # its head, and Argo CD syncs prod at the merge commit; the release finishes by itself.
    r = run(git_server, tmp_path, "--repo", url, "--json", "release", "approve", release, "--env", "prod",
            "--by", "alice")
    assert r.returncode == 0, r.stdout + r.stderr
    record = gh.release_record(git_server, tmp_path, url, release)
    assert record["state"] == "succeeded", record
    prod = {s["environment"]: s for s in record["steps"]}["prod"]
    [pr] = server.pulls()
    assert pr["state"] == "merged" and not pr["draft"]
    main = branch_tip(bare, "main")
    assert prod["state"] == "succeeded" and prod["deploy"] == "healthy" and prod["merge_commit"] == main == \
        pr["merge_commit_sha"], prod
    assert [body["revision"] for body in prod_app.accepted] == [main]  # one sync, at the merge commit
    assert [body["revision"] for body in qa_app.accepted] == [qa_commit]  # qa not synced again
    [merge] = [q for q in server.state.requests if q[0] == "PUT"]
    assert merge[3]["sha"] == branch_tip(bare, pr["head"]) or merge[3]["sha"] == pr.get("head_sha_at_close")
    ready = [a for op, a in server.state.graphql_requests if op == "markPullRequestReadyForReview"]
    assert ready == [{"input": {"pullRequestId": pull_node_id(1)}}]
    assert {"name": "promote.release", "value": release} in prod_app.accepted[0]["infos"]
    # Exactly what moved, with the comment beside the version kept.
    for env in ("qa", "prod"):
        values = run_git("-C", bare, "show", "main:envs/%s/apps/shop/values.yaml" % env).stdout
        assert values == 'image:\n  tag: "1.5.0"  # the shop\n'
    # No token of either service anywhere.
    history = run_git("-C", bare, "log", "-p", "--all").stdout
    for token in (gh.TOKEN, ARGO_TOKEN):
        assert token not in history and token not in r.stdout + r.stderr
    breaks = [line for line in argo_prism.text()[mark:].splitlines()
              if re.search(r"VIOLATIONS|[Vv]iolation|not valid|Invalid request|NO_PATH_MATCHED", line)
              and "[HTTP SERVER] get / " not in line]
    assert not breaks, breaks
