"""The git-provider and deploy-backend vtables, registered through the raw
layer: beyond matching the C layout (test_layout.py), the library must find
free_payload -- the last slot -- where the mirror puts it."""

import ctypes

import pytest

import promote
from promote import _native
from conftest import EXAMPLE_CONFIG

KINDS = {
    "git": (_native.promote_git_provider, _native.lib.promote_git_provider_init,
            _native.lib.promote_git_provider_register, _native.GIT_PROVIDER_VERSION, "git_providers"),
    "deploy": (_native.promote_deploy_backend, _native.lib.promote_deploy_backend_init,
               _native.lib.promote_deploy_backend_register, _native.DEPLOY_BACKEND_VERSION, "deploy_backends"),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_init_empties_every_slot(kind):
    vtable_type, init, _, version, _ = KINDS[kind]
    vtable = vtable_type()
    ctypes.memset(ctypes.byref(vtable), 0xA5, ctypes.sizeof(vtable))
    init(vtable, version)
    assert vtable.version == version
    for name, _ in vtable_type._fields_[2:]:
        assert not getattr(vtable, name), name
    with pytest.raises(promote.VersionError):
        init(vtable, version + 1)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_registration_and_payload_ownership(kind):
    vtable_type, init, register, version, listing = KINDS[kind]
    freed = []
    free_payload = _native.free_payload_cb(lambda payload: freed.append(payload))
    vtable = vtable_type()
    init(vtable, version)
    vtable.free_payload = free_payload

    ctx = promote.Context.from_file(EXAMPLE_CONFIG)
    c = ctx._ctx()
    register(c, b"first", vtable, 1111)
    register(c, b"second_one-2", vtable, 2222)
    assert getattr(ctx, listing) == ["first", "second_one-2"]

    # Failures leave the payload with the caller: free_payload is not called for them.
    with pytest.raises(promote.ExistsError, match="already registered"):
        register(c, b"first", vtable, 3333)
    with pytest.raises(promote.InvalidError, match="not valid"):
        register(c, b"Has Spaces", vtable, 4444)
    newer = vtable_type()
    init(newer, version)
    newer.version = version + 1
    with pytest.raises(promote.VersionError):
        register(c, b"newer", newer, 5555)
    assert getattr(ctx, listing) == ["first", "second_one-2"]
    assert freed == []

    # The vtable was copied: changing ours now does not change what was registered.
    vtable.free_payload = _native.free_payload_cb(lambda payload: freed.append(("wrong slot", payload)))
    ctx.close()
    assert sorted(freed) == [1111, 2222]
    del free_payload  # kept alive until the context was freed, as the library needs it


def test_buf_dispose_resets_a_borrowed_buffer():
    text = ctypes.create_string_buffer(b"borrowed")
    buf = _native.promote_buf(ctypes.cast(text, ctypes.POINTER(ctypes.c_char)), 0, 8)
    _native.lib.promote_buf_dispose(buf)   # reserved 0: not owned, so not freed
    assert (bool(buf.ptr), buf.reserved, buf.size) == (False, 0, 0)
    assert text.value == b"borrowed"
    _native.lib.promote_buf_dispose(None)  # NULL is fine


def test_strarray_dispose_of_an_empty_array():
    array = _native.promote_strarray()
    _native.lib.promote_strarray_dispose(array)
    assert (bool(array.strings), array.count) == (False, 0)
    _native.lib.promote_strarray_dispose(None)
