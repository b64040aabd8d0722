"""Drift: where every product stands between environments (:meth:`Context.drift`).

A :class:`Drift` compares environments two by two -- A, where products come
from, and B -- the pair given, or every edge of the default flow, and says of
every product in A or B where B stands (:class:`DriftRelation`), the versions
read as :meth:`Context.status` reads them and compared as semantic versions
when both are, else as text (:class:`DriftComparison`)::

    d = ctx.drift("staging", "prod")
    if not d.in_sync:
        for row in d.drifted:
            print(row.product, row.from_version, row.to_version, row.relation.name)

:meth:`Context.drift_json` gives the library's JSON document (doc/DRIFT.md).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, List, Optional, Tuple

from . import _native as _n

lib = _n.lib


class DriftRelation(enum.IntEnum):
    """``promote_drift_relation``: where B stands against A."""
    EQUAL = 0    # the same version (semantic versions: the same precedence)
    BEHIND = 1   # B holds an older version than A
    AHEAD = 2    # B holds a newer version than A
    MISSING = 3  # A has the product, B does not
    EXTRA = 4    # B has the product, A does not
    UNKNOWN = 5  # both have it, a version could not be read (DriftRow.error says why)


class DriftComparison(enum.IntEnum):
    """``promote_drift_comparison``: how the two versions were compared."""
    NOT_COMPARED = 0
    SEMVER = 1
    TEXT = 2


@dataclass(frozen=True)
class DriftRow:
    """One product between the environments A (`from_env`) and B (`to_env`)."""
    product: str
    from_env: str
    to_env: str
    from_version: Optional[str]   # None: not in A, or not readable
    to_version: Optional[str]
    relation: DriftRelation
    comparison: DriftComparison
    error: Optional[str]          # UNKNOWN: why a version could not be read


@dataclass(frozen=True)
class Drift:
    pairs: List[Tuple[str, str]]  # (A, B) in the order compared
    rows: List[DriftRow]          # pair by pair, products sorted within a pair

    @property
    def drifted(self) -> List[DriftRow]:
        """The rows that are not EQUAL."""
        return [r for r in self.rows if r.relation is not DriftRelation.EQUAL]

    @property
    def in_sync(self) -> bool:
        return not self.drifted


def _row(r: Any) -> DriftRow:
    return DriftRow(
        product=lib.promote_drift_row_product(r),
        from_env=lib.promote_drift_row_from(r),
        to_env=lib.promote_drift_row_to(r),
        from_version=lib.promote_drift_row_from_version(r),
        to_version=lib.promote_drift_row_to_version(r),
        relation=DriftRelation(lib.promote_drift_row_relation(r)),
        comparison=DriftComparison(lib.promote_drift_row_comparison(r)),
        error=lib.promote_drift_row_error(r))


def _read(d: Any) -> Drift:
    pairs = [(lib.promote_drift_pair_from(d, i), lib.promote_drift_pair_to(d, i))
             for i in range(lib.promote_drift_pair_count(d))]
    rows = [_row(lib.promote_drift_row_at(d, i)) for i in range(lib.promote_drift_row_count(d))]
    return Drift(pairs=pairs, rows=rows)


def _options(product: Optional[bytes], a: Optional[bytes], b: Optional[bytes]) -> _n.promote_drift_options:
    from ctypes import byref
    opts = _n.promote_drift_options()
    lib.promote_drift_options_init(byref(opts), _n.DRIFT_OPTIONS_VERSION)
    _n.set_given(opts, product=product, from_=a, to=b)
    return opts
