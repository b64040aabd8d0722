"""Releases: one product at one version through a whole flow
(:meth:`Context.run`), or one promotion recorded as a release of flow
"manual".

A :class:`Release` is a handle on the record the repository keeps at
``refs/promote/releases/ID``: any process may open it by id
(:meth:`Context.release`) and advance, approve, abort or retry it. Reading
its ``state`` or ``steps`` reads the snapshot the last call left;
:meth:`Release.poll` and :meth:`Release.run` advance it.

Events (``events=`` of :meth:`Context.run` and :meth:`Context.release`): a
callable ``events(event)`` receiving a :class:`ReleaseEvent` after each
transition is recorded. What it raises stops the call that advanced the
release (the record stays consistent; a later call goes on) and is
re-raised by that call.
"""

from __future__ import annotations

import enum
import json
import weakref
from ctypes import byref, c_uint32
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Union, cast

from . import _native as _n
from ._handle import OwnsHandle
from .errors import ErrorClass, ErrorCode, StateError, TimedOutError, _enum_or_int

if TYPE_CHECKING:
    from .context import Context

lib = _n.lib

# Every open release, closed before promote_shutdown() at exit (see __init__).
_live_releases: weakref.WeakSet[Release] = weakref.WeakSet()


class ReleaseState(enum.IntEnum):
    """``promote_release_state``."""
    RUNNING = 0     # a step can advance without anyone
    WAITING = 1     # every open step waits for a person (an approval)
    SUCCEEDED = 2
    FAILED = 3      # retry() resumes it
    ABORTED = 4


class StepState(enum.IntEnum):
    """``promote_step_state``."""
    PENDING = 0
    PRE_CHECK = 1
    PROMOTING = 2
    AWAITING_APPROVAL = 3
    AWAITING_MERGE = 4
    DEPLOYING = 5
    POST_CHECK = 6
    SUCCEEDED = 7
    FAILED = 8
    SKIPPED = 9
    ABORTED = 10


class ReleaseEventKind(enum.IntEnum):
    """``promote_release_event_kind``; a newer library may send others (an int then)."""
    STEP_STARTED = 1
    STEP_WAITING = 2
    COMMITTED = 3
    CHANGE_OPENED = 4
    CHANGE_MERGED = 5
    DEPLOYED = 6
    CHECK_FINISHED = 7
    STEP_FINISHED = 8
    RELEASE_FINISHED = 9


@dataclass(frozen=True)
class Check:
    """A pre- or post-action workflow a step ran."""
    name: str
    phase: str                  # "pre" or "post"
    status: Optional[int]       # the exit status; None while running or killed at its timeout
    output: str                 # the last 4 KiB of its output


@dataclass(frozen=True)
class Step:
    """One step of a release, as the snapshot holds it ("" fields: none yet)."""
    environment: str
    state: Union[StepState, int]
    reason: str
    attempts: int
    strategy: str               # "auto", "manual" or "never", as the policy said when the release started
    action: str                 # "commit", "pull-request" or "none"
    commit: Optional[str]
    change: Optional[str]
    head: Optional[str]
    merge_commit: Optional[str]
    error: Optional[str]        # the first error that failed it
    started: Optional[int]      # seconds since the epoch
    finished: Optional[int]
    checks: List[Check]
    # Pending: the gate that stops it ("hold", "window", "soak", "queue"); None when none does.
    gate: Optional[str] = None


@dataclass(frozen=True)
class ReleaseEvent:
    kind: Union[ReleaseEventKind, int]
    release: str
    environment: Optional[str]
    reason: Optional[str]
    commit: Optional[str]
    change: Optional[str]
    check: Optional[str]
    # The step's state after the event (for RELEASE_FINISHED, the release's).
    state: Union[StepState, ReleaseState, int]
    exit_status: int            # CHECK_FINISHED: the check's exit status (-1: killed at its timeout)


@dataclass(frozen=True)
class ReleaseInfo:
    """A release as :meth:`Context.releases` lists it (a copy; open it by
    id with :meth:`Context.release` to act on it)."""
    id: str
    product: str
    version: str
    flow: str
    state: Union[ReleaseState, int]
    reason: str
    created: int
    finished: Optional[int]
    steps: List[Step]


class HoldKind(enum.IntEnum):
    """What a :class:`Hold` is (promote_hold_kind)."""
    HOLD = 0  # a person's hold (Context.hold)
    PIN = 1   # what a rollback left (Context.rollback)


@dataclass(frozen=True)
class Hold:
    """A hold or rollback pin as :meth:`Context.holds` lists it (a copy)."""
    kind: Union[HoldKind, int]
    environment: str
    product: Optional[str]      # None: every product (a hold only)
    reason: str
    by: str
    at: int                     # seconds since the epoch
    version: Optional[str]      # a pin: the version pinned
    release: Optional[str]      # a pin: the rollback release


def _hold(h: Any) -> Hold:
    kind = lib.promote_hold_kind_of(h)
    return Hold(kind=HoldKind(kind) if kind in HoldKind._value2member_map_ else kind,
                environment=lib.promote_hold_environment(h), product=lib.promote_hold_product(h),
                reason=lib.promote_hold_reason(h) or "", by=lib.promote_hold_by(h) or "", at=lib.promote_hold_at(h),
                version=lib.promote_hold_version(h), release=lib.promote_hold_release(h))


# events(event): None to go on; what it raises stops the call and is re-raised.
ReleaseEventCallback = Callable[[ReleaseEvent], None]


def _opt(text: Optional[str]) -> Optional[str]:
    return text or None


def _step(s: Any) -> Step:
    checks = []
    for k in range(lib.promote_release_step_check_count(s)):
        status = lib.promote_release_step_check_status_at(s, k)
        checks.append(Check(name=lib.promote_release_step_check_name_at(s, k),
                            phase=lib.promote_release_step_check_phase_at(s, k),
                            status=None if status < 0 else status,
                            output=lib.promote_release_step_check_output_at(s, k) or ""))
    return Step(
        environment=lib.promote_release_step_environment(s),
        state=_enum_or_int(StepState, lib.promote_release_step_state(s)),
        reason=lib.promote_release_step_reason(s) or "",
        attempts=lib.promote_release_step_attempts(s),
        strategy=lib.promote_strategy_name(lib.promote_release_step_strategy(s)),
        action=lib.promote_action_name(lib.promote_release_step_action(s)),
        commit=_opt(lib.promote_release_step_commit(s)),
        change=_opt(lib.promote_release_step_change(s)),
        head=_opt(lib.promote_release_step_head(s)),
        merge_commit=_opt(lib.promote_release_step_merge_commit(s)),
        error=_opt(lib.promote_release_step_error(s)),
        started=lib.promote_release_step_started(s) or None,
        finished=lib.promote_release_step_finished(s) or None,
        checks=checks,
        gate=_opt(lib.promote_release_step_gate(s)))


def _steps(p: Any) -> List[Step]:
    return [_step(lib.promote_release_step_at(p, i)) for i in range(lib.promote_release_step_count(p))]


def _info(p: Any) -> ReleaseInfo:
    return ReleaseInfo(
        id=lib.promote_release_id(p), product=lib.promote_release_product(p),
        version=lib.promote_release_version(p), flow=lib.promote_release_flow(p),
        state=_enum_or_int(ReleaseState, lib.promote_release_state(p)),
        reason=lib.promote_release_reason(p) or "", created=lib.promote_release_created(p),
        finished=lib.promote_release_finished(p) or None, steps=_steps(p))


class _Events:
    """The C trampoline of one release's event callback, kept alive with the
    release, and the first exception the callback raised (ctypes would print
    it and carry on: the call that advanced the release re-raises it)."""

    pending: Optional[BaseException]

    def __init__(self, callback: Optional[ReleaseEventCallback]) -> None:
        self.pending = None
        self._callback = callback
        self.thunk = _n.promote_release_event_cb(self._trampoline) if callback is not None else None

    def _trampoline(self, event: Any, payload: Optional[int]) -> int:
        try:
            assert self._callback is not None  # the thunk exists only with a callback
            kind = lib.promote_release_event_kind(event)
            state = lib.promote_release_event_state(event)
            self._callback(ReleaseEvent(
                kind=_enum_or_int(ReleaseEventKind, kind),
                release=lib.promote_release_event_release(event) or "",
                environment=_opt(lib.promote_release_event_environment(event)),
                reason=_opt(lib.promote_release_event_reason(event)),
                commit=_opt(lib.promote_release_event_commit(event)),
                change=_opt(lib.promote_release_event_change(event)),
                check=_opt(lib.promote_release_event_check(event)),
                state=(_enum_or_int(ReleaseState, state) if kind == ReleaseEventKind.RELEASE_FINISHED
                       else _enum_or_int(StepState, state)),
                exit_status=lib.promote_release_event_exit_status(event)))
            return 0
        except BaseException as exc:  # noqa: B902 -- must never unwind into C
            if self.pending is None:
                self.pending = exc
            return int(ErrorCode.EUSER)

    def raise_pending(self) -> None:
        exc, self.pending = self.pending, None
        if exc is not None:
            raise exc


def _options(events: _Events, author_name: Optional[str], author_email: Optional[str],
             **fields: Any) -> _n.promote_release_options:
    opts = _n.promote_release_options()
    lib.promote_release_options_init(byref(opts), _n.RELEASE_OPTIONS_VERSION)
    _n.set_given(opts, author_name=_n.encode(author_name, "author_name"),
                 author_email=_n.encode(author_email, "author_email"), **fields)
    if events.thunk is not None:
        opts.event_cb = events.thunk
    return opts


def _free_release(handle: Any, keep: Any) -> None:
    # `keep` (the trampoline, the options' strings) only has to outlive the C release.
    lib.promote_release_free(handle)


class Release(OwnsHandle):
    """A release: made by :meth:`Context.run` (or :meth:`Context.apply`),
    opened by :meth:`Context.release`. Close it (or use ``with``) when done;
    it keeps its C context alive until then."""

    _handle: Any
    _context: Context
    _events: _Events

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("start a release with Context.run() or open one with Context.release()")

    @classmethod
    def _wrap(cls, handle: Any, context: Context, events: _Events, opts: _n.promote_release_options) -> Release:
        self = object.__new__(cls)
        self._handle = handle
        self._context = context
        self._events = events
        # The C release keeps the options' callback and author strings (borrowed): they live
        # as long as it does.
        self._finalizer = weakref.finalize(self, _free_release, handle, (events, opts))
        _live_releases.add(self)
        return self

    def _check_open(self) -> None:
        self._p()

    def _p(self) -> Any:
        if not self._finalizer.alive:
            raise StateError("the release is closed; open it again with Context.release(id)",
                             code=ErrorCode.ESTATE, klass=ErrorClass.INVALID)
        return self._handle

    def _call(self, func: Callable[..., int], *args: Any) -> int:
        try:
            return self._context._call(func, *args)
        finally:
            self._events.raise_pending()

    def __repr__(self) -> str:
        if self.closed:
            return "<promote.Release (closed)>"
        return "<promote.Release %s %s>" % (self.id, self.state.name.lower() if isinstance(self.state, enum.Enum)
                                            else self.state)

    # -- reading the snapshot

    @property
    def id(self) -> str:
        return cast(str, lib.promote_release_id(self._p()))

    @property
    def product(self) -> str:
        return cast(str, lib.promote_release_product(self._p()))

    @property
    def version(self) -> str:
        return cast(str, lib.promote_release_version(self._p()))

    @property
    def flow(self) -> str:
        return cast(str, lib.promote_release_flow(self._p()))

    @property
    def state(self) -> Union[ReleaseState, int]:
        return _enum_or_int(ReleaseState, lib.promote_release_state(self._p()))

    @property
    def reason(self) -> str:
        """Why it is not final (or why it failed); "" when there is nothing to say."""
        return cast(str, lib.promote_release_reason(self._p()) or "")

    @property
    def created(self) -> int:
        return cast(int, lib.promote_release_created(self._p()))

    @property
    def finished(self) -> Optional[int]:
        return cast(int, lib.promote_release_finished(self._p())) or None

    @property
    def steps(self) -> List[Step]:
        """The steps in the flow's order (copies)."""
        return _steps(self._p())

    def step(self, environment: str) -> Step:
        """The step into `environment`; KeyError when there is none."""
        for s in self.steps:
            if s.environment == environment:
                return s
        raise KeyError(environment)

    def to_json(self) -> str:
        """The record as JSON (doc/RELEASES.md)."""
        buf = _n.promote_buf()
        self._call(lib.promote_release_to_json, byref(buf), self._p())
        return _n.decode(_n.take_buf(buf))

    def record(self) -> Dict[str, Any]:
        """The record as a dict (json.loads of :meth:`to_json`)."""
        return cast(Dict[str, Any], json.loads(self.to_json()))

    # -- advancing

    def poll(self) -> int:
        """Advance as far as it can go now without blocking; returns in how
        many milliseconds polling again can make progress (0: the release is
        final or waits for a person)."""
        next_ms = c_uint32(0)
        self._call(lib.promote_release_poll, self._p(), byref(next_ms))
        return next_ms.value

    def run(self, timeout: Optional[float] = None) -> Union[ReleaseState, int]:
        """Poll until the release is final, waits for a person, or `timeout`
        seconds passed (None: the release's own timeout); returns its state.
        A timeout is not an error: the release stays as it is (RUNNING)."""
        ms = 0 if timeout is None else max(1, int(timeout * 1000))
        try:
            self._call(lib.promote_release_run, self._p(), ms)
        except TimedOutError as exc:
            if exc.code != ErrorCode.ETIMEOUT:
                raise
        return self.state

    def approve(self, env: str, by: Optional[str] = None) -> None:
        """Approve the manual step into `env` (then poll or run)."""
        self._call(lib.promote_release_approve, self._p(), _n.encode(env, "env"), _n.encode(by, "by"))

    def abort(self, reason: Optional[str] = None) -> None:
        """Stop it: no further writes; its open change requests are closed, and the
        deploy backend of each step that was deploying is asked to stop its sync
        (:meth:`DeployBackend.abort`). The release is recorded aborted first: an
        error that backend raises is raised here, the release aborted all the same."""
        self._call(lib.promote_release_abort, self._p(), _n.encode(reason, "reason"))

    def retry(self, env: Optional[str] = None) -> None:
        """Resume a failed release from its failed steps (`env`: only that
        one); what succeeded stays. Then poll or run."""
        self._call(lib.promote_release_retry, self._p(), _n.encode(env, "env"))
