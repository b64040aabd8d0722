"""Status: every product in every environment at a glance (:meth:`Context.status`).

A :class:`Status` is a snapshot read from the repository alone: a row per
product (configured, or found by discovery in any environment), a cell per
environment holding the version there and the open release moving the
product there, with its step into that environment, and the hold and
rollback pin that stop automatic steps there::

    st = ctx.status(product="shop*")
    for row in st.products:
        for env, cell in row.cells.items():
            if cell.release:
                print(row.product, env, cell.version, cell.release.id, cell.step.state, cell.step.reason)
            if cell.hold:
                print(row.product, env, "held by", cell.hold.by, cell.hold.reason)

:meth:`Context.status_json` gives the same as the library's JSON document
(doc/OPERATIONS.md, "The JSON of promote status").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from . import _native as _n
from .release import Hold, ReleaseInfo, Step, _hold, _info, _step

lib = _n.lib


@dataclass(frozen=True)
class StatusCell:
    """One product in one environment."""
    environment: str
    present: bool                   # the product's folder is on the environment's branch
    version: Optional[str]          # None: absent, no version attribute, or unreadable (see error)
    error: Optional[str]            # why the version could not be read
    release: Optional[ReleaseInfo]  # the open release moving it here
    step: Optional[Step]            # that release's step into this environment
    waiting: int                    # other open releases waiting behind it here
    # The hold stopping automatic steps here: the environment's (product None) first, else the product's.
    hold: Optional[Hold] = None
    pin: Optional[Hold] = None      # the rollback pin here (pin.version: the version pinned)


@dataclass(frozen=True)
class StatusRow:
    product: str
    cells: Dict[str, StatusCell]    # by environment, in the columns' order


@dataclass(frozen=True)
class Status:
    environments: List[str]
    products: List[StatusRow]
    # Every hold and pin on the environments shown, of every product or of a product shown, oldest first
    # (an environment's hold also when no product is shown).
    holds: List[Hold] = field(default_factory=list)

    def row(self, product: str) -> StatusRow:
        for r in self.products:
            if r.product == product:
                return r
        raise KeyError(product)


def _maybe_hold(h: Any) -> Optional[Hold]:
    return _hold(h) if h else None


def _cell(c: Any, environment: str) -> StatusCell:
    release = lib.promote_status_cell_release(c)
    return StatusCell(
        environment=environment,
        present=bool(lib.promote_status_cell_present(c)),
        version=lib.promote_status_cell_version(c),
        error=lib.promote_status_cell_error(c),
        release=_info(release) if release else None,
        step=_step(lib.promote_status_cell_step(c)) if release else None,
        waiting=lib.promote_status_cell_waiting(c),
        hold=_maybe_hold(lib.promote_status_cell_hold(c)),
        pin=_maybe_hold(lib.promote_status_cell_pin(c)))


def _read(st: Any) -> Status:
    envs = [lib.promote_status_environment_at(st, e) for e in range(lib.promote_status_environment_count(st))]
    rows = []
    for p in range(lib.promote_status_product_count(st)):
        cells = {env: _cell(lib.promote_status_cell_at(st, p, e), env) for e, env in enumerate(envs)}
        rows.append(StatusRow(product=lib.promote_status_product_at(st, p), cells=cells))
    holds = [_hold(lib.promote_status_hold_at(st, i)) for i in range(lib.promote_status_hold_count(st))]
    return Status(environments=envs, products=rows, holds=holds)


def _options(product: Optional[bytes], environment: Optional[bytes]) -> _n.promote_status_options:
    from ctypes import byref
    opts = _n.promote_status_options()
    lib.promote_status_options_init(byref(opts), _n.STATUS_OPTIONS_VERSION)
    _n.set_given(opts, product=product, environment=environment)
    return opts
