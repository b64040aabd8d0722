"""Shared fixtures for the promote bindings' tests.

meson runs this suite with PROMOTE_LIBRARY (the library just built),
PYTHONPATH (the package's source folder), PROMOTE_STRUCT_LAYOUT (the
struct_layout program), PROMOTE_CLI, PROMOTE_INCLUDE_DIR and
PROMOTE_EXAMPLES. Run by hand (``cd bindings/python && pytest``), each one
that is unset defaults to the source tree and its build folder ``build/``
(``meson setup build``): the package comes from the source folder (the
``pythonpath`` of pyproject.toml) and the library from build/lib.
"""

import os
import pathlib
import subprocess
import sys
import textwrap

import pytest

SOURCE_ROOT = pathlib.Path(__file__).resolve().parents[3]
PACKAGE_ROOT = pathlib.Path(__file__).resolve().parents[1]
# The build folder the README's "meson setup build" makes.
DEFAULT_BUILD = SOURCE_ROOT / "build"


def _env_path(name, default):
    value = os.environ.get(name)
    return pathlib.Path(value) if value else default


def _default_library():
    """The library of the default build folder, when PROMOTE_LIBRARY is unset.
    It is written back to the environment so that the package (which reads
    PROMOTE_LIBRARY at import) and the interpreters the tests start load this
    one, never an installed copy."""
    if not os.environ.get("PROMOTE_LIBRARY"):
        built = DEFAULT_BUILD / "lib" / "libpromote.so"
        if built.exists():
            os.environ["PROMOTE_LIBRARY"] = str(built)


_default_library()
EXAMPLES = _env_path("PROMOTE_EXAMPLES", SOURCE_ROOT / "examples")
INCLUDE_DIR = _env_path("PROMOTE_INCLUDE_DIR", SOURCE_ROOT / "include")
CLI = _env_path("PROMOTE_CLI", DEFAULT_BUILD / "cli" / "promote")
STRUCT_LAYOUT = _env_path("PROMOTE_STRUCT_LAYOUT", DEFAULT_BUILD / "bindings" / "python" / "struct_layout")
EXAMPLE_CONFIG = EXAMPLES / "gitops" / "promote.yaml"


@pytest.fixture
def example_path():
    return EXAMPLE_CONFIG


@pytest.fixture
def ctx():
    import promote
    with promote.Context.from_file(EXAMPLE_CONFIG) as context:
        yield context


@pytest.fixture
def write_config(tmp_path):
    """Write dedented YAML to a file in a temporary folder; returns its path."""
    def write(text, name="promote.yaml"):
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"))
        return path
    return write


def position(text, token, occurrence=1):
    """(line, column), 1-based, of the `occurrence`-th `token` in `text`: the
    location an error about that token must report, computed independently
    of the library."""
    index = -1
    for _ in range(occurrence):
        index = text.index(token, index + 1)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def run_python(code, env_updates=None, env_remove=(), cwd=None):
    """Run `code` in a fresh interpreter (for what happens at import and exit)."""
    env = dict(os.environ)
    for name in env_remove:
        env.pop(name, None)
    env.update(env_updates or {})
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=120)
