"""The lifetime protocol shared by the objects that own one C handle."""


class OwnsHandle:
    """close() (idempotent), .closed and `with` for an object whose C handle is
    freed by self._finalizer (a weakref.finalize); _check_open() raises when
    the handle is gone."""

    def _check_open(self):
        raise NotImplementedError

    def close(self):
        """Free the C handle now. Calling it again does nothing."""
        self._finalizer()

    @property
    def closed(self):
        return not self._finalizer.alive

    def __enter__(self):
        self._check_open()
        return self

    def __exit__(self, *exc_info):
        self.close()
