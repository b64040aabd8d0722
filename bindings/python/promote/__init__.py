"""promote -- Python bindings (ctypes) for libpromote, GitOps promotion of
products through environments.

    import promote
    with promote.Context.from_file("promote.yaml") as ctx:
        for env in ctx.environments:
            print(env.name, env.kind, env.strategy)
        eff = ctx.resolve_policy("shop", "prod", flow="default")
        print(eff.action, eff.sources["action"])

The shared library is found through PROMOTE_LIBRARY (a path), then a
libpromote.so* beside the package, then ctypes.util.find_library("promote"),
then the soname libpromote.so.0. promote_init() runs at import and
promote_shutdown() at exit. Failures raise promote.PromoteError subclasses
(see promote.errors).

Releases move a product's version through a whole flow:

    release = ctx.run("shop", version="1.5.0")
    release.run()                       # until done, or waiting for a person
    if release.state is promote.ReleaseState.WAITING:
        release.approve("prod", by="alice")
        release.run()

promote.yaml edits YAML files surgically (promote.yaml.Document, promote.yaml.Path):

    doc = promote.yaml.Document.read("values.yaml")
    doc.set("image.tag", "v2")
    pathlib.Path("values.yaml").write_bytes(doc.content)
"""

import atexit
from ctypes import byref, c_int
from typing import Tuple

from . import _native
from . import scaffold
from . import yaml
from ._version import __version__
from .context import Context, CredentialsCallback, LogCallback, ProgressCallback, _live
from .promotion import Applied, ApplyOutcome, Imported, Change, ChangeState, ChecksState, Plan, _live_plans
from .release import (Check, Hold, HoldKind, Release, ReleaseEvent, ReleaseEventCallback, ReleaseEventKind,
                      ReleaseInfo, ReleaseState, Step, StepState, _live_releases)
from .status import Status, StatusCell, StatusRow
from .sync import SyncKind, Synced, SyncedProduct
from .drift import Drift, DriftComparison, DriftRelation, DriftRow
from .providers import (PASSTHROUGH, ChangeRequest, DeployBackend, DeployRequest, DeployStatus, GitProvider,
                        HealthState, SyncState, WorkflowRequest, WorkflowState, WorkflowStatus,
                        builtin_deploy_backends, builtin_git_providers)
from .watch import WatchEvent, WatchEventCallback, WatchEventKind, Watcher, _live_watchers
from .errors import (AuthError, BusyError, CallbackError, ConfigError, ConflictError, ErrorClass, ErrorCode,
                     ErrorDetail, ExistsError, GitError, InputOutputError, InvalidError, LimitError,
                     NetworkError, NotFoundError, NotSupportedError, OutOfMemoryError, PromoteError,
                     StateError, TimedOutError, VersionError)
from .model import (Cluster, EffectivePolicy, Environment, Flow, FlowStep, LogLevel, Policy, PolicyField,
                    NameArg, Named, Product, Repository, SshKey, TransferEvent, TransferKind, TransferPhase)

__all__ = [
    "Context", "yaml", "scaffold", "version", "version_string", "strerror", "library_path", "__version__",
    "LogCallback", "CredentialsCallback", "ProgressCallback", "Named", "NameArg",
    "TransferEvent", "TransferKind", "TransferPhase",
    "Repository", "Environment", "Cluster", "Product", "Policy", "Flow", "FlowStep", "EffectivePolicy",
    "LogLevel", "PolicyField", "SshKey", "Plan", "Applied", "ApplyOutcome", "Imported", "Change", "ChangeState", "ChecksState",
    "Release", "ReleaseInfo", "ReleaseState", "Step", "StepState", "Check", "ReleaseEvent", "ReleaseEventKind",
    "ReleaseEventCallback", "Status", "StatusRow", "StatusCell", "Hold", "HoldKind",
    "Drift", "DriftRow", "DriftRelation", "DriftComparison",
    "GitProvider", "DeployBackend", "ChangeRequest", "DeployRequest", "DeployStatus", "WorkflowRequest",
    "WorkflowStatus", "SyncState", "HealthState", "WorkflowState", "PASSTHROUGH",
    "builtin_git_providers", "builtin_deploy_backends",
    "Watcher", "WatchEvent", "WatchEventKind", "WatchEventCallback", "Synced", "SyncedProduct", "SyncKind",
    "PromoteError", "ErrorCode", "ErrorClass", "ErrorDetail", "OutOfMemoryError", "NotFoundError",
    "ExistsError", "InvalidError", "ConfigError", "LimitError", "VersionError", "CallbackError",
    "InputOutputError", "GitError", "NetworkError", "AuthError", "ConflictError", "BusyError",
    "TimedOutError", "NotSupportedError", "StateError",
]

# The file the library was loaded from (or the name given to the loader).
library_path = _native.library_path


def version() -> Tuple[int, int, int]:
    """The run-time library version as (major, minor, patch)."""
    major, minor, patch = c_int(), c_int(), c_int()
    _native.lib.promote_version(byref(major), byref(minor), byref(patch))
    return (major.value, minor.value, patch.value)


def version_string() -> str:
    """The run-time library version as "MAJOR.MINOR.PATCH"."""
    text: str = _native.lib.promote_version_string()
    return text


def strerror(code: int) -> str:
    """The library's static description of an error code ("not found")."""
    return _native.decode(_native.lib.promote_strerror(int(code))) or ""


_native.lib.promote_init()


@atexit.register
def _shutdown() -> None:
    # Contexts still open hold library state: free them first, whatever
    # order the interpreter's exit hooks run in.
    for plan in list(_live_plans):
        plan.close()
    for watcher in list(_live_watchers):
        watcher.close()
    for release in list(_live_releases):
        release.close()
    for ctx in list(_live):
        ctx.close()
    _native.lib.promote_shutdown()
