"""Git providers and deploy backends written in Python.

Subclass :class:`GitProvider` or :class:`DeployBackend`, override the
operations your forge or cluster supports, and register an instance on a
context (:meth:`Context.register_git_provider`,
:meth:`Context.register_deploy_backend`) under the name ``promote.yaml``
gives it (``repositories.NAME.provider``, ``deploy.backend``). The library
calls the methods on the calling thread, synchronously, from inside the call
that needs them (an apply, a release's poll, a change command), exactly as it
calls a provider written in C (``promote/sys/git_provider.h``,
``promote/sys/deploy_backend.h``):

- an operation the subclass does not override is "not supported"
  (``NotSupportedError`` for whoever asks);
- returning :data:`PASSTHROUGH` from a provider registered under a built-in
  one's name (:func:`builtin_git_providers`, :func:`builtin_deploy_backends`)
  has the built-in one do it;
- raising a :class:`PromoteError` (``NotFoundError("no pull request 7")``,
  ``AuthError(...)``) fails the operation with that code and message, as the
  library's own errors do;
- any other exception stops the operation, and the Python call that led to
  it re-raises that very exception.

Requests are copies (plain dataclasses); keep them as long as you like.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Tuple, Union

from . import _native as _n
from .errors import ErrorClass, ErrorCode, PromoteError
from .model import Cluster
from .promotion import Change

if TYPE_CHECKING:
    from .context import _Callbacks

lib = _n.lib


class _Passthrough:
    def __repr__(self) -> str:
        return "promote.PASSTHROUGH"


PASSTHROUGH: Any = _Passthrough()
"""Returned by an operation: let the built-in provider of this name do it."""


def _names(at: Callable[[int], Optional[str]]) -> List[str]:
    names: List[str] = []
    while (name := at(len(names))) is not None:
        names.append(name)
    return names


def builtin_git_providers() -> List[str]:
    """The built-in git providers' names (``local``, ``github``, ...): what a
    configuration names without registering anything, and the names under which a
    registered provider stands in front of the built-in one (:data:`PASSTHROUGH`)."""
    return _names(lib.promote_git_provider_builtin_at)


def builtin_deploy_backends() -> List[str]:
    """The built-in deploy backends' names (``none``, ``exec``, ``argocd``), as
    :func:`builtin_git_providers` for git providers."""
    return _names(lib.promote_deploy_backend_builtin_at)


# ---- git providers ------------------------------------------------------------

@dataclass(frozen=True)
class ChangeRequest:
    """What a change request is to be: its branch, where it goes, what it says."""
    head: str                       # the change branch
    base: str                       # the environment's branch
    title: str
    body: str
    draft: bool                     # opened for a person to approve (a manual environment)
    labels: Tuple[str, ...]         # promote/product=..., promote/release=...: how a rerun finds it
    environments: Tuple[str, ...]


class GitProvider:
    """A forge: how a change reaches an environment's branch. Override what it supports."""

    def open_change(self, request: ChangeRequest) -> Change:
        """Open a change request (or find the one open already: ``reused=True``)."""
        raise NotImplementedError

    def get_change(self, id: str) -> Change:
        """The state of change ``id``: open/merged/closed, checks, approvals, and
        ``waiting`` (why) when the forge itself holds it open (auto-merge, a merge
        queue): a release then waits for the forge's merge instead of merging."""
        raise NotImplementedError

    def find_change(self, request: ChangeRequest) -> Optional[Change]:
        """An open change carrying every label of ``request``; None when there is none."""
        raise NotImplementedError

    def merge_change(self, id: str) -> Change:
        """Merge change ``id``; the result says merged and names the merge commit."""
        raise NotImplementedError

    def comment_change(self, id: str, body: str) -> None:
        raise NotImplementedError

    def close_change(self, id: str) -> None:
        raise NotImplementedError

    def approve_change(self, id: str, by: Optional[str]) -> Change:
        """Record an approval of change ``id`` by ``by`` (None: whoever is asking).
        A draft becomes ready: a release merges an approved change that is no draft."""
        raise NotImplementedError


# ---- deploy backends ----------------------------------------------------------

class SyncState(enum.IntEnum):
    """``promote_sync_state``."""
    UNKNOWN = 0
    SYNCED = 1
    OUT_OF_SYNC = 2
    SYNCING = 3
    FAILED = 4


class HealthState(enum.IntEnum):
    """``promote_health_state``."""
    UNKNOWN = 0
    HEALTHY = 1
    PROGRESSING = 2
    DEGRADED = 3
    MISSING = 4
    SUSPENDED = 5


class WorkflowState(enum.IntEnum):
    """``promote_workflow_state``."""
    PENDING = 0
    RUNNING = 1
    SUCCEEDED = 2
    FAILED = 3


@dataclass(frozen=True)
class DeployRequest:
    """Which application (product, environment, clusters) at which revision."""
    product: str                    # "" for a sync's release: see products
    environment: str
    revision: str                   # the commit's hex id
    version: str
    release: str
    products: Tuple[Tuple[str, str], ...]  # a sync's release: (name, version) of every product written
    timeout: int                    # seconds
    clusters: Tuple[Cluster, ...]
    sync_args: Tuple[str, ...]      # deploy.sync, placeholders expanded
    health_args: Tuple[str, ...]    # deploy.health


@dataclass(frozen=True)
class DeployStatus:
    sync: SyncState = SyncState.UNKNOWN
    health: HealthState = HealthState.UNKNOWN
    revision: str = ""              # the revision deployed
    message: str = ""               # shown in the step's reason


@dataclass(frozen=True)
class WorkflowRequest:
    """Which workflow (a pre- or post-action check) to run or ask about."""
    name: str
    run_id: str                     # "" for run_workflow; the id it set, for workflow_status
    product: str
    environment: str
    revision: str
    version: str
    release: str
    products: Tuple[Tuple[str, str], ...]
    timeout: int
    clusters: Tuple[Cluster, ...]
    args: Tuple[str, ...]           # the workflow's run:, placeholders expanded


@dataclass(frozen=True)
class WorkflowStatus:
    run_id: str
    state: WorkflowState = WorkflowState.RUNNING
    exit_status: Optional[int] = None   # None: 0 when succeeded, 1 when failed
    output: Union[str, bytes] = field(default="")  # the last 4 KiB are kept


class DeployBackend:
    """What happens on the cluster after a change lands. Override what it supports;
    a method must not block for long: start the work and answer (the engine polls)."""

    def sync(self, request: DeployRequest) -> Optional[DeployStatus]:
        """Ask for the application to be synced at ``request.revision``."""
        raise NotImplementedError

    def status(self, request: DeployRequest) -> DeployStatus:
        """Its sync state, health and deployed revision (NotFoundError: no sync of it known)."""
        raise NotImplementedError

    def run_workflow(self, request: WorkflowRequest) -> WorkflowStatus:
        """Start a workflow; the status names its run id."""
        raise NotImplementedError

    def workflow_status(self, request: WorkflowRequest) -> WorkflowStatus:
        """The state of run ``request.run_id`` (NotFoundError: unknown run, started again)."""
        raise NotImplementedError

    def abort(self, request: DeployRequest) -> Optional[DeployStatus]:
        """The release ``request.release`` was aborted while it deployed: stop the
        sync this backend started for it (``request.revision`` of
        ``request.product`` in ``request.environment``) if it still runs -- never
        one it did not start. May return how it stands; NotFoundError when none of
        this release runs. Not overridden: the release is aborted and nothing is
        stopped. An error raised here is raised by ``Release.abort()`` after the
        release was recorded aborted."""
        raise NotImplementedError


# ---- the trampolines ------------------------------------------------------------

def _strings(count: int, at: Callable[[int], Any]) -> Tuple[str, ...]:
    return tuple(str(at(i)) for i in range(count))


def _products(text: str) -> Tuple[Tuple[str, str], ...]:
    pairs = (item.partition("=") for item in text.split())
    return tuple((name, version) for name, _, version in pairs)


def _change_request(req: Any) -> ChangeRequest:
    return ChangeRequest(
        head=lib.promote_change_request_head(req), base=lib.promote_change_request_base(req),
        title=lib.promote_change_request_title(req), body=lib.promote_change_request_body(req),
        draft=bool(lib.promote_change_request_draft(req)),
        labels=_strings(lib.promote_change_request_label_count(req),
                        lambda i: lib.promote_change_request_label_at(req, i)),
        environments=_strings(lib.promote_change_request_environment_count(req),
                              lambda i: lib.promote_change_request_environment_at(req, i)))


def _request_fields(req: Any, kind: str) -> Dict[str, Any]:
    """What deploy and workflow requests share, read with promote_KIND_request_*."""
    def get(name: str) -> Any:
        return getattr(lib, "promote_%s_request_%s" % (kind, name))
    return dict(
        product=get("product")(req), environment=get("environment")(req), revision=get("revision")(req),
        version=get("version")(req), release=get("release")(req), products=_products(get("products")(req)),
        timeout=get("timeout")(req),
        clusters=tuple(Cluster(get("cluster_name_at")(req, i), get("cluster_namespace_at")(req, i) or None)
                       for i in range(get("cluster_count")(req))))


def _deploy_request(req: Any) -> DeployRequest:
    return DeployRequest(
        **_request_fields(req, "deploy"),
        sync_args=_strings(lib.promote_deploy_request_sync_arg_count(req),
                           lambda i: lib.promote_deploy_request_sync_arg_at(req, i)),
        health_args=_strings(lib.promote_deploy_request_health_arg_count(req),
                             lambda i: lib.promote_deploy_request_health_arg_at(req, i)))


def _workflow_request(req: Any) -> WorkflowRequest:
    return WorkflowRequest(
        name=lib.promote_workflow_request_name(req), run_id=lib.promote_workflow_request_run_id(req),
        **_request_fields(req, "workflow"),
        args=_strings(lib.promote_workflow_request_arg_count(req),
                      lambda i: lib.promote_workflow_request_arg_at(req, i)))


def _write_change(out: Any, change: Change) -> None:
    if not isinstance(change, Change):
        raise TypeError(f"a git provider returns a promote.Change, not {type(change).__name__}")
    lib.promote_change_info_set_id(out, _n.encode(change.id, "id"))
    lib.promote_change_info_set_url(out, _n.encode(change.url, "url"))
    lib.promote_change_info_set_head(out, _n.encode(change.head, "head"))
    lib.promote_change_info_set_base(out, _n.encode(change.base, "base"))
    lib.promote_change_info_set_title(out, _n.encode(change.title, "title"))
    if change.merge_commit:
        lib.promote_change_info_set_merge_commit(out, _n.encode(change.merge_commit, "merge_commit"))
    lib.promote_change_info_set_state(out, int(change.state))
    lib.promote_change_info_set_checks(out, int(change.checks))
    lib.promote_change_info_set_draft(out, int(change.draft))
    lib.promote_change_info_set_approvals(out, int(change.approvals))
    lib.promote_change_info_set_reused(out, int(change.reused))
    if change.waiting:
        lib.promote_change_info_set_waiting(out, _n.encode(change.waiting, "waiting"))


def _write_deploy_status(out: Any, status: Optional[DeployStatus]) -> None:
    if status is None:
        return
    if not isinstance(status, DeployStatus):
        raise TypeError(f"a deploy backend returns a promote.DeployStatus, not {type(status).__name__}")
    lib.promote_deploy_status_set_sync(out, int(status.sync))
    lib.promote_deploy_status_set_health(out, int(status.health))
    lib.promote_deploy_status_set_revision(out, _n.encode(status.revision, "revision"))
    lib.promote_deploy_status_set_message(out, _n.encode(status.message, "message"))


def _write_workflow_status(out: Any, status: WorkflowStatus) -> None:
    if not isinstance(status, WorkflowStatus):
        raise TypeError(f"a deploy backend returns a promote.WorkflowStatus, not {type(status).__name__}")
    lib.promote_workflow_status_set_run_id(out, _n.encode(status.run_id, "run_id"))
    lib.promote_workflow_status_set_state(out, int(status.state))
    if status.exit_status is not None:
        lib.promote_workflow_status_set_exit_status(out, int(status.exit_status))
    data = status.output.encode() if isinstance(status.output, str) else bytes(status.output)
    lib.promote_workflow_status_set_output(out, data, len(data))


class _Registration:
    """The vtable of one registered Python object and the thunks behind it.
    Lives as long as the context (its _Callbacks keeps it)."""

    def __init__(self, kind: str, name: str, obj: Any, base: type, callbacks: _Callbacks) -> None:
        self.kind = kind
        self.name = name
        self.obj = obj
        self.base = base
        self.callbacks = callbacks
        self.thunks: List[Any] = []

    def slot(self, method: str, cb_type: Any, body: Callable[..., int]) -> Any:
        """The C function for `method`, or NULL when the subclass does not override it."""
        if getattr(type(self.obj), method, None) is getattr(self.base, method):
            return cb_type()
        thunk = cb_type(lambda *args: self._guard(method, body, *args))
        self.thunks.append(thunk)
        return thunk

    def _guard(self, method: str, body: Callable[..., int], *args: Any) -> int:
        try:
            return body(*args[:-1])  # the last is the payload: NULL, the object is self.obj
        except PromoteError as exc:
            # A failure the provider describes: the caller sees it as the library's own.
            code = int(exc.code) if int(exc.code) < 0 else int(ErrorCode.ERROR)
            return int(lib.promote_error_set_str(code, int(self._class()), _n.encode(exc.message, "message")))
        except BaseException as exc:  # noqa: B902 -- must never unwind into C
            if self.callbacks.pending is None:
                self.callbacks.pending = exc
            text = f"the {self.kind} '{self.name}' raised {type(exc).__name__} in {method}: {exc}"
            return int(lib.promote_error_set_str(int(ErrorCode.EUSER), int(ErrorClass.CALLBACK),
                                                 text.encode("utf-8", "replace")))

    def _class(self) -> ErrorClass:
        return ErrorClass.PROVIDER if self.kind == "git provider" else ErrorClass.DEPLOY

    def call(self, method: str, *args: Any) -> Any:
        return getattr(self.obj, method)(*args)


def _answered(answer: Any, write: Callable[[], None]) -> int:
    if answer is PASSTHROUGH:
        return int(ErrorCode.PASSTHROUGH)
    write()
    return 0


def git_provider_vtable(name: str, obj: GitProvider, callbacks: _Callbacks) -> Tuple[Any, _Registration]:
    """The promote_git_provider of `obj`, and what must stay alive with it."""
    if not isinstance(obj, GitProvider):
        raise TypeError(f"register_git_provider takes a promote.GitProvider, not {type(obj).__name__}")
    reg = _Registration("git provider", name, obj, GitProvider, callbacks)

    def with_change(method: str, *args: Any) -> Callable[..., int]:
        def body(out: Any, *c_args: Any) -> int:
            answer = reg.call(method, *[convert(a) for convert, a in zip(args, c_args)])
            if answer is None and method == "find_change":
                return int(lib.promote_error_set_str(int(ErrorCode.ENOTFOUND), int(ErrorClass.PROVIDER),
                                                     b"no open change carries these labels"))
            return _answered(answer, lambda: _write_change(out, answer))
        return body

    def without_change(method: str, *args: Any) -> Callable[..., int]:
        def body(*c_args: Any) -> int:
            answer = reg.call(method, *[convert(a) for convert, a in zip(args, c_args)])
            return _answered(answer, lambda: None)
        return body

    text = _n.decode
    optional = _n.decode
    vtable = _n.promote_git_provider()
    lib.promote_git_provider_init(vtable, 1)
    vtable.open_change = reg.slot("open_change", _n.open_change_cb, with_change("open_change", _change_request))
    vtable.get_change = reg.slot("get_change", _n.get_change_cb, with_change("get_change", text))
    vtable.find_change = reg.slot("find_change", _n.find_change_cb, with_change("find_change", _change_request))
    vtable.merge_change = reg.slot("merge_change", _n.merge_change_cb, with_change("merge_change", text))
    vtable.comment_change = reg.slot("comment_change", _n.comment_change_cb,
                                     without_change("comment_change", text, text))
    vtable.close_change = reg.slot("close_change", _n.close_change_cb, without_change("close_change", text))
    vtable.approve_change = reg.slot("approve_change", _n.approve_change_cb,
                                     with_change("approve_change", text, optional))
    return vtable, reg


def deploy_backend_vtable(name: str, obj: DeployBackend, callbacks: _Callbacks) -> Tuple[Any, _Registration]:
    """The promote_deploy_backend of `obj`, and what must stay alive with it."""
    if not isinstance(obj, DeployBackend):
        raise TypeError(f"register_deploy_backend takes a promote.DeployBackend, not {type(obj).__name__}")
    reg = _Registration("deploy backend", name, obj, DeployBackend, callbacks)

    def deploy(method: str) -> Callable[..., int]:
        def body(out: Any, req: Any) -> int:
            answer = reg.call(method, _deploy_request(req))
            return _answered(answer, lambda: _write_deploy_status(out, answer))
        return body

    def workflow(method: str) -> Callable[..., int]:
        def body(out: Any, req: Any) -> int:
            answer = reg.call(method, _workflow_request(req))
            return _answered(answer, lambda: _write_workflow_status(out, answer))
        return body

    vtable = _n.promote_deploy_backend()
    lib.promote_deploy_backend_init(vtable, _n.DEPLOY_BACKEND_VERSION)
    vtable.sync = reg.slot("sync", _n.sync_cb, deploy("sync"))
    vtable.status = reg.slot("status", _n.status_cb, deploy("status"))
    vtable.run_workflow = reg.slot("run_workflow", _n.run_workflow_cb, workflow("run_workflow"))
    vtable.workflow_status = reg.slot("workflow_status", _n.workflow_status_cb, workflow("workflow_status"))
    vtable.abort = reg.slot("abort", _n.abort_cb, deploy("abort"))
    return vtable, reg
