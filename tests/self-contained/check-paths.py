#!/usr/bin/python3
"""Fails when a test names something outside the repository.

A clone with nothing beside it must pass its tests, so no file of the tests,
the benchmarks, the CI scripts or the meson build may name

  - the folder beside the repository where test data used to live
    (`../shared`, `shared/test-material`, or a path joined from '..' and
    'shared' as meson and pathlib spell it), or
  - an absolute path under /work (a path of one machine).

The files checked are the tracked files (`git ls-files`) under tests/,
bench/ and .ci/, and every meson.build; without git (a source tarball), the
same files found by walking the tree. Third-party data (tests/data) and this
checker's folder (its tests name the patterns on purpose) are not checked.

    check-paths.py SOURCE_ROOT

Prints each finding as FILE:LINE: what it names, and exits 1 if there is any.
This is the static half; `.ci/setup test` also runs the suites with the
folder around the repository hidden, so that a read outside fails for real.
"""
import os
import re
import subprocess
import sys

PATTERNS = [
    (re.compile(r"\.\./shared\b"), "the folder beside the repository (../shared)"),
    (re.compile(r"shared/test-material"), "the old test material (shared/test-material)"),
    (re.compile(r"""(['"])\.\.\1\s*/\s*(['"])shared\2"""), "the folder beside the repository ('..' / 'shared')"),
    (re.compile(r"(?<![\w.$}%)\]~-])/work\b"), "an absolute path under /work"),
]
CHECKED_DIRS = ("tests/", "bench/", ".ci/")
SKIPPED = ("tests/data/", "tests/self-contained/")


def tracked_files(root):
    """The repository's files, relative to root: git's list, or a walk."""
    try:
        out = subprocess.run(["git", "-C", root, "ls-files", "-z"], capture_output=True, check=True).stdout
        return [f for f in out.decode("utf-8", "surrogateescape").split("\0") if f]
    except (OSError, subprocess.CalledProcessError):
        pass
    found = []
    for folder, dirs, files in os.walk(root):
        # Build folders (meson-private) and hidden folders other than .ci are not the source.
        dirs[:] = [d for d in dirs if (not d.startswith(".") or d == ".ci")
                   and not os.path.isdir(os.path.join(folder, d, "meson-private"))]
        found += [os.path.relpath(os.path.join(folder, f), root) for f in files]
    return found


def checked(path):
    if path.startswith(SKIPPED):
        return False
    return path.startswith(CHECKED_DIRS) or os.path.basename(path) == "meson.build"


def findings(root):
    """(file, line number, what) for every name of something outside the repository."""
    result = []
    for path in sorted(filter(checked, tracked_files(root))):
        full = os.path.join(root, path)
        if not os.path.isfile(full) or os.path.islink(full):
            continue
        with open(full, "rb") as f:
            data = f.read()
        if b"\0" in data:
            continue  # binary: a fuzz input, not a test reading files
        for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
            for pattern, what in PATTERNS:
                if pattern.search(line):
                    result.append((path, number, what))
    return result


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: check-paths.py SOURCE_ROOT")
    root = sys.argv[1]
    found = findings(root)
    for path, number, what in found:
        print("%s:%d: names %s; tests must read only inside the repository (third-party data goes in "
              "tests/data, see SOURCES.md there)" % (path, number, what))
    if found:
        return 1
    print("check-paths: no test names anything outside the repository")
    return 0


if __name__ == "__main__":
    sys.exit(main())
