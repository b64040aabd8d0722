"""What the benchmarks of promotions over HTTP share (bench/git-promote.py, bench/release.py): timing a
process with GNU time, the promote to measure, and bench/gen-repo.py's monorepo served over HTTP by the
integration tests' server (lighttpd + git-http-backend), which can also log every request's duration."""
import os
import pathlib
import shutil
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests" / "integration"))
from gitserver import GitServer, LoggingGitServer, run_git  # noqa: E402,F401 (for the benchmarks)


def timed(args, env=None, cwd=None, ok=(0,)):
    """(wall seconds, max RSS MiB) of one process, measured by GNU time. Exits the benchmark when the
    process exits with a status not in `ok`."""
    wall, rss, _ = timed_cpu(args, env, cwd, ok)
    return wall, rss


def timed_cpu(args, env=None, cwd=None, ok=(0,)):
    """(wall seconds, max RSS MiB, CPU seconds: user + system, its children's included) of one process,
    measured by GNU time; as timed()."""
    began = time.monotonic()
    r = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", *map(str, args)], env=env, cwd=cwd, capture_output=True,
                       text=True)
    wall = time.monotonic() - began
    if r.returncode not in ok:
        sys.exit("failed (exit %d): %s\n%s%s" % (r.returncode, " ".join(map(str, args)), r.stdout, r.stderr))
    user, system, rss_kib = r.stderr.strip().splitlines()[-1].split()
    return wall, int(rss_kib) / 1024, float(user) + float(system)


def promote_binary(path):
    """The promote to measure: `path`, or build-bench/ configured as a release build and built."""
    promote = pathlib.Path(path).resolve()
    if not promote.exists():
        subprocess.run(["meson", "setup", "build-bench", "-Dbuildtype=release", "-Dtests=false"], cwd=ROOT,
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["ninja", "-C", "build-bench"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return promote


def make_repo(server, apps, scratch, config, name):
    """bench/gen-repo.py's monorepo of `apps` applications with `config` committed as promote.yaml,
    served by `server` as NAME; returns NAME."""
    bare = scratch / ("gen-%s.git" % name)
    subprocess.run([sys.executable, HERE / "gen-repo.py", bare, str(apps)], check=True)
    work = scratch / ("work-%s" % name)
    run_git("clone", "-q", str(bare), str(work))
    (work / "promote.yaml").write_text(config)
    run_git("-C", work, "add", "promote.yaml")
    run_git("-C", work, "-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "-qm", "promote.yaml")
    run_git("-C", work, "push", "-q", "origin", "main")
    shutil.rmtree(work)
    shutil.move(str(bare), str(server.repo_path(name)))
    return name



def client_env(server):
    """The environment of every client: the server's credentials, no git configuration of the user's."""
    return dict(os.environ, PROMOTE_GIT_USERNAME=server.user, PROMOTE_GIT_PASSWORD=server.password,
                GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null", GIT_TERMINAL_PROMPT="0")
