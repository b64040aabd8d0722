"""--dry-run writes nothing, plan --exit-code, and every command's JSON is one object."""

import pytest

from conftest import EXAMPLE, git, promote

OK, FAILED, USAGE, WAITING, CHANGES = 0, 1, 2, 3, 4


def refs(bare):
    """Every ref and what it points at: what a write would move."""
    return git(bare, "for-each-ref", "--format=%(refname) %(objectname)")


# ---- plan --exit-code ------------------------------------------------------------------

def test_plan_exit_code(repo):
    changes = promote("--repo", repo, "plan", "shop", "--to", "qa", "--exit-code")
    assert changes.code == CHANGES, changes
    assert changes.out == promote("--repo", repo, "plan", "shop", "--to", "qa").out
    assert promote("--repo", repo, "plan", "shop", "--to", "qa").code == OK
    assert promote("--repo", repo, "apply", "shop", "--to", "qa").code == OK
    none = promote("--repo", repo, "plan", "shop", "--to", "qa", "--exit-code")
    assert none.code == OK and "nothing to change" in none.out, none
    # failure and usage keep their statuses
    assert promote("--repo", repo, "plan", "shop", "--to", "qq", "--exit-code").code == USAGE
    assert promote("--repo", repo, "plan", "--exit-code").code == USAGE
    assert promote("--repo", repo, "--json", "plan", "shop", "--to", "staging", "--exit-code").code == CHANGES


def test_exit_code_is_documented():
    assert "4 there are changes" in promote("help").out
    assert "--exit-code" in promote("help", "plan").out


# ---- --dry-run ----------------------------------------------------------------------------

def test_apply_dry_run_prints_the_plan_and_writes_nothing(repo):
    before = refs(repo)
    plan = promote("--repo", repo, "plan", "shop", "--to", "qa")
    dry = promote("--repo", repo, "apply", "shop", "--to", "qa", "--dry-run")
    assert dry.code == OK, dry
    assert dry.out == plan.out
    assert refs(repo) == before
    as_json = promote("--repo", repo, "--json", "apply", "shop", "--to", "prod", "--dry-run")
    assert as_json.json() == promote("--repo", repo, "--json", "plan", "shop", "--to", "prod").json()
    assert refs(repo) == before  # prod's policy would open a change: nothing opened


@pytest.mark.parametrize("verb, extra", [
    ("approve", ["--by", "alice"]), ("merge", []), ("close", []), ("comment", ["looks good"]),
])
def test_change_dry_run_writes_nothing(repo, verb, extra):
    proposed = promote("--repo", repo, "--json", "apply", "cart", "--to", "prod", "--version", "5.0", "--force",
                       "--reason", "a dry run's change")
    assert proposed.code == WAITING, proposed
    CHANGE = proposed.json()["change"]
    before = refs(repo)
    r = promote("--repo", repo, "change", verb, CHANGE, *extra, "--dry-run")
    assert r.code == OK, r
    assert r.out.startswith("change %s: Promote cart 5.0 to prod\n" % CHANGE)
    assert r.out.endswith("dry run: would %s change %s; nothing written\n" % (verb, CHANGE))
    assert refs(repo) == before
    doc = promote("--repo", repo, "--json", "change", verb, CHANGE, *extra, "--dry-run").json()
    assert doc["dryRun"] is True and doc["action"] == verb and doc["state"] == "open"
    assert refs(repo) == before


YAML = "image:\n  tag: v1  # pinned\nreplicas: 2\n"


@pytest.mark.parametrize("args, line", [
    (["set", "-e", "image.tag=v2"], "+  tag: v2  # pinned\n"),
    (["delete", "-e", "replicas"], "-replicas: 2\n"),
])
def test_yaml_dry_run_prints_the_diff_and_writes_nothing(tmp_path, args, line):
    path = tmp_path / "values.yaml"
    path.write_bytes(YAML.encode())
    mtime = path.stat().st_mtime_ns
    r = promote("yaml", *args, "--dry-run", path)
    assert r.code == OK, r
    assert "--- a/" in r.out and "+++ b/" in r.out and line in r.out
    assert path.read_bytes() == YAML.encode() and path.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir()) == ["values.yaml"]  # no temporary file either
    doc = promote("--json", "yaml", *args, "--dry-run", path).json()
    assert doc["dryRun"] is True
    (entry,) = doc["files"]
    assert entry["file"] == str(path) and entry["changed"] is True and entry["diff"] == r.out
    assert path.read_bytes() == YAML.encode()
    # and without --dry-run the same edit is written
    assert promote("yaml", *args, path).code == OK
    assert path.read_bytes() != YAML.encode()


def test_yaml_dry_run_of_nothing(tmp_path):
    path = tmp_path / "values.yaml"
    path.write_text(YAML)
    same = promote("yaml", "set", "-e", "image.tag=v1", "--dry-run", path)
    assert (same.code, same.out) == (OK, "")


# ---- JSON: one object at the top, whatever the configuration -------------------------------

def test_every_command_prints_one_object(repo, tmp_path):
    values = tmp_path / "v.yaml"
    values.write_text(YAML)
    config = ["--config", EXAMPLE]
    runs = [
        [*config, "validate"], [*config, "env", "list"], [*config, "flow", "show"], [*config, "flow", "show", "default"],
        [*config, "policy", "explain", "shop", "prod"], ["--repo", repo, "product", "list"],
        ["yaml", "get", values, "image.tag"], ["yaml", "set", "--dry-run", "-e", "image.tag=v3", values],
        ["yaml", "delete", "-e", "replicas", values], ["yaml", "set", "-e", "image.tag=v4", values],
        ["--repo", repo, "plan", "shop", "--to", "qa"], ["--repo", repo, "apply", "cart", "--to", "prod"],
        ["--repo", repo, "change", "show", "promote/none/prod"], ["version"],
        ["--repo", repo, "run", "cart"], ["--repo", repo, "release", "list"],
        [*config, "policy", "explain", "shop", "prd"],  # a failure
    ]
    for args in runs:
        r = promote("--json", *args)
        assert r.code in (OK, USAGE, WAITING), (args, r)
        assert isinstance(r.json(), dict), (args, r.out)


def test_flow_show_has_one_shape_for_one_flow_and_for_many(write):
    one = promote("--config", EXAMPLE, "--json", "flow", "show").json()
    path = write("""
        version: 1
        environments: {dev: {path: d}, qa: {path: q}, prod: {path: p}}
        flows:
          fast: {trigger: dev, steps: {prod: {}}}
          careful: {trigger: dev, steps: {qa: {}, prod: {dependsOn: [qa]}}}
        """)
    many = promote("--config", path, "--json", "flow", "show").json()
    named = promote("--config", path, "--json", "flow", "show", "careful").json()
    assert list(one) == list(many) == list(named) == ["flows"]
    assert [f["name"] for f in one["flows"]] == ["default"]
    assert [f["name"] for f in many["flows"]] == ["fast", "careful"]
    assert [f["name"] for f in named["flows"]] == ["careful"]
    assert set(one["flows"][0]) == set(many["flows"][0])


def test_yaml_edit_as_json(tmp_path):
    path = tmp_path / "v.yaml"
    path.write_text(YAML)
    r = promote("--json", "yaml", "set", "-e", "replicas=3", path)
    assert r.json() == {"dryRun": False, "files": [{"file": str(path), "changed": True}]}
    assert "replicas: 3\n" in path.read_text()
