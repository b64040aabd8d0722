"""The `promote` command as a user runs it: exit codes, text and JSON output."""

import os
import re
import textwrap

import pytest

from conftest import EXAMPLE, create_bare_repo, git, needs_git, position, promote

USAGE, OK, FAILED = 2, 0, 1
CONFIG = ["--config", EXAMPLE]


# ---- the command line itself -------------------------------------------------------

def test_version():
    r = promote("--version")
    assert r.code == OK, r
    m = re.fullmatch(r"promote (\d+\.\d+\.\d+) \(libpromote (\d+\.\d+\.\d+)\)\n", r.out)
    assert m, r.out
    assert m.group(1) == m.group(2)
    expected = os.environ.get("PROMOTE_EXPECTED_VERSION")
    if expected:
        assert m.group(1) == expected


@pytest.mark.parametrize("args", [["help"], ["--help"], ["-h"]])
def test_help(args):
    r = promote(*args)
    assert r.code == OK, r
    assert r.out.startswith("usage: promote ")
    for command in ("validate", "env list", "flow show", "policy explain"):
        assert command in r.out
    assert r.err == ""


def test_no_command_is_a_usage_error():
    r = promote()
    assert r.code == USAGE, r
    assert r.err.startswith("usage: promote ")
    assert r.out == ""


def test_unknown_command():
    r = promote(*CONFIG, "frobnicate")
    assert r.code == USAGE, r
    assert "unknown command 'frobnicate'" in r.err
    assert r.out == ""


@pytest.mark.parametrize("args", [
    ["env"], ["env", "show"], ["env", "list", "extra"],
    ["flow"], ["flow", "show", "a", "b"],
    ["policy", "explain", "shop"], ["policy", "explain", "shop", "prod", "extra"], ["policy", "list"],
    ["validate", "extra"],
])
def test_wrong_arguments_are_usage_errors(args):
    r = promote(*CONFIG, *args)
    assert r.code == USAGE, r
    assert r.err.startswith("promote: ")
    assert r.out == ""


def test_config_and_repo_exclude_each_other(tmp_path):
    r = promote("--config", EXAMPLE, "--repo", tmp_path, "validate")
    assert r.code == USAGE, r
    assert "--config" in r.err and "--repo" in r.err


def test_option_needing_a_value():
    r = promote("validate", "--config")
    assert r.code == USAGE, r
    assert "--config needs a value" in r.err


def test_global_options_anywhere_and_with_equals():
    before = promote("--json", "--config=%s" % EXAMPLE, "validate")
    after = promote("validate", "--config", EXAMPLE, "--json")
    assert before.code == after.code == OK
    assert before.json() == after.json()


# ---- validate --------------------------------------------------------------------------

def test_validate_the_example():
    r = promote(*CONFIG, "validate")
    assert r.code == OK, r
    assert r.out == "%s: valid: 4 environments, 2 products, 3 policies, 1 flow\n" % EXAMPLE
    assert r.err == ""


def test_validate_quietly():
    r = promote(*CONFIG, "-q", "validate")
    assert (r.code, r.out, r.err) == (OK, "", "")


def test_validate_the_example_as_json():
    r = promote(*CONFIG, "--json", "validate")
    assert r.code == OK, r
    assert r.json() == {"ok": True, "file": str(EXAMPLE), "environments": 4, "products": 2, "policies": 3,
                        "flows": 1, "errors": [], "warnings": []}


def test_validate_counts_singular(write):
    path = write("""
        version: 1
        environments: {dev: {path: envs/dev}, prod: {path: envs/prod}}
        products: {shop: {path: apps/shop, template: {files: ["*.yaml"]}}}
        policies: [{name: only, action: commit}]
        flows: {default: {trigger: dev, steps: {prod: {}}}}
        """)
    r = promote("--config", path, "validate")
    assert r.out == "%s: valid: 2 environments, 1 product, 1 policy, 1 flow\n" % path


BAD = """\
version: 1
environments:
  dev: {path: envs/dev, strategy: sometimes}
  prod:
    path: ../prod
    kind: prodution
    colour: blue
flows:
  default:
    trigger: dve
    steps:
      prod: {dependsOn: [stagin]}
"""
# What each problem is about, in file order.
BAD_TOKENS = ["sometimes", "../prod", "prodution", "colour", "dve", "stagin"]


def test_validate_reports_every_problem_with_its_location(write):
    path = write(BAD, "bad.yaml")
    r = promote("--config", path, "validate")
    assert r.code == USAGE, r
    assert r.out == ""
    lines = r.err.splitlines()
    assert len(lines) == len(BAD_TOKENS) + 1
    for line, token in zip(lines, BAD_TOKENS):
        row, column = position(BAD, token)
        prefix = "%s:%d:%d: " % (path, row, column)
        assert line.startswith(prefix), (line, prefix)
        assert token in line
        assert len(line) > len(prefix) + len(token)  # a message, not just the location
    assert lines[-1] == "promote: %d errors" % len(BAD_TOKENS)
    assert "did you mean 'production'?" in lines[2]
    assert "did you mean 'dev'?" in lines[4]


def test_validate_bad_config_as_json(write):
    path = write(BAD, "bad.yaml")
    r = promote("--config", path, "--json", "validate")
    assert r.code == USAGE, r
    doc = r.json()
    assert doc["ok"] is False
    assert len(doc["errors"]) == len(BAD_TOKENS)
    for error, token in zip(doc["errors"], BAD_TOKENS):
        row, column = position(BAD, token)
        assert (error["file"], error["line"], error["column"]) == (str(path), row, column)
        assert error["code"] == -5 and error["error"] == "invalid input"
        assert error["message"].startswith("%s:%d:%d: " % (path, row, column))
        assert token in error["message"]


def test_validate_yaml_syntax_error(write):
    path = write("version: 1\nenvironments: [dev\n", "broken.yaml")
    r = promote("--config", path, "validate")
    assert r.code == USAGE, r
    (line,) = r.err.splitlines()
    assert re.match(r"%s:\d+:\d+: YAML" % re.escape(str(path)), line), line


def test_validate_missing_file(tmp_path):
    missing = tmp_path / "nope.yaml"
    r = promote("--config", missing, "validate")
    assert r.code == USAGE, r
    assert r.err.startswith("%s: " % missing)
    r = promote("--config", missing, "--json", "validate")
    (error,) = r.json()["errors"]
    assert (error["file"], error["line"], error["column"], error["error"]) == (
        str(missing), None, None, "not found")


GLOBS = """\
version: 1
environments: {dev: {path: envs/dev}, qa: {path: envs/qa}}
products:
  app: {path: app, template: {files: ["config/**/*.yaml", "manifests/*.yaml"]}}
flows: {default: {trigger: dev, steps: {qa: {}}}}
"""


@needs_git
def test_validate_warns_of_a_glob_matching_nothing(tmp_path):
    bare = create_bare_repo(tmp_path, "globs", {"promote.yaml": GLOBS, "envs/dev/app/config/a/b.yaml": "b: 1\n"})
    line, column = position(GLOBS, '"manifests/*.yaml"')
    r = promote("--repo", bare, "validate")
    assert r.code == OK, r
    assert r.out == "promote.yaml: valid: 2 environments, 1 product, 0 policies, 1 flow\n"
    (warning,) = r.err.splitlines()
    assert warning.startswith("promote.yaml:%d:%d: warning: files glob 'manifests/*.yaml' of product 'app' matches "
                              "no file in the folder 'app' of environment 'dev'" % (line, column)), warning
    r = promote("--repo", bare, "-q", "validate")
    assert (r.code, r.out, len(r.err.splitlines())) == (OK, "", 1)
    r = promote("--repo", bare, "--json", "validate")
    assert r.code == OK, r
    (warning,) = r.json()["warnings"]
    assert (warning["file"], warning["line"], warning["column"], warning["error"]) == (
        "promote.yaml", line, column, "not found")


def test_validate_refuses_unknown_provider_and_backend(write):
    text = """\
        version: 1
        repositories: {gitops: {provider: gitub}}
        environments: {dev: {path: envs/dev, deploy: {backend: spinnaker}}}
        """
    path = write(text)
    r = promote("--config", path, "validate")
    assert r.code == USAGE, r
    provider, backend, total = r.err.splitlines()
    assert provider.startswith("%s:%d:%d: repository 'gitops' names unknown git provider 'gitub' (did you mean 'github'?); known: 'local', 'github'" % (
        (path,) + position(textwrap.dedent(text), "gitub")))
    assert backend.startswith("%s:%d:%d: environment 'dev' names unknown deploy backend 'spinnaker'; known: 'none', 'exec', 'argocd'" % (
        (path,) + position(textwrap.dedent(text), "spinnaker")))
    assert total == "promote: 2 errors"


# ---- env list ----------------------------------------------------------------------------

def test_env_list():
    r = promote(*CONFIG, "env", "list")
    assert r.code == OK, r
    header, *rows = r.out.splitlines()
    assert header.split() == ["NAME", "KIND", "STRATEGY", "PATH", "BRANCH", "LABELS"]
    assert [row.split() for row in rows] == [
        ["dev", "non-production", "auto", "envs/dev", "(default)", "tier=dev"],
        ["qa", "non-production", "auto", "envs/qa", "(default)", "tier=pre"],
        ["staging", "non-production", "auto", "envs/staging", "(default)", "tier=pre,region=eu"],
        ["prod", "production", "manual", "envs/prod", "(default)", "-"],
    ]


def test_env_list_as_json():
    r = promote(*CONFIG, "--json", "env", "list")
    assert r.code == OK, r
    envs = r.json()["environments"]
    assert [e["name"] for e in envs] == ["dev", "qa", "staging", "prod"]
    assert envs[0] == {"name": "dev", "path": "envs/dev", "kind": "non-production", "strategy": "auto",
                       "deployMode": "auto", "repository": "default", "branch": None,
                       "labels": {"tier": "dev"}, "clusters": []}
    assert list(envs[2]["labels"].items()) == [("tier", "pre"), ("region", "eu")]
    assert envs[2]["clusters"] == [{"name": "stage-eu", "namespace": "shop"}]
    assert envs[3]["kind"] == "production" and envs[3]["strategy"] == "manual"
    assert envs[3]["clusters"] == [{"name": "prod-eu", "namespace": "shop"},
                                   {"name": "prod-us", "namespace": "shop"}]


def test_env_list_with_repositories_and_branches(write):
    path = write("""
        version: 1
        repositories: {gitops: {url: https://git.example.com/gitops.git, branch: main}}
        environments:
          dev: {path: envs/dev, deployMode: manual}
          prod: {path: envs/prod, branch: release, strategy: never, clusters: [solo]}
        """)
    r = promote("--config", path, "--json", "env", "list")
    assert r.code == OK, r
    dev, prod = r.json()["environments"]
    assert (dev["repository"], dev["branch"], dev["deployMode"]) == ("gitops", "main", "manual")
    assert (prod["branch"], prod["strategy"]) == ("release", "never")
    assert prod["clusters"] == [{"name": "solo", "namespace": None}]
    text = promote("--config", path, "env", "list").out.splitlines()
    assert text[1].split()[4] == "main" and text[2].split()[4] == "release"


# ---- flow show ---------------------------------------------------------------------------

def test_flow_show():
    r = promote(*CONFIG, "flow", "show")
    assert r.code == OK, r
    assert r.out.splitlines() == [
        "flow default: trigger dev",
        "  wave 1: qa (after dev), staging (after dev)",
        "  wave 2: prod (after qa + staging)",
    ]
    assert promote(*CONFIG, "flow", "show", "default").out == r.out


def test_flow_show_as_json():
    r = promote(*CONFIG, "--json", "flow", "show")
    assert r.code == OK, r
    assert r.json() == {"flows": [{
        "name": "default",
        "trigger": "dev",
        "waves": [["qa", "staging"], ["prod"]],
        "steps": [
            {"environment": "qa", "dependsOn": ["dev"], "wave": 0, "policy": None},
            {"environment": "staging", "dependsOn": ["dev"], "wave": 0, "policy": None},
            {"environment": "prod", "dependsOn": ["qa", "staging"], "wave": 1, "policy": "default/prod"},
        ],
    }]}


def test_flow_show_unknown_flow():
    r = promote(*CONFIG, "flow", "show", "defualt")
    assert r.code == USAGE, r
    assert "did you mean 'default'?" in r.err
    r = promote(*CONFIG, "--json", "flow", "show", "defualt")
    assert r.code == USAGE
    assert r.json()["ok"] is False


MANY_FLOWS = """
    version: 1
    environments: {dev: {path: d}, qa: {path: q}, prod: {path: p}}
    flows:
      fast: {trigger: dev, steps: {prod: {}}}
      careful: {trigger: dev, steps: {qa: {}, prod: {dependsOn: [qa]}}}
    """


def test_flow_show_without_a_default_shows_every_flow(write):
    path = write(MANY_FLOWS)
    r = promote("--config", path, "flow", "show")
    assert r.code == OK, r
    assert r.out.splitlines() == [
        "flow fast: trigger dev",
        "  wave 1: prod (after dev)",
        "flow careful: trigger dev",
        "  wave 1: qa (after dev)",
        "  wave 2: prod (after qa)",
    ]
    flows = promote("--config", path, "--json", "flow", "show").json()["flows"]
    assert [(f["name"], f["waves"]) for f in flows] == [("fast", [["prod"]]), ("careful", [["qa"], ["prod"]])]
    assert promote("--config", path, "--json", "flow", "show", "careful").json()["flows"][0]["waves"] == [["qa"], ["prod"]]


# ---- policy explain ----------------------------------------------------------------------

def test_policy_explain_prod_in_the_flow():
    r = promote(*CONFIG, "policy", "explain", "shop", "prod", "--flow", "default")
    assert r.code == OK, r
    lines = r.out.splitlines()
    assert lines[0] == "product shop in environment prod, flow default:"
    assert lines[1].split() == ["action", "pull-request", "from", "policy", "prod-by-pull-request",
                                "(priority", "100)"]
    assert lines[2].split() == ["pre", "change-window", "from", "policy", "prod-by-pull-request", "(priority",
                                "100)"]
    assert lines[3].split() == ["post", "verify,", "notify", "from", "step", "policy", "default/prod",
                                "(beats", "all)"]
    assert lines[4] == "  matching policies, strongest first: default/prod, prod-by-pull-request, default"


def test_policy_explain_qa_without_a_flow():
    r = promote(*CONFIG, "policy", "explain", "cart", "qa")
    assert r.code == OK, r
    lines = r.out.splitlines()
    assert lines[0] == "product cart in environment qa:"
    assert lines[1].split() == ["action", "commit", "from", "policy", "default", "(priority", "0)"]
    assert lines[2].split() == ["pre", "(none)", "from", "built-in", "default"]
    assert lines[3].split() == ["post", "smoke-test", "from", "policy", "pre-production-checks", "(priority",
                                "10)"]
    assert lines[4] == "  matching policies, strongest first: pre-production-checks, default"


def source(name, priority, inline=False):
    return {"name": name, "priority": priority, "inline": inline}


def test_policy_explain_as_json():
    r = promote(*CONFIG, "--json", "policy", "explain", "shop", "prod", "--flow", "default")
    assert r.code == OK, r
    assert r.json() == {
        "product": "shop",
        "environment": "prod",
        "flow": "default",
        "action": {"value": "pull-request", "source": source("prod-by-pull-request", 100)},
        "pre": {"value": ["change-window"], "source": source("prod-by-pull-request", 100)},
        "post": {"value": ["verify", "notify"], "source": source("default/prod", 0, inline=True)},
        "matches": [source("default/prod", 0, True), source("prod-by-pull-request", 100), source("default", 0)],
    }


def test_policy_explain_built_in_default_as_json():
    r = promote(*CONFIG, "--json", "policy", "explain", "shop", "staging")
    doc = r.json()
    assert doc["flow"] is None
    assert doc["action"] == {"value": "commit", "source": source("default", 0)}
    assert doc["pre"] == {"value": [], "source": None}
    assert doc["post"] == {"value": ["smoke-test"], "source": source("pre-production-checks", 10)}


@pytest.mark.parametrize("args, suggestion", [
    (["shp", "prod"], "shop"),
    (["shop", "prd"], "prod"),
    (["shop", "prod", "--flow", "defaut"], "default"),
])
def test_policy_explain_unknown_names(args, suggestion):
    r = promote(*CONFIG, "policy", "explain", *args)
    assert r.code == USAGE, r
    assert "did you mean '%s'?" % suggestion in r.err
    assert r.out == ""


def test_policy_explain_the_trigger_in_its_flow():
    r = promote(*CONFIG, "policy", "explain", "shop", "dev", "--flow", "default")
    assert r.code == USAGE, r
    assert "no step for environment 'dev'" in r.err


# ---- where the configuration comes from --------------------------------------------------

@pytest.fixture
def repo(tmp_path):
    path = tmp_path / "gitops"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    (path / "promote.yaml").write_text(EXAMPLE.read_text())
    git(path, "add", "promote.yaml")
    git(path, "commit", "-q", "-m", "add promote.yaml")
    return path


@needs_git
def test_repo_reads_promote_yaml_at_head(repo, tmp_path):
    r = promote("--repo", repo, "validate", cwd=tmp_path)
    assert r.code == OK, r
    assert r.out == "promote.yaml: valid: 4 environments, 2 products, 3 policies, 1 flow\n"
    r = promote("--repo", repo, "--json", "env", "list", cwd=tmp_path)
    assert [e["name"] for e in r.json()["environments"]] == ["dev", "qa", "staging", "prod"]


@needs_git
def test_repo_ignores_uncommitted_edits(repo, tmp_path):
    # Break the work tree's copy, and stage a different one: --repo reads neither.
    (repo / "promote.yaml").write_text("version: 1\nenvironments: {only: {path: envs/only}}\n")
    git(repo, "add", "promote.yaml")
    (repo / "promote.yaml").write_text("this is: [not valid\n")
    r = promote("--repo", repo, "--json", "env", "list", cwd=tmp_path)
    assert r.code == OK, r
    assert [e["name"] for e in r.json()["environments"]] == ["dev", "qa", "staging", "prod"]
    # While the work tree itself, read with --config, is broken.
    assert promote("--config", repo / "promote.yaml", "validate").code == USAGE


@needs_git
def test_repo_reports_errors_in_the_committed_file(repo, tmp_path):
    bad = EXAMPLE.read_text().replace("kind: production", "kind: producton")
    (repo / "promote.yaml").write_text(bad)
    git(repo, "commit", "-q", "-am", "break it")
    r = promote("--repo", repo, "validate", cwd=tmp_path)
    assert r.code == USAGE, r
    row, column = position(bad, "producton")
    first = r.err.splitlines()[0]
    assert first.startswith("promote.yaml:%d:%d: " % (row, column)), first
    assert "did you mean 'production'?" in first


@needs_git
def test_repo_that_is_not_a_repository(tmp_path):
    r = promote("--repo", tmp_path, "validate", cwd=tmp_path)
    # Exits 1 today (PROMOTE_EGIT maps to "failed"); arguably bad input (2).
    # Either way: not success, and the message names the path.
    assert r.code in (FAILED, USAGE), r
    assert r.err.startswith("promote: ") and str(tmp_path) in r.err
    assert r.out == ""


@needs_git
def test_repo_without_promote_yaml(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    git(empty, "init", "-q")
    (empty / "README").write_text("hello\n")
    git(empty, "add", "README")
    git(empty, "commit", "-q", "-m", "readme")
    r = promote("--repo", empty, "validate", cwd=tmp_path)
    assert r.code == USAGE, r
    assert "promote.yaml" in r.err


@needs_git
def test_promote_yaml_is_found_from_a_subfolder(repo):
    sub = repo / "envs" / "dev" / "apps"
    sub.mkdir(parents=True)
    r = promote("validate", cwd=sub)
    assert r.code == OK, r
    found = r.out.split(": valid: ")[0]
    assert os.path.samefile(found, repo / "promote.yaml")
    # The work tree's file, not HEAD's: an edit shows at once.
    (repo / "promote.yaml").write_text(EXAMPLE.read_text().replace("  qa:\n", "  test:\n", 1))
    r = promote("validate", cwd=sub)
    assert r.code == USAGE, r
    assert "'qa'" in r.err


@needs_git
def test_the_nearest_promote_yaml_wins(repo):
    sub = repo / "team"
    sub.mkdir()
    (sub / "promote.yaml").write_text("version: 1\nenvironments: {solo: {path: envs/solo}}\n")
    r = promote("--json", "env", "list", cwd=sub)
    assert [e["name"] for e in r.json()["environments"]] == ["solo"]


@needs_git
def test_the_search_stops_at_the_git_work_tree_root(tmp_path):
    # A promote.yaml above the repository's root is not this repository's.
    (tmp_path / "promote.yaml").write_text(EXAMPLE.read_text())
    inner = tmp_path / "inner"
    (inner / "deep").mkdir(parents=True)
    git(inner, "init", "-q")
    r = promote("validate", cwd=inner / "deep")
    assert r.code == USAGE, r
    assert "no promote.yaml" in r.err
    # Without a repository boundary in between, it is found.
    r = promote("validate", cwd=tmp_path)
    assert r.code == OK, r


def test_verbose_prints_the_library_log_on_stderr():
    r = promote("-v", "--config", str(EXAMPLE), "policy", "explain", "shop", "prod")
    assert r.code == 0, r
    assert "promote: debug: [config] " in r.err
    assert "4 environments, 2 products, 3 policies" in r.err
    assert "promote: debug: [policy] shop in prod: 2 matching policies" in r.err
    assert "[config]" not in r.out
    quiet = promote("--config", str(EXAMPLE), "policy", "explain", "shop", "prod")
    assert quiet.err == ""
