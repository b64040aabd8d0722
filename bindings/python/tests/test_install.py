"""The package as pip installs it: pyproject.toml, its version, py.typed.

The install runs offline, as the README documents it for a Debian machine:
``pip install --no-build-isolation`` with the system's setuptools, in a
fresh venv that sees the system site-packages (``--system-site-packages``),
from a copy of this folder (a build writes build/ and *.egg-info beside its
sources)."""

import os
import re
import shutil
import subprocess
import sys

import pytest

import promote
from conftest import EXAMPLE_CONFIG, PACKAGE_ROOT, SOURCE_ROOT


def meson_project_version():
    """The version in meson.build's project() call: the library's."""
    text = (SOURCE_ROOT / "meson.build").read_text()
    match = re.search(r"^project\([^)]*?\bversion:\s*'([^']+)'", text, re.MULTILINE | re.DOTALL)
    assert match, "no version in meson.build's project()"
    return match.group(1)


def test_the_package_version_is_the_library_version():
    assert promote.__version__ == meson_project_version()


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    """A fresh venv with the package installed by pip from a copy of its folder."""
    root = tmp_path_factory.mktemp("install")
    source = root / "source"
    shutil.copytree(PACKAGE_ROOT, source, ignore=shutil.ignore_patterns(
        "__pycache__", "*.pyc", "build", "*.egg-info", ".pytest_cache", ".mypy_cache", "libpromote.so*"))
    venv = root / "venv"
    # No pip of its own: the system's (Debian's python3-pip), seen through
    # the system site-packages, installs into the venv it runs in.
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)],
                   check=True, capture_output=True, text=True, timeout=300)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON"))}
    # Offline: no index, no cache; a download attempt fails instead of waiting.
    env.update(PIP_NO_INDEX="1", PIP_NO_CACHE_DIR="1", PIP_DISABLE_PIP_VERSION_CHECK="1",
               http_proxy="http://127.0.0.1:9", https_proxy="http://127.0.0.1:9")
    pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--no-build-isolation",
                          "--no-index", str(source)], env=env, cwd=root, capture_output=True, text=True,
                         timeout=300)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    return venv


def run_in(venv, code):
    """`code` run by the venv's interpreter, away from the source tree (no
    PYTHONPATH, another folder), with the library named by PROMOTE_LIBRARY."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    result = subprocess.run([str(venv / "bin" / "python"), "-c", code], env=env, cwd=venv,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_pip_installs_a_package_that_opens_a_context(venv):
    out = run_in(venv, """if True:
        import pathlib
        import promote
        print(pathlib.Path(promote.__file__).parent)
        with promote.Context.from_file(%r) as ctx:
            print(" ".join(env.name for env in ctx.environments))
        print(promote.__version__)
    """ % str(EXAMPLE_CONFIG))
    where, environments, version = out.splitlines()
    site_packages = venv / "lib" / ("python%d.%d" % sys.version_info[:2]) / "site-packages"
    assert where == str(site_packages / "promote")
    assert environments == "dev qa staging prod"
    assert version == meson_project_version()


def test_the_installed_package_is_typed_and_complete(venv):
    out = run_in(venv, """if True:
        import importlib.metadata, pathlib, promote
        folder = pathlib.Path(promote.__file__).parent
        print(importlib.metadata.version("promote"))
        print(" ".join(sorted(p.name for p in folder.iterdir() if p.suffix in (".py", ".typed"))))
    """)
    version, files = out.splitlines()
    assert version == meson_project_version()
    assert files.split() == sorted(p.name for p in (PACKAGE_ROOT / "promote").iterdir()
                                   if p.suffix in (".py", ".typed"))
    assert "py.typed" in files.split()
