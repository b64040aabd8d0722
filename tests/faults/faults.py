"""The fault harness: `promote` run under strace, killed at one system call or given an error at one,
then the repository checked and the next run (without faults) made.

A kill point is (syscall name, n): the n-th call of that system call by the main process, as strace's
`-e inject=NAME:signal=SIGKILL:when=N` counts them (per system call and per process). The points of a
run are read from a clean run's trace, in the order they happen.
"""

import json
import os
import re
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
    """None (a sample), "crashes" (PROMOTE_FAULTS_EXHAUSTIVE=1: a kill at every point where what a crash
    leaves can differ, see distinct_crashes()) or "calls" (PROMOTE_FAULTS_EXHAUSTIVE=calls: every system call)."""
    return {"1": "crashes", "calls": "calls"}.get(os.environ.get("PROMOTE_FAULTS_EXHAUSTIVE", ""))


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
    return main_calls(log.read_text(errors="replace"))


def main_calls(trace):
    """The (name, n, line) of each system call of the first process in `trace` (strace -f), n counting that
    name's calls; a call that another thread's output cut ("<unfinished ...>") has its result joined."""
    points, seen, main, unfinished = [], {}, None, {}
    for line in trace.splitlines():
        pid, _, call = line.partition(" ")
        call = call.lstrip()
        main = main or pid
        if pid != main:
            continue
        if call.startswith("<... ") and " resumed>" in call:
            # The end of a call another thread's output cut: its result joins its line.
            name, _, rest = call[5:].partition(" resumed>")
            if name in unfinished:
                i = unfinished.pop(name)
                points[i] = (points[i][0], points[i][1], points[i][2][:-len(" <unfinished ...>")] + rest)
            continue
        if call.startswith(("+++", "---")) or "(" not in call:
            continue
        name = call.split("(", 1)[0]
        seen[name] = seen.get(name, 0) + 1
        if call.endswith(" <unfinished ...>"):
            unfinished[name] = len(points)
        points.append((name, seen[name], call))
    return points


def choose(points, count):
    """All points when exhaustive; else about `count`: half of them at lock files (each writing call
    naming one and the call after it, while it is held; a stride over those when there are more),
    the rest a deterministic stride over every point."""
    mode = exhaustive()
    if mode:
        return points if mode == "calls" else distinct_crashes(points)
    at_locks = sorted({j for i, (_, _, call) in enumerate(points) if ".lock" in call and points[i][0] in WRITING
                       for j in (i, i + 1) if j < len(points)})
    half = max(1, count // 2)
    if len(at_locks) > half:
        at_locks = at_locks[::-(-len(at_locks) // half)]
    stride = max(1, len(points) // max(1, count - len(at_locks)))
    chosen = set(at_locks) | set(range(stride // 2, len(points), stride))
    return [points[i] for i in sorted(chosen)]


# The system calls that neither change nor wait on anything outside the process: a kill just before one
# of them leaves what a kill just before the call after it leaves (see distinct_crashes()). A futex waits
# on the library's own threads, which only read and compute (a plan's prefetch, a pack's deflate, libgit2's
# start), never write or talk to a server.
INERT = {"access", "arch_prctl", "brk", "clock_getres", "clock_gettime", "dup", "dup2", "dup3", "eventfd2",
         "faccessat", "faccessat2", "fadvise64", "fstat", "fstatfs", "futex", "getcwd", "getdents64", "getegid",
         "geteuid", "getgid", "getgroups", "getpeername", "getpid", "getppid", "getrandom", "getrlimit",
         "getsockname", "getsockopt", "gettid", "gettimeofday", "getuid", "lseek", "lstat", "madvise",
         "membarrier", "mprotect", "mremap", "munmap", "newfstatat", "pipe", "pipe2", "prctl", "prlimit64",
         "readlink", "readlinkat", "rseq", "rt_sigaction", "rt_sigprocmask", "sched_getaffinity", "sched_yield",
         "set_robust_list", "set_tid_address", "setsockopt", "sigaltstack", "socket", "socketpair", "stat",
         "statfs", "statx", "sysinfo", "umask", "uname"}
# Inert on a file opened to be read: a read of a socket or a pipe waits on the other end, and a close of a
# file written or locked (flock) lets others see or take it.
INERT_ON_READ_FILES = {"read", "pread64", "readv", "preadv", "close"}
OPENED_TO_WRITE = ("O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND")
# The calls that return two new descriptors in their first argument: pipe2([5, 6], O_CLOEXEC) = 0. Any other
# call that returns a new one (socket, accept4, pidfd_open, ...) returns it.
NEW_PAIRS = {"pipe", "pipe2", "socketpair"}


def _result(call):
    """A call's return value (the number after its last " = "), or None."""
    value = call.rpartition(") = ")[2].split(" ", 1)[0]
    return int(value) if value.lstrip("-").isdigit() else None


def _first_argument(call):
    """The call's first argument when it is a number (a descriptor), or None."""
    found = re.match(r"(\d+)[,)]", call.partition("(")[2])
    return int(found.group(1)) if found else None


def _acts(name, call, read_files):
    """Whether the call may change, or wait on, something outside the process (a file, a lock, the server, a
    child). Unknown calls and descriptors do. `read_files`: the descriptors of files the process opened to
    read only and did not lock, kept up to date."""
    fd = _first_argument(call)
    if name == "openat":
        opened = _result(call)
        writes = any(flag in call for flag in OPENED_TO_WRITE)
        if opened is not None and opened >= 0:
            (read_files.discard if writes else read_files.add)(opened)
        return writes
    if name in INERT_ON_READ_FILES:
        inert = fd in read_files
        if name == "close":
            read_files.discard(fd)
        return not inert
    if name == "flock":
        read_files.discard(fd)
        return True
    if name in ("dup", "dup2", "dup3") or (name == "fcntl" and "F_DUPFD" in call):
        copy = _result(call)
        read_files.discard(copy)  # dup2/dup3 close what was there; the copy is counted as unknown
        return False
    if name == "fcntl":
        return "F_SETLK" in call or "F_OFD_SETLK" in call
    if name == "ioctl":
        return "TCGETS" not in call  # isatty()
    if name == "mmap":
        return "MAP_SHARED" in call and "PROT_WRITE" in call
    # A new descriptor is no file's opened to read, whatever its number was before.
    if name in NEW_PAIRS:
        read_files.difference_update(int(n) for n in re.findall(r"\d+", call.partition("[")[2].partition("]")[0]))
    else:
        read_files.discard(_result(call))  # a number returned may be one (an offset too: that only adds kills)
    return name not in INERT


def distinct_crashes(points):
    """The points of `points` (a clean run's system calls, kill_points()) whose kills can leave different
    things behind: the first, and each one after a call that changed or waited on something outside the
    process (_acts). A kill just before a call removes none of its effects; so between two calls that act,
    every kill leaves the same files, locks and server state as the first of them, and one stands for all
    (what a crash-consistency checker such as ALICE calls a crash state). A kill after a wait is a
    different crash from one before it: the server may have finished a push meanwhile."""
    read_files, chosen = set(), []
    acted = True
    for name, n, call in points:
        if acted:
            chosen.append((name, n, call))
        acted = _acts(name, call, read_files)
    return chosen


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
