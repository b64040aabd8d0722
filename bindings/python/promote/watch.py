"""Watching: releases that start and advance by themselves
(:meth:`Context.watcher`, ``include/promote/watch.h``).

A :class:`Watcher` runs passes: each fetches the repository once, starts a
release of every product whose version changed in a flow's trigger
environment since the flow was last handled (kept in the repository at
``refs/promote/watch/FLOW``; a flow never watched starts nothing in its
first pass), and polls every open release that can move.
:meth:`Watcher.run_pass` returns in how many milliseconds a release asked
to be polled again (0: none asked)::

    with ctx.watcher(events=print, watch_events=print) as w:
        while not w.stopped:
            next_ms = w.run_pass()
            time.sleep(min(next_ms or 30000, 30000) / 1000)

What a callback raises stops the pass (the records stay consistent) and is
re-raised by :meth:`Watcher.run_pass`.
"""

from __future__ import annotations

import enum
import weakref
from ctypes import byref, c_uint32
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, List, Optional, Union

from . import _native as _n
from ._handle import OwnsHandle
from .errors import ErrorClass, ErrorCode, StateError, _enum_or_int
from .release import ReleaseEventCallback, _Events

if TYPE_CHECKING:
    from .context import Context

lib = _n.lib

# Every open watcher, closed before promote_shutdown() at exit (see __init__).
_live_watchers: weakref.WeakSet[Watcher] = weakref.WeakSet()


class WatchEventKind(enum.IntEnum):
    """``promote_watch_event_kind``; a newer library may send others (an int then)."""
    FLOW_BASELINE = 1     # a flow watched for the first time, from `commit` on
    RELEASE_STARTED = 2
    START_FAILED = 3
    POLL_FAILED = 4


@dataclass(frozen=True)
class WatchEvent:
    kind: Union[WatchEventKind, int]
    flow: Optional[str]
    product: Optional[str]
    version: Optional[str]
    release: Optional[str]
    commit: Optional[str]       # the trigger commit (started), or where a flow is watched from (baseline)
    message: Optional[str]      # why it failed


# watch_events(event): None to go on; what it raises stops the pass and is re-raised.
WatchEventCallback = Callable[[WatchEvent], None]


def _opt(text: Optional[str]) -> Optional[str]:
    return text or None


class _WatchEvents:
    """The trampoline of the watcher's own events, kept alive with the watcher."""

    pending: Optional[BaseException]

    def __init__(self, callback: Optional[WatchEventCallback]) -> None:
        self.pending = None
        self._callback = callback
        self.thunk = _n.promote_watch_event_cb(self._trampoline) if callback is not None else None

    def _trampoline(self, event: Any, payload: Optional[int]) -> int:
        try:
            assert self._callback is not None  # the thunk exists only with a callback
            self._callback(WatchEvent(
                kind=_enum_or_int(WatchEventKind, lib.promote_watch_event_kind(event)),
                flow=_opt(lib.promote_watch_event_flow(event)),
                product=_opt(lib.promote_watch_event_product(event)),
                version=_opt(lib.promote_watch_event_version(event)),
                release=_opt(lib.promote_watch_event_release(event)),
                commit=_opt(lib.promote_watch_event_commit(event)),
                message=_opt(lib.promote_watch_event_message(event))))
            return 0
        except BaseException as exc:  # noqa: B902 -- must never unwind into C
            if self.pending is None:
                self.pending = exc
            return int(ErrorCode.EUSER)


def _free_watcher(handle: Any, keep: Any) -> None:
    # `keep` (the trampolines, the options) only has to outlive the C watcher.
    lib.promote_watcher_free(handle)


class Watcher(OwnsHandle):
    """A watcher of a context's repository (:meth:`Context.watcher`). Close
    it (or use ``with``) when done; it keeps its C context alive until then."""

    _handle: Any
    _context: Context
    _events: _Events
    _watch_events: _WatchEvents

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("make a watcher with Context.watcher()")

    @classmethod
    def _new(cls, context: Context, events: Optional[ReleaseEventCallback],
             watch_events: Optional[WatchEventCallback], group: bool, author_name: Optional[str],
             author_email: Optional[str]) -> Watcher:
        self = object.__new__(cls)
        self._context = context
        self._events = _Events(events)
        self._watch_events = _WatchEvents(watch_events)
        opts = _n.promote_watcher_options()
        lib.promote_watcher_options_init(byref(opts), _n.WATCHER_OPTIONS_VERSION)
        _n.set_given(opts, author_name=_n.encode(author_name, "author_name"),
                     author_email=_n.encode(author_email, "author_email"), no_group=0 if group else 1)
        if self._events.thunk is not None:
            opts.release_event_cb = self._events.thunk
        if self._watch_events.thunk is not None:
            opts.watch_event_cb = self._watch_events.thunk
        out = _n.watcher_p()
        context._call(lib.promote_watcher_new, byref(out), context._ctx(), byref(opts))
        self._handle = out
        self._finalizer = weakref.finalize(self, _free_watcher, out, (self._events, self._watch_events, opts))
        _live_watchers.add(self)
        return self

    def _check_open(self) -> None:
        self._p()

    def _p(self) -> Any:
        if not self._finalizer.alive:
            raise StateError("the watcher is closed; make another with Context.watcher()",
                             code=ErrorCode.ESTATE, klass=ErrorClass.INVALID)
        return self._handle

    def __repr__(self) -> str:
        return "<promote.Watcher%s>" % (" (closed)" if self.closed else "")

    def run_pass(self) -> int:
        """One pass; returns in how many milliseconds the soonest open
        release asked to be polled again (0: none asked)."""
        next_ms = c_uint32(0)
        try:
            self._context._call(lib.promote_watcher_pass, self._p(), byref(next_ms))
        finally:
            # What a callback raised, first the releases' (the pass stopped there), replaces the EUSER.
            exc = self._events.pending or self._watch_events.pending
            self._events.pending = self._watch_events.pending = None
            if exc is not None:
                raise exc
        return next_ms.value

    def stop(self) -> None:
        """End the running pass after its current transition, and every later one at once."""
        lib.promote_watcher_stop(self._p())

    @property
    def stopped(self) -> bool:
        return bool(lib.promote_watcher_stopped(self._p()))

    # -- what the last pass did

    @property
    def started(self) -> List[str]:
        """The ids of the releases the last pass started."""
        p = self._p()
        return [lib.promote_watcher_started_at(p, i) for i in range(lib.promote_watcher_started_count(p))]

    @property
    def polled(self) -> int:
        """Releases the last pass read and polled."""
        return int(lib.promote_watcher_polled_count(self._p()))

    @property
    def skipped(self) -> int:
        """Open releases the last pass did not read (waiting with their record unmoved, or not due)."""
        return int(lib.promote_watcher_skipped_count(self._p()))

    @property
    def open(self) -> int:
        """Releases open after the last pass."""
        return int(lib.promote_watcher_open_count(self._p()))

    @property
    def failed(self) -> int:
        """Releases the last pass could not start or poll."""
        return int(lib.promote_watcher_failed_count(self._p()))
