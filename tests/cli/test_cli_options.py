"""The command line itself: help for every command, typos, option forms, verbosity, version."""

import os
import re
import subprocess

import pytest

from conftest import CLI, EXAMPLE, promote

OK, USAGE = 0, 2
CONFIG = ["--config", EXAMPLE]

# Every command a user runs (the leaves of the command tree).
COMMANDS = [
    ["validate"], ["env", "list"], ["import"], ["product", "list"], ["flow", "show"], ["policy", "explain"],
    ["yaml", "get"], ["yaml", "set"], ["yaml", "delete"], ["plan"], ["apply"], ["run"], ["watch"],
    ["release", "list"], ["release", "status"], ["release", "approve"], ["release", "abort"], ["release", "retry"],
    ["status"], ["sync"], ["drift"], ["init"],
    ["hold"], ["unhold"], ["rollback"],
    ["change", "show"], ["change", "approve"], ["change", "merge"], ["change", "close"], ["change", "comment"],
    ["providers"], ["doctor"], ["version"], ["help"],
]
GROUPS = [["env"], ["product"], ["flow"], ["policy"], ["yaml"], ["release"], ["change"]]


def listed_commands():
    """The commands `promote help` lists, as word lists."""
    text = promote("help").out
    block = text.split("commands:\n", 1)[1].split("\n\n", 1)[0]
    return [re.split(r"\s{2,}", line.strip())[0].split() for line in block.splitlines()]


def test_the_help_lists_every_command():
    assert listed_commands() == COMMANDS


@pytest.mark.parametrize("command", COMMANDS + GROUPS, ids=" ".join)
def test_help_for_each_command(command):
    by_help = promote("help", *command)
    assert by_help.code == OK, by_help
    assert by_help.err == ""
    assert by_help.out.startswith("usage: promote %s" % " ".join(command)), by_help.out
    for flag in ("--help", "-h"):
        r = promote(*command, flag)
        assert (r.code, r.out, r.err) == (OK, by_help.out, ""), (flag, r)


@pytest.mark.parametrize("args", [["--help", "plan"], ["-h", "plan"], ["--help", "env", "list"],
                                  ["env", "--help", "list"], ["--json", "--help", "yaml", "set", "-e", "a=1"]],
                         ids=" ".join)
def test_help_before_the_command_names_it(args):
    # `promote --help plan` is `promote help plan`, as with git
    words = [a for a in args if a not in ("--help", "-h", "--json")][:2 if "yaml" in args or "env" in args else 1]
    r = promote(*args)
    assert (r.code, r.err) == (OK, ""), r
    assert r.out == promote("help", *words).out, r
    assert r.out.startswith("usage: promote %s" % " ".join(words)), r.out


def test_help_before_an_unknown_command_is_an_error():
    r = promote("--help", "plna")
    assert r.code == USAGE and r.out == "", r
    assert "unknown command 'plna' (did you mean 'plan'?)" in r.err


def test_help_after_arguments_and_options():
    # --help wins over what is missing or wrong after it, and needs no configuration
    r = promote("plan", "shop", "--help", "--to")
    assert r.code == OK and r.out == promote("help", "plan").out, r


def test_command_help_shows_its_options():
    out = promote("help", "plan").out
    assert out.startswith("usage: promote plan PRODUCT --to ENV [--from ENV] [--version V]")
    for option in ("--to ENV", "--from ENV", "--version V"):
        assert "\n  %s " % option in out, option
    yaml_set = promote("yaml", "set", "--help").out
    assert "-e, --expression PATH=VALUE" in yaml_set and "[-e PATH=VALUE]..." in yaml_set


def test_the_main_help():
    for args in (["help"], ["--help"], ["-h"]):
        r = promote(*args)
        assert r.code == OK and r.err == "", r
        assert r.out.startswith("usage: promote ")
        for option in ("--config FILE", "--repo PATH|URL", "--cache DIR", "--json", "-v, --verbose",
                       "-q, --quiet", "--version"):
            assert option in r.out, option
        assert "4 there are changes (plan --exit-code)" in r.out


@pytest.mark.parametrize("args, message", [
    (["help", "frob"], "unknown command 'frob'"),
    (["help", "plna"], "unknown command 'plna' (did you mean 'plan'?)"),
    (["help", "env", "lsit"], "unknown command 'env lsit' (did you mean 'env list'?)"),
    (["help", "plan", "x"], "'plan' has no subcommand 'x'"),
])
def test_help_for_what_does_not_exist(args, message):
    r = promote(*args)
    assert r.code == USAGE, r
    assert message in r.err and r.out == ""


@pytest.mark.parametrize("args, message", [
    (["aply", "shop", "--to", "qa"], "unknown command 'aply' (did you mean 'apply'?)"),
    (["valdate"], "unknown command 'valdate' (did you mean 'validate'?)"),
    (["env", "lst"], "unknown command 'env lst' (did you mean 'env list'?)"),
    (["change", "aprove", "x"], "unknown command 'change aprove' (did you mean 'change approve'?)"),
    (["plan", "shop", "--to", "qa", "--frm", "dev"], "unknown option '--frm' (did you mean '--from'?)"),
    (["plan", "shop", "--too=qa"], "unknown option '--too=qa' (did you mean '--to'?)"),
    (["policy", "explain", "shop", "prod", "--flwo", "default"], "unknown option '--flwo' (did you mean '--flow'?)"),
    (["yaml", "set", "--craete", "-e", "a=1", "f.yaml"], "unknown option '--craete' (did you mean '--create'?)"),
    (["validate", "--jsno"], "unknown option '--jsno' (did you mean '--json'?)"),
    (["validate", "-x"], "unknown option '-x'"),
])
def test_typos(args, message):
    r = promote(*CONFIG, *args)
    assert r.code == USAGE, r
    assert message in r.err, r
    assert r.out == ""


@pytest.mark.parametrize("args, message", [
    (["--jsn", "validate"], "unknown option '--jsn' (did you mean '--json'?)"),
    (["--confg", str(EXAMPLE), "validate"], "unknown option '--confg' (did you mean '--config'?)"),
    (["--repo=x", "--cahce=/tmp", "validate"], "unknown option '--cahce=/tmp' (did you mean '--cache'?)"),
    (["-x", "validate"], "unknown option '-x'"),
])
def test_an_unknown_global_option_is_an_option_not_a_command(args, message):
    r = promote(*args)
    assert r.code == USAGE, r
    assert message in r.err, r
    assert "unknown command" not in r.err


@pytest.mark.parametrize("args, message", [
    (["--json=yes", "validate"], "--json takes no value"),
    (["validate", "--config"], "--config needs a value"),
    (["plan", "shop", "--to"], "--to needs a value"),
    (["plan", "--to", "qa"], "missing PRODUCT"),
    (["plan", "shop"], "missing --to ENV\nusage: promote plan PRODUCT --to ENV"),
    (["env"], "'env' needs a command\nusage: promote env list"),
    (["validate", "--version"], "unknown option '--version'"),
    (["watch", "--listen", "localhost:8080"], "--listen takes an address and port (127.0.0.1:8080, [::1]:8080) or "
     "a port (8080: 127.0.0.1), not 'localhost:8080'"),
    (["watch", "--listen", "[::1]:65536"], "not '[::1]:65536'"),
    (["watch", "--listen", "127.0.0.1:"], "not '127.0.0.1:'"),
    (["watch", "--listen", "8080", "--once"], "--listen serves while the watcher runs: give --once or --listen"),
    (["watch", "--listen"], "--listen needs a value"),
])
def test_usage_errors(args, message):
    r = promote(*args)
    assert r.code == USAGE, r
    assert message in r.err, r


def test_equals_and_separate_values_are_the_same():
    pairs = [
        (["policy", "explain", "shop", "prod", "--flow=default"], ["policy", "explain", "shop", "prod", "--flow", "default"]),
        (["--json", "--config=%s" % EXAMPLE, "validate"], ["--json", "--config", EXAMPLE, "validate"]),
        (["validate", "--json", "--config=%s" % EXAMPLE], ["--config", EXAMPLE, "--json", "validate"]),
    ]
    for a, b in pairs:
        ra, rb = promote(*([] if "--config" in " ".join(map(str, a)) else CONFIG), *a), \
            promote(*([] if "--config" in " ".join(map(str, b)) else CONFIG), *b)
        assert ra.code == rb.code == OK, (ra, rb)
        assert ra.out == rb.out


def test_yaml_value_forms_are_the_same(tmp_path):
    outputs = []
    for form in (["-e", "a.b=2"], ["-ea.b=2"], ["--expression", "a.b=2"], ["--expression=a.b=2"]):
        path = tmp_path / "f.yaml"
        path.write_text("a:\n  b: 1  # keep\n")
        r = promote("yaml", "set", *form, path)
        assert r.code == OK, (form, r)
        outputs.append(path.read_text())
    assert outputs == ["a:\n  b: 2  # keep\n"] * 4


def test_verbosity():
    args = [*CONFIG, "policy", "explain", "shop", "prod"]
    quiet = promote(*args)
    assert quiet.err == ""
    debug = promote("-v", *args)
    assert "promote: debug: [policy] shop in prod: 2 matching policies" in debug.err
    assert "trace:" not in debug.err
    trace = promote("-vv", *args)
    assert "promote: debug: [policy] shop in prod: 2 matching policies" in trace.err
    assert "promote: trace: [policy] policy 'default' matches shop in prod" in trace.err
    assert promote("-v", "-v", *args).err == trace.err
    assert promote("--verbose", "--verbose", *args).err == trace.err
    assert debug.out == trace.out == quiet.out
    # -q and -v count against each other
    assert promote("-v", "-q", *args).err == ""


def test_quiet():
    r = promote(*CONFIG, "-q", "validate")
    assert (r.code, r.out, r.err) == (OK, "", "")
    assert promote(*CONFIG, "--quiet", "validate").out == ""


def test_version_command_and_option():
    option = promote("--version")
    command = promote("version")
    assert option.code == command.code == OK
    assert option.out == command.out
    assert re.fullmatch(r"promote \S+ \(libpromote \S+\)\n", command.out)
    doc = promote("version", "--json").json()
    assert set(doc) == {"promote", "libpromote"}
    assert command.out == "promote %s (libpromote %s)\n" % (doc["promote"], doc["libpromote"])


def loaded_libraries(*args):
    """The shared libraries the dynamic loader opened for `promote ARGS` (LD_DEBUG=files)."""
    done = subprocess.run([CLI, *args], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
                          env=dict(os.environ, LD_DEBUG="files"))
    return set(re.findall(r"file=(\S+) \[0\];  needed by", done.stderr)) | \
        set(re.findall(r"file=(\S+) \[0\];  dynamically loaded by", done.stderr))


def test_libcurl_and_libmicrohttpd_load_only_when_needed():
    # A command that makes no HTTP request and serves nothing maps neither (nor their twenty libraries:
    # TLS, HTTP/2, LDAP, Kerberos): lib/core/dynlib.h
    seen = loaded_libraries("--version")
    assert any(name.startswith("libpromote.so") for name in seen), seen
    assert not [name for name in seen if name.startswith(("libcurl", "libmicrohttpd", "libgnutls", "libldap"))], seen
    # validating a configuration reads no remote either
    seen = loaded_libraries("--config", str(EXAMPLE), "validate")
    assert not [name for name in seen if name.startswith(("libcurl", "libmicrohttpd"))], seen


def test_a_global_name_is_the_command_s_own_after_it(repo):
    # --version after plan/apply is the version to promote
    r = promote("--repo", repo, "--json", "plan", "shop", "--to", "qa", "--version", "9.9.9")
    assert r.code == OK, r
    assert r.json()["version"] == "9.9.9"
