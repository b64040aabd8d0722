"""Runs the suite as a person would right after ``meson setup build && ninja -C build``:
``cd bindings/python && pytest``, with none of the variables meson sets for
the 'python' test (PROMOTE_*, PYTHONPATH) -- the package must come from this
folder and the library from build/lib, as tests/conftest.py and
pyproject.toml arrange. Fails on any failure, error or skipped test.

    python3 pytest_in_source_dir.py PYTEST [ARGS...]
"""

import os
import pathlib
import re
import subprocess
import sys

package_root = pathlib.Path(__file__).resolve().parents[1]
env = {k: v for k, v in os.environ.items() if not k.startswith("PROMOTE_") and k != "PYTHONPATH"}
# Nothing written into the source tree: no .pyc files, no .pytest_cache.
env["PYTHONDONTWRITEBYTECODE"] = "1"
result = subprocess.run([*sys.argv[1:], "-p", "no:cacheprovider", "-rs"], cwd=package_root, env=env,
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
print(result.stdout)
summary = result.stdout.rstrip().rsplit("\n", 1)[-1]
if result.returncode != 0:
    sys.exit("pytest failed (status %d) in %s" % (result.returncode, package_root))
if not re.search(r"\d+ passed", summary) or re.search(r"skipped|deselected|xfail", summary):
    sys.exit("every test must run and pass, not: " + summary)
