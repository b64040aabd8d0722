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
import signal
import subprocess
import sys
import time

import pytest

HERE = pathlib.Path(__file__).resolve().parent
SOURCE_ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE.parent / "forge"))
sys.path.insert(0, str(HERE.parent / "integration"))
sys.path.insert(0, str(HERE.parent / "net"))

from argo_workflows_server import ArgoWorkflowsServer  # noqa: E402
from argocd_server import ArgoCDServer  # noqa: E402

# The CLI tests' result of a run and git helpers, shared, not copied.
_spec = importlib.util.spec_from_file_location("cli_conftest", HERE.parent / "cli" / "conftest.py")
_cli = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_cli)
GIT_ENV, Result, git = _cli.GIT_ENV, _cli.Result, _cli.git
from gitserver import create_bare_repo  # noqa: E402
from prism import PRISM, PrismProxy  # noqa: E402

SPEC = SOURCE_ROOT / "tests" / "data" / "argo-cd" / "assets" / "swagger.json"
WORKFLOWS_SPEC = SOURCE_ROOT / "tests" / "data" / "argo-workflows" / "api" / "openapi-spec" / "swagger.json"
CLI = os.path.abspath(os.environ.get("PROMOTE_CLI") or SOURCE_ROOT / "build" / "cli" / "promote")
TOKEN = "argo-s3cr3t-t0ken-5a1c"
WORKFLOWS_TOKEN = "wf-s3cr3t-t0ken-77d0"

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


def make_repo(root, server, timeout="2m", extra="", tail=""):
    """The bare repository; `extra` is added to qa's deploy mapping, `tail` to the configuration."""
    files = {"promote.yaml": CONFIG % {"server": server, "timeout": timeout, "extra": extra} + tail}
    for env in ("dev", "qa"):
        files["envs/%s/apps/shop/values.yaml" % env] = 'image:\n  repository: shop\n  tag: "1.4.0"\n'
    return create_bare_repo(root, "gitops", files)


def promote_env(token=TOKEN, **more):
    env = {k: v for k, v in GIT_ENV.items()
           if k not in ("ARGOCD_AUTH_TOKEN", "ARGO_TOKEN", "PROMOTE_ARGO_WORKFLOWS_TOKEN")}
    env.update(PROMOTE_ARGOCD_TOKEN=token, **more)
    return env


def promote(*args, token=TOKEN, timeout=120, **more):
    """Run the built `promote` with `args` and the Argo CD token (and the variables `more`) in its
    environment."""
    if not os.access(CLI, os.X_OK):
        pytest.fail("no promote executable at %s; set PROMOTE_CLI" % CLI)
    completed = subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, timeout=timeout,
                               stdin=subprocess.DEVNULL, env=promote_env(token, **more))
    return Result(completed)


def kill_once(repo, happened, **more):
    """`promote run shop --version 1.5.0` started, and killed (SIGKILL) once `happened()` holds."""
    process = subprocess.Popen([CLI, "--repo", str(repo), "run", "shop", "--version", "1.5.0"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                               env=promote_env(**more), start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not happened() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        return happened()
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()


def qa_step_of(record):
    (step,) = [s for s in record["steps"] if s["environment"] == "qa"]
    return step


def require_prism():
    if not PRISM.exists():
        pytest.fail("Prism is missing (%s): run `bash .ci/setup build` (it needs node >= 18.20 and npm), or set "
                    "PROMOTE_FORGE_TOOLS to where it is" % PRISM, pytrace=False)


def behind_prism(server_class, token, spec):
    """A server of `server_class` with `token`, and Prism in front of it validating against `spec`."""
    require_prism()
    with server_class(token=token) as server:
        with PrismProxy(spec, server.url) as prism:
            yield server, prism


@pytest.fixture(scope="module")
def argocd_behind_prism():
    yield from behind_prism(ArgoCDServer, TOKEN, SPEC)


def checked(server, prism, what):
    """(server, prism) for one test: the test fails when Prism saw a request or an answer out of
    `what`'s contract while it ran."""
    mark = prism.mark()
    yield server, prism
    breaks = [line for line in prism.text()[mark:].splitlines()
              if BREAK.search(line) and "[HTTP SERVER] get / " not in line]  # PrismProxy's own start-up probe
    assert not breaks, "requests or answers out of %s's contract:\n" % what + "\n".join(breaks)


@pytest.fixture
def argo(argocd_behind_prism):
    """(server, prism) with a fresh state; the test fails when Prism saw a request or an answer out of
    Argo CD's contract while it ran."""
    server, prism = argocd_behind_prism
    server.reset(token=TOKEN)
    yield from checked(server, prism, "Argo CD")


@pytest.fixture(scope="module")
def workflows_behind_prism():
    yield from behind_prism(ArgoWorkflowsServer, WORKFLOWS_TOKEN, WORKFLOWS_SPEC)


@pytest.fixture
def workflows(workflows_behind_prism):
    """The Argo Workflows server (server, prism) with a fresh state, checked as `argo` is against Argo
    Workflows' official description."""
    server, prism = workflows_behind_prism
    server.reset(token=WORKFLOWS_TOKEN)
    yield from checked(server, prism, "Argo Workflows")
