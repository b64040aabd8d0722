"""YAML that means two things is refused (duplicate keys), bad bytes are
reported where they are, and edits that used to end in "please report it"
either work (a byte-order mark) or are usage errors (a comment in a typed
value). Through the command as a user runs it: nothing is written."""

import pytest

from conftest import EXAMPLE, git, position, promote
from gitserver import create_bare_repo
from test_cli_yaml import snapshot

USAGE, OK, FAILED = 2, 0, 1

DUPLICATE = """\
image:
  repository: registry.example.com/team/shop
  tag: "1.3.2"
  pullPolicy: IfNotPresent
  tag: "1.3.2"
"""


def both_locations(err, path, text, token):
    """The message names file:line:column of the second `token` and line/column of the first."""
    second = "%s:%d:%d: " % ((path,) + position(text, token, 2))
    first = "first at line %d, column %d" % position(text, token, 1)
    return second in err and first in err


# ---- duplicate keys ------------------------------------------------------------------

@pytest.mark.parametrize("command", [["get", "{f}", "image.tag"], ["get", "{f}", "image.repository"],
                                     ["set", "-e", "image.tag=1.4.0", "{f}"],
                                     ["set", "-e", "image.pullPolicy=Always", "{f}"],
                                     ["delete", "-e", "image.repository", "{f}"]])
def test_duplicate_key_is_refused_with_both_locations(tmp_path, command):
    f = tmp_path / "values.yaml"
    f.write_text(DUPLICATE)
    before = snapshot(tmp_path)
    r = promote("yaml", *[a.format(f=f) for a in command])
    assert r.code == USAGE, r
    assert both_locations(r.err, f, DUPLICATE, "tag:"), r.err
    assert "duplicate key 'tag'" in r.err, r.err
    assert r.out == ""
    assert snapshot(tmp_path) == before


def get_mapping(tmp_path, first, second, first_value="1"):
    """`promote yaml get` of a mapping `m` whose keys are `first` and `second` ("? ..." for complex keys)."""
    text = "k: &k k\nb: &b {x: 1}\nm:\n  %s: %s\n  %s: 2\n" % (first, first_value, second)
    if first.startswith("?"):
        text = "m:\n  %s\n  : 1\n  %s\n  : 2\n" % (first, second)
    f = tmp_path / "v.yaml"
    f.write_text(text)
    return promote("yaml", "get", f, "m")


@pytest.mark.parametrize("first, second", [
    ("a", '"a"'), ("a", "'a'"), ("1", '"1"'), ("0x1", "1"), ("1.0", "1"), ("~", "null"), ("Null", "NULL"),
    ("yes", "true"), ("True", '"true"'), ("010", "8"), ("? [x, y]", "? [x, y]"), ("*k", "k"),
    ("!!int 1", "0x1"), ('"1"', "0x1"), ("{y: 2, x: 1}", "{x: 1, y: 2}"),
])
def test_keys_are_the_same_after_resolution(tmp_path, first, second):
    r = get_mapping(tmp_path, first, second)
    assert r.code == USAGE, r
    assert "duplicate key" in r.err and "first at line" in r.err, r.err


@pytest.mark.parametrize("first, second", [("a", "b"), ("1", "2"), ("true", "false"), ("1", "1.5"),
                                           ("<<", "a"), ("? [x]", "? [x, y]"), ('"0x1"', "1")])
def test_different_keys_are_accepted(tmp_path, first, second):
    r = get_mapping(tmp_path, first, second, first_value="*b")
    assert r.code == OK, r


def test_two_merge_keys_are_a_duplicate(tmp_path):
    text = "a: &a {x: 1}\nb: &b {y: 2}\nc:\n  <<: *a\n  <<: *b\n"
    f = tmp_path / "v.yaml"
    f.write_text(text)
    r = promote("yaml", "get", f, "a.x")
    assert r.code == USAGE, r
    assert both_locations(r.err, f, text, "<<:"), r.err


def test_a_duplicate_made_by_an_edit_is_refused(tmp_path):
    text = "m:\n  yes: 1\n"
    f = tmp_path / "v.yaml"
    f.write_text(text)
    before = snapshot(tmp_path)
    r = promote("yaml", "set", "--create", "-e", "m.true=2", f)
    assert r.code == USAGE, r
    assert "duplicate key" in r.err and "first at line 2, column 3" in r.err, r.err
    assert "please report" not in r.err
    assert snapshot(tmp_path) == before


def test_apply_refuses_a_duplicate_key_and_commits_nothing(tmp_path):
    qa = (EXAMPLE.parent / "envs" / "qa" / "apps" / "shop" / "values.yaml").read_text()
    source = {str(p.relative_to(EXAMPLE.parent)): p.read_bytes()
              for p in EXAMPLE.parent.rglob("*") if p.is_file()}
    # the duplicate goes under 'image:' (the last mapping of the file is 'service:')
    doubled = qa.replace('  tag: "1.3.2"\n', '  tag: "1.3.2"\n  tag: "1.3.2"\n')
    assert doubled.count("tag:") == 2
    source["envs/qa/apps/shop/values.yaml"] = doubled.encode()
    repo = create_bare_repo(tmp_path, "gitops", source)
    before = git(repo, "for-each-ref", "--format=%(refname) %(objectname)")
    r = promote("--repo", repo, "apply", "shop", "--to", "qa")
    assert r.code != OK, r
    assert "committed" not in r.out, r
    assert both_locations(r.err, "envs/qa/apps/shop/values.yaml", doubled, "tag:"), r.err
    assert git(repo, "for-each-ref", "--format=%(refname) %(objectname)") == before


# ---- bytes that are not UTF-8 ----------------------------------------------------------

@pytest.mark.parametrize("data, line, column", [
    (b"a: 1\nb: 2\nc: x\xffy\n", 3, 5),          # invalid UTF-8 on line 3
    (b"a: 1\nb: ab\x00cd\n", 2, 6),              # a NUL in the middle of a line
    (b"a: \xc3\xa9\xc3\xa9\nb: \xe2\x82\n", 2, 4),  # a truncated sequence after multi-byte characters
    (b"a: \xc3\xa9\xc3\xa9\xff\n", 1, 6),     # columns count characters
    (b"\xef\xbb\xbfa: \x01\n", 1, 4),          # a byte-order mark is not a column
    (b"a: 1\r\nb: x\x01\r\n", 2, 5),           # CRLF line endings
    (b"a: 1\rb: 2\rc: \x00\r", 3, 4),           # old Mac line endings
])
def test_bad_bytes_are_reported_where_they_are(tmp_path, data, line, column):
    f = tmp_path / "v.yaml"
    f.write_bytes(data)
    r = promote("yaml", "get", f, "a")
    assert r.code == USAGE, r
    assert r.err.startswith("%s:%d:%d: " % (f, line, column)), r.err


# ---- a byte-order mark and --create ---------------------------------------------------------

def test_create_a_top_level_key_in_a_file_with_a_byte_order_mark(tmp_path):
    f = tmp_path / "v.yaml"
    f.write_bytes(b"\xef\xbb\xbfa: 1\n")
    r = promote("yaml", "set", "--create", "-e", "b=2", f)
    assert r.code == OK, r
    assert f.read_bytes() == b"\xef\xbb\xbfa: 1\nb: \"2\"\n"
    r = promote("yaml", "set", "--create", "-e", "c.d=x", f)
    assert r.code == OK, r
    assert f.read_bytes() == b"\xef\xbb\xbfa: 1\nb: \"2\"\nc:\n  d: x\n"


@pytest.mark.parametrize("command, before, after", [
    (["delete", "-e", "a"], b"a: 1\nb: 2\n", b"b: 2\n"),
    (["set", "-e", "a=yy"], b"a: |\n  x\nb: 2\n", b"a: |-\n  yy\nb: 2\n"),
    (["set", "--create", "-e", "[name=x].v=1"], b"- a\n", b"- a\n- name: x\n  v: \"1\"\n"),
])
def test_the_byte_order_mark_stays_through_edits_on_the_first_line(tmp_path, command, before, after):
    f = tmp_path / "v.yaml"
    f.write_bytes(b"\xef\xbb\xbf" + before)
    r = promote("yaml", *command, f)
    assert r.code == OK, r
    assert f.read_bytes() == b"\xef\xbb\xbf" + after


# ---- a comment in a typed value ---------------------------------------------------------------

@pytest.mark.parametrize("value", ["v2 # c", "[a, b] # c", "v2 #"])
def test_a_comment_in_a_typed_value_is_a_usage_error(tmp_path, value):
    f = tmp_path / "v.yaml"
    f.write_text("image:\n  tag: v1\n")
    before = snapshot(tmp_path)
    r = promote("yaml", "set", "--typed", "-e", "image.tag=" + value, f)
    assert r.code == USAGE, r
    assert "please report" not in r.err, r.err
    assert "ends in a comment" in r.err and "give the value alone" in r.err, r.err
    assert snapshot(tmp_path) == before


# ---- what libyaml cannot read back is not called a libpromote bug ---------------------------------

def test_a_tab_on_a_blank_line_after_a_value_that_must_be_quoted(tmp_path):
    f = tmp_path / "v.yaml"
    f.write_text("a: |\n  x\nfoo: 1\n \t\nbar: 2\n")
    before = snapshot(tmp_path)
    r = promote("yaml", "set", "-e", "a=x\ny\nz", "-e", "foo=v2", f)
    assert r.code == FAILED, r
    assert r.err.startswith("%s:4:1: this blank line holds a tab" % f), r.err
    assert "remove the tab" in r.err and "please report" not in r.err, r.err
    assert snapshot(tmp_path) == before
    f.write_text("a: |\n  x\nfoo: 1\n\nbar: 2\n")
    r = promote("yaml", "set", "-e", "a=x\ny\nz", "-e", "foo=v2", f)
    assert r.code == OK, r
    assert f.read_text() == 'a: |-\n  x\n  y\n  z\nfoo: "v2"\n\nbar: 2\n'


@pytest.mark.parametrize("text, flags, code, after", [
    ("a: &x\nb: *x\n", [], USAGE, None),
    ("a: &x ~\nb: *x\n", ["--edit-anchors"], OK, 'a: &x\n  c: "1"\nb: *x\n'),
    ("a: &x\nc: 1\n", [], OK, 'a: &x\n  c: "1"\nc: 1\n'),
    ("a: !!null\n", [], USAGE, None),
])
def test_create_under_an_anchored_or_tagged_null(tmp_path, text, flags, code, after):
    f = tmp_path / "v.yaml"
    f.write_text(text)
    r = promote("yaml", "set", "--create", *flags, "-e", "a.c=1", f)
    assert r.code == code, r
    assert "please report" not in r.err, r.err
    assert f.read_text() == (after or text)


def test_a_long_duplicate_key_is_named_shortened(tmp_path):
    key = "k" * 5000
    f = tmp_path / "v.yaml"
    f.write_text("? %s\n: 1\n? %s\n: 2\n" % (key, key))  # an implicit key holds at most 1024 characters
    r = promote("yaml", "get", f, "x")
    assert r.code == USAGE, r
    assert r.err.startswith("%s:3:3: duplicate key '%s...' (first at line 1, column 3)" % (f, "k" * 200)), r.err[:400]
