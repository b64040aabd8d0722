"""`promote yaml get|set|delete` as a user runs it: in-place edits like
`sed -i`, standard input to standard output, exit statuses and messages."""

import os
import stat
import subprocess
import textwrap

import pytest

from conftest import CLI, position, promote

USAGE, OK, FAILED = 2, 0, 1

VALUES = textwrap.dedent("""\
    # Default values for web.
    replicaCount: 1

    image:
      repository: ghcr.io/org/web  # where it comes from
      tag: "v1.2.3"
      pullPolicy: IfNotPresent

    images:
    - name: web
      newTag: v1
    - name: api
      newTag: v7
    args: [a, b]
    """)


def run(*args, stdin=b""):
    """Run the built command with bytes on standard input; bytes out."""
    if not os.access(CLI, os.X_OK):
        pytest.fail("no promote executable at %s; set PROMOTE_CLI" % CLI)
    return subprocess.run([CLI, *map(str, args)], input=stdin, capture_output=True, timeout=60)


@pytest.fixture
def values(tmp_path):
    path = tmp_path / "values.yaml"
    path.write_text(VALUES)
    return path


def snapshot(folder):
    """Every file of `folder`: name -> (bytes, inode, mtime_ns, mode)."""
    result = {}
    for p in sorted(folder.iterdir()):
        st = os.stat(p)
        result[p.name] = (p.read_bytes(), st.st_ino, st.st_mtime_ns, stat.S_IMODE(st.st_mode))
    return result


def age(path, seconds=3600):
    """Move `path`'s mtime into the past so that a rewrite cannot go unnoticed."""
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns - seconds * 10**9, st.st_mtime_ns - seconds * 10**9))


# ---- get -----------------------------------------------------------------------------

def test_get_scalar(values):
    r = promote("yaml", "get", values, "image.tag")
    assert (r.code, r.out, r.err) == (OK, "v1.2.3\n", "")


def test_get_source_keeps_quotes(values):
    r = promote("yaml", "get", "--source", values, "image.tag")
    assert (r.code, r.out) == (OK, '"v1.2.3"\n')
    r = promote("yaml", "get", values, "image.tag", "--source")
    assert (r.code, r.out) == (OK, '"v1.2.3"\n')


def test_get_path_forms(values):
    for path, expected in [("images[name=api].newTag", "v7"), ("images[1].newTag", "v7"),
                           ("images.0.name", "web"), ("images[-1].name", "api"), ("args[1]", "b"),
                           ('["image"].pullPolicy', "IfNotPresent")]:
        r = promote("yaml", "get", values, path)
        assert (r.code, r.out) == (OK, expected + "\n"), path


def test_get_collection_prints_its_source(values):
    r = promote("yaml", "get", values, "args")
    assert (r.code, r.out) == (OK, "[a, b]\n")
    r = promote("yaml", "get", values, "images[0]")
    assert (r.code, r.out) == (OK, "name: web\n  newTag: v1\n")


def test_get_json(values):
    r = promote("--json", "yaml", "get", values, "image.tag")
    assert r.code == OK
    assert r.json() == {"file": str(values), "path": "image.tag", "value": "v1.2.3"}


def test_get_from_stdin():
    r = run("yaml", "get", "-", "a.b", stdin=b"a:\n  b: 'x y'\n")
    assert (r.returncode, r.stdout) == (OK, b"x y\n")


@pytest.mark.parametrize("args", [[], ["FILE"], ["FILE", "a", "b"], ["--sauce", "FILE", "a"]])
def test_get_usage(values, args):
    args = [values if a == "FILE" else a for a in args]
    r = promote("yaml", "get", *args)
    assert r.code == USAGE, r
    assert "usage: promote yaml get" in r.err
    assert r.out == ""


# ---- errors: missing path, invalid YAML, malformed path, files -------------------------

def test_missing_path_names_the_place_and_suggests(values):
    r = promote("yaml", "get", values, "image.tagg")
    assert r.code == USAGE, r
    line, column = position(VALUES, "repository")  # the 'image' mapping matched; it starts here
    assert r.err.startswith("%s:%d:%d: " % (values, line, column)), r.err
    assert "YAML path 'image.tagg' not found" in r.err
    assert "did you mean 'tag'?" in r.err
    assert r.out == ""


def test_missing_path_in_set_writes_nothing(values):
    age(values)
    before = snapshot(values.parent)
    r = promote("yaml", "set", "-e", "image.tagg=v2", values)
    assert r.code == USAGE, r
    assert "%s:%d:%d: " % ((values,) + position(VALUES, "repository")) in r.err
    assert "did you mean 'tag'?" in r.err
    assert snapshot(values.parent) == before


def test_missing_key_at_the_root_suggests(values):
    r = promote("yaml", "get", values, "replicaCuont")
    assert r.code == USAGE
    assert r.err.startswith("%s:%d:%d: " % ((values,) + position(VALUES, "replicaCount"))), r.err
    assert "did you mean 'replicaCount'?" in r.err


@pytest.mark.parametrize("command", ["get", "set", "delete"])
def test_invalid_yaml(tmp_path, command):
    broken = tmp_path / "broken.yaml"
    broken.write_text("a: 1\nb: [1, 2\nc: 3\n")
    age(broken)
    before = snapshot(tmp_path)
    args = {"get": ["get", broken, "a"], "set": ["set", "-e", "a=2", broken],
            "delete": ["delete", "-e", "a", broken]}[command]
    r = promote("yaml", *args)
    assert r.code == USAGE, r
    assert r.err.startswith("%s:" % broken), r.err
    # file:line:column of the problem
    location = r.err.split(" ", 1)[0]
    assert location.count(":") == 3 and all(part.isdigit() for part in location.rstrip(":").split(":")[1:]), r.err
    assert "YAML" in r.err
    assert snapshot(tmp_path) == before


def test_invalid_yaml_on_stdin():
    r = run("yaml", "set", "-e", "a=2", "-", stdin=b"a: [\n")
    assert r.returncode == USAGE
    assert r.stderr.startswith(b"<stdin>:")
    assert r.stdout == b""


@pytest.mark.parametrize("path, column", [("images[name=web.newTag", 7), ("a..b", None), ("a[", 2),
                                          ('["x', None), ("images[x]", None)])
@pytest.mark.parametrize("command", ["get", "set", "delete"])
def test_malformed_path(values, command, path, column):
    age(values)
    before = snapshot(values.parent)
    args = {"get": ["get", values, path], "set": ["set", "-e", path + "=v", values],
            "delete": ["delete", "-e", path, values]}[command]
    r = promote("yaml", *args)
    assert r.code == USAGE, r
    assert r.out == ""
    assert snapshot(values.parent) == before
    if command == "set" and ("[" in path and "]" not in path or path.count('"') % 2):
        # An unclosed '[' or quote also hides the '=' of PATH=VALUE.
        assert "write PATH=VALUE" in r.err or "YAML path" in r.err, r.err
        return
    assert "YAML path '%s'" % path in r.err
    assert "column" in r.err
    if column:
        assert "column %d" % column in r.err


def test_missing_file_and_directory(tmp_path):
    r = promote("yaml", "get", tmp_path / "nope.yaml", "a")
    assert r.code == USAGE and "No such file" in r.err
    r = promote("yaml", "set", "-e", "a=1", tmp_path)
    assert r.code == USAGE and "not a regular file" in r.err


@pytest.mark.parametrize("args", [["-e"], ["-e", "image.tag=v2"], ["FILE"], ["-e", "image.tag", "FILE"],
                                  ["--frobnicate", "-e", "a=1", "FILE"], ["--typed", "FILE"]])
def test_set_usage(values, args):
    args = [values if a == "FILE" else a for a in args]
    age(values)
    before = snapshot(values.parent)
    r = promote("yaml", "set", *args)
    assert r.code == USAGE, r
    assert r.err.startswith("promote: ")
    assert snapshot(values.parent) == before


def test_delete_usage(values):
    r = promote("yaml", "delete", "--create", "-e", "a", values)
    assert r.code == USAGE and "unknown option '--create'" in r.err


# ---- set in place --------------------------------------------------------------------

def test_set_in_place(values):
    r = promote("yaml", "set", "-e", "image.tag=v2.0.0", "-e", "images[name=api].newTag=v8", values)
    assert (r.code, r.out, r.err) == (OK, "", "")
    assert values.read_text() == VALUES.replace('"v1.2.3"', '"v2.0.0"').replace("newTag: v7", "newTag: v8")


def test_set_several_files(tmp_path):
    texts = {
        "a.yaml": "image:\n  tag: v1\n",
        "b.yaml": "# b\nimage:\n    tag: 'v1'   # kept\n    name: b\n",
        "c.yaml": "image: {tag: \"v1\", name: c}",
    }
    for name, text in texts.items():
        (tmp_path / name).write_text(text)
    r = promote("-v", "yaml", "set", "-e", "image.tag=v2", *[tmp_path / n for n in texts])
    assert r.code == OK, r
    assert "3 of 3 files changed" in r.err
    assert (tmp_path / "a.yaml").read_text() == "image:\n  tag: v2\n"
    assert (tmp_path / "b.yaml").read_text() == "# b\nimage:\n    tag: 'v2'   # kept\n    name: b\n"
    assert (tmp_path / "c.yaml").read_text() == "image: {tag: \"v2\", name: c}"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(texts)  # no temporary file left


def test_only_changed_files_are_rewritten(tmp_path):
    (tmp_path / "old.yaml").write_text("tag: v1\n")
    (tmp_path / "new.yaml").write_text("tag: v2\n")
    for p in tmp_path.iterdir():
        age(p)
    before = snapshot(tmp_path)
    r = promote("-v", "yaml", "set", "-e", "tag=v2", tmp_path / "old.yaml", tmp_path / "new.yaml")
    assert r.code == OK, r
    assert "1 of 2 files changed" in r.err
    after = snapshot(tmp_path)
    assert after["new.yaml"] == before["new.yaml"]
    assert after["old.yaml"][0] == b"tag: v2\n"


@pytest.mark.parametrize("mode", [0o640, 0o600, 0o755, 0o444])
def test_file_mode_is_kept(values, mode):
    os.chmod(values, mode)
    r = promote("yaml", "set", "-e", "image.tag=v2", values)
    assert r.code == OK, r
    assert stat.S_IMODE(os.stat(values).st_mode) == mode
    assert '  tag: "v2"\n' in values.read_text()


def test_unchanged_value_does_not_rewrite_the_file(values):
    age(values)
    before = snapshot(values.parent)
    for args in (["-e", "image.tag=v1.2.3"], ["-e", "replicaCount=1", "-e", "images[0].newTag=v1"]):
        r = promote("-v", "yaml", "set", *args, values)
        assert r.code == OK, r
        assert "0 of 1 files changed" in r.err
        assert snapshot(values.parent) == before  # bytes, inode and mtime


def test_error_in_the_second_of_three_files_leaves_all_three(tmp_path):
    for name in ("1.yaml", "2.yaml", "3.yaml"):
        (tmp_path / name).write_text("image:\n  tag: v1\n" if name != "2.yaml" else "image:\n  name: x\n")
        age(tmp_path / name)
    before = snapshot(tmp_path)
    r = promote("yaml", "set", "-e", "image.tag=v2", *[tmp_path / n for n in ("1.yaml", "2.yaml", "3.yaml")])
    assert r.code == USAGE, r
    assert "%s:" % (tmp_path / "2.yaml") in r.err and "not found" in r.err
    assert "no file was changed" in r.err
    assert snapshot(tmp_path) == before  # bytes, inode, mtime; no temporary file left


def test_invalid_yaml_in_the_second_of_three_files_leaves_all_three(tmp_path):
    for name in ("1.yaml", "2.yaml", "3.yaml"):
        (tmp_path / name).write_text("image:\n  tag: v1\n" if name != "2.yaml" else "image: [\n")
        age(tmp_path / name)
    before = snapshot(tmp_path)
    r = promote("yaml", "set", "-e", "image.tag=v2", *[tmp_path / n for n in ("1.yaml", "2.yaml", "3.yaml")])
    assert r.code == USAGE, r
    assert snapshot(tmp_path) == before


def test_all_edits_of_a_file_or_none(values):
    age(values)
    before = snapshot(values.parent)
    r = promote("yaml", "set", "-e", "image.tag=v2", "-e", "image.nope=x", values)
    assert r.code == USAGE, r
    assert snapshot(values.parent) == before


# ---- standard input to standard output ----------------------------------------------------

def test_stdin_to_stdout():
    text = b"a: 1   # one\r\nb:\r\n  c: 'x'\r\nd: end"  # CRLF, no final newline
    r = run("yaml", "set", "-e", "b.c=y y", "-e", "a=2", "-", stdin=text)
    assert (r.returncode, r.stderr) == (OK, b"")
    assert r.stdout == b"a: 2   # one\r\nb:\r\n  c: 'y y'\r\nd: end"


def test_stdin_unchanged_is_echoed():
    text = b"a: 1\n"
    r = run("yaml", "set", "-e", "a=1", "-", stdin=text)
    assert (r.returncode, r.stdout) == (OK, text)


def test_stdin_delete():
    r = run("yaml", "delete", "-e", "b", "-", stdin=b"a: 1\nb: 2 # two\nc: 3\n")
    assert (r.returncode, r.stdout) == (OK, b"a: 1\nc: 3\n")


def test_stdin_must_be_the_only_file(values):
    age(values)
    before = snapshot(values.parent)
    r = run("yaml", "set", "-e", "image.tag=v2", "-", values, stdin=VALUES.encode())
    assert r.returncode == USAGE
    assert b"must be the only FILE" in r.stderr
    assert r.stdout == b""
    assert snapshot(values.parent) == before


def test_stdin_error_writes_nothing_to_stdout():
    r = run("yaml", "set", "-e", "nope=1", "-", stdin=b"a: 1\n")
    assert r.returncode == USAGE
    assert r.stdout == b""
    assert r.stderr.startswith(b"<stdin>:1:1: ")


# ---- PATH=VALUE ------------------------------------------------------------------------

@pytest.mark.parametrize("text, expression, expected", [
    ("images:\n- name: web\n  newTag: v1\n", "images[name=web].newTag=v2", "images:\n- name: web\n  newTag: v2\n"),
    ("images:\n- name: a=b\n  newTag: v1\n", "images[name=a=b].newTag=v2", "images:\n- name: a=b\n  newTag: v2\n"),
    ("images:\n- name: a=b\n  newTag: v1\n", 'images[name="a=b"].newTag=v2',
     "images:\n- name: a=b\n  newTag: v2\n"),
    ("k: v\n", "k=x=y", "k: x=y\n"),
    ("k: v\n", "k==x", "k: =x\n"),
    ('"a=b":\n  c: 1\n', '["a=b"].c=2', '"a=b":\n  c: 2\n'),
    ("'a=b': 1\n", "['a=b']=2", "'a=b': 2\n"),
    ("a.b: 1\n", "a\\.b=2", "a.b: 2\n"),
])
def test_assignment_splits_at_the_first_equals_outside_brackets_and_quotes(tmp_path, text, expression, expected):
    f = tmp_path / "f.yaml"
    f.write_text(text)
    r = promote("yaml", "set", "-e", expression, f)
    assert r.code == OK, r
    assert f.read_text() == expected


def test_assignment_with_an_apostrophe_in_a_bare_key(tmp_path):
    # `yaml get f.yaml "it's"` finds the key, so `-e "it's=2"` must set it.
    f = tmp_path / "f.yaml"
    f.write_text("it's: 1\n")
    assert promote("yaml", "get", f, "it's").out == "1\n"
    r = promote("yaml", "set", "-e", "it's=2", f)
    assert r.code == OK, ("BUG cli/cmd_yaml.c split_assignment(): a quote inside a bare key opens a "
                          "quoted string, so the '=' is never found", r)
    assert f.read_text() == "it's: 2\n"


def test_missing_equals_is_a_usage_error(values):
    r = promote("yaml", "set", "-e", "image.tag", values)
    assert r.code == USAGE
    assert "write PATH=VALUE" in r.err


# ---- --create --------------------------------------------------------------------------

KUSTOMIZATION = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ../../base\n"


def test_create_an_image(tmp_path):
    f = tmp_path / "kustomization.yaml"
    f.write_text(KUSTOMIZATION)
    r = promote("yaml", "set", "-e", "images[name=nginx].newTag=1.25.3", f)
    assert r.code == USAGE and "not found" in r.err
    assert f.read_text() == KUSTOMIZATION
    r = promote("yaml", "set", "--create", "-e", "images[name=nginx].newTag=1.25.3", f)
    assert r.code == OK, r
    assert f.read_text() == KUSTOMIZATION + "images:\n- name: nginx\n  newTag: 1.25.3\n"
    r = promote("yaml", "set", "--create", "-e", "images[name=redis].newTag=7.2", "-e",
                "images[name=nginx].newTag=1.25.4", f)
    assert r.code == OK, r
    assert f.read_text() == KUSTOMIZATION + ("images:\n- name: nginx\n  newTag: 1.25.4\n"
                                             "- name: redis\n  newTag: \"7.2\"\n")


def test_create_nested_keys_indented_like_the_file(tmp_path):
    f = tmp_path / "values.yaml"
    f.write_text("image:\n    tag: v1\n")
    r = promote("yaml", "set", "--create", "-e", "resources.limits.cpu=100m", f)
    assert r.code == OK, r
    assert f.read_text() == "image:\n    tag: v1\nresources:\n    limits:\n        cpu: 100m\n"


def test_create_under_a_null(tmp_path):
    f = tmp_path / "k.yaml"
    f.write_text("images:\nnamespace: x\n")
    r = promote("yaml", "set", "--create", "-e", "images[name=web].newTag=v1", f)
    assert r.code == OK, r
    # The file has no other sequence: indented by its step (2).
    assert f.read_text() == "images:\n  - name: web\n    newTag: v1\nnamespace: x\n"
    assert promote("yaml", "get", f, "images[name=web].newTag").out == "v1\n"


def test_create_cannot_create_an_index(tmp_path):
    f = tmp_path / "f.yaml"
    f.write_text("a: [x]\n")
    r = promote("yaml", "set", "--create", "-e", "a[3]=y", f)
    assert r.code == USAGE
    assert f.read_text() == "a: [x]\n"


# ---- --typed ---------------------------------------------------------------------------

def test_typed_number_stays_a_number(tmp_path):
    f = tmp_path / "f.yaml"
    f.write_text("name: web\nreplicas: '2'\nport: 80\n")
    # Without --typed a string target stays a string ...
    assert promote("yaml", "set", "-e", "replicas=3", f).code == OK
    assert f.read_text() == "name: web\nreplicas: '3'\nport: 80\n"
    # ... with it the value is YAML as given.
    assert promote("yaml", "set", "--typed", "-e", "replicas=3", "-e", "name=42", f).code == OK
    assert f.read_text() == "name: 42\nreplicas: 3\nport: 80\n"
    # Without --typed, a string value on a plain string target keeps the type: quoted.
    f.write_text("name: web\n")
    assert promote("yaml", "set", "-e", "name=42", f).code == OK
    assert f.read_text() == 'name: "42"\n'


def test_typed_flow_list(tmp_path):
    f = tmp_path / "f.yaml"
    f.write_text("args: [a]   # the args\nmode: x\n")
    r = promote("yaml", "set", "--typed", "-e", "args=[a, b]", "-e", "mode=[x, y]", f)
    assert r.code == OK, r
    assert f.read_text() == "args: [a, b]   # the args\nmode: [x, y]\n"
    assert promote("yaml", "get", f, "args[1]").out == "b\n"


@pytest.mark.parametrize("value", ["[a, b", "a: b\nc: d", " 3", "&x 3", "|"])
def test_typed_refuses_what_is_not_one_node_on_one_line(tmp_path, value):
    f = tmp_path / "f.yaml"
    f.write_text("k: v\n")
    r = promote("yaml", "set", "--typed", "-e", "k=" + value, f)
    assert r.code == USAGE, r
    assert f.read_text() == "k: v\n"


def test_typed_refuses_a_block_scalar(tmp_path):
    f = tmp_path / "f.yaml"
    f.write_text("notes: |\n  a\n")
    r = promote("yaml", "set", "--typed", "-e", "notes=3", f)
    assert r.code == USAGE and "block scalar" in r.err
    assert f.read_text() == "notes: |\n  a\n"


def test_block_collection_needs_typed_and_flow(tmp_path):
    f = tmp_path / "f.yaml"
    f.write_text("args:\n- a\n")
    r = promote("yaml", "set", "-e", "args=x", f)
    assert r.code == USAGE and "not a scalar" in r.err
    assert f.read_text() == "args:\n- a\n"


# ---- --edit-anchors -----------------------------------------------------------------------

ANCHORED = "base: &base\n  image: v1\n  port: 80\nstaging: *base\nprod:\n  <<: *base\n  port: 443\n"


@pytest.mark.parametrize("path", ["staging.image", "base.image"])
def test_edit_anchors_refused_without_the_flag(tmp_path, path):
    f = tmp_path / "f.yaml"
    f.write_text(ANCHORED)
    age(f)
    before = snapshot(tmp_path)
    r = promote("yaml", "set", "-e", path + "=v2", f)
    assert r.code == USAGE, r
    assert "--edit-anchors" in r.err
    assert r.err.startswith("%s:" % f)
    assert snapshot(tmp_path) == before


def test_edit_anchors_edits_the_anchor_once(tmp_path):
    f = tmp_path / "f.yaml"
    f.write_text(ANCHORED)
    r = promote("yaml", "set", "--edit-anchors", "-e", "staging.image=v2", f)
    assert r.code == OK, r
    assert f.read_text() == ANCHORED.replace("image: v1", "image: v2")
    assert promote("yaml", "get", f, "base.image").out == "v2\n"
    assert promote("yaml", "get", f, "staging.image").out == "v2\n"


def test_edit_anchors_for_delete(tmp_path):
    f = tmp_path / "f.yaml"
    f.write_text(ANCHORED)
    r = promote("yaml", "delete", "-e", "staging.port", f)
    assert r.code == USAGE and "--edit-anchors" in r.err
    assert f.read_text() == ANCHORED


def test_unshared_anchor_needs_no_flag(tmp_path):
    f = tmp_path / "f.yaml"
    f.write_text("a: &x v1\nb: v2\n")
    assert promote("yaml", "set", "-e", "a=v3", f).code == OK
    assert f.read_text() == "a: &x v3\nb: v2\n"


# ---- quoting: tricky values read back exactly ---------------------------------------------

TRICKY = ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", "1.10", "1e3", ".5", ".inf", "0x1F",
          "0o17", "017", "1_000", "1:30", "2024-01-01", "a: b", "#x", "x #y", "", " leading", "trailing ",
          "*ref", "&anchor", "!tag", "|x", ">x", "%x", "@x", "`x", "-", "- x", "? x", "---", "...",
          "[a]", "{a}", "'q'", '"dq"', 'say "hi"', "it's", "back\\slash", "tab\tx", "line\nbreak",
          "\u00fcml\u00e4ut \u2603", "x#y", "a:b", "-x", "v1.2.3", "1.2.3"]


@pytest.mark.parametrize("target", ["k: plain\n", "k: 'single'\n", 'k: "double"\n', "k:\n", "k: ~\n"])
@pytest.mark.parametrize("value", TRICKY, ids=repr)
def test_tricky_values_read_back_exactly(tmp_path, target, value):
    f = tmp_path / "f.yaml"
    f.write_text(target + "other: 1\n")
    r = promote("yaml", "set", "-e", "k=" + value, f)
    assert r.code == OK, r
    g = promote("yaml", "get", f, "k")
    assert (g.code, g.out) == (OK, value + "\n"), f.read_text()
    assert f.read_text().endswith("\nother: 1\n")
    if target.startswith("k: 'single'") and "\n" not in value and "\t" not in value:
        assert f.read_text().startswith("k: '")  # the style is kept when it can hold the value
    if target.startswith('k: "double"'):
        assert f.read_text().startswith('k: "')


@pytest.mark.parametrize("value, written", [
    ("true", 'k: "true"'), ("1.10", 'k: "1.10"'), ("a: b", 'k: "a: b"'), ("#x", 'k: "#x"'), ("", 'k: ""'),
    (" leading", 'k: " leading"'), ("v2", "k: v2"), ("x#y", "k: x#y"), ("it's", "k: it's"),
])
def test_plain_target_quotes_only_when_needed(tmp_path, value, written):
    f = tmp_path / "f.yaml"
    f.write_text("k: plain\n")
    assert promote("yaml", "set", "-e", "k=" + value, f).code == OK
    assert f.read_text() == written + "\n"


@pytest.mark.parametrize("value, why", [
    ("1:30.5", "a YAML 1.1 sexagesimal float (PyYAML reads 90.5)"),
    ("0x_1F", "a YAML 1.1 int with a '_' separator (PyYAML reads 31)"),
    ("=", "the YAML 1.1 value type (PyYAML refuses to load `k: =`)"),
    ("<<", "the YAML 1.1 merge type (PyYAML refuses to load `k: <<`)"),
])
def test_values_yaml_1_1_reads_as_non_strings_are_quoted(tmp_path, value, why):
    # doc/YAML.md: "a value either version [1.1 or 1.2] reads as non-string counts as non-string".
    f = tmp_path / "f.yaml"
    f.write_text("k: plain\n")
    assert promote("yaml", "set", "-e", "k=" + value, f).code == OK
    assert f.read_text() == 'k: "%s"\n' % value, \
        "BUG lib/yaml/scalar.c promote__yplain_type(): %r is %s, but was written plain" % (value, why)


@pytest.mark.parametrize("text, value", [("a: !!int 1\n", "x"), ("a: !!bool true\n", "maybe"),
                                         ("a: !!float 1.5\n", "fast")])
def test_an_explicit_core_tag_is_not_given_a_value_of_another_type(tmp_path, text, value):
    # `a: !!int x` is refused by every YAML loader (PyYAML, ruamel: "invalid literal for int()").
    f = tmp_path / "f.yaml"
    f.write_text(text)
    r = promote("yaml", "set", "-e", "a=" + value, f)
    assert (r.code, f.read_text()) == (USAGE, text), (
        "BUG lib/yaml/edit.c promote__yedit_render_scalar(): a tagged target counts as a string whatever its "
        "tag, so the value is written after the !!int/!!bool/!!float tag and the file no longer loads", r,
        f.read_text())


def test_an_explicit_str_tag_takes_any_string(tmp_path):
    f = tmp_path / "f.yaml"
    f.write_text("a: !!str 1\n")
    assert promote("yaml", "set", "-e", "a=true", f).code == OK
    assert f.read_text() == "a: !!str true\n"


# ---- block scalars keep their indicator ---------------------------------------------------

@pytest.mark.parametrize("header, value, expected", [
    ("|", "one\ntwo\n", "notes: |\n  one\n  two\n"),
    ("|", "one\ntwo", "notes: |-\n  one\n  two\n"),
    ("|-", "one\ntwo\n", "notes: |\n  one\n  two\n"),
    ("|-", "one", "notes: |-\n  one\n"),
    (">", "one two\n", "notes: >\n  one two\n"),
    ("| # keep me", "new\n", "notes: | # keep me\n  new\n"),
])
def test_block_scalar_keeps_its_indicator(tmp_path, header, value, expected):
    f = tmp_path / "f.yaml"
    f.write_text("notes: %s\n  old line\n  second\nafter: x\n" % header)
    r = promote("yaml", "set", "-e", "notes=" + value, f)
    assert r.code == OK, r
    assert f.read_text() == expected + "after: x\n"
    assert promote("yaml", "get", f, "notes").out == value + ("" if value.endswith("\n") else "\n")


def test_block_scalar_deeper_indentation(tmp_path):
    f = tmp_path / "f.yaml"
    f.write_text("spec:\n  script: |\n      echo old\n  next: 1\n")
    assert promote("yaml", "set", "-e", "spec.script=echo new\n", f).code == OK
    assert f.read_text() == "spec:\n  script: |\n      echo new\n  next: 1\n"


# ---- delete ----------------------------------------------------------------------------

def test_delete_entries_and_items(values):
    r = promote("yaml", "delete", "-e", "image.pullPolicy", "-e", "images[name=web]", values)
    assert r.code == OK, r
    assert values.read_text() == VALUES.replace("  pullPolicy: IfNotPresent\n", "").replace(
        "- name: web\n  newTag: v1\n", "")


def test_delete_takes_the_comment_on_its_line(values):
    assert promote("yaml", "delete", "-e", "image.repository", values).code == OK
    assert values.read_text() == VALUES.replace("  repository: ghcr.io/org/web  # where it comes from\n", "")


def test_delete_in_several_files(tmp_path):
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text("keep: 1\ndrop: 2\n")
    r = promote("yaml", "delete", "-e", "drop", tmp_path / "a.yaml", tmp_path / "b.yaml")
    assert r.code == OK, r
    assert (tmp_path / "a.yaml").read_text() == (tmp_path / "b.yaml").read_text() == "keep: 1\n"


def test_delete_to_empty_collections(tmp_path):
    f = tmp_path / "f.yaml"
    f.write_text("l:\n- a\nm:\n  k: v\n")
    assert promote("yaml", "delete", "-e", "l[0]", "-e", "m.k", f).code == OK
    assert f.read_text() == "l: []\nm: {}\n"


def test_delete_missing_writes_nothing(values):
    age(values)
    before = snapshot(values.parent)
    r = promote("yaml", "delete", "-e", "image.tag", "-e", "image.nope", values)
    assert r.code == USAGE, r
    assert "not found" in r.err
    assert snapshot(values.parent) == before


# ---- several values for one node ------------------------------------------------------------

def test_two_values_for_one_node_are_refused(values):
    age(values)
    before = snapshot(values.parent)
    r = promote("yaml", "set", "-e", "image.tag=v2", "-e", "image.tag=v3", values)
    assert r.code == USAGE, r
    assert "two edits" in r.err
    assert snapshot(values.parent) == before


def test_two_values_for_one_created_node_are_refused(tmp_path):
    f = tmp_path / "f.yaml"
    f.write_text("a: 1\n")
    r = promote("yaml", "set", "--create", "-e", "x=1", "-e", "x=2", f)
    assert r.code == USAGE, ("BUG lib/yaml/edit.c promote_yaml_set_many(): creations are applied one by one, "
                             "so the second value silently overwrites the first", r, f.read_text())
    assert f.read_text() == "a: 1\n"


def test_two_values_for_one_null_node_are_refused_cleanly(tmp_path):
    f = tmp_path / "f.yaml"
    f.write_text("a:\nb: 1\n")
    r = promote("yaml", "set", "-e", "a=x", "-e", "a=y", f)
    assert f.read_text() == "a:\nb: 1\n"
    assert (r.code, "two edits" in r.err, "libpromote bug" in r.err) == (USAGE, True, False), (
        "BUG lib/yaml/document.c promote__ydoc_apply(): two empty splices at the same offset are not seen as "
        "overlapping; the result 'x y' fails the read-back check instead", r)


# ---- --image-policy ----------------------------------------------------------------------

def test_image_policy(tmp_path):
    f = tmp_path / "kustomization.yaml"
    text = ("images:\n- name: web\n  newName: old # {\"$imagepolicy\": \"flux-system:web:name\"}\n"
            "  newTag: v1 # {\"$imagepolicy\": \"flux-system:web:tag\"}\n")
    f.write_text(text)
    r = promote("yaml", "set", "--image-policy", "flux-system:web=ghcr.io/org/web:v2", f)
    assert r.code == OK, r
    assert f.read_text() == text.replace("old #", "ghcr.io/org/web #").replace("v1 #", "v2 #")
    r = promote("yaml", "set", "--image-policy", "flux-system:web", f)
    assert r.code == USAGE and "NAMESPACE:POLICY=IMAGE" in r.err
