"""Shared fixtures for the promote bindings' tests.

meson runs this suite with PROMOTE_LIBRARY (the library just built),
PYTHONPATH (the package's source folder), PROMOTE_STRUCT_LAYOUT (the
struct_layout program), PROMOTE_INCLUDE_DIR and PROMOTE_EXAMPLES. Run by
hand, the source-tree defaults below apply.
"""

import os
import pathlib
import subprocess
import sys
import textwrap

import pytest

SOURCE_ROOT = pathlib.Path(__file__).resolve().parents[3]
PACKAGE_ROOT = pathlib.Path(__file__).resolve().parents[1]


def _env_path(name, default):
    value = os.environ.get(name)
    return pathlib.Path(value) if value else default


EXAMPLES = _env_path("PROMOTE_EXAMPLES", SOURCE_ROOT / "examples")
INCLUDE_DIR = _env_path("PROMOTE_INCLUDE_DIR", SOURCE_ROOT / "include")
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
