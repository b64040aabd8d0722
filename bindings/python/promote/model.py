"""The configuration objects a :class:`promote.Context` hands out.

They are plain values copied out of the C context when asked for, so they
stay valid after the context is closed or garbage-collected and never hold a
C pointer. Enum values are the configuration's spellings ("production",
"manual", "pull-request") as the C library names them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Dict, FrozenSet, List, Optional, Protocol, Tuple, Union


class LogLevel(enum.IntEnum):
    """``promote_log_level``."""
    ERROR = 0
    WARNING = 1
    INFO = 2
    DEBUG = 3
    TRACE = 4


class PolicyField(enum.IntEnum):
    """``promote_policy_field``: the fields that policies merge."""
    ACTION = 0
    PRE = 1
    POST = 2


class TransferKind(enum.IntEnum):
    """``promote_transfer_kind``: which transfer with a remote an event is about."""
    CLONE = 1   # the first fetch of a remote, into a new mirror in the cache
    FETCH = 2
    PUSH = 3


class TransferPhase(enum.IntEnum):
    """``promote_transfer_phase``, in the order they come."""
    RECEIVING = 1   # clone, fetch: objects received; bytes received
    RESOLVING = 2   # clone, fetch: deltas resolved
    PACKING = 3     # push: objects packed
    WRITING = 4     # push: objects sent; bytes sent


@dataclass(frozen=True)
class TransferEvent:
    """The progress of a transfer (``promote_event``), copied out of the C event."""
    kind: Union[TransferKind, int]    # an int for a kind newer than these bindings
    phase: Union[TransferPhase, int]
    current: int                      # items (objects, deltas) of the phase done
    total: int                        # 0 while not known
    bytes: int                        # received (RECEIVING) or sent (WRITING)
    done: bool                        # the phase's last event
    url: Optional[str]                # the remote, without user information


# The Python spelling of each policy field, as used in Policy.sets and
# EffectivePolicy.sources.
FIELD_NAMES: Dict[PolicyField, str] = {PolicyField.ACTION: "action", PolicyField.PRE: "pre", PolicyField.POST: "post"}


class Named(Protocol):
    """Anything with a name: the objects below, where a method takes a name."""

    @property
    def name(self) -> str:
        ...


# An environment, product, policy, flow or repository: its name, or an object that has one.
NameArg = Union[str, bytes, Named]


@dataclass(frozen=True)
class SshKey:
    """An ssh key a credentials callback offers: the private key file, its
    public key (None: derived) and passphrase (None: none)."""
    user: str
    private_key: str
    public_key: Optional[str] = None
    passphrase: Optional[str] = None


@dataclass(frozen=True)
class Repository:
    name: str
    url: Optional[str]          # None: the repository that holds the configuration
    provider: str               # the git provider's registered name
    branch: Optional[str]       # None: the repository's default branch


@dataclass(frozen=True)
class Cluster:
    name: str
    namespace: Optional[str]


@dataclass(frozen=True)
class Environment:
    name: str
    path: str
    kind: str                   # "non-production" | "production"
    strategy: str               # "auto" | "manual" | "never"
    deploy_mode: str            # "auto" | "manual"
    repository: Optional[str]   # the repository's name
    branch: Optional[str]       # None: the repository's default branch
    labels: Dict[str, str] = field(default_factory=dict)
    clusters: List[Cluster] = field(default_factory=list)
    deploy_backend: str = "none"   # deploy.backend: "none", "exec", "argocd" or a registered name


@dataclass(frozen=True)
class Product:
    name: str
    path: str
    discovery: bool             # the product "*": every folder matching path is a product
    template: Optional[str]     # the shared template's name; None for an inline one
    files: List[str] = field(default_factory=list)
    attributes: List[Tuple[str, str]] = field(default_factory=list)   # (file, YAML path)
    version: Optional[Tuple[str, str]] = None                         # (file, YAML path)
    flows: List[str] = field(default_factory=list)    # its releases run the first; none: the default flow


@dataclass(frozen=True)
class Policy:
    name: str                   # inline step policies are named "FLOW/STEP"
    priority: int
    inline: bool
    action: Optional[str]       # None when the policy does not set it
    pre: List[str] = field(default_factory=list)
    post: List[str] = field(default_factory=list)
    sets: FrozenSet[str] = frozenset()     # of "action", "pre", "post"
    match_products: List[str] = field(default_factory=list)
    match_environments: List[str] = field(default_factory=list)
    match_kind: Optional[str] = None       # None: any kind
    match_labels: Dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FlowStep:
    environment: str
    depends_on: List[str]       # dependsOn, or the trigger
    wave: int                   # 0-based
    policy: Optional[str]       # the inline policy's name ("FLOW/STEP"), or None
    inline_policy: Optional[Policy] = None


@dataclass(frozen=True)
class Flow:
    name: str
    trigger: str
    steps: List[FlowStep] = field(default_factory=list)
    waves: List[List[str]] = field(default_factory=list)   # environment names, wave by wave
    timeout: int = 86400        # a release's bound, in seconds
    retries: int = 3            # transient errors retried per step


@dataclass(frozen=True)
class EffectivePolicy:
    """The merged policy for promoting one product into one environment."""
    product: str
    environment: str
    flow: Optional[str]
    action: str                 # never "unset": the built-in default is "commit"
    pre: List[str]
    post: List[str]
    sources: Dict[str, Optional[str]]   # field -> name of the policy that supplied it; None = built-in default
    matches: List[str]                  # every matching policy, strongest first

    @property
    def action_source(self) -> Optional[str]:
        return self.sources["action"]

    @property
    def pre_source(self) -> Optional[str]:
        return self.sources["pre"]

    @property
    def post_source(self) -> Optional[str]:
        return self.sources["post"]
