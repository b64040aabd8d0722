"""A starting promote.yaml, as `promote init` writes it (include/promote/scaffold.h, doc/INIT.md)::

    text = promote.scaffold.from_jx(pathlib.Path("jx-requirements.yml").read_bytes(), name="jx-requirements.yml")
    text = promote.scaffold.from_repository("/srv/gitops")      # the committed tree of HEAD's branch

Both return the configuration's text (it loads: it was checked); nothing is written.
"""

from __future__ import annotations

from ctypes import byref
from typing import Optional, Union

from . import _native as _n

lib = _n.lib


def from_jx(data: Union[bytes, str], name: Optional[str] = None) -> str:
    """The configuration made from a jx-requirements.yml's bytes (promote_scaffold_from_jx); `name` is the
    file's name in messages and in the text."""
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    buf = _n.promote_buf()
    lib.promote_scaffold_from_jx(byref(buf), raw, len(raw), _n.encode(name, "name"))
    return _n.decode(_n.take_buf(buf)) or ""


def from_repository(repository: str, branch: Optional[str] = None) -> str:
    """The configuration guessed from the committed tree of the repository at `repository` (a path), at
    `branch` (default: the branch HEAD names) (promote_scaffold_from_repository)."""
    opts = _n.promote_scaffold_options()
    lib.promote_scaffold_options_init(byref(opts), _n.SCAFFOLD_OPTIONS_VERSION)
    _n.set_given(opts, branch=_n.encode(branch, "branch"))
    buf = _n.promote_buf()
    lib.promote_scaffold_from_repository(byref(buf), _n.encode(str(repository), "repository"), byref(opts))
    return _n.decode(_n.take_buf(buf)) or ""
