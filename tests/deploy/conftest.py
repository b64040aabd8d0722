"""Fixtures for the argocd deploy backend's contract tests: the stateful Argo CD server
(argocd_server.py) behind Prism (tests/forge/prism.py) validating every request and answer against
Argo CD's official description (tests/data/argo-cd/assets/swagger.json), and a bare repository
whose qa environment deploys with `deploy: {backend: argocd}` to it.

meson passes the built `promote` in PROMOTE_CLI and where Prism is in PROMOTE_FORGE_TOOLS. Prism
starts once per module; each test gets a fresh Argo CD state, and fails on any request or answer
out of the contract that Prism saw during it. Without Prism the tests fail saying so (never skipped).
"""

import importlib.util
import os
import pathlib
import re
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
SOURCE_ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE.parent / "forge"))
sys.path.insert(0, str(HERE.parent / "integration"))
sys.path.insert(0, str(HERE.parent / "net"))

from argocd_server import ArgoCDServer  # noqa: E402

# The CLI tests' result of a run and git helpers, shared, not copied.
_spec = importlib.util.spec_from_file_location("cli_conftest", HERE.parent / "cli" / "conftest.py")
_cli = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_cli)
GIT_ENV, Result, git = _cli.GIT_ENV, _cli.Result, _cli.git
from gitserver import create_bare_repo  # noqa: E402
from prism import PRISM, PrismProxy  # noqa: E402

SPEC = SOURCE_ROOT / "tests" / "data" / "argo-cd" / "assets" / "swagger.json"
CLI = os.path.abspath(os.environ.get("PROMOTE_CLI") or SOURCE_ROOT / "build" / "cli" / "promote")
TOKEN = "argo-s3cr3t-t0ken-5a1c"

# What Prism logs for a request or an answer out of the contract (prism.py's violations() misses
# a request refused with 422 "Invalid request", and a path or method the contract does not have).
BREAK = re.compile(r"VIOLATIONS|[Vv]iolation|not valid|Invalid request|NO_PATH_MATCHED|NO_METHOD_MATCHED")

CONFIG = """\
version: 1
environments:
  dev: {path: envs/dev}
  qa:
    path: envs/qa
    deploy: {backend: argocd, server: "%(server)s", hold: 1s, timeout: %(timeout)s%(extra)s}
products:
  shop:
    path: apps/shop
    template: {attributes: {values.yaml: [image.tag]}, version: "values.yaml#image.tag"}
flows:
  default:
    trigger: dev
    steps:
      qa: {}
"""


def make_repo(root, server, timeout="2m", extra=""):
    files = {"promote.yaml": CONFIG % {"server": server, "timeout": timeout, "extra": extra}}
    for env in ("dev", "qa"):
        files["envs/%s/apps/shop/values.yaml" % env] = 'image:\n  repository: shop\n  tag: "1.4.0"\n'
    return create_bare_repo(root, "gitops", files)


def promote_env(token=TOKEN):
    env = dict(GIT_ENV, PROMOTE_ARGOCD_TOKEN=token)
    env.pop("ARGOCD_AUTH_TOKEN", None)
    return env


def promote(*args, token=TOKEN, timeout=120):
    """Run the built `promote` with `args` and the Argo CD token in its environment."""
    if not os.access(CLI, os.X_OK):
        pytest.fail("no promote executable at %s; set PROMOTE_CLI" % CLI)
    completed = subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, timeout=timeout,
                               stdin=subprocess.DEVNULL, env=promote_env(token))
    return Result(completed)


def qa_step_of(record):
    (step,) = [s for s in record["steps"] if s["environment"] == "qa"]
    return step


@pytest.fixture(scope="module")
def argocd_behind_prism():
    if not PRISM.exists():
        pytest.fail("Prism is missing (%s): run `bash .ci/setup build` (it needs node >= 18.20 and npm), or set "
                    "PROMOTE_FORGE_TOOLS to where it is" % PRISM, pytrace=False)
    with ArgoCDServer(token=TOKEN) as server:
        with PrismProxy(SPEC, server.url) as prism:
            yield server, prism


@pytest.fixture
def argo(argocd_behind_prism):
    """(server, prism) with a fresh state; the test fails when Prism saw a request or an answer out of
    Argo CD's contract while it ran."""
    server, prism = argocd_behind_prism
    server.reset(token=TOKEN)
    mark = prism.mark()
    yield server, prism
    breaks = [line for line in prism.text()[mark:].splitlines()
              if BREAK.search(line) and "[HTTP SERVER] get / " not in line]  # PrismProxy's own start-up probe
    assert not breaks, "requests or answers out of Argo CD's contract:\n" + "\n".join(breaks)
