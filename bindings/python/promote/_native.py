"""The ctypes layer: loading libpromote, the mirrored C structs and the one
declaration table that gives every exported function its argtypes, restype
and errcheck.

Nothing here is public API; ``promote`` builds on it. Tests reach in to
check the layout and the table against the C headers.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import pathlib
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char, c_char_p, c_int, c_int32, c_int64, c_size_t,
                    c_uint, c_uint32, c_uint64, c_void_p)
from typing import TYPE_CHECKING, Any, Iterator, List, NoReturn, Optional, Sequence, Tuple, TypeVar, Union, overload

if TYPE_CHECKING:
    from ctypes import _Pointer

from . import errors as _errors

# ---- loading ---------------------------------------------------------------

SONAME = "libpromote.so.0"

# Versions of the append-only structs these bindings fill (the headers'
# PROMOTE_*_VERSION macros; test_layout.py checks them against C).
CONTEXT_OPTIONS_VERSION = 5
GIT_PROVIDER_VERSION = 1
DEPLOY_BACKEND_VERSION = 2
YAML_OPTIONS_VERSION = 1
PLAN_OPTIONS_VERSION = 1
APPLY_OPTIONS_VERSION = 2
RELEASE_LIST_OPTIONS_VERSION = 1
RELEASE_OPTIONS_VERSION = 1
STATUS_OPTIONS_VERSION = 1
SYNC_OPTIONS_VERSION = 1
DRIFT_OPTIONS_VERSION = 1
SCAFFOLD_OPTIONS_VERSION = 1
WATCHER_OPTIONS_VERSION = 1
ENV_IMPORT_OPTIONS_VERSION = 1

# promote_yaml_flag (yaml.h), combined with |.
YAML_CREATE = 1 << 0
YAML_TYPED = 1 << 1
YAML_EDIT_ANCHORS = 1 << 2

# promote_doctor_flag (context.h).
DOCTOR_FIX = 1 << 0


def _candidates() -> Iterator[Tuple[str, Optional[str]]]:
    """Where to look, in order, as (how it was found, what to pass to CDLL)."""
    package_dir = pathlib.Path(__file__).resolve().parent
    # "Beside the package": inside the package folder (a wheel-style bundle)
    # or next to it (a build tree or a vendored copy).
    for folder in (package_dir, package_dir.parent):
        for path in sorted(folder.glob("libpromote.so*")):
            yield "beside the package", str(path)
    found = ctypes.util.find_library("promote")
    if found:
        yield "ctypes.util.find_library('promote')", found
    else:
        yield "ctypes.util.find_library('promote')", None
    yield "the soname", SONAME


def _load() -> Tuple[ctypes.CDLL, str]:
    """Open libpromote once. PROMOTE_LIBRARY, when set, is the only candidate:
    someone who names a library must never silently get another one (a test
    run against a fresh build must not test the installed copy)."""
    explicit = os.environ.get("PROMOTE_LIBRARY")
    if explicit:
        try:
            return ctypes.CDLL(explicit), explicit
        except OSError as exc:
            raise ImportError(
                "cannot load libpromote from PROMOTE_LIBRARY=%r: %s; point it at a built "
                "libpromote.so or unset it to search the usual places" % (explicit, exc)) from exc
    tried = ["PROMOTE_LIBRARY: not set"]
    for how, name in _candidates():
        if name is None:
            tried.append("%s: nothing found" % how)
            continue
        try:
            return ctypes.CDLL(name), name
        except OSError as exc:
            tried.append("%s: %s (%s)" % (how, name, exc))
    raise ImportError("cannot load libpromote; tried:\n  " + "\n  ".join(tried) +
                      "\nset PROMOTE_LIBRARY to the path of libpromote.so, or install libpromote")


lib, library_path = _load()

# ---- mirrored structs and opaque handles -------------------------------------


class _Opaque(Structure):
    """Base of the opaque handle types: only ever used through POINTER()."""
    _fields_: List[Tuple[str, Any]] = []


class promote_context(_Opaque):
    pass


class promote_repository(_Opaque):
    pass


class promote_env(_Opaque):
    pass


class promote_product(_Opaque):
    pass


class promote_policy(_Opaque):
    pass


class promote_flow(_Opaque):
    pass


class promote_flow_step(_Opaque):
    pass


class promote_effective_policy(_Opaque):
    pass


class promote_change_request(_Opaque):
    pass


class promote_change_info(_Opaque):
    pass


class promote_warnings(_Opaque):
    pass


class promote_deploy_request(_Opaque):
    pass


class promote_deploy_status(_Opaque):
    pass


class promote_workflow_request(_Opaque):
    pass


class promote_workflow_status(_Opaque):
    pass


class promote_yaml_doc(_Opaque):
    pass


class promote_yaml_path(_Opaque):
    pass


class promote_error(Structure):
    pass


promote_error._fields_ = [
    ("code", c_int),
    ("klass", c_int),
    ("message", c_char_p),
    ("file", c_char_p),
    ("line", c_uint32),
    ("column", c_uint32),
    ("next", POINTER(promote_error)),
]


class promote_buf(Structure):
    _fields_ = [
        ("ptr", POINTER(c_char)),
        ("reserved", c_size_t),
        ("size", c_size_t),
    ]


class promote_strarray(Structure):
    _fields_ = [
        ("strings", POINTER(POINTER(c_char))),
        ("count", c_size_t),
    ]


# void (*)(int level, const char *domain, const char *message, void *payload)
promote_log_cb = CFUNCTYPE(None, c_int, c_char_p, c_char_p, c_void_p)


class promote_credential(Structure):
    pass  # opaque: written through promote_credential_set_*


promote_credential_cb = CFUNCTYPE(c_int, POINTER(promote_credential), c_char_p, c_char_p, c_uint, c_void_p)

# promote_credential_type bits
CREDENTIAL_USERPASS = 1 << 0
CREDENTIAL_SSH_KEY = 1 << 1


class promote_event(Structure):
    pass  # opaque: read through promote_event_*


# int (*)(const promote_event *event, void *payload)
promote_event_cb = CFUNCTYPE(c_int, POINTER(promote_event), c_void_p)

# int64_t (*)(void *payload): the wall clock, Unix seconds
promote_clock_cb = CFUNCTYPE(c_int64, c_void_p)


class promote_context_options(Structure):
    _fields_ = [
        ("version", c_uint32),
        ("max_depth", c_uint32),
        ("max_config_size", c_uint64),
        ("max_alias_nodes", c_uint64),
        ("log_cb", promote_log_cb),
        ("log_payload", c_void_p),
        ("log_level", c_int32),
        ("reserved", c_uint32),
        ("cache_dir", c_char_p),   # since v2
        ("credentials_cb", promote_credential_cb),   # since v3
        ("credentials_payload", c_void_p),
        ("event_cb", promote_event_cb),   # since v4
        ("event_payload", c_void_p),
        ("net_timeout", c_uint32),   # since v4
        ("clock_cb", promote_clock_cb),   # since v5
        ("clock_payload", c_void_p),
    ]


class promote_yaml_options(Structure):
    _fields_ = [
        ("version", c_uint32),
        ("max_depth", c_uint32),
        ("max_size", c_uint64),
        ("max_alias_nodes", c_uint64),
    ]


class promote_plan_options(Structure):
    _fields_ = [
        ("version", c_uint32),
        ("reserved", c_uint32),
        ("from_", c_char_p),
        ("set_version", c_char_p),
    ]


class promote_apply_options(Structure):
    _fields_ = [
        ("version", c_uint32),
        ("max_retries", c_uint32),
        ("author_name", c_char_p),
        ("author_email", c_char_p),
        ("release", c_char_p),
    ]


class promote_env_import_options(Structure):
    _fields_ = [
        ("version", c_uint32),
        ("path", c_char_p),
        ("target_namespace", c_char_p),
        ("only", POINTER(c_char_p)),
        ("only_count", c_size_t),
        ("kind", c_int),
        ("strategy", c_int),
        ("labels", POINTER(c_char_p)),
        ("label_count", c_size_t),
        ("author_name", c_char_p),
        ("author_email", c_char_p),
        ("max_retries", c_uint32),
    ]


class promote_plan(_Opaque):
    pass


class promote_release(_Opaque):
    pass


class promote_watcher(_Opaque):
    pass


class promote_release_step(_Opaque):
    pass


class promote_release_list(_Opaque):
    pass


class promote_hold(_Opaque):
    pass


class promote_hold_list(_Opaque):
    pass


class promote_release_list_options(Structure):
    _fields_ = [
        ("version", c_uint32),
        ("product", c_char_p),
        ("state", c_int32),
        ("limit", c_uint32),
    ]


class promote_status(_Opaque):
    pass


class promote_status_cell(_Opaque):
    pass


class promote_status_options(Structure):
    _fields_ = [
        ("version", c_uint32),
        ("reserved", c_uint32),
        ("product", c_char_p),
        ("environment", c_char_p),
    ]


class promote_sync(_Opaque):
    pass


class promote_sync_options(Structure):
    _fields_ = [
        ("version", c_uint32),
        ("update_only", c_uint32),
        ("only", POINTER(c_char_p)),
        ("only_count", c_size_t),
        ("exclude", POINTER(c_char_p)),
        ("exclude_count", c_size_t),
        ("products", POINTER(c_char_p)),
        ("product_count", c_size_t),
    ]


class promote_drift(_Opaque):
    pass


class promote_drift_row(_Opaque):
    pass


class promote_drift_options(Structure):
    _fields_ = [
        ("version", c_uint32),
        ("reserved", c_uint32),
        ("product", c_char_p),
        ("from_", c_char_p),   # "from" is a Python keyword
        ("to", c_char_p),
    ]


class promote_scaffold_options(Structure):
    _fields_ = [
        ("version", c_uint32),
        ("reserved", c_uint32),
        ("branch", c_char_p),
    ]


class promote_release_event(Structure):
    pass  # opaque: read through promote_release_event_*


# int (*)(const promote_release_event *event, void *payload)
promote_release_event_cb = CFUNCTYPE(c_int, POINTER(promote_release_event), c_void_p)


class promote_release_options(Structure):
    _fields_ = [
        ("version", c_uint32),
        ("no_group", c_uint32),
        ("flow", c_char_p),
        ("set_version", c_char_p),
        ("to", c_char_p),
        ("from_", c_char_p),
        ("force", c_uint32),
        ("reserved", c_uint32),
        ("reason", c_char_p),
        ("author_name", c_char_p),
        ("author_email", c_char_p),
        ("event_cb", promote_release_event_cb),
        ("event_payload", c_void_p),
    ]


class promote_watch_event(Structure):
    pass  # opaque: read through promote_watch_event_*


# int (*)(const promote_watch_event *event, void *payload)
promote_watch_event_cb = CFUNCTYPE(c_int, POINTER(promote_watch_event), c_void_p)


class promote_watcher_options(Structure):
    _fields_ = [
        ("version", c_uint32),
        ("no_group", c_uint32),
        ("author_name", c_char_p),
        ("author_email", c_char_p),
        ("release_event_cb", promote_release_event_cb),
        ("watch_event_cb", promote_watch_event_cb),
        ("payload", c_void_p),
    ]


# The git-provider vtable's slots (sys/git_provider.h).
open_change_cb = CFUNCTYPE(c_int, POINTER(promote_change_info), POINTER(promote_change_request), c_void_p)
get_change_cb = CFUNCTYPE(c_int, POINTER(promote_change_info), c_char_p, c_void_p)
find_change_cb = CFUNCTYPE(c_int, POINTER(promote_change_info), POINTER(promote_change_request), c_void_p)
merge_change_cb = CFUNCTYPE(c_int, POINTER(promote_change_info), c_char_p, c_void_p)
comment_change_cb = CFUNCTYPE(c_int, c_char_p, c_char_p, c_void_p)
close_change_cb = CFUNCTYPE(c_int, c_char_p, c_void_p)
free_payload_cb = CFUNCTYPE(None, c_void_p)
approve_change_cb = CFUNCTYPE(c_int, POINTER(promote_change_info), c_char_p, c_char_p, c_void_p)


class promote_git_provider(Structure):
    _fields_ = [
        ("version", c_uint32),
        ("reserved", c_uint32),
        ("open_change", open_change_cb),
        ("get_change", get_change_cb),
        ("find_change", find_change_cb),
        ("merge_change", merge_change_cb),
        ("comment_change", comment_change_cb),
        ("close_change", close_change_cb),
        ("approve_change", approve_change_cb),
        ("free_payload", free_payload_cb),
    ]


# The deploy-backend vtable's slots (sys/deploy_backend.h).
sync_cb = CFUNCTYPE(c_int, POINTER(promote_deploy_status), POINTER(promote_deploy_request), c_void_p)
status_cb = CFUNCTYPE(c_int, POINTER(promote_deploy_status), POINTER(promote_deploy_request), c_void_p)
run_workflow_cb = CFUNCTYPE(c_int, POINTER(promote_workflow_status), POINTER(promote_workflow_request),
                            c_void_p)
workflow_status_cb = CFUNCTYPE(c_int, POINTER(promote_workflow_status), POINTER(promote_workflow_request),
                               c_void_p)
abort_cb = CFUNCTYPE(c_int, POINTER(promote_deploy_status), POINTER(promote_deploy_request), c_void_p)  # since v2


class promote_deploy_backend(Structure):
    _fields_ = [
        ("version", c_uint32),
        ("reserved", c_uint32),
        ("sync", sync_cb),
        ("status", status_cb),
        ("run_workflow", run_workflow_cb),
        ("workflow_status", workflow_status_cb),
        ("free_payload", free_payload_cb),
        ("abort", abort_cb),  # since v2
    ]


# ---- errcheck helpers --------------------------------------------------------

@overload
def decode(value: bytes) -> str:
    ...


@overload
def decode(value: None) -> None:
    ...


@overload
def decode(value: Optional[bytes]) -> Optional[str]:
    ...


def decode(value: Optional[bytes]) -> Optional[str]:
    """A borrowed C string (bytes or None) as str or None. Names come from a
    UTF-8 YAML file; surrogateescape keeps any odd byte round-trippable."""
    return None if value is None else value.decode("utf-8", "surrogateescape")


# What a C string argument accepts: text, bytes or a path; None passes NULL.
StrArg = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]


@overload
def encode(text: StrArg, what: str = ...) -> bytes:
    ...


@overload
def encode(text: None, what: str = ...) -> None:
    ...


@overload
def encode(text: Optional[StrArg], what: str = ...) -> Optional[bytes]:
    ...


def encode(text: Optional[StrArg], what: str = "argument") -> Optional[bytes]:
    """A str (or bytes, or os.PathLike) as a NUL-free C string; None stays None."""
    if text is None:
        return None
    if isinstance(text, os.PathLike):
        text = os.fsencode(text)
    if isinstance(text, str):
        text = text.encode("utf-8", "surrogateescape")
    if not isinstance(text, bytes):
        raise TypeError("%s must be a str, not %s" % (what, type(text).__name__))
    if b"\0" in text:
        raise ValueError("%s contains a NUL character" % what)
    return text


def error_records(node: Any = None) -> List[_errors.ErrorDetail]:
    """An error chain as plain records: the calling thread's
    (promote_error_last), or the one starting at `node` (a promote_error
    pointer, such as a warning's)."""
    records = []
    if node is None:
        node = lib.promote_error_last()
    while node:
        e = node.contents
        records.append(_errors.ErrorDetail(
            code=_errors._enum_or_int(_errors.ErrorCode, e.code),
            klass=_errors._enum_or_int(_errors.ErrorClass, e.klass),
            message=decode(e.message) or "",
            file=decode(e.file),
            line=e.line or None,
            column=e.column or None,
        ))
        node = e.next
    return records


def raise_last(code: int) -> NoReturn:
    """Raise the PromoteError subclass for `code`, with the thread's chain."""
    records = error_records()
    if not records or records[0].code == _errors.ErrorCode.OK:
        # The library returned a failure without recording detail: still
        # raise something precise rather than "no error".
        records = [_errors.ErrorDetail(code=code, klass=0, message=decode(lib.promote_strerror(code)) or "",
                                       file=None, line=None, column=None)]
    raise _errors.PromoteError.from_records(code, records)


def _check(result: int, func: Any, arguments: Any) -> int:
    """errcheck for functions returning 0 (or a count) or a negative code:
    read promote_error_last() before anything else can touch it."""
    if result < 0:
        raise_last(result)
    return result


def _string(result: Optional[bytes], func: Any, arguments: Any) -> Optional[str]:
    """errcheck for functions returning a borrowed const char *."""
    return decode(result)


def take_buf(buf: promote_buf) -> bytes:
    """The bytes of a promote_buf the library filled, which is then disposed."""
    try:
        return ctypes.string_at(buf.ptr, buf.size) if buf.ptr else b""
    finally:
        lib.promote_buf_dispose(ctypes.byref(buf))


def take_strarray(array: promote_strarray) -> List[str]:
    """The strings of a promote_strarray the library filled, which is then disposed."""
    try:
        return [decode(ctypes.string_at(array.strings[i])) for i in range(array.count)]
    finally:
        lib.promote_strarray_dispose(ctypes.byref(array))


_Struct = TypeVar("_Struct", bound=Structure)


def set_given(struct: _Struct, **values: Any) -> _Struct:
    """Set the fields of an options struct that were given (not None); the
    others keep the defaults its *_init() wrote."""
    for name, value in values.items():
        if value is not None:
            setattr(struct, name, value)
    return struct


# ---- the declaration table ---------------------------------------------------

_P = POINTER
ctx_p = _P(promote_context)
repo_p = _P(promote_repository)
env_p = _P(promote_env)
product_p = _P(promote_product)
policy_p = _P(promote_policy)
flow_p = _P(promote_flow)
step_p = _P(promote_flow_step)
eff_p = _P(promote_effective_policy)
ydoc_p = _P(promote_yaml_doc)
ypath_p = _P(promote_yaml_path)
plan_p = _P(promote_plan)
request_p = _P(promote_change_request)
info_p = _P(promote_change_info)
release_p = _P(promote_release)
rstep_p = _P(promote_release_step)
rlist_p = _P(promote_release_list)
status_p = _P(promote_status)
cell_p = _P(promote_status_cell)
sync_p = _P(promote_sync)
drift_p = _P(promote_drift)
drow_p = _P(promote_drift_row)
watcher_p = _P(promote_watcher)
wevent_p = _P(promote_watch_event)
hold_p = _P(promote_hold)
hlist_p = _P(promote_hold_list)
dreq_p = _P(promote_deploy_request)
dstatus_p = _P(promote_deploy_status)
wreq_p = _P(promote_workflow_request)
wstatus_p = _P(promote_workflow_status)
revent_p = _P(promote_release_event)
warnings_p = _P(promote_warnings)

if TYPE_CHECKING:  # what calling the pointer types above makes, for annotations
    CtxP = _Pointer[promote_context]
    RepoP = _Pointer[promote_repository]
    EnvP = _Pointer[promote_env]
    ProductP = _Pointer[promote_product]
    PolicyP = _Pointer[promote_policy]
    FlowP = _Pointer[promote_flow]
    StepP = _Pointer[promote_flow_step]
    EffP = _Pointer[promote_effective_policy]
    YdocP = _Pointer[promote_yaml_doc]
    YpathP = _Pointer[promote_yaml_path]
    PlanP = _Pointer[promote_plan]
    RequestP = _Pointer[promote_change_request]
    InfoP = _Pointer[promote_change_info]
    CredentialP = _Pointer[promote_credential]
    EventP = _Pointer[promote_event]

# (name, restype, argtypes, errcheck) for every PROMOTE_EXTERN function.
# errcheck: _check for fallible int functions, _string for borrowed strings,
# None where the return value is the result (counts, handles, enums).
DECLARATIONS = (
    # global.h
    ("promote_init", c_int, (), _check),
    ("promote_shutdown", c_int, (), _check),
    ("promote_version", c_int, (_P(c_int), _P(c_int), _P(c_int)), _check),
    ("promote_version_string", c_char_p, (), _string),
    # errors.h
    ("promote_error_last", _P(promote_error), (), None),
    ("promote_error_clear", None, (), None),
    ("promote_error_set_str", c_int, (c_int, c_int, c_char_p), None),
    ("promote_strerror", c_char_p, (c_int,), None),
    # buffer.h
    ("promote_buf_dispose", None, (_P(promote_buf),), None),
    ("promote_strarray_dispose", None, (_P(promote_strarray),), None),
    # context.h
    ("promote_context_options_init", c_int, (_P(promote_context_options), c_uint), _check),
    ("promote_context_open_file", c_int, (_P(ctx_p), c_char_p, _P(promote_context_options)), _check),
    ("promote_context_open_buffer", c_int,
     (_P(ctx_p), c_char_p, c_size_t, c_char_p, _P(promote_context_options)), _check),
    ("promote_context_open_repository", c_int,
     (_P(ctx_p), c_char_p, c_char_p, _P(promote_context_options)), _check),
    ("promote_context_free", None, (ctx_p,), None),
    ("promote_context_source", c_char_p, (ctx_p,), _string),
    # repository.h
    ("promote_repository_count", c_size_t, (ctx_p,), None),
    ("promote_repository_at", repo_p, (ctx_p, c_size_t), None),
    ("promote_repository_lookup", c_int, (_P(repo_p), ctx_p, c_char_p), _check),
    ("promote_repository_name", c_char_p, (repo_p,), _string),
    ("promote_repository_url", c_char_p, (repo_p,), _string),
    ("promote_repository_provider", c_char_p, (repo_p,), _string),
    ("promote_repository_branch", c_char_p, (repo_p,), _string),
    # environment.h
    ("promote_env_count", c_size_t, (ctx_p,), None),
    ("promote_env_at", env_p, (ctx_p, c_size_t), None),
    ("promote_env_lookup", c_int, (_P(env_p), ctx_p, c_char_p), _check),
    ("promote_env_name", c_char_p, (env_p,), _string),
    ("promote_env_path", c_char_p, (env_p,), _string),
    ("promote_env_kind", c_int, (env_p,), None),
    ("promote_env_strategy", c_int, (env_p,), None),
    ("promote_env_deploy_mode", c_int, (env_p,), None),
    ("promote_env_deploy_backend", c_char_p, (env_p,), _string),
    ("promote_env_repository", repo_p, (env_p,), None),
    ("promote_env_branch", c_char_p, (env_p,), _string),
    ("promote_env_label_count", c_size_t, (env_p,), None),
    ("promote_env_label_key_at", c_char_p, (env_p, c_size_t), _string),
    ("promote_env_label_value_at", c_char_p, (env_p, c_size_t), _string),
    ("promote_env_label", c_char_p, (env_p, c_char_p), _string),
    ("promote_env_cluster_count", c_size_t, (env_p,), None),
    ("promote_env_cluster_name_at", c_char_p, (env_p, c_size_t), _string),
    ("promote_env_cluster_namespace_at", c_char_p, (env_p, c_size_t), _string),
    ("promote_environment_kind_name", c_char_p, (c_int,), _string),
    ("promote_strategy_name", c_char_p, (c_int,), _string),
    ("promote_deploy_mode_name", c_char_p, (c_int,), _string),
    # product.h
    ("promote_product_count", c_size_t, (ctx_p,), None),
    ("promote_product_at", product_p, (ctx_p, c_size_t), None),
    ("promote_product_lookup", c_int, (_P(product_p), ctx_p, c_char_p), _check),
    ("promote_product_discover", c_int, (_P(promote_strarray), ctx_p, c_char_p), _check),
    ("promote_product_name", c_char_p, (product_p,), _string),
    ("promote_product_path", c_char_p, (product_p,), _string),
    ("promote_product_is_discovery", c_int, (product_p,), None),
    ("promote_product_template_name", c_char_p, (product_p,), _string),
    ("promote_product_file_count", c_size_t, (product_p,), None),
    ("promote_product_file_at", c_char_p, (product_p, c_size_t), _string),
    ("promote_product_attribute_count", c_size_t, (product_p,), None),
    ("promote_product_attribute_file_at", c_char_p, (product_p, c_size_t), _string),
    ("promote_product_attribute_path_at", c_char_p, (product_p, c_size_t), _string),
    ("promote_product_version_file", c_char_p, (product_p,), _string),
    ("promote_product_flow_count", c_size_t, (product_p,), None),
    ("promote_product_flow_at", c_char_p, (product_p, c_size_t), _string),
    ("promote_product_version_path", c_char_p, (product_p,), _string),
    # policy.h
    ("promote_policy_count", c_size_t, (ctx_p,), None),
    ("promote_policy_at", policy_p, (ctx_p, c_size_t), None),
    ("promote_policy_lookup", c_int, (_P(policy_p), ctx_p, c_char_p), _check),
    ("promote_policy_name", c_char_p, (policy_p,), _string),
    ("promote_policy_is_inline", c_int, (policy_p,), None),
    ("promote_policy_priority", c_int32, (policy_p,), None),
    ("promote_policy_sets", c_int, (policy_p, c_int), None),
    ("promote_policy_action", c_int, (policy_p,), None),
    ("promote_policy_pre_count", c_size_t, (policy_p,), None),
    ("promote_policy_pre_at", c_char_p, (policy_p, c_size_t), _string),
    ("promote_policy_post_count", c_size_t, (policy_p,), None),
    ("promote_policy_post_at", c_char_p, (policy_p, c_size_t), _string),
    ("promote_policy_match_product_count", c_size_t, (policy_p,), None),
    ("promote_policy_match_product_at", c_char_p, (policy_p, c_size_t), _string),
    ("promote_policy_match_env_count", c_size_t, (policy_p,), None),
    ("promote_policy_match_env_at", c_char_p, (policy_p, c_size_t), _string),
    ("promote_policy_match_kind", c_int, (policy_p,), None),
    ("promote_policy_match_label_count", c_size_t, (policy_p,), None),
    ("promote_policy_match_label_key_at", c_char_p, (policy_p, c_size_t), _string),
    ("promote_policy_match_label_value_at", c_char_p, (policy_p, c_size_t), _string),
    ("promote_policy_matches", c_int, (policy_p, c_char_p, env_p), None),
    ("promote_policy_resolve", c_int, (_P(eff_p), ctx_p, c_char_p, c_char_p, c_char_p), _check),
    ("promote_effective_policy_free", None, (eff_p,), None),
    ("promote_effective_policy_action", c_int, (eff_p,), None),
    ("promote_effective_policy_pre_count", c_size_t, (eff_p,), None),
    ("promote_effective_policy_pre_at", c_char_p, (eff_p, c_size_t), _string),
    ("promote_effective_policy_post_count", c_size_t, (eff_p,), None),
    ("promote_effective_policy_post_at", c_char_p, (eff_p, c_size_t), _string),
    ("promote_effective_policy_source", policy_p, (eff_p, c_int), None),
    ("promote_effective_policy_match_count", c_size_t, (eff_p,), None),
    ("promote_effective_policy_match_at", policy_p, (eff_p, c_size_t), None),
    ("promote_action_name", c_char_p, (c_int,), _string),
    # flow.h
    ("promote_flow_count", c_size_t, (ctx_p,), None),
    ("promote_flow_at", flow_p, (ctx_p, c_size_t), None),
    ("promote_flow_lookup", c_int, (_P(flow_p), ctx_p, c_char_p), _check),
    ("promote_flow_name", c_char_p, (flow_p,), _string),
    ("promote_flow_timeout", c_uint32, (flow_p,), None),
    ("promote_flow_retries", c_int, (flow_p,), None),
    ("promote_flow_trigger", env_p, (flow_p,), None),
    ("promote_flow_step_count", c_size_t, (flow_p,), None),
    ("promote_flow_step_at", step_p, (flow_p, c_size_t), None),
    ("promote_flow_step_lookup", c_int, (_P(step_p), flow_p, c_char_p), _check),
    ("promote_flow_step_env", env_p, (step_p,), None),
    ("promote_flow_step_dependency_count", c_size_t, (step_p,), None),
    ("promote_flow_step_dependency_at", env_p, (step_p, c_size_t), None),
    ("promote_flow_step_policy", policy_p, (step_p,), None),
    ("promote_flow_step_wave", c_size_t, (step_p,), None),
    ("promote_flow_wave_count", c_size_t, (flow_p,), None),
    ("promote_flow_wave_size", c_size_t, (flow_p, c_size_t), None),
    ("promote_flow_wave_step_at", step_p, (flow_p, c_size_t, c_size_t), None),
    # sys/git_provider.h
    ("promote_git_provider_init", c_int, (_P(promote_git_provider), c_uint), _check),
    ("promote_git_provider_register", c_int,
     (ctx_p, c_char_p, _P(promote_git_provider), c_void_p), _check),
    ("promote_git_provider_builtin_at", c_char_p, (c_size_t,), _string),
    ("promote_git_provider_count", c_size_t, (ctx_p,), None),
    ("promote_git_provider_name_at", c_char_p, (ctx_p, c_size_t), _string),
    # sys/deploy_backend.h
    ("promote_deploy_backend_init", c_int, (_P(promote_deploy_backend), c_uint), _check),
    ("promote_deploy_backend_register", c_int,
     (ctx_p, c_char_p, _P(promote_deploy_backend), c_void_p), _check),
    ("promote_deploy_backend_builtin_at", c_char_p, (c_size_t,), _string),
    ("promote_deploy_backend_count", c_size_t, (ctx_p,), None),
    ("promote_deploy_backend_name_at", c_char_p, (ctx_p, c_size_t), _string),
    # yaml.h
    ("promote_yaml_options_init", c_int, (_P(promote_yaml_options), c_uint), _check),
    ("promote_yaml_path_compile", c_int, (_P(ypath_p), c_char_p), _check),
    ("promote_yaml_path_free", None, (ypath_p,), None),
    ("promote_yaml_path_text", c_char_p, (ypath_p,), _string),
    ("promote_yaml_doc_parse", c_int,
     (_P(ydoc_p), c_char_p, c_size_t, c_char_p, _P(promote_yaml_options)), _check),
    ("promote_yaml_doc_read", c_int, (_P(ydoc_p), c_char_p, _P(promote_yaml_options)), _check),
    ("promote_yaml_doc_free", None, (ydoc_p,), None),
    # Sized bytes, not a C string: a typed char pointer, read with string_at(ptr, size).
    ("promote_yaml_doc_content", _P(c_char), (ydoc_p, _P(c_size_t)), None),
    ("promote_yaml_doc_count", c_size_t, (ydoc_p,), None),
    ("promote_yaml_doc_changed", c_int, (ydoc_p,), None),
    ("promote_yaml_doc_diff", c_int, (_P(promote_buf), ydoc_p, c_char_p), _check),
    ("promote_yaml_get", c_int, (_P(promote_buf), ydoc_p, ypath_p), _check),
    ("promote_yaml_get_source", c_int, (_P(promote_buf), ydoc_p, ypath_p), _check),
    ("promote_yaml_set", c_int, (ydoc_p, ypath_p, c_char_p, c_uint), _check),
    ("promote_yaml_set_many", c_int, (ydoc_p, _P(ypath_p), _P(c_char_p), c_size_t, c_uint), _check),
    ("promote_yaml_delete", c_int, (ydoc_p, ypath_p, c_uint), _check),
    ("promote_yaml_copy", c_int, (ydoc_p, ypath_p, ydoc_p, ypath_p, c_uint), _check),
    ("promote_yaml_set_image_policy", c_int, (ydoc_p, c_char_p, c_char_p, _P(c_size_t)), _check),
    # context.h (since the git layer)
    ("promote_context_repository_path", c_char_p, (ctx_p,), _string),
    ("promote_context_check", c_int, (_P(warnings_p), ctx_p), _check),
    ("promote_context_doctor", c_int, (_P(warnings_p), _P(c_size_t), ctx_p, c_uint), _check),
    ("promote_warnings_count", c_size_t, (warnings_p,), None),
    ("promote_warnings_at", _P(promote_error), (warnings_p, c_size_t), None),
    ("promote_warnings_free", None, (warnings_p,), None),
    ("promote_context_remote_name", c_char_p, (ctx_p,), _string),
    ("promote_context_transfers", c_uint64, (ctx_p, c_int, c_int), None),
    # plan.h
    ("promote_plan_options_init", c_int, (_P(promote_plan_options), c_uint), _check),
    ("promote_plan_create", c_int, (_P(plan_p), ctx_p, c_char_p, c_char_p, _P(promote_plan_options)), _check),
    ("promote_plan_free", None, (plan_p,), None),
    ("promote_plan_product", c_char_p, (plan_p,), _string),
    ("promote_plan_from", c_char_p, (plan_p,), _string),
    ("promote_plan_to", c_char_p, (plan_p,), _string),
    ("promote_plan_version", c_char_p, (plan_p,), _string),
    ("promote_plan_branch", c_char_p, (plan_p,), _string),
    ("promote_plan_base", c_char_p, (plan_p,), _string),
    ("promote_plan_change_count", c_size_t, (plan_p,), None),
    ("promote_plan_change_path_at", c_char_p, (plan_p, c_size_t), _string),
    ("promote_plan_diff", c_int, (_P(promote_buf), plan_p), _check),
    ("promote_apply_options_init", c_int, (_P(promote_apply_options), c_uint), _check),
    ("promote_plan_apply", c_int, (_P(promote_buf), _P(c_int), plan_p, _P(promote_apply_options)), _check),
    ("promote_plan_change_id", c_char_p, (plan_p,), _string),
    ("promote_apply_outcome_name", c_char_p, (c_int,), _string),

    # event.h
    ("promote_event_kind", c_int, (_P(promote_event),), None),
    ("promote_event_phase", c_int, (_P(promote_event),), None),
    ("promote_event_current", c_uint64, (_P(promote_event),), None),
    ("promote_event_total", c_uint64, (_P(promote_event),), None),
    ("promote_event_bytes", c_uint64, (_P(promote_event),), None),
    ("promote_event_done", c_int, (_P(promote_event),), None),
    ("promote_event_url", c_char_p, (_P(promote_event),), _string),
    ("promote_transfer_kind_name", c_char_p, (c_int,), _string),
    ("promote_transfer_phase_name", c_char_p, (c_int,), _string),

    # context.h: credentials callbacks
    ("promote_credential_set_userpass", c_int, (_P(promote_credential), c_char_p, c_char_p), _check),
    ("promote_credential_set_ssh_key", c_int,
     (_P(promote_credential), c_char_p, c_char_p, c_char_p, c_char_p), _check),

    # change.h
    ("promote_change_request_new", c_int, (_P(request_p), c_char_p, c_char_p), _check),
    ("promote_change_request_free", None, (request_p,), None),
    ("promote_change_request_set_title", c_int, (request_p, c_char_p), _check),
    ("promote_change_request_set_body", c_int, (request_p, c_char_p), _check),
    ("promote_change_request_set_draft", c_int, (request_p, c_int), _check),
    ("promote_change_request_add_label", c_int, (request_p, c_char_p), _check),
    ("promote_change_request_add_environment", c_int, (request_p, c_char_p), _check),
    ("promote_change_request_head", c_char_p, (request_p,), _string),
    ("promote_change_request_base", c_char_p, (request_p,), _string),
    ("promote_change_request_title", c_char_p, (request_p,), _string),
    ("promote_change_request_body", c_char_p, (request_p,), _string),
    ("promote_change_request_draft", c_int, (request_p,), None),
    ("promote_change_request_label_count", c_size_t, (request_p,), None),
    ("promote_change_request_label_at", c_char_p, (request_p, c_size_t), _string),
    ("promote_change_request_environment_count", c_size_t, (request_p,), None),
    ("promote_change_request_environment_at", c_char_p, (request_p, c_size_t), _string),
    ("promote_change_info_free", None, (info_p,), None),
    ("promote_change_info_id", c_char_p, (info_p,), _string),
    ("promote_change_info_url", c_char_p, (info_p,), _string),
    ("promote_change_info_head", c_char_p, (info_p,), _string),
    ("promote_change_info_base", c_char_p, (info_p,), _string),
    ("promote_change_info_title", c_char_p, (info_p,), _string),
    ("promote_change_info_merge_commit", c_char_p, (info_p,), _string),
    ("promote_change_info_state", c_int, (info_p,), None),
    ("promote_change_info_checks", c_int, (info_p,), None),
    ("promote_change_info_draft", c_int, (info_p,), None),
    ("promote_change_info_approvals", c_uint, (info_p,), None),
    ("promote_change_info_reused", c_int, (info_p,), None),
    ("promote_change_info_waiting", c_char_p, (info_p,), _string),
    ("promote_change_state_name", c_char_p, (c_int,), _string),
    ("promote_checks_state_name", c_char_p, (c_int,), _string),
    ("promote_change_open", c_int, (_P(info_p), ctx_p, c_char_p, request_p), _check),
    ("promote_change_find", c_int, (_P(info_p), ctx_p, c_char_p, request_p), _check),
    ("promote_change_get", c_int, (_P(info_p), ctx_p, c_char_p, c_char_p), _check),
    ("promote_change_approve", c_int, (_P(info_p), ctx_p, c_char_p, c_char_p, c_char_p), _check),
    ("promote_change_merge", c_int, (_P(info_p), ctx_p, c_char_p, c_char_p), _check),
    ("promote_change_comment", c_int, (ctx_p, c_char_p, c_char_p, c_char_p), _check),
    ("promote_change_close", c_int, (ctx_p, c_char_p, c_char_p), _check),
    # release.h
    ("promote_step_state_name", c_char_p, (c_int,), _string),
    ("promote_release_state_name", c_char_p, (c_int,), _string),
    ("promote_release_free", None, (release_p,), None),
    ("promote_release_id", c_char_p, (release_p,), _string),
    ("promote_release_product", c_char_p, (release_p,), _string),
    ("promote_release_version", c_char_p, (release_p,), _string),
    ("promote_release_flow", c_char_p, (release_p,), _string),
    ("promote_release_state", c_int, (release_p,), None),
    ("promote_release_reason", c_char_p, (release_p,), _string),
    ("promote_release_created", c_int64, (release_p,), None),
    ("promote_release_finished", c_int64, (release_p,), None),
    ("promote_release_step_count", c_size_t, (release_p,), None),
    ("promote_release_step_at", rstep_p, (release_p, c_size_t), None),
    ("promote_release_step_lookup", rstep_p, (release_p, c_char_p), None),
    ("promote_release_step_environment", c_char_p, (rstep_p,), _string),
    ("promote_release_step_state", c_int, (rstep_p,), None),
    ("promote_release_step_reason", c_char_p, (rstep_p,), _string),
    ("promote_release_step_attempts", c_uint, (rstep_p,), None),
    ("promote_release_step_strategy", c_int, (rstep_p,), None),
    ("promote_release_step_action", c_int, (rstep_p,), None),
    ("promote_release_step_commit", c_char_p, (rstep_p,), _string),
    ("promote_release_step_change", c_char_p, (rstep_p,), _string),
    ("promote_release_step_head", c_char_p, (rstep_p,), _string),
    ("promote_release_step_merge_commit", c_char_p, (rstep_p,), _string),
    ("promote_release_step_error", c_char_p, (rstep_p,), _string),
    ("promote_release_step_gate", c_char_p, (rstep_p,), _string),
    ("promote_release_step_started", c_int64, (rstep_p,), None),
    ("promote_release_step_finished", c_int64, (rstep_p,), None),
    ("promote_release_step_check_count", c_size_t, (rstep_p,), None),
    ("promote_release_step_check_name_at", c_char_p, (rstep_p, c_size_t), _string),
    ("promote_release_step_check_phase_at", c_char_p, (rstep_p, c_size_t), _string),
    ("promote_release_step_check_status_at", c_int, (rstep_p, c_size_t), None),
    ("promote_release_step_check_output_at", c_char_p, (rstep_p, c_size_t), _string),
    ("promote_release_to_json", c_int, (_P(promote_buf), release_p), _check),
    ("promote_release_options_init", c_int, (_P(promote_release_options), c_uint), _check),
    ("promote_release_start", c_int, (_P(release_p), ctx_p, c_char_p, _P(promote_release_options)), _check),
    ("promote_release_open", c_int, (_P(release_p), ctx_p, c_char_p, _P(promote_release_options)), _check),
    ("promote_release_poll", c_int, (release_p, _P(c_uint32)), _check),
    ("promote_release_run", c_int, (release_p, c_uint32), _check),
    ("promote_release_approve", c_int, (release_p, c_char_p, c_char_p), _check),
    ("promote_release_abort", c_int, (release_p, c_char_p), _check),
    ("promote_release_retry", c_int, (release_p, c_char_p), _check),
    ("promote_release_event_kind", c_int, (revent_p,), None),
    ("promote_release_event_kind_name", c_char_p, (c_int,), _string),
    ("promote_release_event_release", c_char_p, (revent_p,), _string),
    ("promote_release_event_environment", c_char_p, (revent_p,), _string),
    ("promote_release_event_reason", c_char_p, (revent_p,), _string),
    ("promote_release_event_commit", c_char_p, (revent_p,), _string),
    ("promote_release_event_change", c_char_p, (revent_p,), _string),
    ("promote_release_event_check", c_char_p, (revent_p,), _string),
    ("promote_release_event_state", c_int, (revent_p,), None),
    ("promote_release_event_exit_status", c_int, (revent_p,), None),
    ("promote_release_list_options_init", c_int, (_P(promote_release_list_options), c_uint), _check),
    ("promote_release_list_new", c_int, (_P(rlist_p), ctx_p, _P(promote_release_list_options)), _check),
    ("promote_release_list_count", c_size_t, (rlist_p,), None),
    ("promote_release_list_at", release_p, (rlist_p, c_size_t), None),
    ("promote_release_list_free", None, (rlist_p,), None),
    # status.h
    ("promote_status_options_init", c_int, (_P(promote_status_options), c_uint), _check),
    ("promote_status_new", c_int, (_P(status_p), ctx_p, _P(promote_status_options)), _check),
    ("promote_status_free", None, (status_p,), None),
    ("promote_status_environment_count", c_size_t, (status_p,), None),
    ("promote_status_environment_at", c_char_p, (status_p, c_size_t), _string),
    ("promote_status_product_count", c_size_t, (status_p,), None),
    ("promote_status_product_at", c_char_p, (status_p, c_size_t), _string),
    ("promote_status_cell_at", cell_p, (status_p, c_size_t, c_size_t), None),
    ("promote_status_cell_present", c_int, (cell_p,), None),
    ("promote_status_cell_version", c_char_p, (cell_p,), _string),
    ("promote_status_cell_error", c_char_p, (cell_p,), _string),
    ("promote_status_cell_release", release_p, (cell_p,), None),
    ("promote_status_cell_step", rstep_p, (cell_p,), None),
    ("promote_status_cell_waiting", c_size_t, (cell_p,), None),
    ("promote_status_cell_hold", hold_p, (cell_p,), None),
    ("promote_status_cell_pin", hold_p, (cell_p,), None),
    ("promote_status_hold_count", c_size_t, (status_p,), None),
    ("promote_status_hold_at", hold_p, (status_p, c_size_t), None),
    ("promote_status_to_json", c_int, (_P(promote_buf), status_p), _check),
    # sync.h
    ("promote_sync_options_init", c_int, (_P(promote_sync_options), c_uint), _check),
    ("promote_sync_kind_name", c_char_p, (c_int,), _string),
    ("promote_sync_create", c_int, (_P(sync_p), ctx_p, c_char_p, c_char_p, _P(promote_sync_options)), _check),
    ("promote_sync_free", None, (sync_p,), None),
    ("promote_sync_from", c_char_p, (sync_p,), _string),
    ("promote_sync_to", c_char_p, (sync_p,), _string),
    ("promote_sync_branch", c_char_p, (sync_p,), _string),
    ("promote_sync_base", c_char_p, (sync_p,), _string),
    ("promote_sync_action", c_int, (sync_p,), None),
    ("promote_sync_product_count", c_size_t, (sync_p,), None),
    ("promote_sync_product_at", c_char_p, (sync_p, c_size_t), _string),
    ("promote_sync_product_kind_at", c_int, (sync_p, c_size_t), None),
    ("promote_sync_product_version_at", c_char_p, (sync_p, c_size_t), _string),
    ("promote_sync_product_previous_at", c_char_p, (sync_p, c_size_t), _string),
    ("promote_sync_count_of", c_size_t, (sync_p, c_int), None),
    ("promote_sync_change_count", c_size_t, (sync_p,), None),
    ("promote_sync_change_path_at", c_char_p, (sync_p, c_size_t), _string),
    ("promote_sync_diff", c_int, (_P(promote_buf), sync_p), _check),
    ("promote_sync_apply", c_int, (_P(promote_buf), _P(c_int), sync_p, _P(promote_apply_options)), _check),
    ("promote_sync_release", c_int, (_P(release_p), sync_p, _P(promote_release_options)), _check),
    ("promote_sync_change_id", c_char_p, (sync_p,), _string),
    ("promote_sync_to_json", c_int, (_P(promote_buf), sync_p), _check),
    # drift.h
    ("promote_drift_relation_name", c_char_p, (c_int,), _string),
    ("promote_drift_comparison_name", c_char_p, (c_int,), _string),
    ("promote_drift_options_init", c_int, (_P(promote_drift_options), c_uint), _check),
    ("promote_drift_new", c_int, (_P(drift_p), ctx_p, _P(promote_drift_options)), _check),
    ("promote_drift_free", None, (drift_p,), None),
    ("promote_drift_pair_count", c_size_t, (drift_p,), None),
    ("promote_drift_pair_from", c_char_p, (drift_p, c_size_t), _string),
    ("promote_drift_pair_to", c_char_p, (drift_p, c_size_t), _string),
    ("promote_drift_row_count", c_size_t, (drift_p,), None),
    ("promote_drift_row_at", drow_p, (drift_p, c_size_t), None),
    ("promote_drift_drifted_count", c_size_t, (drift_p,), None),
    ("promote_drift_row_product", c_char_p, (drow_p,), _string),
    ("promote_drift_row_from", c_char_p, (drow_p,), _string),
    ("promote_drift_row_to", c_char_p, (drow_p,), _string),
    ("promote_drift_row_from_version", c_char_p, (drow_p,), _string),
    ("promote_drift_row_to_version", c_char_p, (drow_p,), _string),
    ("promote_drift_row_relation", c_int, (drow_p,), None),
    ("promote_drift_row_comparison", c_int, (drow_p,), None),
    ("promote_drift_row_error", c_char_p, (drow_p,), _string),
    ("promote_drift_to_json", c_int, (_P(promote_buf), drift_p), _check),
    # scaffold.h
    ("promote_scaffold_from_jx", c_int, (_P(promote_buf), c_char_p, c_size_t, c_char_p), _check),
    ("promote_scaffold_options_init", c_int, (_P(promote_scaffold_options), c_uint), _check),
    ("promote_scaffold_from_repository", c_int, (_P(promote_buf), c_char_p, _P(promote_scaffold_options)), _check),
    # watch.h
    ("promote_watcher_options_init", c_int, (_P(promote_watcher_options), c_uint), _check),
    ("promote_watcher_new", c_int, (_P(watcher_p), ctx_p, _P(promote_watcher_options)), _check),
    ("promote_watcher_free", None, (watcher_p,), None),
    ("promote_watcher_pass", c_int, (watcher_p, _P(c_uint32)), _check),
    ("promote_watcher_stop", None, (watcher_p,), None),
    ("promote_watcher_stopped", c_int, (watcher_p,), None),
    ("promote_watcher_started_count", c_size_t, (watcher_p,), None),
    ("promote_watcher_started_at", c_char_p, (watcher_p, c_size_t), _string),
    ("promote_watcher_polled_count", c_size_t, (watcher_p,), None),
    ("promote_watcher_skipped_count", c_size_t, (watcher_p,), None),
    ("promote_watcher_open_count", c_size_t, (watcher_p,), None),
    ("promote_watcher_failed_count", c_size_t, (watcher_p,), None),
    ("promote_watch_event_kind", c_int, (wevent_p,), None),
    ("promote_watch_event_kind_name", c_char_p, (c_int,), _string),
    ("promote_watch_event_flow", c_char_p, (wevent_p,), _string),
    ("promote_watch_event_product", c_char_p, (wevent_p,), _string),
    ("promote_watch_event_version", c_char_p, (wevent_p,), _string),
    ("promote_watch_event_release", c_char_p, (wevent_p,), _string),
    ("promote_watch_event_commit", c_char_p, (wevent_p,), _string),
    ("promote_watch_event_message", c_char_p, (wevent_p,), _string),
    # hold.h
    ("promote_hold_add", c_int, (ctx_p, c_char_p, c_char_p, c_char_p, c_char_p), _check),
    ("promote_env_import_options_init", c_int, (_P(promote_env_import_options), c_uint), _check),
    ("promote_env_import", c_int,
     (_P(promote_buf), _P(c_int), ctx_p, c_char_p, c_char_p, _P(promote_env_import_options)), _check),
    ("promote_hold_remove", c_int, (_P(c_size_t), ctx_p, c_char_p, c_char_p, c_char_p), _check),
    ("promote_hold_list_new", c_int, (_P(hlist_p), ctx_p), _check),
    ("promote_hold_list_count", c_size_t, (hlist_p,), None),
    ("promote_hold_list_at", hold_p, (hlist_p, c_size_t), None),
    ("promote_hold_list_free", None, (hlist_p,), None),
    ("promote_hold_kind_of", c_int, (hold_p,), None),
    ("promote_hold_environment", c_char_p, (hold_p,), _string),
    ("promote_hold_product", c_char_p, (hold_p,), _string),
    ("promote_hold_reason", c_char_p, (hold_p,), _string),
    ("promote_hold_by", c_char_p, (hold_p,), _string),
    ("promote_hold_at", c_int64, (hold_p,), None),
    ("promote_hold_version", c_char_p, (hold_p,), _string),
    ("promote_hold_release", c_char_p, (hold_p,), _string),
    ("promote_release_rollback", c_int, (_P(release_p), ctx_p, c_char_p, c_char_p, c_char_p,
                                         _P(promote_release_options)), _check),
    # sys/git_provider.h: for providers written in Python
    ("promote_change_info_set_id", c_int, (info_p, c_char_p), _check),
    ("promote_change_info_set_url", c_int, (info_p, c_char_p), _check),
    ("promote_change_info_set_head", c_int, (info_p, c_char_p), _check),
    ("promote_change_info_set_base", c_int, (info_p, c_char_p), _check),
    ("promote_change_info_set_title", c_int, (info_p, c_char_p), _check),
    ("promote_change_info_set_merge_commit", c_int, (info_p, c_char_p), _check),
    ("promote_change_info_set_state", c_int, (info_p, c_int), _check),
    ("promote_change_info_set_checks", c_int, (info_p, c_int), _check),
    ("promote_change_info_set_draft", c_int, (info_p, c_int), _check),
    ("promote_change_info_set_approvals", c_int, (info_p, c_uint), _check),
    ("promote_change_info_set_reused", c_int, (info_p, c_int), _check),
    ("promote_change_info_set_waiting", c_int, (info_p, c_char_p), _check),
    # sys/deploy_backend.h: for backends written in Python
    ("promote_deploy_request_product", c_char_p, (dreq_p,), _string),
    ("promote_deploy_request_environment", c_char_p, (dreq_p,), _string),
    ("promote_deploy_request_revision", c_char_p, (dreq_p,), _string),
    ("promote_deploy_request_version", c_char_p, (dreq_p,), _string),
    ("promote_deploy_request_release", c_char_p, (dreq_p,), _string),
    ("promote_deploy_request_products", c_char_p, (dreq_p,), _string),
    ("promote_deploy_request_timeout", c_uint32, (dreq_p,), None),
    ("promote_deploy_request_cluster_count", c_size_t, (dreq_p,), None),
    ("promote_deploy_request_cluster_name_at", c_char_p, (dreq_p, c_size_t), _string),
    ("promote_deploy_request_cluster_namespace_at", c_char_p, (dreq_p, c_size_t), _string),
    ("promote_deploy_request_sync_arg_count", c_size_t, (dreq_p,), None),
    ("promote_deploy_request_sync_arg_at", c_char_p, (dreq_p, c_size_t), _string),
    ("promote_deploy_request_health_arg_count", c_size_t, (dreq_p,), None),
    ("promote_deploy_request_health_arg_at", c_char_p, (dreq_p, c_size_t), _string),
    ("promote_workflow_request_name", c_char_p, (wreq_p,), _string),
    ("promote_workflow_request_run_id", c_char_p, (wreq_p,), _string),
    ("promote_workflow_request_product", c_char_p, (wreq_p,), _string),
    ("promote_workflow_request_environment", c_char_p, (wreq_p,), _string),
    ("promote_workflow_request_revision", c_char_p, (wreq_p,), _string),
    ("promote_workflow_request_version", c_char_p, (wreq_p,), _string),
    ("promote_workflow_request_release", c_char_p, (wreq_p,), _string),
    ("promote_workflow_request_products", c_char_p, (wreq_p,), _string),
    ("promote_workflow_request_timeout", c_uint32, (wreq_p,), None),
    ("promote_workflow_request_cluster_count", c_size_t, (wreq_p,), None),
    ("promote_workflow_request_cluster_name_at", c_char_p, (wreq_p, c_size_t), _string),
    ("promote_workflow_request_cluster_namespace_at", c_char_p, (wreq_p, c_size_t), _string),
    ("promote_workflow_request_arg_count", c_size_t, (wreq_p,), None),
    ("promote_workflow_request_arg_at", c_char_p, (wreq_p, c_size_t), _string),
    ("promote_deploy_status_set_sync", c_int, (dstatus_p, c_int), _check),
    ("promote_deploy_status_set_health", c_int, (dstatus_p, c_int), _check),
    ("promote_deploy_status_set_revision", c_int, (dstatus_p, c_char_p), _check),
    ("promote_deploy_status_set_message", c_int, (dstatus_p, c_char_p), _check),
    ("promote_workflow_status_set_run_id", c_int, (wstatus_p, c_char_p), _check),
    ("promote_workflow_status_set_state", c_int, (wstatus_p, c_int), _check),
    ("promote_workflow_status_set_exit_status", c_int, (wstatus_p, c_int), _check),
    ("promote_workflow_status_set_output", c_int, (wstatus_p, c_char_p, c_size_t), _check),
    ("promote_sync_state_name", c_char_p, (c_int,), _string),
    ("promote_health_state_name", c_char_p, (c_int,), _string),
    ("promote_workflow_state_name", c_char_p, (c_int,), _string),
)


def _declare() -> None:
    for name, restype, argtypes, errcheck in DECLARATIONS:
        try:
            func = getattr(lib, name)
        except AttributeError as exc:
            raise ImportError("%s (%s) has no symbol %s; it is older than these bindings"
                              % (library_path, SONAME, name)) from exc
        func.restype = restype
        func.argtypes = argtypes
        if errcheck is not None:
            func.errcheck = errcheck


_declare()
