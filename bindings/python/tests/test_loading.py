"""Finding and loading libpromote; version; init at import and shutdown at exit."""

import os
import pathlib
import shutil

import pytest

import promote
from promote import _native
from conftest import EXAMPLE_CONFIG, PACKAGE_ROOT, run_python

BUILT_LIBRARY = os.environ.get("PROMOTE_LIBRARY")
needs_built_library = pytest.mark.skipif(not BUILT_LIBRARY, reason="PROMOTE_LIBRARY names no built library")


def test_version_is_a_tuple_of_the_runtime_version():
    v = promote.version()
    assert isinstance(v, tuple) and len(v) == 3
    assert all(isinstance(part, int) and part >= 0 for part in v)
    assert promote.version_string() == "%d.%d.%d" % v


@needs_built_library
def test_the_library_named_by_PROMOTE_LIBRARY_is_the_one_loaded():
    assert promote.library_path == BUILT_LIBRARY
    # ... and it really is mapped into this process, not some other copy.
    real = os.path.realpath(BUILT_LIBRARY)
    with open("/proc/self/maps") as maps:
        mapped = {fields[5] for fields in map(str.split, maps) if len(fields) >= 6}
    assert real in mapped


def test_import_initialised_the_library_once():
    # promote_init is reference-counted: one more init gives 2 only if the
    # import made exactly one.
    assert _native.lib.promote_init() == 2
    assert _native.lib.promote_shutdown() == 1


def test_shutdown_beyond_init_is_a_state_error():
    # Seen from C: a process that never imported promote.
    result = run_python("""
        import ctypes, os
        lib = ctypes.CDLL(os.environ["PROMOTE_LIBRARY"])
        print(lib.promote_shutdown())
    """)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) == promote.ErrorCode.ESTATE


@needs_built_library
def test_bad_PROMOTE_LIBRARY_is_an_import_error_naming_it(tmp_path):
    missing = tmp_path / "nowhere" / "libpromote.so"
    result = run_python("import promote", env_updates={"PROMOTE_LIBRARY": str(missing)})
    assert result.returncode != 0
    assert "ImportError" in result.stderr
    assert str(missing) in result.stderr


@needs_built_library
@pytest.mark.parametrize("where", ["package", "parent"])
def test_a_library_beside_the_package_is_found(tmp_path, where):
    shutil.copytree(PACKAGE_ROOT / "promote", tmp_path / "promote",
                    ignore=shutil.ignore_patterns("__pycache__", "*.so*"))
    folder = tmp_path / "promote" if where == "package" else tmp_path
    beside = folder / "libpromote.so.0"
    beside.symlink_to(os.path.realpath(BUILT_LIBRARY))
    result = run_python("""
        import promote
        print(promote.library_path)
        print(promote.version_string())
    """, env_updates={"PYTHONPATH": str(tmp_path)}, env_remove=["PROMOTE_LIBRARY"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    path, version = result.stdout.split()
    assert pathlib.Path(path) == beside
    assert version == promote.version_string()


def test_no_library_anywhere_is_an_import_error_listing_what_was_tried(tmp_path):
    hidden = ["PROMOTE_LIBRARY", "LD_LIBRARY_PATH"]
    search = run_python("import ctypes.util; print(ctypes.util.find_library('promote'))", env_remove=hidden)
    if search.stdout.strip() != "None":
        pytest.skip("an installed libpromote would be found: " + search.stdout.strip())
    shutil.copytree(PACKAGE_ROOT / "promote", tmp_path / "promote",
                    ignore=shutil.ignore_patterns("__pycache__", "*.so*"))
    result = run_python("import promote", env_updates={"PYTHONPATH": str(tmp_path)},
                        env_remove=hidden, cwd=tmp_path)
    assert str(tmp_path / "promote" / "_native.py") in result.stderr  # the copy was imported
    assert result.returncode != 0
    assert "ImportError: cannot load libpromote; tried:" in result.stderr
    assert "PROMOTE_LIBRARY: not set" in result.stderr
    assert "find_library('promote'): nothing found" in result.stderr
    assert "libpromote.so.0" in result.stderr


@needs_built_library
def test_exit_frees_open_contexts_and_shuts_the_library_down():
    # An exit hook registered before the import runs after promote's own
    # (they run last-in, first-out): by then the context must be closed and
    # the library shut down, so one more promote_shutdown() is refused.
    result = run_python("""
        import atexit, ctypes, os, sys
        raw = ctypes.CDLL(os.environ["PROMOTE_LIBRARY"])
        def after():
            print("closed", ctx.closed)
            print("shutdown", raw.promote_shutdown())
        atexit.register(after)
        import promote
        ctx = promote.Context.from_file(sys.argv[1] if len(sys.argv) > 1 else %r)
        print("open", ctx.closed)
    """ % str(EXAMPLE_CONFIG))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:3] == [
        "open False", "closed True", "shutdown %d" % promote.ErrorCode.ESTATE]
