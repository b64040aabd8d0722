"""The lifetime protocol shared by the objects that own one C handle."""

from __future__ import annotations

import weakref
from typing import Any, TypeVar

_Self = TypeVar("_Self", bound="OwnsHandle")


class OwnsHandle:
    """close() (idempotent), .closed and `with` for an object whose C handle is
    freed by self._finalizer (a weakref.finalize); _check_open() raises when
    the handle is gone."""

    _finalizer: weakref.finalize

    def _check_open(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Free the C handle now. Calling it again does nothing."""
        self._finalizer()

    @property
    def closed(self) -> bool:
        return not self._finalizer.alive

    def __enter__(self: _Self) -> _Self:
        self._check_open()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()
