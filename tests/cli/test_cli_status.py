"""`promote status`: every product × environment — the version there, the open release moving it —
on a local repository and over HTTP (a fresh cache: the repository alone)."""

import itertools
import json
import os
import subprocess

import pytest

from conftest import CLI, promote
from gitserver import GitServer, create_bare_repo

OK, USAGE, WAITING = 0, 2, 3

CONFIG = """\
version: 1
environments:
  dev: {path: envs/dev, strategy: auto}
  staging: {path: envs/staging, strategy: auto}
  prod: {path: envs/prod, kind: production, strategy: manual}
products:
  legacy:
    path: legacy
    template: {attributes: {values.yaml: [image.tag]}, version: values.yaml#image.tag}
  "*":
    path: apps/*
    template: {attributes: {values.yaml: [image.tag]}, version: values.yaml#image.tag}
policies:
  - {name: default, action: commit}
flows:
  default: {trigger: dev, steps: {staging: {}, prod: {dependsOn: [staging]}}}
"""


def values(tag):
    return 'image:\n  repository: example/app\n  tag: "%s"\n' % tag


def files():
    """web everywhere, api only in dev (absent from staging and prod), broken's file no valid YAML in
    staging; legacy (configured) nowhere."""
    out = {"promote.yaml": CONFIG}
    for env, tag in (("dev", "1.2.0"), ("staging", "1.1.0"), ("prod", "1.0.0")):
        out["envs/%s/apps/web/values.yaml" % env] = values(tag)
        out["envs/%s/apps/broken/values.yaml" % env] = values("0.1.0")
    out["envs/staging/apps/broken/values.yaml"] = "image: [unclosed\n"
    out["envs/dev/apps/api/values.yaml"] = values("3.0.0")
    return out


HEADS = ["PRODUCT", "ENV", "VERSION", "HOLD", "RELEASE", "STATE", "STEP", "REASON"]


def lines(result):
    """{(product, env): [version, hold, release, state, step, reason]} of the table, cut at the header's
    columns (trailing empty columns left out)."""
    rows = result.out.splitlines()
    assert rows[0].split() == HEADS, result
    starts = [rows[0].index(h) for h in HEADS] + [None]
    table = {}
    for row in rows[1:]:
        cells = [row[starts[k]:starts[k + 1]].strip() for k in range(len(HEADS))]
        while cells[-1] == "":
            cells.pop()
        table[tuple(cells[:2])] = cells[2:]
    return table


@pytest.fixture
def repo(tmp_path):
    return create_bare_repo(tmp_path, "gitops", files())


def test_versions_per_cell_and_missing_products(repo):
    r = promote("--repo", repo, "status")
    assert r.code == OK and r.err == "", r
    table = lines(r)
    assert list(table) == [(p, e) for p in ("api", "broken", "legacy", "web") for e in ("dev", "staging", "prod")]
    assert table[("web", "dev")] == ["1.2.0", "-", "-"]
    assert table[("web", "staging")] == ["1.1.0", "-", "-"]
    assert table[("web", "prod")] == ["1.0.0", "-", "-"]
    assert table[("api", "dev")] == ["3.0.0", "-", "-"]
    assert table[("api", "staging")] == ["(absent)", "-", "-"]
    assert table[("legacy", "prod")] == ["(absent)", "-", "-"]
    # One broken file is its cell's problem, with where it is, not the table's.
    version, hold, release, state, step, reason = table[("broken", "staging")]
    assert (version, hold, release, state, step) == ("(unreadable)", "-", "-", "", ""), table
    assert reason.startswith("envs/staging/apps/broken/values.yaml:2:1: YAML syntax error"), reason
    assert table[("broken", "prod")] == ["0.1.0", "-", "-"]


def test_json_shape(repo):
    r = promote("--repo", repo, "--json", "status")
    assert r.code == OK, r
    doc = r.json()
    assert set(doc) == {"schema", "environments", "holds", "products"}
    assert doc["schema"] == 1 and doc["environments"] == ["dev", "staging", "prod"] and doc["holds"] == []
    assert [p["name"] for p in doc["products"]] == ["api", "broken", "legacy", "web"]
    api = doc["products"][0]["environments"]
    assert list(api) == ["dev", "staging", "prod"]
    assert api["dev"] == {"present": True, "version": "3.0.0", "error": None, "release": None, "waiting": 0,
                          "hold": None, "pin": None}
    assert api["prod"] == {"present": False, "version": None, "error": None, "release": None, "waiting": 0,
                           "hold": None, "pin": None}
    broken = doc["products"][1]["environments"]["staging"]
    assert broken["present"] is True and broken["version"] is None
    assert broken["error"].startswith("envs/staging/apps/broken/values.yaml:2:1: YAML syntax error")


def test_filters(repo):
    r = promote("--repo", repo, "status", "--product", "[bw]*", "--env", "prod")
    assert r.code == OK, r
    assert lines(r) == {("broken", "prod"): ["0.1.0", "-", "-"], ("web", "prod"): ["1.0.0", "-", "-"]}
    doc = promote("--repo", repo, "--json", "status", "--product", "a?i", "--env", "staging").json()
    assert doc["environments"] == ["staging"]
    assert [(p["name"], list(p["environments"])) for p in doc["products"]] == [("api", ["staging"])]
    r = promote("--repo", repo, "status", "--product", "nothing*")
    assert (r.code, r.out) == (OK, "no product matches\n"), r
    r = promote("--repo", repo, "status", "--env", "prd")
    assert r.code == USAGE and "no environment named 'prd' (did you mean 'prod'?)" in r.err, r


def release_id(out):
    return json.loads(out)["id"]


def check_release_cells(run_status, first, second):
    """After two releases of web (2.0.0, then 2.1.0): both promoted staging; the first waits for prod's
    approval, the second is queued behind it."""
    table = lines(run_status())
    assert table[("web", "dev")] == ["2.1.0", "-", "-"]
    assert table[("web", "staging")] == ["2.1.0", "-", "-"]
    # The older one moves prod; the newer one waits behind it.
    version, hold, release, state, step, reason = table[("web", "prod")]
    assert (version, hold, release, state, step) == ("1.0.0", "-", "%s +1" % first, "waiting", "awaiting_approval"), \
        table
    assert reason == "waiting for approval to promote web 2.0.0 to prod", reason
    doc = json.loads(run_status("--json", "--env", "prod", "--product", "web"))
    cell = doc["products"][0]["environments"]["prod"]
    assert cell["version"] == "1.0.0" and cell["waiting"] == 1
    release = cell["release"]
    assert set(release) == {"id", "flow", "version", "state", "reason", "created", "step"}
    assert (release["id"], release["version"], release["state"], release["flow"]) == \
        (first, "2.0.0", "waiting", "default")
    assert set(release["step"]) == {"state", "reason", "attempts", "commit", "change", "started", "gate"}
    assert release["step"]["gate"] == ""
    assert release["step"]["state"] == "awaiting_approval"
    assert release["step"]["reason"] == "waiting for approval to promote web 2.0.0 to prod"
    assert second != first


def test_open_releases_on_a_local_repository(repo):
    def status(*args):
        r = promote("--repo", repo, *(["--json"] if "--json" in args else []), "status",
                    *[a for a in args if a != "--json"])
        assert r.code == OK, r
        return r.out if "--json" in args else r
    first = promote("--repo", repo, "--json", "run", "web", "--version", "2.0.0")
    assert first.code == WAITING, first
    # The second waits behind the first in prod (one release of a product there at a time): still
    # running when its --timeout ends.
    second = promote("--repo", repo, "--json", "run", "web", "--version", "2.1.0", "--timeout", "2s")
    assert second.code == WAITING, second
    check_release_cells(status, release_id(first.out), release_id(second.out))
    # Approved and finished: the release leaves the line, prod holds its version; the second goes on.
    assert promote("--repo", repo, "release", "approve", release_id(first.out), "--env", "prod").code == OK
    assert promote("--repo", repo, "release", "status", release_id(second.out)).code == WAITING
    table = lines(status())
    assert table[("web", "prod")][:5] == ["2.0.0", "-", release_id(second.out), "waiting", "awaiting_approval"], table


def test_open_releases_over_http_from_a_fresh_machine(tmp_path):
    with GitServer(tmp_path / "repos") as server:
        server.create_repo("gitops", files())
        url = server.url("gitops")
        env = dict(os.environ, PROMOTE_GIT_USERNAME=server.user, PROMOTE_GIT_PASSWORD=server.password,
                   GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, GIT_TERMINAL_PROMPT="0")

        def run(cache, *args):
            return subprocess.run([CLI, "--repo", url, "--cache", str(tmp_path / cache), *args], env=env,
                                  capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        first = run("cache-a", "--json", "run", "web", "--version", "2.0.0")
        assert first.returncode == WAITING, first
        second = run("cache-a", "--json", "run", "web", "--version", "2.1.0", "--timeout", "2s")
        assert second.returncode == WAITING, second

        machines = itertools.count()

        def status(*args):
            # Each time a machine that never saw the repository: a new cache folder.
            json_flag = ["--json"] if "--json" in args else []
            r = run("fresh-%d" % next(machines), *json_flag, "status",
                    *[a for a in args if a != "--json"])
            assert r.returncode == OK, r
            return r.stdout if json_flag else promote_result(r)
        check_release_cells(status, release_id(first.stdout), release_id(second.stdout))


class promote_result:
    def __init__(self, completed):
        self.code, self.out, self.err = completed.returncode, completed.stdout, completed.stderr

    def json(self):
        return json.loads(self.out)


NOW = "2026-12-05T10:00:00Z"


def as_ops(repo, *args):
    """`promote` as Ada Ops (PROMOTE_AUTHOR_NAME) with its clock at NOW (PROMOTE_NOW), on `repo`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROMOTE_")}
    env.update(PROMOTE_AUTHOR_NAME="Ada Ops", PROMOTE_AUTHOR_EMAIL="ops@example.com", PROMOTE_NOW=NOW)
    return promote_result(subprocess.run([CLI, "--repo", str(repo), *args], env=env, capture_output=True, text=True,
                                         timeout=120, stdin=subprocess.DEVNULL))


def test_holds_and_pins(repo):
    """prod held for every product; web rolled back in staging (to the version dev holds: its pin) and held
    there too; a release of web waits on staging's hold."""
    assert as_ops(repo, "hold", "prod", "--reason", "incident 42").code == OK
    r = as_ops(repo, "--json", "rollback", "web", "--env", "staging", "--to", "1.2.0")
    assert r.code == OK, r
    rollback = release_id(r.out)
    assert as_ops(repo, "hold", "staging", "--product", "web", "--reason", "web only").code == OK
    r = as_ops(repo, "--json", "run", "web", "--version", "1.2.0")
    assert r.code == WAITING, r
    held = release_id(r.out)

    r = as_ops(repo, "status")
    assert r.code == OK and r.err == "", r
    table = lines(r)
    # The environment held as a whole has a line of its own (product "*"), first, with who, since when, why.
    assert list(table)[0] == ("*", "prod"), table
    assert table[("*", "prod")] == ["-", "held", "-", "", "", "held by Ada Ops since 2026-12-05 10:00 UTC: incident 42"]
    assert table[("web", "staging")] == ["1.2.0", "held, pinned 1.2.0", held, "waiting", "pending",
                                         "held by Ada Ops: web only"], table
    assert table[("web", "prod")] == ["1.0.0", "held", held, "waiting", "pending"], table
    assert table[("api", "prod")] == ["(absent)", "held", "-"]
    assert table[("api", "staging")] == ["(absent)", "-", "-"]
    assert table[("web", "dev")] == ["1.2.0", "-", "-"]

    # -v: a product's own hold and its pin in words under its line (the environment's has its own line).
    out = as_ops(repo, "-v", "status", "--product", "web").out.splitlines()
    staging = next(i for i, line in enumerate(out) if line.startswith("web") and " staging " in line)
    assert out[staging + 1:staging + 3] == [
        "    held by Ada Ops since 2026-12-05 10:00 UTC: web only",
        "    pinned at 1.2.0 by Ada Ops since 2026-12-05 10:00 UTC (rollback %s)" % rollback], out
    assert len(out) == 1 + 1 + 3 + 2, out  # the header, "*", web's three environments, the two details

    # A held environment shows with no product row at all; with no hold either, there is nothing to show.
    r = as_ops(repo, "status", "--product", "nothing*")
    assert r.code == OK and list(lines(r)) == [("*", "prod")], r
    r = as_ops(repo, "status", "--product", "nothing*", "--env", "staging")
    assert (r.code, r.out) == (OK, "no product matches\n"), r

    doc = as_ops(repo, "--json", "status").json()
    assert [(h["kind"], h["environment"], h["product"]) for h in doc["holds"]] == [
        ("hold", "prod", None), ("pin", "staging", "web"), ("hold", "staging", "web")]
    env_hold, pin, web_hold = doc["holds"]
    assert set(env_hold) == {"kind", "environment", "product", "reason", "by", "at"}
    assert (env_hold["reason"], env_hold["by"]) == ("incident 42", "Ada Ops")
    assert env_hold["at"].startswith("2026-12-05T10:00:0"), env_hold
    assert set(pin) == {"kind", "environment", "product", "reason", "by", "at", "version", "release"}
    assert (pin["version"], pin["release"], pin["by"]) == ("1.2.0", rollback, "Ada Ops")
    web = next(p for p in doc["products"] if p["name"] == "web")["environments"]
    assert (web["staging"]["hold"], web["staging"]["pin"]) == (web_hold, pin)
    assert (web["prod"]["hold"], web["prod"]["pin"]) == (env_hold, None)
    assert (web["dev"]["hold"], web["dev"]["pin"]) == (None, None)
    step = web["staging"]["release"]["step"]
    assert (step["state"], step["gate"], step["reason"]) == ("pending", "hold", "held by Ada Ops: web only")
    assert web["prod"]["release"]["step"]["gate"] == ""
    # Filtered, the holds of what is shown: prod's as a whole, not web's in staging.
    assert as_ops(repo, "--json", "status", "--product", "api").json()["holds"] == [env_hold]

    # Lifted: gone from the table.
    assert as_ops(repo, "unhold", "prod").code == OK
    assert as_ops(repo, "unhold", "staging", "--product", "web").code == OK
    table = lines(as_ops(repo, "status", "--product", "web"))
    assert ("*", "prod") not in table and table[("web", "staging")][1] == "-", table
