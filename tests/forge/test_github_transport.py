"""The github provider's transport, end to end through the CLI: its API calls are verified TLS (a
self-signed server is refused, naming the host and how to trust it; PROMOTE_CA_BUNDLE trusts it), an
answer larger than the response cap is refused, and the token is never shown. The server is the
scripted HTTPS server of tests/net (no contract is at stake here, so no Prism)."""

import os
import pathlib
import subprocess
import sys

import pytest

from conftest import CLI

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "net"))
from scriptserver import ScriptServer, self_signed_certificate  # noqa: E402

TOKEN = "ghp_TransportS3cret0123456789abcdef"

CONFIG = """\
version: 1
repositories:
  gitops: {{url: "https://github.example/git/gitops.git", provider: github, api: "{api}"}}
environments:
  dev: {{path: envs/dev}}
products:
  shop: {{path: apps/shop, template: {{attributes: {{values.yaml: [image.tag]}}}}}}
"""


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


def show(tmp_path, server, **env_extra):
    config = tmp_path / "promote.yaml"
    config.write_text(CONFIG.format(api=server.url + "/api/v3"))
    env = {k: v for k, v in os.environ.items() if k not in ("PROMOTE_CA_BUNDLE", "GITHUB_TOKEN")}
    env.update(PROMOTE_GITHUB_TOKEN=TOKEN, no_proxy="127.0.0.1", NO_PROXY="127.0.0.1", **env_extra)
    return subprocess.run([CLI, "--config", str(config), "change", "show", "git/gitops#1", "--provider", "github"],
                          capture_output=True, text=True, timeout=120, env=env, stdin=subprocess.DEVNULL)


def test_a_self_signed_api_is_refused_and_trusted_only_through_the_ca_bundle(tmp_path, certificate):
    with ScriptServer(tls=certificate) as server:
        refused = show(tmp_path, server)
        assert refused.returncode == 1
        assert "the TLS certificate of 127.0.0.1 is not trusted" in refused.stderr, refused.stderr
        assert "PROMOTE_CA_BUNDLE" in refused.stderr and TOKEN not in refused.stderr + refused.stdout
        assert server.requests == []  # nothing was sent over a connection that was not verified
        server.answer(404, {"message": "Not Found"})
        trusted = show(tmp_path, server, PROMOTE_CA_BUNDLE=certificate[0])
        assert trusted.returncode == 2 and "HTTP 404: Not Found" in trusted.stderr, trusted.stderr  # not found: 2
        assert [r["path"] for r in server.requests] == ["/api/v3/repos/git/gitops/pulls/1"]
        assert server.requests[0]["headers"]["authorization"] == "Bearer " + TOKEN
        assert TOKEN not in trusted.stderr + trusted.stdout


def test_an_answer_over_the_cap_is_refused(tmp_path):
    with ScriptServer() as server:
        server.answer(200, {"number": 1, "padding": "x" * (17 * 1024 * 1024)})
        big = show(tmp_path, server)
        assert big.returncode == 2  # a bound: as for any input too large
        assert "more than 16777216 bytes" in big.stderr and "refusing the rest" in big.stderr, big.stderr
        assert len(server.requests) == 1  # a bound, not a transient error: not asked again
