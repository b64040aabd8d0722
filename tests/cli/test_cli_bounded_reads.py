"""Bounded memory before reading: a file or a blob over its limit is refused from its size, before a
byte of it is read (the peak memory of the process stays small); a FIFO or a device is refused
without waiting for a writer."""

import json
import os
import subprocess
import sys

import pytest

from conftest import CLI, GIT_ENV, git

PEAK_KIB = 64 * 1024     # what a refused read may cost at most (promote itself needs ~10 MiB)
HUGE = 100 * 1024 * 1024  # a blob far above the 16 MiB YAML limit
PROBE = """
import json, resource, subprocess, sys
r = subprocess.run(sys.argv[1:], capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
print(json.dumps([r.returncode, r.stdout, r.stderr, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))
"""


def measured(*args, cwd=None):
    """Run promote in a fresh process of its own; (exit status, stderr, peak RSS in KiB)."""
    out = subprocess.run([sys.executable, "-c", PROBE, CLI, *map(str, args)], cwd=cwd, capture_output=True,
                         text=True, timeout=90, check=True).stdout
    code, _, err, peak = json.loads(out)
    return code, err, peak


def test_a_huge_file_is_refused_from_its_size(tmp_path):
    big = tmp_path / "values.yaml"
    with open(big, "wb") as f:
        f.truncate(2 * 1024 * 1024 * 1024)  # sparse: 2 GiB that take no disk
    for args in (["yaml", "get", big, "image.tag"], ["yaml", "set", big, "-e", "image.tag=2"],
                 ["--config", big, "validate"]):
        code, err, peak = measured(*args)
        assert code == 2 and "2147483648 bytes, more than the limit" in err, (args, err)
        assert peak < PEAK_KIB, (args, peak)


@pytest.mark.parametrize("args", [["yaml", "get", "{}", "image.tag"], ["yaml", "set", "{}", "-e", "image.tag=2"],
                                  ["--config", "{}", "validate"]])
def test_a_fifo_is_refused_without_waiting(tmp_path, args):
    fifo = tmp_path / "values.yaml"
    os.mkfifo(fifo)
    r = subprocess.run([CLI, *[a.format(fifo) for a in args]], capture_output=True, text=True, timeout=20,
                       stdin=subprocess.DEVNULL)
    assert r.returncode == 2 and "not a regular file" in r.stderr, r


def test_a_device_is_refused(tmp_path):
    r = subprocess.run([CLI, "yaml", "get", "/dev/zero", "a"], capture_output=True, text=True, timeout=20,
                       stdin=subprocess.DEVNULL)
    assert r.returncode == 2 and "not a regular file" in r.stderr, r


def commit_huge(repo, tmp_path, path):
    work = tmp_path / "work"
    subprocess.run(["git", "clone", "-q", str(repo), str(work)], env=GIT_ENV, check=True)
    with open(work / path, "wb") as f:
        line = b"key: value\n"
        f.write(line * (HUGE // len(line)))
    git(work, "commit", "-qam", "a huge file")
    git(work, "push", "-q", "origin", "HEAD")


def test_a_huge_blob_is_refused_before_it_is_loaded(repo, tmp_path):
    commit_huge(repo, tmp_path, "envs/dev/apps/shop/values.yaml")
    code, err, peak = measured("--repo", repo, "plan", "shop", "--to", "staging")
    assert code == 2, err
    assert "envs/dev/apps/shop/values.yaml" in err and "more than the limit" in err, err
    assert peak < PEAK_KIB, peak


def test_a_huge_configuration_blob_is_refused_before_it_is_loaded(repo, tmp_path):
    commit_huge(repo, tmp_path, "promote.yaml")
    code, err, peak = measured("--repo", repo, "validate")
    assert code == 2 and "more than the limit" in err, err
    assert peak < PEAK_KIB, peak
