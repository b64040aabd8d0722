"""promote.yaml: surgical edits of YAML files (include/promote/yaml.h).

    from promote.yaml import Document

    doc = Document.read("values.yaml")
    print(doc.get("image.tag"))
    doc.set("image.tag", "v2")                      # keeps quoting, comments, layout
    doc.set_many({"a.b": "1", "images[name=web].newTag": "v3"}, create=True)
    if doc.changed:
        pathlib.Path("values.yaml").write_bytes(doc.content)

Edits splice new bytes into the original at the exact span of the values they
change; everything else (comments, blank lines, indentation, quoting, line
endings, a byte-order mark, a missing final newline) stays byte-identical.
Every edit is checked by parsing the result again; a failed edit raises and
leaves the document unchanged.

Paths are strings (``a.b[0].c``, ``images[name=web].newTag``, ``@1.spec.x``;
see doc/YAML.md) or :class:`Path` objects compiled once for reuse.

Errors raise :class:`~promote.PromoteError` subclasses: a path that matches
nothing raises :class:`~promote.NotFoundError` (with ``.file``, ``.line`` and
``.column`` of the deepest part that matched); invalid YAML raises
:class:`~promote.ConfigError` (an :class:`~promote.InvalidError`); a malformed
path raises :class:`~promote.InvalidError`; a bound exceeded raises
:class:`~promote.LimitError`.
"""

from __future__ import annotations

import ctypes
import os
import weakref
from ctypes import byref, c_char_p, c_size_t
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Optional, Tuple, Union, cast

from . import _native as _n
from ._handle import OwnsHandle

if TYPE_CHECKING:
    from ctypes import _CArgObject

lib = _n.lib

__all__ = ["Document", "Path", "CREATE", "TYPED", "EDIT_ANCHORS"]

# promote_yaml_flag
CREATE = _n.YAML_CREATE
TYPED = _n.YAML_TYPED
EDIT_ANCHORS = _n.YAML_EDIT_ANCHORS


def _flags(create: bool = False, typed: bool = False, edit_anchors: bool = False) -> int:
    return (CREATE if create else 0) | (TYPED if typed else 0) | (EDIT_ANCHORS if edit_anchors else 0)


def _value(value: Union[str, bytes], what: str = "value") -> bytes:
    """A value to write: str (UTF-8) or bytes, without NUL."""
    if not isinstance(value, (str, bytes)):
        raise TypeError("%s must be a str, not %s (pass typed=True with the YAML text, e.g. '3' or '[a, b]')"
                        % (what, type(value).__name__))
    return _n.encode(value, what)


# ---- paths -----------------------------------------------------------------------


class Path:
    """A YAML path compiled once: ``Path("images[name=web].newTag")``.

    Raises :class:`~promote.InvalidError` for a malformed path (the message
    names the column). Every method taking a path also accepts the text.
    """

    __slots__ = ("_handle", "_finalizer", "__weakref__")

    def __init__(self, text: Union[str, bytes, Path]) -> None:
        if isinstance(text, Path):
            text = text.text
        handle = _n.ypath_p()
        lib.promote_yaml_path_compile(byref(handle), _n.encode(text, "path"))
        self._handle = handle
        self._finalizer = weakref.finalize(self, lib.promote_yaml_path_free, handle)

    @property
    def text(self) -> str:
        """The text the path was compiled from."""
        return cast(str, lib.promote_yaml_path_text(self._handle))

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return "promote.yaml.Path(%r)" % self.text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Path) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)


# A YAML path: its text, or a Path compiled once.
PathArg = Union[str, bytes, Path]


def _path(path: PathArg) -> Path:
    """A Path for a Path or its text."""
    return path if isinstance(path, Path) else Path(path)


# ---- documents -------------------------------------------------------------------


def _options(max_depth: Optional[int], max_size: Optional[int], max_alias_nodes: Optional[int]
             ) -> Optional[_CArgObject]:
    if max_depth is None and max_size is None and max_alias_nodes is None:
        return None
    opts = _n.promote_yaml_options()
    lib.promote_yaml_options_init(byref(opts), _n.YAML_OPTIONS_VERSION)
    return byref(_n.set_given(opts, max_depth=max_depth, max_size=max_size, max_alias_nodes=max_alias_nodes))


class Document(OwnsHandle):
    """The bytes of one YAML file (a stream of one or more documents) and a
    parse of them. Open one with :meth:`parse` or :meth:`read`; edit it; take
    the result from :attr:`content`. Use it as a context manager or call
    :meth:`close` (idempotent); a forgotten document is freed when it is
    garbage-collected. A document is used by one thread at a time.

    Keyword options of :meth:`parse` and :meth:`read`: ``max_depth``,
    ``max_size`` and ``max_alias_nodes`` (None: the library's default).
    """

    _handle: _n.YdocP
    _name: str

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("open a document with Document.parse() or Document.read()")

    @classmethod
    def _wrap(cls, handle: _n.YdocP, name: str) -> Document:
        self = object.__new__(cls)
        self._handle = handle
        self._name = name
        self._finalizer = weakref.finalize(self, lib.promote_yaml_doc_free, handle)
        return self

    @classmethod
    def parse(cls, text: Union[str, bytes, bytearray, memoryview], name: Optional[str] = None, *,
              max_depth: Optional[int] = None, max_size: Optional[int] = None,
              max_alias_nodes: Optional[int] = None) -> Document:
        """Parse YAML given as str (written as UTF-8) or bytes (kept as they
        are). `name` is used in error messages (default "<buffer>")."""
        if isinstance(text, str):
            data = text.encode("utf-8", "surrogateescape")
        elif isinstance(text, (bytes, bytearray, memoryview)):
            data = bytes(text)
        else:
            raise TypeError("text must be str or bytes, not %s" % type(text).__name__)
        handle = _n.ydoc_p()
        lib.promote_yaml_doc_parse(byref(handle), data, len(data), _n.encode(name, "name"),
                                   _options(max_depth, max_size, max_alias_nodes))
        return cls._wrap(handle, name if name is not None else "<buffer>")

    @classmethod
    def read(cls, path: _n.StrArg, *, max_depth: Optional[int] = None, max_size: Optional[int] = None,
             max_alias_nodes: Optional[int] = None) -> Document:
        """Read and parse the file at `path` (str, bytes or os.PathLike)."""
        handle = _n.ydoc_p()
        lib.promote_yaml_doc_read(byref(handle), _n.encode(path, "path"),
                                  _options(max_depth, max_size, max_alias_nodes))
        return cls._wrap(handle, os.fsdecode(path))

    # ---- lifetime (close, closed, with: OwnsHandle; later calls raise StateError)

    def _check_open(self) -> None:
        self._doc()

    def __repr__(self) -> str:
        state = "closed" if self.closed else "%d document(s)%s" % (self.count, ", changed" if self.changed else "")
        return "<promote.yaml.Document %r %s>" % (self._name, state)

    def _doc(self) -> _n.YdocP:
        if not self._finalizer.alive:
            from .errors import ErrorClass, ErrorCode, StateError
            raise StateError("the YAML document %r is closed" % self._name, code=ErrorCode.ESTATE,
                             klass=ErrorClass.INVALID)
        return self._handle

    # ---- reading

    @property
    def name(self) -> str:
        """The name given to parse() (or "<buffer>"), or the path read."""
        return self._name

    @property
    def content(self) -> bytes:
        """The current bytes, after the edits made so far."""
        size = c_size_t()
        ptr = lib.promote_yaml_doc_content(self._doc(), byref(size))
        return ctypes.string_at(ptr, size.value) if ptr else b""

    def __bytes__(self) -> bytes:
        return self.content

    @property
    def text(self) -> str:
        """:attr:`content` decoded as UTF-8 (a byte-order mark stays as U+FEFF)."""
        return self.content.decode("utf-8", "surrogateescape")

    @property
    def changed(self) -> bool:
        """True when edits changed the bytes since parsing."""
        return bool(lib.promote_yaml_doc_changed(self._doc()))

    @property
    def count(self) -> int:
        """The number of YAML documents in the stream."""
        return cast(int, lib.promote_yaml_doc_count(self._doc()))

    def get(self, path: PathArg) -> str:
        """The value at `path`: a scalar's value (quotes and escapes
        resolved), or a collection's source text."""
        buf = _n.promote_buf()
        p = _path(path)
        lib.promote_yaml_get(byref(buf), self._doc(), p._handle)
        return _n.decode(_n.take_buf(buf))

    def get_source(self, path: PathArg) -> str:
        """The node's source text as written (quotes included)."""
        buf = _n.promote_buf()
        p = _path(path)
        lib.promote_yaml_get_source(byref(buf), self._doc(), p._handle)
        return _n.decode(_n.take_buf(buf))

    def __contains__(self, path: PathArg) -> bool:
        from .errors import NotFoundError
        try:
            self.get_source(path)
        except NotFoundError:
            return False
        return True

    # ---- editing

    def set(self, path: PathArg, value: Union[str, bytes], create: bool = False, typed: bool = False,
            edit_anchors: bool = False) -> None:
        """Set the scalar at `path` to `value` (a str), keeping its style and
        type. ``create``: create missing keys and [key=value] items;
        ``typed``: `value` is YAML text written as given (``"3"``,
        ``"[a, b]"``); ``edit_anchors``: allow editing through an alias or an
        anchor used elsewhere. Setting the value it has changes nothing."""
        p = _path(path)
        lib.promote_yaml_set(self._doc(), p._handle, _value(value), _flags(create, typed, edit_anchors))

    def set_many(self, values: Union[Mapping[PathArg, Union[str, bytes]], Iterable[Tuple[PathArg, Union[str, bytes]]]],
                 create: bool = False, typed: bool = False, edit_anchors: bool = False) -> None:
        """Set several paths at once: a mapping {path: value} or an iterable
        of (path, value) pairs. All are applied, or none (the first failure
        is raised)."""
        items = list(values.items() if hasattr(values, "items") else values)
        paths = [_path(p) for p, _ in items]
        encoded = [_value(v) for _, v in items]
        n = len(items)
        path_array = (_n.ypath_p * max(n, 1))(*[p._handle for p in paths])
        value_array = (c_char_p * max(n, 1))(*encoded)
        lib.promote_yaml_set_many(self._doc(), path_array, value_array, n, _flags(create, typed, edit_anchors))

    def delete(self, path: PathArg, edit_anchors: bool = False) -> None:
        """Remove the mapping entry or sequence item at `path` with its lines."""
        p = _path(path)
        lib.promote_yaml_delete(self._doc(), p._handle, _flags(edit_anchors=edit_anchors))

    def copy_from(self, source: Document, source_path: PathArg, path: Optional[PathArg] = None, create: bool = False,
                  edit_anchors: bool = False) -> None:
        """Promotion: make `path` (default: `source_path`) hold the value at
        `source_path` of the Document `source`. A scalar keeps this
        document's style; a collection is copied as source text, re-indented."""
        if not isinstance(source, Document):
            raise TypeError("source must be a promote.yaml.Document, not %s" % type(source).__name__)
        sp = _path(source_path)
        dp = sp if path is None else _path(path)
        lib.promote_yaml_copy(self._doc(), dp._handle, source._doc(), sp._handle,
                              _flags(create=create, edit_anchors=edit_anchors))

    def set_image_policy(self, policy: str, image: str) -> int:
        """Flux image-automation setters: set every scalar marked
        ``# {"$imagepolicy": "NAMESPACE:POLICY[:FIELD]"}`` for `policy`
        ("NAMESPACE:POLICY") from `image` ("name:tag@digest"). Returns how
        many scalars changed."""
        changed = c_size_t()
        lib.promote_yaml_set_image_policy(self._doc(), _n.encode(policy, "policy"), _n.encode(image, "image"),
                                          byref(changed))
        return changed.value
