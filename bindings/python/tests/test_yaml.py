"""promote.yaml: the Pythonic layer over include/promote/yaml.h."""

import gc
import os
import pathlib
import weakref

import pytest

import promote
from promote import _native
from promote.yaml import Document, Path
from conftest import position

VALUES = (
    "# Default values\n"
    "replicaCount: 1\n"
    "\n"
    "image:\n"
    "  repository: ghcr.io/org/web   # the registry\n"
    "  tag: \"v1.2.3\"\n"
    "  pullPolicy: 'IfNotPresent'\n"
    "images:\n"
    "- name: web\n"
    "  newTag: v1\n"
    "- name: api\n"
    "  newTag: v7\n"
    "args: [a, b]\n"
)


@pytest.fixture
def doc():
    with Document.parse(VALUES, name="values.yaml") as d:
        yield d


# ---- the package and opening documents -------------------------------------------

def test_exported_from_the_package():
    assert promote.yaml.Document is Document
    assert promote.yaml.Path is Path
    assert "yaml" in promote.__all__


def test_parse_str_and_bytes_give_the_same_bytes():
    from_str = Document.parse(VALUES)
    from_bytes = Document.parse(VALUES.encode())
    assert from_str.content == from_bytes.content == VALUES.encode()
    assert isinstance(from_str.content, bytes)
    assert bytes(from_str) == VALUES.encode()
    assert from_str.text == VALUES


def test_fresh_document_state(doc):
    assert doc.changed is False
    assert doc.count == 1
    assert doc.name == "values.yaml"
    assert "1 document" in repr(doc)


def test_empty_input():
    d = Document.parse(b"")
    assert d.content == b""
    assert d.changed is False


def test_read_a_file(tmp_path):
    f = tmp_path / "values.yaml"
    f.write_bytes(VALUES.encode())
    for given in (f, str(f), os.fsencode(f)):
        d = Document.read(given)
        assert d.content == VALUES.encode()
        assert d.get("image.tag") == "v1.2.3"
    assert Document.read(f).name == str(f)


def test_read_a_missing_file_raises_not_found(tmp_path):
    missing = tmp_path / "nope.yaml"
    with pytest.raises(promote.NotFoundError) as info:
        Document.read(missing)
    assert str(missing) in str(info.value)
    assert "No such file" in str(info.value)


def test_invalid_yaml_raises_with_its_location():
    text = "a: 1\nb: [1, 2\nc: 3\n"
    with pytest.raises(promote.InvalidError) as info:
        Document.parse(text, name="broken.yaml")
    e = info.value
    assert isinstance(e, promote.ConfigError)  # EINVALID of class YAML
    assert e.file == "broken.yaml"
    assert e.line is not None and e.line >= 2
    assert e.message.startswith("broken.yaml:%d:%d: " % (e.line, e.column))


def test_unnamed_buffer_is_named_in_errors():
    with pytest.raises(promote.InvalidError) as info:
        Document.parse("a: [")
    assert info.value.file == "<buffer>"


def test_limits_are_options():
    deep = "a:\n  b:\n    c:\n      d: 1\n"
    Document.parse(deep)
    with pytest.raises(promote.LimitError) as info:
        Document.parse(deep, max_depth=2)
    assert "deeper than 2" in str(info.value)
    with pytest.raises(promote.LimitError):
        Document.parse("a: 1\n", max_size=3)
    with pytest.raises(promote.LimitError):
        Document.parse("a: &x [1, 2, 3, 4, 5, 6, 7, 8]\nb: [*x, *x, *x, *x, *x, *x, *x, *x]\n", max_alias_nodes=20)


def test_parse_rejects_other_types():
    with pytest.raises(TypeError):
        Document.parse(42)


def test_constructor_is_not_public():
    with pytest.raises(TypeError):
        Document()


def test_close_is_idempotent_and_closed_documents_refuse_calls():
    d = Document.parse("a: 1\n")
    d.close()
    d.close()
    assert d.closed
    assert "closed" in repr(d)
    with pytest.raises(promote.StateError):
        d.get("a")
    with pytest.raises(promote.StateError):
        d.content


def test_context_manager_closes():
    with Document.parse("a: 1\n") as d:
        assert d.get("a") == "1"
    assert d.closed


def test_forgotten_documents_and_paths_are_freed():
    d = Document.parse("a: 1\n")
    p = Path("a")
    refs = (weakref.ref(d), weakref.ref(p))
    finalizers = (d._finalizer, p._finalizer)
    del d, p
    gc.collect()
    assert all(r() is None for r in refs)
    assert not any(f.alive for f in finalizers)


# ---- get ------------------------------------------------------------------------

def test_get_resolves_quotes_and_get_source_keeps_them(doc):
    assert doc.get("image.tag") == "v1.2.3"
    assert doc.get_source("image.tag") == '"v1.2.3"'
    assert doc.get("image.pullPolicy") == "IfNotPresent"
    assert doc.get_source("image.pullPolicy") == "'IfNotPresent'"
    assert doc.get("image.repository") == "ghcr.io/org/web"
    assert doc.get("replicaCount") == "1"


def test_get_path_forms(doc):
    assert doc.get("images[name=api].newTag") == "v7"
    assert doc.get("images[1].newTag") == "v7"
    assert doc.get("images.1.newTag") == "v7"
    assert doc.get("images[-1].name") == "api"
    assert doc.get("args[0]") == "a"
    assert doc.get('["image"].tag') == "v1.2.3"


def test_get_a_collection_gives_its_source(doc):
    assert doc.get("args") == "[a, b]"
    assert doc.get("images[0]") == "name: web\n  newTag: v1"


def test_owned_strings_keep_every_byte():
    # A NUL from an escape and non-ASCII text: read with string_at(ptr, size),
    # never as a C string.
    d = Document.parse('a: "x\\0y"\nb: "caf\\u00e9 \\u2603"\nc: \u00fcber\n')
    assert d.get("a") == "x\x00y"
    assert d.get("b") == "caf\u00e9 \u2603"
    assert d.get("c") == "\u00fcber"


def test_owned_buffers_are_disposed(doc, monkeypatch):
    disposed = []
    real = _native.lib.promote_buf_dispose

    def spy(buf):
        disposed.append(True)
        return real(buf)

    monkeypatch.setattr(_native.lib, "promote_buf_dispose", spy)
    doc.get("image.tag")
    doc.get_source("image.tag")
    doc.get("args")
    assert len(disposed) == 3


def test_missing_path_raises_not_found_with_location(doc):
    with pytest.raises(promote.NotFoundError) as info:
        doc.get("image.tagg")
    e = info.value
    assert isinstance(e, LookupError)
    assert e.code == promote.ErrorCode.ENOTFOUND
    assert e.file == "values.yaml"
    # The deepest part that matched is the 'image' mapping, whose first key is here.
    assert (e.line, e.column) == position(VALUES, "repository")
    assert "did you mean 'tag'?" in str(e)
    assert "image.tagg" in str(e)


def test_missing_selector_item(doc):
    with pytest.raises(promote.NotFoundError) as info:
        doc.get("images[name=db].newTag")
    assert info.value.line is not None


def test_contains(doc):
    assert "image.tag" in doc
    assert "image.nope" not in doc


# ---- paths ----------------------------------------------------------------------

def test_path_is_compiled_once_and_reused(doc):
    p = Path("images[name=web].newTag")
    assert p.text == str(p) == "images[name=web].newTag"
    assert repr(p) == "promote.yaml.Path('images[name=web].newTag')"
    other = Document.parse("images:\n- name: web\n  newTag: v9\n")
    assert doc.get(p) == "v1"
    assert other.get(p) == "v9"
    doc.set(p, "v2")
    assert doc.get(p) == "v2"
    assert Path(p) == p and hash(Path(p.text)) == hash(p)


def test_malformed_path_raises_invalid_with_the_column():
    with pytest.raises(promote.InvalidError) as info:
        Path("images[name=web.newTag")
    assert "column 7" in str(info.value)
    assert not isinstance(info.value, promote.ConfigError)


def test_malformed_str_path_in_a_call(doc):
    with pytest.raises(promote.InvalidError):
        doc.get("a..b")
    with pytest.raises(promote.InvalidError):
        doc.set("a[", "x")


# ---- set ------------------------------------------------------------------------

def test_set_keeps_style_and_everything_else(doc):
    doc.set("image.tag", "v2.0.0")
    doc.set("image.pullPolicy", "Always")
    doc.set("image.repository", "ghcr.io/org/web2")
    assert doc.changed is True
    assert doc.content == VALUES.replace('"v1.2.3"', '"v2.0.0"').replace("'IfNotPresent'", "'Always'") \
        .replace("ghcr.io/org/web ", "ghcr.io/org/web2 ").encode()


def test_set_the_same_value_changes_nothing(doc):
    doc.set("image.tag", "v1.2.3")
    assert doc.changed is False
    assert doc.content == VALUES.encode()


def test_set_quotes_when_plain_would_change_the_type(doc):
    doc.set("images[name=web].newTag", "1.10")
    assert b'  newTag: "1.10"\n' in doc.content
    assert doc.get("images[name=web].newTag") == "1.10"
    doc.set("images[name=api].newTag", "true")
    assert doc.get("images[name=api].newTag") == "true"
    assert doc.get_source("images[name=api].newTag") == '"true"'


def test_set_an_int_stays_an_int(doc):
    doc.set("replicaCount", "3")
    assert doc.get_source("replicaCount") == "3"


def test_set_typed(doc):
    doc.set("args", "[x, y, z]", typed=True)
    assert doc.get("args") == "[x, y, z]"
    doc.set("images[name=web].newTag", "42", typed=True)
    assert doc.get_source("images[name=web].newTag") == "42"
    with pytest.raises(promote.InvalidError):
        doc.set("args", "[x, y", typed=True)


def test_set_a_collection_without_typed_is_refused(doc):
    before = doc.content
    with pytest.raises(promote.InvalidError) as info:
        doc.set("args", "x")
    assert "PROMOTE_YAML_TYPED" in str(info.value)
    assert doc.content == before


def test_set_create(doc):
    with pytest.raises(promote.NotFoundError):
        doc.set("images[name=db].newTag", "v3")
    doc.set("images[name=db].newTag", "v3", create=True)
    assert doc.content == (VALUES + "").replace(
        "args: [a, b]\n", "args: [a, b]\n").replace(
        "  newTag: v7\n", "  newTag: v7\n- name: db\n  newTag: v3\n").encode()
    assert doc.get("images[name=db].newTag") == "v3"


def test_set_values_must_be_text(doc):
    with pytest.raises(TypeError):
        doc.set("replicaCount", 3)
    with pytest.raises(ValueError):
        doc.set("replicaCount", "a\0b")
    assert doc.changed is False


def test_set_bytes_and_unicode_values(doc):
    doc.set("image.tag", "caf\u00e9")
    assert doc.get("image.tag") == "caf\u00e9"
    doc.set("image.tag", b"v9")
    assert doc.get("image.tag") == "v9"


def test_anchors_refused_unless_asked():
    text = "base: &b\n  image: v1\nprod: *b\n"
    d = Document.parse(text)
    with pytest.raises(promote.InvalidError) as info:
        d.set("prod.image", "v2")
    assert "edit-anchors" in str(info.value) or "EDIT_ANCHORS" in str(info.value)
    with pytest.raises(promote.InvalidError):
        d.set("base.image", "v2")
    assert d.content == text.encode()
    d.set("prod.image", "v2", edit_anchors=True)
    assert d.content == text.replace("v1", "v2").encode()


# ---- set_many --------------------------------------------------------------------

def test_set_many_mapping_and_pairs(doc):
    doc.set_many({"image.tag": "v2", Path("images[name=api].newTag"): "v8"})
    assert doc.get("image.tag") == "v2" and doc.get("images[name=api].newTag") == "v8"
    doc.set_many([("replicaCount", "5"), ("image.pullPolicy", "Never")])
    assert doc.get("replicaCount") == "5" and doc.get("image.pullPolicy") == "Never"


def test_set_many_is_all_or_nothing(doc):
    with pytest.raises(promote.NotFoundError):
        doc.set_many({"image.tag": "v2", "image.missing": "x"})
    assert doc.content == VALUES.encode()
    assert doc.changed is False


def test_set_many_with_create_is_all_or_nothing(doc):
    with pytest.raises(promote.PromoteError):
        doc.set_many([("newkey.sub", "x"), ("args", "not-typed")], create=True)
    assert doc.content == VALUES.encode()
    assert doc.changed is False


def test_set_many_refuses_two_values_for_one_node(doc):
    with pytest.raises(promote.InvalidError):
        doc.set_many([("images[name=web].newTag", "a"), ("images[0].newTag", "b")])
    assert doc.content == VALUES.encode()


def test_set_many_empty(doc):
    doc.set_many({})
    assert doc.changed is False


def test_set_many_create(doc):
    doc.set_many({"extra.a": "1", "extra.b": "two"}, create=True)
    # A new scalar is a string: "1" is quoted so that it does not read back as an int.
    assert doc.content.endswith(b'args: [a, b]\nextra:\n  a: "1"\n  b: two\n')
    doc.set_many({"extra.c": "3"}, create=True, typed=True)
    assert doc.content.endswith(b'  b: two\n  c: 3\n')


# ---- delete ---------------------------------------------------------------------

def test_delete_entry_and_item(doc):
    doc.delete("image.pullPolicy")
    doc.delete("images[name=web]")
    assert doc.content == VALUES.replace("  pullPolicy: 'IfNotPresent'\n", "").replace(
        "- name: web\n  newTag: v1\n", "").encode()
    with pytest.raises(promote.NotFoundError):
        doc.delete("image.pullPolicy")


def test_delete_with_its_comment(doc):
    doc.delete("image.repository")
    assert b"the registry" not in doc.content


# ---- copy_from -------------------------------------------------------------------

def test_copy_a_scalar_keeps_the_destination_style():
    staging = Document.parse("image:\n  tag: v2.0.0 # staging\n")
    prod = Document.parse("image:\n  tag: 'v1.0.0' # prod\n")
    prod.copy_from(staging, "image.tag")
    assert prod.content == b"image:\n  tag: 'v2.0.0' # prod\n"
    assert staging.changed is False


def test_copy_to_another_path_and_a_collection():
    src = Document.parse("app:\n  env:\n    A: 1\n    B: two\n")
    dst = Document.parse("deploy:\n  settings:\n    old: x\n  name: d\n")
    dst.copy_from(src, Path("app.env"), "deploy.settings")
    assert dst.get("deploy.settings.A") == "1"
    assert dst.get("deploy.settings.B") == "two"
    assert dst.get("deploy.name") == "d"
    with pytest.raises(promote.NotFoundError):
        dst.get("deploy.settings.old")


def test_copy_a_collection_holding_an_alias_of_an_outside_anchor():
    # The copied text holds '*x' without the '&x' it refers to: the copy must
    # resolve it or refuse it as invalid input, never fail its own check.
    src = Document.parse("default: &x 1\nlist:\n- *x\n- 2\n")
    dst = Document.parse("list: [0]\n")
    try:
        dst.copy_from(src, "list")
    except promote.PromoteError as e:
        assert isinstance(e, promote.InvalidError) and "libpromote bug" not in str(e), (
            "BUG lib/yaml/copy.c promote_yaml_copy(): the alias is copied without its anchor; the result does "
            "not parse and the library reports its own bug (PROMOTE_ERROR) instead of PROMOTE_EINVALID", str(e))
        assert dst.content == b"list: [0]\n"
    else:
        assert dst.get("list[0]") == "1" and dst.get("list[1]") == "2"


def test_copy_missing_source(doc):
    other = Document.parse("a: 1\n")
    with pytest.raises(promote.NotFoundError):
        doc.copy_from(other, "image.tag")
    with pytest.raises(TypeError):
        doc.copy_from("a: 1\n", "a")


# ---- set_image_policy -------------------------------------------------------------

SETTERS = (
    "images:\n"
    "- name: web\n"
    "  newName: old # {\"$imagepolicy\": \"flux-system:web:name\"}\n"
    "  newTag: v1 # {\"$imagepolicy\": \"flux-system:web:tag\"}\n"
    "spec:\n"
    "  image: old:v1 # {\"$imagepolicy\": \"flux-system:web\"}\n"
    "  other: old:v1 # {\"$imagepolicy\": \"flux-system:other\"}\n"
)


def test_set_image_policy_counts_what_changed():
    d = Document.parse(SETTERS)
    assert d.set_image_policy("flux-system:web", "ghcr.io/org/web:v2") == 3
    assert d.get("images[0].newName") == "ghcr.io/org/web"
    assert d.get("images[0].newTag") == "v2"
    assert d.get("spec.image") == "ghcr.io/org/web:v2"
    assert d.get("spec.other") == "old:v1"
    assert d.set_image_policy("flux-system:web", "ghcr.io/org/web:v2") == 0
    assert d.set_image_policy("flux-system:nobody", "x:1") == 0


def test_set_image_policy_invalid_image():
    d = Document.parse(SETTERS)
    with pytest.raises(promote.InvalidError):
        d.set_image_policy("flux-system:web", "")
    assert d.changed is False


# ---- layout preserved -------------------------------------------------------------

def test_crlf_bom_and_no_final_newline_are_kept():
    text = "\ufeffa: 1\r\nb:\r\n  c: old\r\nd: x"
    d = Document.parse(text)
    d.set("b.c", "new")
    d.set("d", "z")
    assert d.content == text.replace("old", "new").replace("d: x", "d: z").encode()
    d.set("d", "y")  # YAML 1.1 reads a plain y as a bool: quoted
    assert d.content.endswith(b'\r\nd: "y"')


def test_multi_document_selection():
    text = "kind: A\nspec:\n  replicas: 1\n---\nkind: B\nspec:\n  replicas: 2\n"
    d = Document.parse(text)
    assert d.count == 2
    with pytest.raises(promote.InvalidError) as info:
        d.get("spec.replicas")
    assert "@N" in str(info.value)
    assert d.get("@1.spec.replicas") == "2"
    assert d.get("@-1.kind") == "B"
    d.set("@0.spec.replicas", "3")
    assert d.content == text.replace("replicas: 1", "replicas: 3").encode()
