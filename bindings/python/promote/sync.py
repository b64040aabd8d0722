"""Sync: one change that brings an environment in line with another
(:meth:`Context.sync`), and several products promoted in one change.

A :class:`Synced` is what the library planned and, unless ``dry_run``,
wrote: every product of the source considered, what the sync does to each
(:class:`SyncKind`), the files that change, and the commit or change
request made::

    done = ctx.sync("staging", from_="dev", exclude=["legacy-*"])
    for p in done.products:
        print(p.name, p.kind.name, p.previous, "->", p.version)
    print(done.outcome.name, done.commit)
"""

from __future__ import annotations

import enum
from ctypes import byref, c_char_p, c_int
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, List, Optional

from . import _native as _n
from .promotion import ApplyOutcome

if TYPE_CHECKING:
    from .context import Context

lib = _n.lib


class SyncKind(enum.IntEnum):
    """``promote_sync_kind``: what a sync does to one product."""
    EQUAL = 0    # the target holds what the source has
    UPDATE = 1   # the target has it; its template's values change
    ADD = 2      # the target lacks it: added
    SKIP = 3     # left out (update_only, or the policy's action is none)


@dataclass(frozen=True)
class SyncedProduct:
    name: str
    kind: SyncKind
    version: Optional[str]    # the version it gets (the source's)
    previous: Optional[str]   # the target's before


@dataclass(frozen=True)
class Synced:
    from_: str
    to: str
    branch: Optional[str]
    base: Optional[str]
    action: int                    # a promote_action: commit, pull-request, or none
    products: List[SyncedProduct]
    changes: List[str]             # the files that change, sorted
    diff: str
    outcome: Optional[ApplyOutcome]  # None with dry_run
    commit: Optional[str]
    change: Optional[str]


def _strings(items: Iterable[str], what: str) -> Any:
    values = [_n.encode(i, what) for i in items]
    return (c_char_p * max(len(values), 1))(*values), len(values)


def _create(context: Context, to: bytes, from_: Optional[bytes], update_only: bool, only: Iterable[str],
            exclude: Iterable[str], products: Iterable[str]) -> Any:
    """promote_sync_create: the planned sync's handle (the caller frees it)."""
    opts = _n.promote_sync_options()
    lib.promote_sync_options_init(byref(opts), _n.SYNC_OPTIONS_VERSION)
    only_a, only_n = _strings(only, "only")
    exclude_a, exclude_n = _strings(exclude, "exclude")
    products_a, products_n = _strings(products, "products")
    opts.update_only = 1 if update_only else 0
    opts.only, opts.only_count = only_a, only_n
    opts.exclude, opts.exclude_count = exclude_a, exclude_n
    opts.products, opts.product_count = products_a, products_n
    handle = _n.sync_p()
    context._call(lib.promote_sync_create, byref(handle), context._ctx(), from_, to, byref(opts))
    return handle


def start_release(context: Context, to: bytes, from_: Optional[bytes], *, update_only: bool, only: Iterable[str],
                  exclude: Iterable[str], products: Iterable[str], release_options: Any,
                  call: Callable[..., int]) -> Optional[Any]:
    """promote_sync_release of the sync planned now: the release's handle, or None (nothing to write).
    `call` runs the C function (the context's, with its release events)."""
    handle = _create(context, to, from_, update_only, only, exclude, products)
    try:
        out = _n.release_p()
        call(lib.promote_sync_release, byref(out), handle, byref(release_options))
        return out if out else None
    finally:
        lib.promote_sync_free(handle)


def sync(context: Context, to: bytes, from_: Optional[bytes], *, update_only: bool, only: Iterable[str],
         exclude: Iterable[str], products: Iterable[str], dry_run: bool) -> Synced:
    handle = _create(context, to, from_, update_only, only, exclude, products)
    try:
        diff = _n.promote_buf()
        context._call(lib.promote_sync_diff, byref(diff), handle)
        diff_text = _n.decode(_n.take_buf(diff)) or ""
        outcome, commit = None, None
        if not dry_run:
            buf, out = _n.promote_buf(), c_int(0)
            context._call(lib.promote_sync_apply, byref(buf), byref(out), handle, None)
            outcome, commit = ApplyOutcome(out.value), _n.decode(_n.take_buf(buf)) or None
        return Synced(
            from_=lib.promote_sync_from(handle), to=lib.promote_sync_to(handle),
            branch=lib.promote_sync_branch(handle), base=lib.promote_sync_base(handle),
            action=lib.promote_sync_action(handle),
            products=[SyncedProduct(lib.promote_sync_product_at(handle, i),
                                    SyncKind(lib.promote_sync_product_kind_at(handle, i)),
                                    lib.promote_sync_product_version_at(handle, i),
                                    lib.promote_sync_product_previous_at(handle, i))
                      for i in range(lib.promote_sync_product_count(handle))],
            changes=[lib.promote_sync_change_path_at(handle, i) for i in range(lib.promote_sync_change_count(handle))],
            diff=diff_text, outcome=outcome, commit=commit, change=lib.promote_sync_change_id(handle))
    finally:
        lib.promote_sync_free(handle)
