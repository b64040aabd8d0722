"""promote.Context: one loaded configuration (promote.yaml)."""

from __future__ import annotations

import json
import os
import time
import weakref
from ctypes import byref, c_char_p, c_int, c_size_t
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple, TypeVar, Union, cast, overload

from . import _native as _n
from ._handle import OwnsHandle
from .errors import ErrorClass, ErrorCode, ErrorDetail, StateError, _enum_or_int
from .promotion import ApplyOutcome, Change, Imported, Plan, _change, _request
from .status import Status, _options as _status_options, _read as _read_status
from .sync import Synced, start_release as _sync_release, sync as _sync
from .drift import Drift, _options as _drift_options, _read as _read_drift
from .release import (Hold, Release, ReleaseEventCallback, ReleaseInfo, ReleaseState, _Events, _hold, _info,
                      _options as _release_options)
from .watch import WatchEventCallback, Watcher
from .providers import (DeployBackend, GitProvider, deploy_backend_vtable as _deploy_backend_vtable,
                        git_provider_vtable as _git_provider_vtable)
from .model import (FIELD_NAMES, Cluster, EffectivePolicy, Environment, Flow, FlowStep, LogLevel, NameArg, Policy,
                    PolicyField, Product, Repository, SshKey, TransferEvent, TransferKind, TransferPhase)

lib = _n.lib

# log(level, domain, message): a LogLevel (an int for a level newer than
# these bindings), the library's domain ("config", "git", ...) and the line.
LogCallback = Callable[[Union[LogLevel, int], Optional[str], Optional[str]], None]
# credentials(url, user_from_url, allowed): (user, password), an SshKey, or
# None for the environment variables; `allowed` is a mask of
# _native.CREDENTIAL_USERPASS / CREDENTIAL_SSH_KEY.
CredentialsCallback = Callable[[Optional[str], Optional[str], int], Union[Tuple[str, str], SshKey, None]]
# progress(event): the progress of a clone, fetch or push; None or False to go
# on, True to stop the transfer (CallbackError); what it raises stops it too.
ProgressCallback = Callable[[TransferEvent], Optional[bool]]
# clock(): the wall clock of releases, Unix seconds (an int, or a float cut to one).
ClockCallback = Callable[[], Union[int, float]]

_T = TypeVar("_T")

# Every open context, so that the library's atexit hook can free them before
# promote_shutdown() whatever order the interpreter runs its hooks in.
_live: weakref.WeakSet[Context] = weakref.WeakSet()


@overload
def _name_of(value: NameArg, what: str) -> bytes:
    ...


@overload
def _name_of(value: None, what: str) -> None:
    ...


@overload
def _name_of(value: Optional[NameArg], what: str) -> Optional[bytes]:
    ...


def _name_of(value: Optional[NameArg], what: str) -> Optional[bytes]:
    """A name given as a str, or as a model object that has one."""
    if value is None or isinstance(value, (str, bytes)):
        return _n.encode(value, what)
    # Anything else without a name: encode() says what was expected.
    name: Any = getattr(value, "name", value)
    return cast(bytes, _n.encode(name, what))


class _Callbacks:
    """What the C side of one context may call back into, kept alive as long as
    the C context lives (the finalizer holds it), and the first exception a
    callback raised: ctypes would print it and carry on, so the trampoline
    stores it and the Python call that triggered the callback re-raises it."""

    pending: Optional[BaseException]

    def __init__(self, log: Optional[LogCallback], credentials: Optional[CredentialsCallback] = None,
                 progress: Optional[ProgressCallback] = None, clock: Optional[ClockCallback] = None) -> None:
        self.pending = None
        # The registered Python providers' vtables and thunks (providers.py).
        self.registrations: List[Any] = []
        self._log = log
        self._credentials = credentials
        self._progress = progress
        self._clock = clock
        # The CFUNCTYPE objects must outlive every call the library makes
        # through them; they live on this object, which lives with the context.
        self.log_thunk = _n.promote_log_cb(self._log_trampoline) if log is not None else None
        self.credentials_thunk = (_n.promote_credential_cb(self._credentials_trampoline)
                                  if credentials is not None else None)
        self.event_thunk = _n.promote_event_cb(self._event_trampoline) if progress is not None else None
        self.clock_thunk = _n.promote_clock_cb(self._clock_trampoline) if clock is not None else None

    def _clock_trampoline(self, payload: Optional[int]) -> int:
        try:
            assert self._clock is not None  # the thunk exists only with a callback
            return int(self._clock())
        except BaseException as exc:  # noqa: B902 -- must never unwind into C
            # The clock cannot fail in C: the system's time, and the exception re-raised after the call.
            if self.pending is None:
                self.pending = exc
            return int(time.time())

    def _event_trampoline(self, event: _n.EventP, payload: Optional[int]) -> int:
        try:
            assert self._progress is not None  # the thunk exists only with a callback
            stop = self._progress(TransferEvent(
                kind=_enum_or_int(TransferKind, lib.promote_event_kind(event)),
                phase=_enum_or_int(TransferPhase, lib.promote_event_phase(event)),
                current=lib.promote_event_current(event),
                total=lib.promote_event_total(event),
                bytes=lib.promote_event_bytes(event),
                done=bool(lib.promote_event_done(event)),
                url=lib.promote_event_url(event),
            ))
            return 1 if stop else 0
        except BaseException as exc:  # noqa: B902 -- must never unwind into C
            if self.pending is None:
                self.pending = exc
            return int(ErrorCode.EUSER)

    def _credentials_trampoline(self, out: _n.CredentialP, url: Optional[bytes], user_from_url: Optional[bytes],
                                allowed: int, payload: Optional[int]) -> int:
        try:
            assert self._credentials is not None  # the thunk exists only with a callback
            answer = self._credentials(_n.decode(url), _n.decode(user_from_url), allowed)
            if answer is None:
                return int(ErrorCode.PASSTHROUGH)  # the environment variables
            if isinstance(answer, SshKey):
                lib.promote_credential_set_ssh_key(out, _n.encode(answer.user, "user"),
                                                   _n.encode(answer.public_key, "public_key"),
                                                   _n.encode(answer.private_key, "private_key"),
                                                   _n.encode(answer.passphrase, "passphrase"))
            else:
                user, password = answer
                lib.promote_credential_set_userpass(out, _n.encode(user, "user"), _n.encode(password, "password"))
            return 0
        except BaseException as exc:  # noqa: B902 -- must never unwind into C
            if self.pending is None:
                self.pending = exc
            return int(ErrorCode.EUSER)

    def _log_trampoline(self, level: int, domain: Optional[bytes], message: Optional[bytes],
                        payload: Optional[int]) -> None:
        try:
            assert self._log is not None  # the thunk exists only with a callback
            self._log(_enum_or_int(LogLevel, level), _n.decode(domain), _n.decode(message))
        except BaseException as exc:  # noqa: B902 -- must never unwind into C
            if self.pending is None:
                self.pending = exc

    def raise_pending(self) -> None:
        exc, self.pending = self.pending, None
        if exc is not None:
            raise exc


def _free_context(handle: _n.CtxP, callbacks: _Callbacks) -> None:
    # `callbacks` is only here to stay alive until the C context is gone.
    lib.promote_context_free(handle)


def _options(callbacks: _Callbacks, max_depth: Optional[int], max_config_size: Optional[int],
             max_alias_nodes: Optional[int], log_level: int, cache_dir: Optional[bytes] = None,
             net_timeout: Optional[int] = None) -> _n.promote_context_options:
    opts = _n.promote_context_options()
    lib.promote_context_options_init(byref(opts), _n.CONTEXT_OPTIONS_VERSION)
    _n.set_given(opts, max_depth=max_depth, max_config_size=max_config_size, max_alias_nodes=max_alias_nodes,
                 cache_dir=cache_dir, net_timeout=net_timeout)
    if callbacks.log_thunk is not None:
        opts.log_cb = callbacks.log_thunk
        opts.log_level = int(log_level)
    if callbacks.credentials_thunk is not None:
        opts.credentials_cb = callbacks.credentials_thunk
    if callbacks.event_thunk is not None:
        opts.event_cb = callbacks.event_thunk
    if callbacks.clock_thunk is not None:
        opts.clock_cb = callbacks.clock_thunk
    return opts


# ---- copying C objects out ---------------------------------------------------

def _repository(p: _n.RepoP) -> Repository:
    return Repository(
        name=lib.promote_repository_name(p),
        url=lib.promote_repository_url(p),
        provider=lib.promote_repository_provider(p),
        branch=lib.promote_repository_branch(p),
    )


def _environment(p: _n.EnvP) -> Environment:
    repo = lib.promote_env_repository(p)
    return Environment(
        name=lib.promote_env_name(p),
        path=lib.promote_env_path(p),
        kind=lib.promote_environment_kind_name(lib.promote_env_kind(p)),
        strategy=lib.promote_strategy_name(lib.promote_env_strategy(p)),
        deploy_mode=lib.promote_deploy_mode_name(lib.promote_env_deploy_mode(p)),
        repository=lib.promote_repository_name(repo) if repo else None,
        branch=lib.promote_env_branch(p),
        labels={lib.promote_env_label_key_at(p, i): lib.promote_env_label_value_at(p, i)
                for i in range(lib.promote_env_label_count(p))},
        clusters=[Cluster(lib.promote_env_cluster_name_at(p, i), lib.promote_env_cluster_namespace_at(p, i))
                  for i in range(lib.promote_env_cluster_count(p))],
        deploy_backend=lib.promote_env_deploy_backend(p),
    )


def _product(p: _n.ProductP) -> Product:
    version_file = lib.promote_product_version_file(p)
    return Product(
        name=lib.promote_product_name(p),
        path=lib.promote_product_path(p),
        discovery=bool(lib.promote_product_is_discovery(p)),
        template=lib.promote_product_template_name(p),
        files=[lib.promote_product_file_at(p, i) for i in range(lib.promote_product_file_count(p))],
        attributes=[(lib.promote_product_attribute_file_at(p, i), lib.promote_product_attribute_path_at(p, i))
                    for i in range(lib.promote_product_attribute_count(p))],
        version=(version_file, lib.promote_product_version_path(p)) if version_file is not None else None,
        flows=[lib.promote_product_flow_at(p, i) for i in range(lib.promote_product_flow_count(p))],
    )


def _policy(p: _n.PolicyP) -> Policy:
    sets = frozenset(FIELD_NAMES[f] for f in PolicyField if lib.promote_policy_sets(p, f))
    kind = lib.promote_policy_match_kind(p)
    return Policy(
        name=lib.promote_policy_name(p),
        priority=lib.promote_policy_priority(p),
        inline=bool(lib.promote_policy_is_inline(p)),
        action=lib.promote_action_name(lib.promote_policy_action(p)) if "action" in sets else None,
        pre=[lib.promote_policy_pre_at(p, i) for i in range(lib.promote_policy_pre_count(p))],
        post=[lib.promote_policy_post_at(p, i) for i in range(lib.promote_policy_post_count(p))],
        sets=sets,
        match_products=[lib.promote_policy_match_product_at(p, i)
                        for i in range(lib.promote_policy_match_product_count(p))],
        match_environments=[lib.promote_policy_match_env_at(p, i)
                            for i in range(lib.promote_policy_match_env_count(p))],
        match_kind=lib.promote_environment_kind_name(kind) if kind >= 0 else None,
        match_labels={lib.promote_policy_match_label_key_at(p, i): lib.promote_policy_match_label_value_at(p, i)
                      for i in range(lib.promote_policy_match_label_count(p))},
    )


def _step(s: _n.StepP) -> FlowStep:
    policy = lib.promote_flow_step_policy(s)
    return FlowStep(
        environment=lib.promote_env_name(lib.promote_flow_step_env(s)),
        depends_on=[lib.promote_env_name(lib.promote_flow_step_dependency_at(s, i))
                    for i in range(lib.promote_flow_step_dependency_count(s))],
        wave=lib.promote_flow_step_wave(s),
        policy=lib.promote_policy_name(policy) if policy else None,
        inline_policy=_policy(policy) if policy else None,
    )


def _flow(f: _n.FlowP) -> Flow:
    return Flow(
        name=lib.promote_flow_name(f),
        trigger=lib.promote_env_name(lib.promote_flow_trigger(f)),
        steps=[_step(lib.promote_flow_step_at(f, i)) for i in range(lib.promote_flow_step_count(f))],
        waves=[[lib.promote_env_name(lib.promote_flow_step_env(lib.promote_flow_wave_step_at(f, w, i)))
                for i in range(lib.promote_flow_wave_size(f, w))]
               for w in range(lib.promote_flow_wave_count(f))],
        timeout=lib.promote_flow_timeout(f),
        retries=lib.promote_flow_retries(f),
    )


def _effective(e: _n.EffP, product: str, environment: str, flow: Optional[str]) -> EffectivePolicy:
    return EffectivePolicy(
        product=product,
        environment=environment,
        flow=flow,
        action=lib.promote_action_name(lib.promote_effective_policy_action(e)),
        pre=[lib.promote_effective_policy_pre_at(e, i) for i in range(lib.promote_effective_policy_pre_count(e))],
        post=[lib.promote_effective_policy_post_at(e, i)
              for i in range(lib.promote_effective_policy_post_count(e))],
        sources={FIELD_NAMES[f]: (lib.promote_policy_name(p) if p else None)
                 for f in PolicyField for p in (lib.promote_effective_policy_source(e, f),)},
        matches=[lib.promote_policy_name(lib.promote_effective_policy_match_at(e, i))
                 for i in range(lib.promote_effective_policy_match_count(e))],
    )


# ---- the context ---------------------------------------------------------------

class Context(OwnsHandle):
    """One loaded configuration.

    Open one with :meth:`from_file`, :meth:`from_string` or
    :meth:`from_repository`; loading validates everything and raises a
    :class:`~promote.errors.ConfigError` whose ``.errors`` lists every
    problem. Use it as a context manager or call :meth:`close` (idempotent);
    a forgotten context is freed when it is garbage-collected.

    The objects it returns (environments, products, policies, flows,
    effective policies) are copies: they stay valid after the context is
    closed. A context is used by one thread at a time.

    Keyword options of the constructors: ``max_depth``, ``max_config_size``,
    ``max_alias_nodes`` (the loader's bounds; None = the library's default),
    ``log`` (a callable ``log(level, domain, message)`` receiving the
    library's log lines) and ``log_level`` (the most verbose
    :class:`~promote.LogLevel` delivered; default INFO). An exception raised
    by ``log`` is re-raised by the call that logged. :meth:`from_file` and
    :meth:`from_repository` also take ``progress``, a callable
    ``progress(event)`` receiving a :class:`~promote.TransferEvent` for the
    progress of every clone, fetch and push with a remote (rate-limited by
    the library: the first and last event of each phase, at most ten a
    second between); it returns None to go on, True to stop the transfer
    (:class:`~promote.CallbackError`), and what it raises stops it too and is
    re-raised by the call that ran the transfer.
    """

    _handle: _n.CtxP
    _callbacks: _Callbacks

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("open a context with Context.from_file(), Context.from_string() or "
                        "Context.from_repository()")

    @classmethod
    def _open(cls, opener: Callable[..., int], args: Tuple[Any, ...], max_depth: Optional[int],
              max_config_size: Optional[int], max_alias_nodes: Optional[int], log: Optional[LogCallback],
              log_level: int, credentials: Optional[CredentialsCallback] = None,
              cache_dir: Optional[bytes] = None, progress: Optional[ProgressCallback] = None,
              net_timeout: Optional[int] = None, clock: Optional[ClockCallback] = None) -> Context:
        callbacks = _Callbacks(log, credentials, progress, clock)
        opts = _options(callbacks, max_depth, max_config_size, max_alias_nodes, log_level, cache_dir, net_timeout)
        handle = _n.ctx_p()
        try:
            opener(byref(handle), *args, byref(opts))
        except Exception as exc:
            if callbacks.pending is not None:
                exc.__cause__ = callbacks.pending
            raise
        self = object.__new__(cls)
        self._handle = handle
        self._callbacks = callbacks
        self._finalizer = weakref.finalize(self, _free_context, handle, callbacks)
        _live.add(self)
        if callbacks.pending is not None:
            self.close()
            callbacks.raise_pending()
        return self

    @classmethod
    def from_file(cls, path: _n.StrArg, *, max_depth: Optional[int] = None, max_config_size: Optional[int] = None,
                  max_alias_nodes: Optional[int] = None, log: Optional[LogCallback] = None,
                  log_level: int = LogLevel.INFO, progress: Optional[ProgressCallback] = None,
                  net_timeout: Optional[int] = None, clock: Optional[ClockCallback] = None) -> Context:
        """Load the configuration file at `path`. In an ordinary clone, its
        remote is what promotions read and write (:attr:`remote_name`), with
        `net_timeout` and `clock` as for :meth:`from_repository`."""
        return cls._open(lib.promote_context_open_file, (_n.encode(os.fspath(path), "path"),), max_depth,
                         max_config_size, max_alias_nodes, log, log_level, progress=progress,
                         net_timeout=net_timeout, clock=clock)

    @classmethod
    def from_string(cls, text: Union[str, bytes, bytearray, memoryview], name: Optional[str] = None, *,
                    max_depth: Optional[int] = None, max_config_size: Optional[int] = None,
                    max_alias_nodes: Optional[int] = None, log: Optional[LogCallback] = None,
                    log_level: int = LogLevel.INFO) -> Context:
        """Load a configuration from `text` (str or bytes); `name` is used in
        messages instead of a file name (default "<buffer>")."""
        if isinstance(text, str):
            data = text.encode("utf-8")
        elif isinstance(text, (bytes, bytearray, memoryview)):
            data = bytes(text)
        else:
            raise TypeError("text must be str or bytes, not %s" % type(text).__name__)
        return cls._open(lib.promote_context_open_buffer, (data, len(data), _n.encode(name, "name")),
                         max_depth, max_config_size, max_alias_nodes, log, log_level)

    @classmethod
    def from_repository(cls, path: _n.StrArg, config_path: Optional[str] = None, *, max_depth: Optional[int] = None,
                        max_config_size: Optional[int] = None, max_alias_nodes: Optional[int] = None,
                        log: Optional[LogCallback] = None, log_level: int = LogLevel.INFO,
                        credentials: Optional[CredentialsCallback] = None,
                        cache_dir: Optional[_n.StrArg] = None,
                        progress: Optional[ProgressCallback] = None,
                        net_timeout: Optional[int] = None, clock: Optional[ClockCallback] = None) -> Context:
        """Load `config_path` (default "promote.yaml") from HEAD of the git
        repository at `path` -- what is committed, not the work tree -- or of
        a remote URL, mirrored in `cache_dir` (default: $PROMOTE_CACHE_DIR,
        else ~/.cache/promote).

        `credentials`, when given, is asked when a remote wants credentials:
        ``credentials(url, user_from_url, allowed)`` returns ``(user,
        password)``, a :class:`promote.SshKey`, or None for the environment
        variables; what it raises is re-raised by the call that connected.

        `net_timeout`: seconds a fetch, clone or push may wait for a
        connection, and then without data, before it fails with
        :class:`promote.TimedOutError` (default: $PROMOTE_NET_TIMEOUT, else
        30).

        `clock`, when given, is the wall clock of releases: ``clock()``
        returns Unix seconds (the record's times, timeouts, freeze windows,
        soak follow it); what it raises is re-raised after the call that
        asked, which used the system's time meanwhile."""
        return cls._open(lib.promote_context_open_repository,
                         (_n.encode(os.fspath(path), "path"), _n.encode(config_path, "config_path")),
                         max_depth, max_config_size, max_alias_nodes, log, log_level, credentials,
                         _n.encode(os.fspath(cache_dir), "cache_dir") if cache_dir is not None else None,
                         progress, net_timeout, clock)

    # -- lifetime (close, closed, with: OwnsHandle)

    def _check_open(self) -> None:
        self._ctx()

    def __repr__(self) -> str:
        if self.closed:
            return "<promote.Context (closed)>"
        return "<promote.Context source=%r>" % self.source

    def _ctx(self) -> _n.CtxP:
        if not self._finalizer.alive:
            raise StateError("the context is closed; open a new one", code=ErrorCode.ESTATE,
                             klass=ErrorClass.INVALID)
        return self._handle

    def _call(self, func: Callable[..., _T], *args: Any) -> _T:
        """A fallible call that may log: re-raise what a callback raised."""
        try:
            return func(*args)
        finally:
            self._callbacks.raise_pending()

    def check(self) -> List[ErrorDetail]:
        """What opening could not check (``promote_context_check``): raises
        ConfigError for a git provider or deploy backend that is neither built
        in nor registered; returns the warnings, such as a template glob that
        matches no file in the trigger environment, each with its location."""
        out = _n.warnings_p()
        self._call(lib.promote_context_check, byref(out), self._ctx())
        try:
            return [_n.error_records(lib.promote_warnings_at(out, i))[0]
                    for i in range(lib.promote_warnings_count(out))]
        finally:
            lib.promote_warnings_free(out)

    def doctor(self, fix: bool = False) -> List[ErrorDetail]:
        """The lock files a killed git or promote left in the repository
        promotions write (``promote_context_doctor``), each with its ``file``
        and a message saying its age; ``fix``: the stale ones are removed
        (code 0 then; PROMOTE_EBUSY for one that stays in the way)."""
        out = _n.warnings_p()
        in_the_way = c_size_t(0)
        self._call(lib.promote_context_doctor, byref(out), byref(in_the_way), self._ctx(),
                   _n.DOCTOR_FIX if fix else 0)
        try:
            return [_n.error_records(lib.promote_warnings_at(out, i))[0]
                    for i in range(lib.promote_warnings_count(out))]
        finally:
            lib.promote_warnings_free(out)

    # -- what is configured

    @property
    def source(self) -> str:
        """The name the configuration was loaded from, as used in messages."""
        return cast(str, lib.promote_context_source(self._ctx()))

    @property
    def repository_path(self) -> Optional[str]:
        """The git repository on disk that plans read and apply writes (for a
        remote, its mirror in the cache); None when there is none."""
        return cast(Optional[str], lib.promote_context_repository_path(self._ctx()))

    @property
    def remote_name(self) -> Optional[str]:
        """The remote ("origin") of the ordinary clone holding the
        configuration file that promotions go to; None when the repository is
        no clone's remote (a bare repository, a clone without remotes, a
        context from a repository or a string)."""
        return cast(Optional[str], lib.promote_context_remote_name(self._ctx()))

    @property
    def repositories(self) -> List[Repository]:
        c = self._ctx()
        return [_repository(lib.promote_repository_at(c, i)) for i in range(lib.promote_repository_count(c))]

    @property
    def environments(self) -> List[Environment]:
        """Environments in declaration order."""
        c = self._ctx()
        return [_environment(lib.promote_env_at(c, i)) for i in range(lib.promote_env_count(c))]

    @property
    def products(self) -> List[Product]:
        c = self._ctx()
        return [_product(lib.promote_product_at(c, i)) for i in range(lib.promote_product_count(c))]

    @property
    def policies(self) -> List[Policy]:
        """Top-level policies in declaration order (inline step policies are on their FlowStep)."""
        c = self._ctx()
        return [_policy(lib.promote_policy_at(c, i)) for i in range(lib.promote_policy_count(c))]

    @property
    def flows(self) -> List[Flow]:
        c = self._ctx()
        return [_flow(lib.promote_flow_at(c, i)) for i in range(lib.promote_flow_count(c))]

    @property
    def git_providers(self) -> List[str]:
        """Names of the registered git providers, in registration order."""
        c = self._ctx()
        return [lib.promote_git_provider_name_at(c, i) for i in range(lib.promote_git_provider_count(c))]

    @property
    def deploy_backends(self) -> List[str]:
        """Names of the registered deploy backends, in registration order."""
        c = self._ctx()
        return [lib.promote_deploy_backend_name_at(c, i) for i in range(lib.promote_deploy_backend_count(c))]

    def register_git_provider(self, name: str, provider: GitProvider) -> None:
        """Register `provider` (a :class:`GitProvider` subclass's instance) under
        `name`, the name ``promote.yaml`` gives a repository's ``provider``:
        releases, applies and change commands on this context then ask it.
        Under ``local`` it stands in front of the built-in provider
        (:data:`PASSTHROUGH`). ExistsError when the name is taken."""
        vtable, registration = _git_provider_vtable(name, provider, self._callbacks)
        lib.promote_git_provider_register(self._ctx(), _n.encode(name, "name"), byref(vtable), None)
        self._callbacks.registrations.append(registration)

    def register_deploy_backend(self, name: str, backend: DeployBackend) -> None:
        """Register `backend` (a :class:`DeployBackend` subclass's instance) under
        `name`, the name an environment's ``deploy.backend`` gives. ExistsError
        when the name is taken."""
        vtable, registration = _deploy_backend_vtable(name, backend, self._callbacks)
        lib.promote_deploy_backend_register(self._ctx(), _n.encode(name, "name"), byref(vtable), None)
        self._callbacks.registrations.append(registration)

    # -- lookups: NotFoundError (with a "did you mean") when absent

    def repository(self, name: NameArg) -> Repository:
        out = _n.repo_p()
        self._call(lib.promote_repository_lookup, byref(out), self._ctx(), _name_of(name, "name"))
        return _repository(out)

    def environment(self, name: NameArg) -> Environment:
        out = _n.env_p()
        self._call(lib.promote_env_lookup, byref(out), self._ctx(), _name_of(name, "name"))
        return _environment(out)

    def product(self, name: NameArg) -> Product:
        """A configured product, by exact name (no discovery)."""
        out = _n.product_p()
        self._call(lib.promote_product_lookup, byref(out), self._ctx(), _name_of(name, "name"))
        return _product(out)

    def policy(self, name: NameArg) -> Policy:
        """A top-level policy by name."""
        out = _n.policy_p()
        self._call(lib.promote_policy_lookup, byref(out), self._ctx(), _name_of(name, "name"))
        return _policy(out)

    def flow(self, name: Optional[NameArg] = None) -> Flow:
        """The flow `name`; with None, the flow named "default", else the only flow."""
        out = _n.flow_p()
        self._call(lib.promote_flow_lookup, byref(out), self._ctx(), _name_of(name, "name"))
        return _flow(out)

    def flow_step(self, environment: NameArg, flow: Optional[NameArg] = None) -> FlowStep:
        """The step of `flow` (as for :meth:`flow`) that promotes into `environment`."""
        f = _n.flow_p()
        self._call(lib.promote_flow_lookup, byref(f), self._ctx(), _name_of(flow, "flow"))
        out = _n.step_p()
        self._call(lib.promote_flow_step_lookup, byref(out), f, _name_of(environment, "environment"))
        return _step(out)

    # -- policies

    def policy_matches(self, policy: NameArg, product: NameArg, environment: NameArg) -> bool:
        """Whether top-level `policy`'s match selects (`product`, `environment`)."""
        c = self._ctx()
        p = _n.policy_p()
        self._call(lib.promote_policy_lookup, byref(p), c, _name_of(policy, "policy"))
        e = _n.env_p()
        self._call(lib.promote_env_lookup, byref(e), c, _name_of(environment, "environment"))
        return bool(lib.promote_policy_matches(p, _name_of(product, "product"), e))

    def resolve_policy(self, product: NameArg, environment: NameArg, flow: Optional[NameArg] = None
                       ) -> EffectivePolicy:
        """The effective policy for promoting `product` into `environment`, as
        step `environment` of `flow` (None: outside any flow, so no step
        policy). Every field says which policy supplied it."""
        product_b = _name_of(product, "product")
        env_b = _name_of(environment, "environment")
        flow_b = _name_of(flow, "flow")
        out = _n.eff_p()
        self._call(lib.promote_policy_resolve, byref(out), self._ctx(), product_b, env_b, flow_b)
        try:
            return _effective(out, _n.decode(product_b), _n.decode(env_b), _n.decode(flow_b))
        finally:
            lib.promote_effective_policy_free(out)

    # -- promotions (they read the context's repository)

    def plan(self, product: NameArg, to: NameArg, from_: Optional[NameArg] = None, version: Optional[str] = None
             ) -> Plan:
        """Plan promoting `product` into environment `to` (from `from_`, default:
        what `to` depends on in the default flow; at `version`, default: the
        source's). Returns a :class:`~promote.Plan`; nothing is written."""
        opts = _n.promote_plan_options()
        lib.promote_plan_options_init(byref(opts), _n.PLAN_OPTIONS_VERSION)
        _n.set_given(opts, from_=_name_of(from_, "from_"), set_version=_n.encode(version, "version"))
        out = _n.plan_p()
        self._call(lib.promote_plan_create, byref(out), self._ctx(), _name_of(product, "product"),
                   _name_of(to, "to"), byref(opts))
        return Plan._wrap(out, self)

    def sync(self, to: NameArg, from_: Optional[NameArg] = None, *, update_only: bool = False,
             only: Iterable[str] = (), exclude: Iterable[str] = (), products: Iterable[str] = (),
             dry_run: bool = False) -> Synced:
        """One change making `to` hold every product of `from_` (default: what
        `to` follows in the default flow) at its version: products `to` has
        are updated, products it lacks added (not with `update_only`); `only`
        and `exclude` are globs of product names, `products` exact names.
        One commit, or one change request when `to`'s policy or strategy asks
        for one (promote_sync_create + promote_sync_apply). With `dry_run`
        nothing is written. Running it again changes nothing. Not recorded as
        a release: :meth:`sync_release` is what ``promote sync`` does."""
        return _sync(self, _name_of(to, "to"), _name_of(from_, "from_"), update_only=update_only, only=only,
                     exclude=exclude, products=products, dry_run=dry_run)

    def sync_release(self, to: NameArg, from_: Optional[NameArg] = None, *, update_only: bool = False,
                     only: Iterable[str] = (), exclude: Iterable[str] = (), products: Iterable[str] = (),
                     events: Optional[ReleaseEventCallback] = None, author_name: Optional[str] = None,
                     author_email: Optional[str] = None) -> Optional[Release]:
        """The sync of :meth:`sync` as a release of one step (flow "sync"), as
        ``promote sync`` makes it: recorded, with the policy's checks, the
        approval of a manual target, the deploy (promote_sync_release). An
        unfinished sync release of the same two environments is returned
        instead of a second one; None when there is nothing to write. Advance
        it with :meth:`Release.run`."""
        callbacks = _Events(events)
        opts = _release_options(callbacks, author_name, author_email)
        out = _sync_release(self, _name_of(to, "to"), _name_of(from_, "from_"), update_only=update_only, only=only,
                            exclude=exclude, products=products, release_options=opts,
                            call=lambda f, *args: self._call_with(callbacks, f, *args))
        return Release._wrap(out, self, callbacks, opts) if out is not None else None

    def discover_products(self, environment: Optional[NameArg] = None) -> List[str]:
        """The products `environment` (default: the default flow's trigger) holds
        on its branch: configured ones whose folder is there and discovered ones."""
        out = _n.promote_strarray()
        self._call(lib.promote_product_discover, byref(out), self._ctx(), _name_of(environment, "environment"))
        return _n.take_strarray(out)

    # -- change requests, at a git provider (None: the first repository's; "local" by default)

    def open_change(self, head: str, base: str, *, title: Optional[str] = None, body: Optional[str] = None,
                    labels: Iterable[str] = (), environments: Iterable[str] = (), draft: bool = False,
                    provider: Optional[str] = None) -> Change:
        """Open a change request merging branch `head` into `base`, or return the
        open one for `head` (its ``reused`` is True): never a second."""
        req = _request(head, base, title, body, labels, environments, draft)
        try:
            out = _n.info_p()
            self._call(lib.promote_change_open, byref(out), self._ctx(), _n.encode(provider, "provider"), req)
            return _change(out)
        finally:
            lib.promote_change_request_free(req)

    def find_change(self, labels: Iterable[str], *, provider: Optional[str] = None) -> Change:
        """The open change carrying every label; NotFoundError when none does."""
        req = _request("-", "-", None, None, labels, (), False)
        try:
            out = _n.info_p()
            self._call(lib.promote_change_find, byref(out), self._ctx(), _n.encode(provider, "provider"), req)
            return _change(out)
        finally:
            lib.promote_change_request_free(req)

    def get_change(self, id: str, *, provider: Optional[str] = None) -> Change:
        out = _n.info_p()
        self._call(lib.promote_change_get, byref(out), self._ctx(), _n.encode(provider, "provider"),
                   _n.encode(id, "id"))
        return _change(out)

    def approve_change(self, id: str, by: Optional[str] = None, *, provider: Optional[str] = None) -> Change:
        """Record an approval by `by`; a draft approved is ready to merge."""
        out = _n.info_p()
        self._call(lib.promote_change_approve, byref(out), self._ctx(), _n.encode(provider, "provider"),
                   _n.encode(id, "id"), _n.encode(by, "by"))
        return _change(out)

    def merge_change(self, id: str, *, provider: Optional[str] = None) -> Change:
        """Merge it: a fast-forward, or a merge commit when the base moved."""
        out = _n.info_p()
        self._call(lib.promote_change_merge, byref(out), self._ctx(), _n.encode(provider, "provider"),
                   _n.encode(id, "id"))
        return _change(out)

    def comment_change(self, id: str, text: str, *, provider: Optional[str] = None) -> None:
        self._call(lib.promote_change_comment, self._ctx(), _n.encode(provider, "provider"), _n.encode(id, "id"),
                   _n.encode(text, "text"))

    def close_change(self, id: str, *, provider: Optional[str] = None) -> None:
        self._call(lib.promote_change_close, self._ctx(), _n.encode(provider, "provider"), _n.encode(id, "id"))

    # -- releases (recorded in the context's repository, refs/promote/releases/ID)

    def run(self, product: NameArg, version: Optional[str] = None, flow: Optional[NameArg] = None, group: bool = True,
            events: Optional[ReleaseEventCallback] = None, *, author_name: Optional[str] = None,
            author_email: Optional[str] = None) -> Release:
        """Start a release of `product` through `flow` (None: the product's
        ``flows``, else "default"); with `version`, the trigger environment's
        version is set to it first. Its record is written, nothing else yet:
        advance it with :meth:`Release.run` or :meth:`Release.poll`. `group`
        False gives every step its own commit or change request. `events`
        receives a :class:`~promote.ReleaseEvent` after every transition."""
        callbacks = _Events(events)
        opts = _release_options(callbacks, author_name, author_email, flow=_name_of(flow, "flow"),
                                set_version=_n.encode(version, "version"), no_group=0 if group else 1)
        out = _n.release_p()
        self._call_with(callbacks, lib.promote_release_start, byref(out), self._ctx(), _name_of(product, "product"),
                        byref(opts))
        return Release._wrap(out, self, callbacks, opts)

    def apply(self, product: NameArg, to: NameArg, from_: Optional[NameArg] = None, version: Optional[str] = None,
              *, force: bool = False, reason: Optional[str] = None, events: Optional[ReleaseEventCallback] = None,
              author_name: Optional[str] = None, author_email: Optional[str] = None) -> Release:
        """Start a one-step release (flow "manual") promoting `product` into
        `to`, as ``promote apply`` does. A version the environments upstream of
        `to` do not hold is refused (:class:`~promote.StateError`, naming them)
        unless `force` with a `reason` (recorded) or it is a rollback."""
        callbacks = _Events(events)
        opts = _release_options(callbacks, author_name, author_email, to=_name_of(to, "to"),
                                from_=_name_of(from_, "from_"), set_version=_n.encode(version, "version"),
                                force=1 if force else 0, reason=_n.encode(reason, "reason"))
        out = _n.release_p()
        self._call_with(callbacks, lib.promote_release_start, byref(out), self._ctx(), _name_of(product, "product"),
                        byref(opts))
        return Release._wrap(out, self, callbacks, opts)

    def release(self, id: str, events: Optional[ReleaseEventCallback] = None, *, author_name: Optional[str] = None,
                author_email: Optional[str] = None) -> Release:
        """Open the release `id` (its latest record); NotFoundError if none."""
        callbacks = _Events(events)
        opts = _release_options(callbacks, author_name, author_email)
        out = _n.release_p()
        self._call_with(callbacks, lib.promote_release_open, byref(out), self._ctx(), _n.encode(id, "id"), byref(opts))
        return Release._wrap(out, self, callbacks, opts)

    def watcher(self, events: Optional[ReleaseEventCallback] = None,
                watch_events: Optional[WatchEventCallback] = None, *, group: bool = True,
                author_name: Optional[str] = None, author_email: Optional[str] = None) -> Watcher:
        """A :class:`~promote.Watcher` of this context's repository: passes
        that start a release of every product whose version changed in a
        flow's trigger environment and advance every open release, as
        ``promote watch`` does. `events` receives every release's
        :class:`~promote.ReleaseEvent`, `watch_events` each
        :class:`~promote.WatchEvent` of the passes."""
        return Watcher._new(self, events, watch_events, group, author_name, author_email)

    def releases(self, product: Optional[NameArg] = None, state: Optional[Union[ReleaseState, str]] = None,
                 limit: int = 0) -> List[ReleaseInfo]:
        """The releases recorded in the repository, newest first: of `product`
        only, in `state` only (a ReleaseState or its name), at most `limit` (0: all)."""
        if isinstance(state, str):
            try:
                state = ReleaseState[state.upper()]
            except KeyError:
                raise ValueError("state must be one of %s, not %r"
                                 % (", ".join(s.name.lower() for s in ReleaseState), state)) from None
        opts = _n.promote_release_list_options()
        lib.promote_release_list_options_init(byref(opts), _n.RELEASE_LIST_OPTIONS_VERSION)
        _n.set_given(opts, product=_name_of(product, "product"), state=None if state is None else int(state),
                     limit=int(limit))
        out = _n.rlist_p()
        self._call(lib.promote_release_list_new, byref(out), self._ctx(), byref(opts))
        try:
            return [_info(lib.promote_release_list_at(out, i)) for i in range(lib.promote_release_list_count(out))]
        finally:
            lib.promote_release_list_free(out)

    def _status(self, product: Optional[str], env: Optional[NameArg]) -> Any:
        opts = _status_options(None if product is None else _n.encode(product, "product"), _name_of(env, "env"))
        out = _n.status_p()
        self._call(lib.promote_status_new, byref(out), self._ctx(), byref(opts))
        return out

    def status(self, product: Optional[str] = None, env: Optional[NameArg] = None) -> Status:
        """Every product in every environment: the version there and the open
        release moving it (promote_status_new). `product`: a glob of product
        names ("app-0*"); `env`: that environment only."""
        st = self._status(product, env)
        try:
            return _read_status(st)
        finally:
            lib.promote_status_free(st)

    def status_json(self, product: Optional[str] = None, env: Optional[NameArg] = None) -> Dict[str, Any]:
        """The same as the library's JSON document (promote_status_to_json), parsed."""
        return self._json(self._status(product, env), lib.promote_status_to_json, lib.promote_status_free)

    def _drift(self, a: Optional[NameArg], b: Optional[NameArg], product: Optional[str]) -> Any:
        opts = _drift_options(None if product is None else _n.encode(product, "product"), _name_of(a, "a"),
                              _name_of(b, "b"))
        out = _n.drift_p()
        self._call(lib.promote_drift_new, byref(out), self._ctx(), byref(opts))
        return out

    def drift(self, a: Optional[NameArg] = None, b: Optional[NameArg] = None, product: Optional[str] = None) -> Drift:
        """Where every product stands in environment `b` against `a` (both or
        neither: then every edge of the default flow), promote_drift_new.
        `product`: a glob of product names."""
        d = self._drift(a, b, product)
        try:
            return _read_drift(d)
        finally:
            lib.promote_drift_free(d)

    def drift_json(self, a: Optional[NameArg] = None, b: Optional[NameArg] = None,
                   product: Optional[str] = None) -> Dict[str, Any]:
        """The same as the library's JSON document (promote_drift_to_json), parsed."""
        return self._json(self._drift(a, b, product), lib.promote_drift_to_json, lib.promote_drift_free)

    def _json(self, handle: Any, to_json: Any, free: Any) -> Dict[str, Any]:
        """The JSON document `to_json` writes of `handle` (a snapshot: status, drift), parsed; `handle`
        freed with `free` in any case."""
        try:
            buf = _n.promote_buf()
            self._call(to_json, byref(buf), handle)
            return cast(Dict[str, Any], json.loads(_n.decode(_n.take_buf(buf)) or "null"))
        finally:
            free(handle)

    def hold(self, env: NameArg, reason: str, product: Optional[NameArg] = None, by: Optional[str] = None) -> None:
        """Hold the automatic steps into `env` (of `product` only, when given)
        with `reason`, as `by` (None: the author git finds for commits).
        Recorded in the repository (refs/promote/holds), so every process
        sees it; a hold of the same environment and product is replaced."""
        self._call(lib.promote_hold_add, self._ctx(), _name_of(env, "env"), _name_of(product, "product"),
                   _n.encode(reason, "reason"), _n.encode(by, "by"))

    def import_environment(self, name: str, from_: NameArg, *, path: Optional[str] = None,
                           namespace: Optional[str] = None, only: Iterable[str] = (), kind: Optional[str] = None,
                           strategy: Optional[str] = None, labels: Optional[Dict[str, str]] = None,
                           author_name: Optional[str] = None, author_email: Optional[str] = None) -> Imported:
        """Make environment `name` from `from_` in one commit (promote_env_import,
        doc/IMPORT.md): its folder (`path`; default: the source's with its last
        component replaced) holds the source's files (those the `only` globs
        select), the namespace rewritten (`namespace`; default: the source's with
        its name replaced, else `name`); promote.yaml gets the environment with
        `kind` ("production" | "non-production"; default: the source's),
        `strategy` ("auto" | "manual" | "never"; default manual) and `labels`
        (default: the source's). AlreadyExistsError when it is configured or its
        folder exists — unless this very import made it: then UNCHANGED."""
        kinds, strategies = ("non-production", "production"), ("auto", "manual", "never")
        if kind is not None and kind not in kinds:
            raise ValueError("kind must be 'non-production' or 'production', not %r" % (kind,))
        if strategy is not None and strategy not in strategies:
            raise ValueError("strategy must be 'auto', 'manual' or 'never', not %r" % (strategy,))
        opts = _n.promote_env_import_options()
        lib.promote_env_import_options_init(byref(opts), _n.ENV_IMPORT_OPTIONS_VERSION)
        globs = [_n.encode(g, "only") for g in only]
        pairs = [_n.encode("%s=%s" % (k, v), "labels") for k, v in (labels or {}).items()]
        only_array = (c_char_p * max(len(globs), 1))(*globs)
        label_array = (c_char_p * max(len(pairs), 1))(*pairs)
        _n.set_given(opts, path=_n.encode(path, "path"), target_namespace=_n.encode(namespace, "namespace"),
                     author_name=_n.encode(author_name, "author_name"),
                     author_email=_n.encode(author_email, "author_email"),
                     kind=None if kind is None else kinds.index(kind),
                     strategy=None if strategy is None else strategies.index(strategy))
        opts.only, opts.only_count = only_array, len(globs)
        opts.labels, opts.label_count = label_array, len(pairs)
        buf, outcome = _n.promote_buf(), c_int(0)
        self._call(lib.promote_env_import, byref(buf), byref(outcome), self._ctx(), _n.encode(name, "name"),
                   _name_of(from_, "from_"), byref(opts))
        return Imported(ApplyOutcome(outcome.value), _n.decode(_n.take_buf(buf)))

    def unhold(self, env: NameArg, product: Optional[NameArg] = None, by: Optional[str] = None) -> int:
        """Lift the hold of `env` (and `product`; with a product, its rollback
        pin too); returns how many entries went. NotFoundError when there was none."""
        removed = c_size_t(0)
        self._call(lib.promote_hold_remove, byref(removed), self._ctx(), _name_of(env, "env"),
                   _name_of(product, "product"), _n.encode(by, "by"))
        return removed.value

    def holds(self) -> List[Hold]:
        """The holds and rollback pins recorded in the repository, oldest first."""
        out = _n.hlist_p()
        self._call(lib.promote_hold_list_new, byref(out), self._ctx())
        try:
            return [_hold(lib.promote_hold_list_at(out, i)) for i in range(lib.promote_hold_list_count(out))]
        finally:
            lib.promote_hold_list_free(out)

    def rollback(self, product: NameArg, env: NameArg, version: Optional[str] = None, *,
                 events: Optional[ReleaseEventCallback] = None, author_name: Optional[str] = None,
                 author_email: Optional[str] = None) -> Release:
        """Start a one-step release promoting `version` of `product` back into
        `env` (None: the version before the current one, from the release
        history) and pin it there: automatic releases of the product into
        `env` wait until :meth:`unhold` with the product, or until a person
        applies a version there. Advance the release as any other."""
        callbacks = _Events(events)
        opts = _release_options(callbacks, author_name, author_email)
        out = _n.release_p()
        self._call_with(callbacks, lib.promote_release_rollback, byref(out), self._ctx(),
                        _name_of(product, "product"), _name_of(env, "env"), _n.encode(version, "version"),
                        byref(opts))
        return Release._wrap(out, self, callbacks, opts)

    def _call_with(self, callbacks: _Events, func: Callable[..., _T], *args: Any) -> _T:
        """A call that may tell a release's events: re-raise what its callback raised."""
        try:
            return self._call(func, *args)
        finally:
            callbacks.raise_pending()
