"""The fault harness: `promote` run under strace, killed at one system call or given an error at one,
then the repository checked and the next run (without faults) made.

A kill point is (syscall name, n): the n-th call of that system call by the main process, as strace's
`-e inject=NAME:signal=SIGKILL:when=N` counts them (per system call and per process). The points of a
run are read from a clean run's trace, in the order they happen.
"""

import json
import os
import pathlib
import shutil
import subprocess
import sys

SOURCE_ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(SOURCE_ROOT / "tests" / "integration"))
from gitserver import git_env, run_git  # noqa: E402

CLI = os.path.abspath(os.environ.get("PROMOTE_CLI") or SOURCE_ROOT / "build" / "cli" / "promote")
EXAMPLE = SOURCE_ROOT / "examples" / "gitops"
# In a command, the change request that the preparing commands opened (its name holds the id of
# their release: see the_change()).
CHANGE = "{change}"
STALE_MESSAGE = "left it, and git never removes one by itself"

# The system calls that change what is on disk: every point at one of them is always tried.
WRITING = {"openat", "write", "pwrite64", "writev", "fsync", "fdatasync", "rename", "renameat", "renameat2",
           "link", "linkat", "unlink", "unlinkat", "mkdir", "mkdirat", "ftruncate", "close", "flock"}


def exhaustive():
    return os.environ.get("PROMOTE_FAULTS_EXHAUSTIVE") == "1"


def sample_size(default):
    """How many points the stride keeps per scenario: PROMOTE_FAULTS_POINTS, else `default` (a quarter
    of it in a sanitized build, PROMOTE_FAULTS_SANITIZED=1, whose runs are three times slower)."""
    value = os.environ.get("PROMOTE_FAULTS_POINTS")
    if value and value.isdigit():
        return int(value)
    return max(2, default // 4) if os.environ.get("PROMOTE_FAULTS_SANITIZED") == "1" else default


def promote(args, env, tool=()):
    """Run promote (under `tool`, such as strace) with `args`; the CompletedProcess (text). Under
    strace a sanitized build's leak check is off (LeakSanitizer cannot run under ptrace); the runs
    without strace keep it."""
    if tool:
        env = dict(env, ASAN_OPTIONS=":".join(filter(None, [(env or os.environ).get("ASAN_OPTIONS"),
                                                              "detect_leaks=0"])))
    return subprocess.run([*tool, CLI, *map(str, args)], capture_output=True, text=True, env=env, timeout=120,
                          stdin=subprocess.DEVNULL)


def kill_points(args, env, scratch, expected=0):
    """The (name, n, line) of every system call the main process of a clean run makes, in order; the run
    must exit `expected`."""
    log = pathlib.Path(scratch) / "trace.log"
    done = promote(args, env, ("strace", "-f", "-qq", "-o", str(log)))
    assert done.returncode == expected, done.stderr
    points, seen, main = [], {}, None
    for line in log.read_text(errors="replace").splitlines():
        pid, _, call = line.partition(" ")
        call = call.lstrip()
        main = main or pid
        if pid != main or call.startswith(("<...", "+++", "---")) or "(" not in call:
            continue
        name = call.split("(", 1)[0]
        seen[name] = seen.get(name, 0) + 1
        points.append((name, seen[name], call))
    return points


def choose(points, count):
    """All points when exhaustive; else about `count`: half of them at lock files (each writing call
    naming one and the call after it, while it is held; a stride over those when there are more),
    the rest a deterministic stride over every point."""
    if exhaustive():
        return points
    at_locks = sorted({j for i, (_, _, call) in enumerate(points) if ".lock" in call and points[i][0] in WRITING
                       for j in (i, i + 1) if j < len(points)})
    half = max(1, count // 2)
    if len(at_locks) > half:
        at_locks = at_locks[::-(-len(at_locks) // half)]
    stride = max(1, len(points) // max(1, count - len(at_locks)))
    chosen = set(at_locks) | set(range(stride // 2, len(points), stride))
    return [points[i] for i in sorted(chosen)]


def killed_at(args, env, name, n):
    """`kill -9` of promote at the n-th call of `name` by its main process. Not followed into the
    processes it starts (a deploy's health check): strace counts calls per process, and a check's
    own n-th call is no kill of promote (a check that dies is a check that failed)."""
    return promote(args, env, ("strace", "-qq", "-o", os.devnull,
                               "-e", "trace=" + name, "-e", "inject=%s:signal=SIGKILL:when=%d" % (name, n)))


def failed_at(args, env, name, n, errno):
    """The n-th call of `name` and every later one fail with `errno`, as on a disk that is full or
    broken from then on (libgit2 retries a write that failed once)."""
    return promote(args, env, ("strace", "-f", "-qq", "-o", os.devnull,
                               "-e", "trace=" + name, "-e", "inject=%s:error=%s:when=%d+" % (name, errno, n)))


def fsck(path):
    done = subprocess.run(["git", "-C", str(path), "fsck", "--no-progress", "--no-dangling"], capture_output=True,
                          text=True, env=git_env(), timeout=120)
    return done.returncode == 0, done.stdout + done.stderr


def subjects(path, ref="main"):
    return run_git("-C", path, "log", "--format=%s", ref).stdout.splitlines()


def the_change(repo):
    """The name of the one change request recorded in `repo` (refs/promote/changes/NAME), or None."""
    refs = run_git("-C", repo, "for-each-ref", "--format=%(refname)", "refs/promote/changes/").stdout.split()
    assert len(refs) <= 1, refs
    return refs[0][len("refs/promote/changes/"):] if refs else None


def with_change(command, change):
    """`command` with CHANGE replaced by `change`'s name."""
    return [change if arg == CHANGE else arg for arg in command]


def change_state(args_prefix, env, change):
    done = promote([*args_prefix, "--json", "change", "show", change], env)
    return json.loads(done.stdout) if done.returncode == 0 else None


def make_bare(dest):
    """The bundled example committed in a new bare repository at `dest`."""
    work = pathlib.Path(str(dest) + ".work")
    shutil.copytree(EXAMPLE, work)
    run_git("init", "-q", "-b", "main", cwd=work)
    run_git("add", "-A", cwd=work)
    run_git("commit", "-q", "-m", "the bundled example", cwd=work)
    run_git("clone", "-q", "--bare", work, dest)
    run_git("remote", "remove", "origin", cwd=dest)
    shutil.rmtree(work)
    return dest
