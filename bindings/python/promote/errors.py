"""Errors raised by the promote bindings.

Every failing libpromote call raises a :class:`PromoteError` subclass chosen by
the C error code (and, for invalid input, by the error class). One failure can
carry several problems -- loading a configuration reports all of them at once
-- so every exception has ``.errors``: the whole chain of
``promote_error_last()`` as :class:`ErrorDetail` records. The exception's own
``code``/``klass``/``message``/``file``/``line``/``column`` are the first
record's.
"""

from __future__ import annotations

import enum
from typing import Dict, Iterable, List, NamedTuple, Optional, Type, TypeVar, Union

_Enum = TypeVar("_Enum", bound=enum.IntEnum)


class ErrorCode(enum.IntEnum):
    """``promote_error_code``: fixed values, never renumbered."""
    OK = 0
    ERROR = -1
    ENOMEM = -2
    ENOTFOUND = -3
    EEXISTS = -4
    EINVALID = -5
    ELIMIT = -6
    EVERSION = -7
    EUSER = -8
    EIO = -9
    EGIT = -10
    ENET = -11
    EAUTH = -12
    ECONFLICT = -13
    EBUSY = -14
    ETIMEOUT = -15
    ENOTSUPPORTED = -16
    ESTATE = -17
    PASSTHROUGH = -30
    ITEROVER = -31


class ErrorClass(enum.IntEnum):
    """``promote_error_class``: which part of the library an error comes from."""
    NONE = 0
    OS = 1
    NOMEMORY = 2
    INVALID = 3
    CONFIG = 4
    YAML = 5
    GIT = 6
    NET = 7
    PROVIDER = 8
    DEPLOY = 9
    RELEASE = 10
    CALLBACK = 11


def _enum_or_int(enum_type: Type[_Enum], value: int) -> Union[_Enum, int]:
    try:
        return enum_type(value)
    except ValueError:  # a code added by a newer library: keep the number
        return value


class ErrorDetail(NamedTuple):
    """One problem of an error chain (one ``promote_error``), copied out.

    ``file`` is None and ``line``/``column`` are None when the problem has no
    input location; both are 1-based otherwise. ``message`` is complete and
    printable: for input errors it starts with ``file:line:column:``.
    """
    code: int
    klass: int
    message: str
    file: Optional[str]
    line: Optional[int]
    column: Optional[int]


class PromoteError(Exception):
    """A libpromote failure. See the module documentation."""

    code: Union[ErrorCode, int]
    klass: Union[ErrorClass, int]
    message: str
    file: Optional[str]
    line: Optional[int]
    column: Optional[int]
    errors: List[ErrorDetail]

    def __init__(self, message: str, *, code: int = ErrorCode.ERROR, klass: int = ErrorClass.NONE,
                 file: Optional[str] = None, line: Optional[int] = None, column: Optional[int] = None,
                 errors: Optional[Iterable[ErrorDetail]] = None) -> None:
        self.code = _enum_or_int(ErrorCode, code)
        self.klass = _enum_or_int(ErrorClass, klass)
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        if errors is None:
            errors = [ErrorDetail(int(code), int(klass), message, file, line, column)]
        self.errors = list(errors)
        super().__init__(message)

    def __str__(self) -> str:
        # Every problem, one per line: a traceback then shows all of them,
        # which is the point of reporting them at once.
        return "\n".join(e.message for e in self.errors) if self.errors else self.message

    @staticmethod
    def class_for(code: int, klass: int = ErrorClass.NONE) -> Type[PromoteError]:
        """The subclass raised for a C error code (and class)."""
        if code == ErrorCode.EINVALID and klass in (ErrorClass.CONFIG, ErrorClass.YAML):
            return ConfigError
        return _BY_CODE.get(code, PromoteError)

    @classmethod
    def from_records(cls, code: int, records: List[ErrorDetail]) -> PromoteError:
        """The exception for a failed call that returned `code`, carrying `records`."""
        first = records[0]
        subclass = PromoteError.class_for(code, first.klass)
        return subclass(first.message, code=code, klass=first.klass, file=first.file, line=first.line,
                        column=first.column, errors=records)


class OutOfMemoryError(PromoteError, MemoryError):
    """PROMOTE_ENOMEM."""


class NotFoundError(PromoteError, LookupError):
    """PROMOTE_ENOTFOUND: no such environment, product, policy, flow, file ..."""


class ExistsError(PromoteError):
    """PROMOTE_EEXISTS: a name registered twice."""


class InvalidError(PromoteError, ValueError):
    """PROMOTE_EINVALID: invalid input or a bad argument."""


class ConfigError(InvalidError):
    """PROMOTE_EINVALID from the configuration or its YAML; ``.errors`` has every problem."""


class LimitError(PromoteError, ValueError):
    """PROMOTE_ELIMIT: input beyond a bound (size, depth, alias expansion)."""


class VersionError(PromoteError):
    """PROMOTE_EVERSION: a struct or vtable version newer than the library."""


class CallbackError(PromoteError):
    """PROMOTE_EUSER: a callback asked to stop."""


class InputOutputError(PromoteError, OSError):
    """PROMOTE_EIO: the operating system refused (open, read, write)."""


class GitError(PromoteError):
    """PROMOTE_EGIT."""


class NetworkError(PromoteError):
    """PROMOTE_ENET."""


class AuthError(PromoteError):
    """PROMOTE_EAUTH: credentials missing or refused."""


class ConflictError(PromoteError):
    """PROMOTE_ECONFLICT."""


class BusyError(PromoteError):
    """PROMOTE_EBUSY: a lock is held by someone else."""


class TimedOutError(PromoteError, TimeoutError):
    """PROMOTE_ETIMEOUT."""


class NotSupportedError(PromoteError):
    """PROMOTE_ENOTSUPPORTED: not available in this build or for this input."""


class StateError(PromoteError):
    """PROMOTE_ESTATE: not possible in the object's current state (also: a closed context)."""


_BY_CODE: Dict[int, Type[PromoteError]] = {
    ErrorCode.ENOMEM: OutOfMemoryError,
    ErrorCode.ENOTFOUND: NotFoundError,
    ErrorCode.EEXISTS: ExistsError,
    ErrorCode.EINVALID: InvalidError,
    ErrorCode.ELIMIT: LimitError,
    ErrorCode.EVERSION: VersionError,
    ErrorCode.EUSER: CallbackError,
    ErrorCode.EIO: InputOutputError,
    ErrorCode.EGIT: GitError,
    ErrorCode.ENET: NetworkError,
    ErrorCode.EAUTH: AuthError,
    ErrorCode.ECONFLICT: ConflictError,
    ErrorCode.EBUSY: BusyError,
    ErrorCode.ETIMEOUT: TimedOutError,
    ErrorCode.ENOTSUPPORTED: NotSupportedError,
    ErrorCode.ESTATE: StateError,
}
