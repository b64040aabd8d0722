"""`promote drift [A B]`: where every product stands in B against A — the lines a script reads, the
table a terminal shows, --json, the exit status (0 in sync, 1 drift, 2 any error), and the same over
HTTP from a fresh machine."""

import json
import os
import pty
import subprocess

import pytest

from conftest import CLI, promote
from gitserver import GitServer, create_bare_repo
from terminal import read_until_closed
from test_cli_status import CONFIG, values  # legacy, configured, is in no environment: no row

IN_SYNC, DRIFT, ERROR = 0, 1, 2


def files():
    """web 1.10.0 / 1.9.0 / 1.9.0 (semver: 1.9 < 1.10); api only in dev; hotfix newer in prod than
    staging; date-tags (text); broken's file no valid YAML in prod; same written v1.0.0+b1 / 1.0.0 / 1.0.0;
    tool only in prod."""
    out = {"promote.yaml": CONFIG}
    versions = {
        "web": ("1.10.0", "1.9.0", "1.9.0"),
        "hotfix": ("2.0.0", "2.0.0", "2.0.1"),
        "nightly": ("2024-01-10", "2024-01-09", "2024-01-09"),
        "broken": ("0.1.0", "0.1.0", None),
        "same": ("v1.0.0+b1", "1.0.0", "1.0.0"),
    }
    for app, tags in versions.items():
        for env, tag in zip(("dev", "staging", "prod"), tags):
            out["envs/%s/apps/%s/values.yaml" % (env, app)] = values(tag) if tag else "image: [unclosed\n"
    out["envs/dev/apps/api/values.yaml"] = values("3.0.0")
    out["envs/prod/apps/tool/values.yaml"] = values("0.0.1")
    return out


@pytest.fixture
def repo(tmp_path):
    return create_bare_repo(tmp_path, "gitops", files())


EXPECTED_FLOW = [
    "api dev 3.0.0 staging - missing -",
    "broken dev 0.1.0 staging 0.1.0 equal semver",
    "hotfix dev 2.0.0 staging 2.0.0 equal semver",
    "nightly dev 2024-01-10 staging 2024-01-09 behind text",
    "same dev v1.0.0+b1 staging 1.0.0 equal semver",
    "web dev 1.10.0 staging 1.9.0 behind semver",
    "broken staging 0.1.0 prod - unknown - envs/prod/apps/broken/values.yaml:",
    "hotfix staging 2.0.0 prod 2.0.1 ahead semver",
    "nightly staging 2024-01-09 prod 2024-01-09 equal text",
    "same staging 1.0.0 prod 1.0.0 equal semver",
    "tool staging - prod 0.0.1 extra -",
    "web staging 1.9.0 prod 1.9.0 equal semver",
]


def check_flow_lines(out):
    lines = out.splitlines()
    assert len(lines) == len(EXPECTED_FLOW), out
    for line, expected in zip(lines, EXPECTED_FLOW):
        assert line.startswith(expected), (line, expected)


def test_every_edge_of_the_default_flow_as_lines(repo):
    r = promote("--repo", repo, "drift")
    assert r.code == DRIFT and r.err == "", r
    check_flow_lines(r.out)


def test_a_pair_in_sync_and_a_pair_that_drifts(repo):
    r = promote("--repo", repo, "drift", "staging", "prod", "--product", "[nsw]*")
    assert r.code == IN_SYNC and r.err == "", r
    assert r.out.splitlines() == [
        "nightly staging 2024-01-09 prod 2024-01-09 equal text",
        "same staging 1.0.0 prod 1.0.0 equal semver",
        "web staging 1.9.0 prod 1.9.0 equal semver",
    ]
    r = promote("--repo", repo, "drift", "prod", "dev", "--product", "web")
    assert r.code == DRIFT, r
    assert r.out == "web prod 1.9.0 dev 1.10.0 ahead semver\n"
    # Nothing matches: nothing drifts.
    r = promote("--repo", repo, "drift", "dev", "prod", "--product", "nothing*")
    assert (r.code, r.out) == (IN_SYNC, ""), r
    # -q: the exit status alone.
    r = promote("--repo", repo, "-q", "drift")
    assert (r.code, r.out, r.err) == (DRIFT, "", ""), r


def test_json(repo):
    r = promote("--repo", repo, "--json", "drift")
    assert r.code == DRIFT, r
    doc = r.json()
    assert doc["schema"] == 1 and doc["in_sync"] is False and doc["drifted"] == 6
    assert doc["pairs"] == [{"from": "dev", "to": "staging"}, {"from": "staging", "to": "prod"}]
    rows = {(x["product"], x["from"], x["to"]): x for x in doc["rows"]}
    assert rows[("web", "dev", "staging")] == {
        "product": "web", "from": "dev", "to": "staging", "from_version": "1.10.0", "to_version": "1.9.0",
        "relation": "behind", "comparison": "semver", "error": None}
    assert rows[("api", "dev", "staging")]["to_version"] is None
    assert rows[("api", "dev", "staging")]["comparison"] is None
    assert rows[("tool", "staging", "prod")]["relation"] == "extra"
    assert rows[("nightly", "dev", "staging")]["comparison"] == "text"
    broken = rows[("broken", "staging", "prod")]
    assert broken["relation"] == "unknown" and broken["error"].startswith("envs/prod/apps/broken/values.yaml:")
    r = promote("--repo", repo, "--json", "drift", "staging", "prod", "--product", "web")
    assert r.code == IN_SYNC and r.json()["in_sync"] is True and r.json()["drifted"] == 0, r


def test_errors_exit_2_not_1(repo, tmp_path):
    """1 means drift: a CI job must tell a drift from a failure."""
    r = promote("--repo", repo, "drift", "dev", "stagin")
    assert r.code == ERROR and "did you mean 'staging'" in r.err, r
    r = promote("--repo", repo, "drift", "dev")
    assert r.code == ERROR and "name B after dev" in r.err, r
    r = promote("--repo", repo, "drift", "dev", "dev")
    assert r.code == ERROR and "compared with itself" in r.err, r
    r = promote("--repo", repo, "--json", "drift", "prd", "dev")
    assert r.code == ERROR and r.json()["ok"] is False, r
    r = promote("--repo", tmp_path / "nowhere.git", "drift")
    assert r.code == ERROR, r
    # A server that does not answer: an error other commands exit 1 with (status does).
    down = ("--repo", "http://127.0.0.1:9/gitops.git", "--cache", tmp_path / "cache")
    assert promote(*down, "status").code == 1
    r = promote(*down, "drift")
    assert r.code == ERROR and "cannot fetch" in r.err, r
    r = promote("--repo", repo, "drift", "a", "b", "c")
    assert r.code == ERROR, r
    # Output that cannot be written (exit status 1 for the other commands).
    with open("/dev/full", "w") as full:
        written = subprocess.run([CLI, "--repo", str(repo), "drift"], stdout=full, stderr=subprocess.PIPE, text=True,
                                 timeout=60, stdin=subprocess.DEVNULL)
    assert written.returncode == ERROR and "cannot write the output" in written.stderr, written
    with open("/dev/full", "w") as full:
        assert subprocess.run([CLI, "--repo", str(repo), "status"], stdout=full, stderr=subprocess.DEVNULL,
                              timeout=60, stdin=subprocess.DEVNULL).returncode == 1
    # No default flow: name a pair.
    two = create_bare_repo(tmp_path, "two", dict(files(), **{"promote.yaml": CONFIG.replace(
        "  default: {trigger: dev", "  one: {trigger: dev, steps: {staging: {}}}\n  two: {trigger: dev")}))
    r = promote("--repo", two, "drift")
    assert r.code == ERROR and "no default flow to compare along" in r.err, r
    assert promote("--repo", two, "drift", "dev", "staging").code == DRIFT


def test_table_on_a_terminal(repo):
    master, slave = pty.openpty()
    proc = subprocess.Popen([CLI, "--repo", str(repo), "drift"], stdin=subprocess.DEVNULL, stdout=slave,
                            stderr=subprocess.PIPE, env=dict(os.environ, TERM="xterm"))
    os.close(slave)
    screen = read_until_closed(master).decode().replace("\r\n", "\n")
    assert proc.wait(timeout=60) == DRIFT
    assert proc.stderr.read() == b""
    proc.stderr.close()
    lines = screen.splitlines()
    assert lines[:8] == [
        "dev -> staging",
        "PRODUCT  dev         staging     STATUS",
        "api      3.0.0       -           missing in staging",
        "broken   0.1.0       0.1.0       equal",
        "hotfix   2.0.0       2.0.0       equal",
        "nightly  2024-01-10  2024-01-09  behind (as text)",
        "same     v1.0.0+b1   1.0.0       equal",
        "web      1.10.0      1.9.0       behind",
    ], screen
    assert lines[8] == "" and lines[9] == "staging -> prod", screen
    assert lines[11].startswith("broken   0.1.0       -           unknown: envs/prod/apps/broken/values.yaml:"), screen
    assert "tool     -           0.0.1       only in prod" in lines, screen
    assert lines[-1] == "drift in 6 of 12 compared: 2 behind, 1 ahead, 1 missing, 1 extra, 1 unknown", screen


def test_over_http_from_a_fresh_machine(tmp_path):
    with GitServer(tmp_path / "repos") as server:
        server.create_repo("gitops", files())
        env = dict(os.environ, PROMOTE_GIT_USERNAME=server.user, PROMOTE_GIT_PASSWORD=server.password,
                   GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, GIT_TERMINAL_PROMPT="0")

        def run(cache, *args):
            return subprocess.run([CLI, "--repo", server.url("gitops"), "--cache", str(tmp_path / cache), *args],
                                  env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        r = run("fresh-a", "drift")
        assert r.returncode == DRIFT, r
        check_flow_lines(r.stdout)
        r = run("fresh-b", "--json", "drift", "staging", "prod", "--product", "web")
        assert r.returncode == IN_SYNC, r
        assert json.loads(r.stdout)["rows"][0]["to_version"] == "1.9.0"
        # Credentials refused: an error, not a drift.
        bad = dict(env, PROMOTE_GIT_PASSWORD="wrong")
        r = subprocess.run([CLI, "--repo", server.url("gitops"), "--cache", str(tmp_path / "fresh-c"), "drift"],
                           env=bad, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        assert r.returncode == ERROR, r
