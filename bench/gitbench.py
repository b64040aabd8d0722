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
from gitserver import GitServer, run_git  # noqa: E402


def timed(args, env=None, cwd=None, ok=(0,)):
    """(wall seconds, max RSS MiB) of one process, measured by GNU time. Exits the benchmark when the
    process exits with a status not in `ok`."""
    began = time.monotonic()
    r = subprocess.run(["/usr/bin/time", "-f", "%M", *map(str, args)], env=env, cwd=cwd, capture_output=True,
                       text=True)
    wall = time.monotonic() - began
    if r.returncode not in ok:
        sys.exit("failed (exit %d): %s\n%s%s" % (r.returncode, " ".join(map(str, args)), r.stdout, r.stderr))
    rss_kib = int(r.stderr.strip().splitlines()[-1])
    return wall, rss_kib / 1024


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


class LoggingGitServer(GitServer):
    """The test server, logging each request as it ends: how long lighttpd took to serve it
    (microseconds, from reading the request to the last byte of the answer, git-http-backend's work
    included), the request line and the status. Through a pipe, so that each line is there as soon as
    the request ends."""

    def _write_config(self):
        super()._write_config()
        d = pathlib.Path(self.dir)
        with open(d / "lighttpd.conf", "a") as f:
            f.write('server.modules += ( "mod_accesslog" )\n'
                    'accesslog.filename = "|/usr/bin/tee -a %s >/dev/null"\n'
                    'accesslog.format = "%%D %%r %%>s"\n' % (d / "access.log"))

    def mark(self):
        """Where the log ends now: requests(mark) returns what was served after it."""
        time.sleep(0.1)  # the pipe's last line
        path = pathlib.Path(self.dir) / "access.log"
        return path.stat().st_size if path.exists() else 0

    def requests(self, since):
        """[(seconds, request line and status)] of the requests served since the mark `since`."""
        time.sleep(0.1)
        with open(pathlib.Path(self.dir) / "access.log", "rb") as f:
            f.seek(since)
            lines = f.read().decode(errors="replace").splitlines()
        return [(int(took) / 1e6, rest) for took, _, rest in (line.partition(" ") for line in lines if line)]
