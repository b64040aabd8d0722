"""Promotions and change requests: :class:`Plan` (from :meth:`Context.plan`)
and :class:`Change` (from the ``Context.*_change`` methods).

A plan is data computed from the repository: the files a promotion changes
and their diff; nothing is written until :meth:`Plan.apply`. A change is a
copy of what a git provider knows of one change request (a pull request; the
built-in ``local`` provider keeps it in the repository itself).
"""

from __future__ import annotations

import enum
import weakref
from ctypes import byref, c_int
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, List, Optional, cast

from . import _native as _n
from ._handle import OwnsHandle
from .errors import ErrorClass, ErrorCode, StateError

if TYPE_CHECKING:
    from .context import Context

lib = _n.lib

# Every open plan, closed before promote_shutdown() at exit (see __init__).
_live_plans: weakref.WeakSet[Plan] = weakref.WeakSet()


class ApplyOutcome(enum.IntEnum):
    """``promote_apply_outcome``: what :meth:`Plan.apply` did."""
    UNCHANGED = 0   # already in place: no commit
    COMMITTED = 1   # one commit on the environment's branch
    PROPOSED = 2    # a change branch and its change request
    SKIPPED = 3     # the policy's action is none


class ChangeState(enum.IntEnum):
    OPEN = 0
    MERGED = 1
    CLOSED = 2


class ChecksState(enum.IntEnum):
    NONE = 0
    PENDING = 1
    PASSING = 2
    FAILING = 3


@dataclass(frozen=True)
class Applied:
    outcome: ApplyOutcome
    commit: Optional[str]       # the new commit's id, for COMMITTED and PROPOSED
    change: Optional[str]       # the change request's id, for PROPOSED


@dataclass(frozen=True)
class Imported:
    """What :meth:`Context.import_environment` did: COMMITTED, or UNCHANGED when
    this very import was made already (a run repeated after a crash)."""
    outcome: ApplyOutcome
    commit: str                 # the import's commit


@dataclass(frozen=True)
class Change:
    """A change request at a git provider (``promote_change_info``), as a frozen copy."""
    id: str
    url: str = ""
    head: str = ""
    base: str = ""
    title: str = ""
    state: ChangeState = ChangeState.OPEN
    checks: ChecksState = ChecksState.NONE
    draft: bool = False
    approvals: int = 0
    merge_commit: Optional[str] = None  # None until merged
    reused: bool = False                # open_change found it open already
    waiting: str = ""                   # the forge holds it (auto-merge, merge queue): why; "" when not


def _change(info: _n.InfoP) -> Change:
    """Copy a promote_change_info out, then free it."""
    try:
        merged = lib.promote_change_info_merge_commit(info)
        return Change(
            id=lib.promote_change_info_id(info), url=lib.promote_change_info_url(info),
            head=lib.promote_change_info_head(info), base=lib.promote_change_info_base(info),
            title=lib.promote_change_info_title(info), state=ChangeState(lib.promote_change_info_state(info)),
            checks=ChecksState(lib.promote_change_info_checks(info)),
            draft=bool(lib.promote_change_info_draft(info)), approvals=lib.promote_change_info_approvals(info),
            merge_commit=merged or None, reused=bool(lib.promote_change_info_reused(info)),
            waiting=lib.promote_change_info_waiting(info))
    finally:
        lib.promote_change_info_free(info)


def _request(head: str, base: str, title: Optional[str], body: Optional[str], labels: Iterable[str],
             environments: Iterable[str], draft: bool) -> _n.RequestP:
    """A new promote_change_request; the caller frees it."""
    req = _n.request_p()
    lib.promote_change_request_new(byref(req), _n.encode(head, "head"), _n.encode(base, "base"))
    try:
        if title is not None:
            lib.promote_change_request_set_title(req, _n.encode(title, "title"))
        if body is not None:
            lib.promote_change_request_set_body(req, _n.encode(body, "body"))
        for label in labels:
            lib.promote_change_request_add_label(req, _n.encode(label, "label"))
        for env in environments:
            lib.promote_change_request_add_environment(req, _n.encode(env, "environment"))
        lib.promote_change_request_set_draft(req, 1 if draft else 0)
    except BaseException:
        lib.promote_change_request_free(req)
        raise
    return req


class Plan(OwnsHandle):
    """One promotion of a product into an environment, as data. Made by
    :meth:`promote.Context.plan`; it keeps the C context alive until closed."""

    _handle: _n.PlanP
    _context: Context

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("make a plan with Context.plan()")

    @classmethod
    def _wrap(cls, handle: _n.PlanP, context: Context) -> Plan:
        self = object.__new__(cls)
        self._handle = handle
        self._context = context  # for its callbacks; the C plan holds the C context itself
        self._finalizer = weakref.finalize(self, lib.promote_plan_free, handle)
        _live_plans.add(self)
        return self

    def _check_open(self) -> None:
        self._p()

    def _p(self) -> _n.PlanP:
        if not self._finalizer.alive:
            raise StateError("the plan is closed", code=ErrorCode.ESTATE, klass=ErrorClass.INVALID)
        return self._handle

    def __repr__(self) -> str:
        if self.closed:
            return "<promote.Plan (closed)>"
        return "<promote.Plan %s %s: %s -> %s, %d file(s)>" % (self.product, self.version, self.from_, self.to,
                                                               len(self.changes))

    # The names of promote_plan_*() and of the keys of `promote plan --json`.

    @property
    def product(self) -> str:
        return cast(str, lib.promote_plan_product(self._p()))

    @property
    def from_(self) -> str:
        """The environment promoted from (`from` is a Python keyword, hence
        the underscore, as in :meth:`Context.plan`'s ``from_=``)."""
        return cast(str, lib.promote_plan_from(self._p()))

    @property
    def to(self) -> str:
        """The environment promoted into."""
        return cast(str, lib.promote_plan_to(self._p()))

    @property
    def version(self) -> Optional[str]:
        """The version promoted (None when the template names no version attribute)."""
        return cast(Optional[str], lib.promote_plan_version(self._p()))

    @property
    def branch(self) -> str:
        """The branch the change lands on."""
        return cast(str, lib.promote_plan_branch(self._p()))

    @property
    def base(self) -> str:
        """The commit it was planned on."""
        return cast(str, lib.promote_plan_base(self._p()))

    @property
    def changes(self) -> List[str]:
        """The files that change, repository-relative, sorted."""
        p = self._p()
        return [lib.promote_plan_change_path_at(p, i) for i in range(lib.promote_plan_change_count(p))]

    @property
    def remote(self) -> Optional[str]:
        """The clone's remote ("origin") the plan was read from and apply pushes
        to (:attr:`Context.remote_name`); None when the repository is no clone's remote."""
        self._p()
        return self._context.remote_name

    @property
    def diff(self) -> str:
        """A unified diff of every change ("" when already in place)."""
        buf = _n.promote_buf()
        self._context._call(lib.promote_plan_diff, byref(buf), self._p())
        return _n.decode(_n.take_buf(buf))

    def apply(self, *, author_name: Optional[str] = None, author_email: Optional[str] = None,
              release: Optional[str] = None, max_retries: Optional[int] = None) -> Applied:
        """Write the plan as the policy says; returns :class:`Applied`. Applying
        twice makes one commit; a branch that moved meanwhile is planned again."""
        opts = _n.promote_apply_options()
        lib.promote_apply_options_init(byref(opts), _n.APPLY_OPTIONS_VERSION)
        _n.set_given(opts, max_retries=max_retries, author_name=_n.encode(author_name, "author_name"),
                     author_email=_n.encode(author_email, "author_email"), release=_n.encode(release, "release"))
        buf, outcome = _n.promote_buf(), c_int(0)
        self._context._call(lib.promote_plan_apply, byref(buf), byref(outcome), self._p(), byref(opts))
        commit = _n.decode(_n.take_buf(buf)) or None
        return Applied(ApplyOutcome(outcome.value), commit, lib.promote_plan_change_id(self._p()))
