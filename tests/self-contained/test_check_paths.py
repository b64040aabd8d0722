"""check-paths.py on small repositories of its own: what it reports, what it
lets through, and that it works from git's list and without git."""

import os
import pathlib
import subprocess
import sys

import pytest

CHECKER = pathlib.Path(__file__).resolve().parent / "check-paths.py"

# (file, line) that name something outside the repository.
BAD = [
    ("tests/unit/meson.build", "env.set('X', meson.project_source_root() / '..' / 'shared' / 'test-material')"),
    ("tests/yaml/test_x.py", 'DATA = ROOT / ".." / "shared" / "test-material"'),
    ("tests/fuzz/run.sh", 'suite="$here/../shared/yaml"'),
    ("bench/b.sh", "cp /work/shared/values.yaml ."),
    ("bench/c.py", "open('/work/x')"),
    (".ci/setup", "ls ../shared"),
    ("lib/meson.build", "x = '/work/data'"),
]
# Lines that must pass: relative folders named work, variables, other folders.
GOOD = [
    ("tests/unit/test_a.c", 'snprintf(p, n, "%s/work", dir);'),
    (".ci/setup", 'cp -r examples/gitops "$scratch/work"'),
    ("tests/x.py", "path = tmp_path / 'work' / 'shared'"),
    ("tests/unit/test_b.c", '"a: {path: ../common}"'),
    ("bench/d.sh", "cd /workspace && ls ${dir}/work"),
    ("lib/x.c", "/* ../shared in library code is not a test */"),
    ("tests/data/src/file.yaml", "path: /work/shared/anything"),
]


def make_tree(root, files, git):
    for name, line in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a") as f:
            f.write(line + "\n")
    if git:
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)


def check(root):
    return subprocess.run([sys.executable, str(CHECKER), str(root)], capture_output=True, text=True)


@pytest.mark.parametrize("git", [True, False], ids=["git", "walk"])
def test_reports_every_outside_name(tmp_path, git):
    make_tree(tmp_path, BAD + GOOD, git)
    r = check(tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    reported = sorted(line.split(":")[0] for line in r.stdout.splitlines())
    assert reported == sorted(name for name, _ in BAD), r.stdout


@pytest.mark.parametrize("git", [True, False], ids=["git", "walk"])
def test_passes_a_clean_tree(tmp_path, git):
    make_tree(tmp_path, GOOD, git)
    r = check(tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr


def test_untracked_files_are_not_checked(tmp_path):
    make_tree(tmp_path, GOOD, True)
    (tmp_path / "tests" / "scratch.py").write_text("open('../shared/x')\n")
    assert check(tmp_path).returncode == 0


def test_build_folders_are_not_walked(tmp_path):
    make_tree(tmp_path, GOOD, False)
    build = tmp_path / "build"
    (build / "meson-private").mkdir(parents=True)
    (build / "tests").mkdir()
    (build / "tests" / "meson.build").write_text("x = '/work/wt/fresh'\n")
    assert check(tmp_path).returncode == 0
    os.rename(build / "meson-private", build / "other")
    assert check(tmp_path).returncode == 1
