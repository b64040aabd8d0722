"""A real git-over-HTTP server for integration tests: lighttpd + git-http-backend.

    with GitServer(root) as server:
        create_bare_repo(root, "gitops", "path/to/files")
        subprocess.run(["git", "clone", server.url_with_credentials("gitops"), "work"],
                       env=git_env(), check=True)

Every request needs HTTP basic authentication (clone and fetch too, not only
push). git-http-backend serves smart HTTP for every repository under `root`
(GIT_HTTP_EXPORT_ALL) and accepts pushes because mod_auth sets REMOTE_USER.
lighttpd runs from a private temporary directory (config, htpasswd, logs) on a
free port of 127.0.0.1; leaving the block stops it and removes that directory,
also when the block raised. Standard library only.
"""

import base64
import contextlib
import ctypes
import hashlib
import os
import pathlib
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

GIT_HTTP_BACKEND = "/usr/lib/git-core/git-http-backend"
LIGHTTPD = shutil.which("lighttpd") or "/usr/sbin/lighttpd"
HOST = "127.0.0.1"

# The same identity for every commit the helpers make; no user or system config is read.
IDENTITY = ["-c", "user.name=Integration Test", "-c", "user.email=integration@example.com"]


class GitServerError(RuntimeError):
    """lighttpd could not be started (the message carries its logs)."""


def git_env(**extra):
    """An environment for running `git` against the server, isolated from the caller's.

    No system or global configuration (so no credential helper), no prompts
    (a missing or wrong password fails instead of waiting for a terminal or an
    askpass program), no inherited GIT_* variables, and no proxy for 127.0.0.1.
    """
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("GIT_") and k not in ("SSH_ASKPASS", "EMAIL")}
    no_proxy = ",".join(filter(None, [os.environ.get("no_proxy") or os.environ.get("NO_PROXY"),
                                      HOST, "localhost"]))
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, GIT_TERMINAL_PROMPT="0",
               no_proxy=no_proxy, NO_PROXY=no_proxy)
    env.update(extra)
    return env


def run_git(*args, cwd=None, check=True, env=None, timeout=60):
    """Run `git IDENTITY args` (never through a shell); returns the CompletedProcess (text)."""
    completed = subprocess.run(["git", *IDENTITY, *map(str, args)], cwd=cwd, env=env or git_env(),
                               capture_output=True, text=True, timeout=timeout,
                               stdin=subprocess.DEVNULL)
    if check and completed.returncode != 0:
        raise AssertionError("git %s failed (exit %d):\n%s%s" % (
            " ".join(map(str, args)), completed.returncode, completed.stdout, completed.stderr))
    return completed


def create_bare_repo(root, name, source=None, branch="main", message="initial commit"):
    """Commit the files of folder `source` and put them in `root`/NAME.git as a bare repository.

    `source` may also be a mapping of relative path -> str or bytes, or None
    for a repository with one empty commit. Returns the bare repository's path.
    """
    root = pathlib.Path(root)
    bare = root / _repo_dir(name)
    if bare.exists():
        raise FileExistsError(bare)
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gitserver-work-") as scratch:
        work = pathlib.Path(scratch) / "work"
        if source is None:
            work.mkdir()
        elif isinstance(source, dict):
            work.mkdir()
            for relative, content in source.items():
                path = work / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                if isinstance(content, bytes):
                    path.write_bytes(content)
                else:
                    path.write_text(content)
        else:
            shutil.copytree(source, work, ignore=shutil.ignore_patterns(".git"))
        run_git("init", "-q", "-b", branch, cwd=work)
        run_git("add", "-A", cwd=work)
        run_git("commit", "-q", "--allow-empty", "-m", message, cwd=work)
        run_git("clone", "-q", "--bare", work, bare)
    # The clone remembers the scratch folder as its origin; nothing to keep.
    run_git("remote", "remove", "origin", cwd=bare)
    return bare


def _repo_dir(name):
    name = str(name)
    if not name or name.startswith("/") or ".." in name.split("/"):
        raise ValueError("bad repository name %r" % name)
    return name if name.endswith(".git") else name + ".git"


def _free_port():
    """A port nobody listens on right now (the kernel's pick; lighttpd may still lose a race)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _quote(value):
    """A lighttpd configuration string."""
    value = str(value)
    if any(c in value for c in '"\\\n\r'):
        raise ValueError("not usable in a lighttpd configuration: %r" % value)
    return '"%s"' % value


def _die_with_parent():
    """In the child: get SIGTERM when the test process dies (even by SIGKILL), so no lighttpd outlives it.

    (Linux ties this to the thread that started lighttpd: start servers from a thread that lives
    as long as they should, as pytest's main thread does.)"""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _signal_group(process, signum):
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)


def stop_process_group(process, timeout):
    """SIGTERM to the process group `process` leads (started with start_new_session), SIGKILL after
    `timeout` seconds; returns when it has exited. None, or a process that exited, is fine."""
    if process is None or process.poll() is not None:
        return
    _signal_group(process, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _signal_group(process, signal.SIGKILL)
        process.wait(timeout=timeout)


class Server:
    """A test server as a context manager: started on entry, stopped on exit, even after a failure."""

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()
        return False

    def stop(self):
        """Stop the server (_terminate(): SIGTERM, then SIGKILL) and remove its temporary directory."""
        try:
            self._terminate()
        finally:
            if self.dir is not None:
                shutil.rmtree(self.dir, ignore_errors=True)
                self.dir = None
            self.port = None


class GitServer(Server):
    """lighttpd serving git-http-backend for the repositories in `root`, behind basic authentication."""

    def __init__(self, root, user="promoter", password=None, realm="libpromote integration tests",
                 start_timeout=10.0, stop_timeout=5.0, attempts=5, tls=False):
        self.root = pathlib.Path(root).resolve()
        # tls: https with a self-signed certificate made for this server (self.certificate)
        self.tls = tls
        self.scheme = "https" if tls else "http"
        self.certificate = None
        self.user = user
        self.password = password if password is not None else "pw-" + secrets.token_hex(12)
        self.realm = realm
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self.attempts = attempts
        self.port = None
        self.dir = None
        self.process = None
        self._output = None  # lighttpd's stdout and stderr (lighttpd.out)
        if ":" in user or "\n" in user or "\n" in self.password:
            raise ValueError("the user may not contain ':', neither user nor password a newline")

    # -- addresses --------------------------------------------------------------

    @property
    def base_url(self):
        return "%s://%s:%d/git" % (self.scheme, HOST, self._port())

    def url(self, repo_name):
        """http://127.0.0.1:PORT/git/NAME.git (no credentials)."""
        return "%s/%s" % (self.base_url, urllib.parse.quote(_repo_dir(repo_name)))

    def url_with_credentials(self, repo_name, user=None, password=None):
        """http://USER:PASSWORD@127.0.0.1:PORT/git/NAME.git; user and password percent-encoded."""
        user = self.user if user is None else user
        password = self.password if password is None else password
        netloc = "%s:%s@%s:%d" % (urllib.parse.quote(user, safe=""), urllib.parse.quote(password, safe=""),
                                  HOST, self._port())
        return "%s://%s/git/%s" % (self.scheme, netloc, urllib.parse.quote(_repo_dir(repo_name)))

    def create_repo(self, name, source=None, **kwargs):
        """create_bare_repo in this server's root; returns the bare repository's path."""
        return create_bare_repo(self.root, name, source, **kwargs)

    def repo_path(self, name):
        return self.root / _repo_dir(name)

    def _port(self):
        if self.port is None:
            raise RuntimeError("the git server is not running")
        return self.port

    # -- logs ---------------------------------------------------------------------

    def logs(self):
        """lighttpd's output and error log, as one text (for failure messages)."""
        parts = []
        for name in ("lighttpd.out", "error.log"):
            path = self.dir and pathlib.Path(self.dir) / name
            if path and path.exists():
                parts.append("--- %s\n%s" % (name, path.read_text(errors="replace")))
        return "\n".join(parts) or "(no logs)"

    # -- start and stop ---------------------------------------------------------

    def start(self):
        if self.process is not None:
            raise RuntimeError("already started")
        for program in (LIGHTTPD, GIT_HTTP_BACKEND):
            if not os.access(program, os.X_OK):
                raise GitServerError("%s is not installed" % program)
        self.root.mkdir(parents=True, exist_ok=True)
        self.dir = tempfile.mkdtemp(prefix="gitserver-")
        try:
            self._write_static_files()
            for attempt in range(1, self.attempts + 1):
                self.port = _free_port()
                self._write_config()
                self._launch()
                failure = self._wait_until_ready()
                if failure is None:
                    return
                logs = self.logs()
                self._terminate()
                if "Address already in use" in logs and attempt < self.attempts:
                    continue  # another process took the port between our probe and lighttpd's bind
                raise GitServerError("lighttpd did not start on %s:%d: %s\n%s" % (HOST, self.port, failure, logs))
        except BaseException:
            self.stop()
            raise

    def _terminate(self):
        process, self.process = self.process, None
        try:
            # The whole process group: lighttpd and any git-http-backend still running.
            stop_process_group(process, self.stop_timeout)
        finally:
            if self._output is not None:
                self._output.close()
                self._output = None


    def _write_static_files(self):
        d = pathlib.Path(self.dir)
        (d / "htdocs").mkdir()
        (d / "uploads").mkdir()
        # The htpasswd backend accepts {SHA} (base64 SHA-1), $apr1$ and crypt(3) hashes; {SHA}
        # needs no deprecated crypt module. Weak, but this password only guards a test server.
        digest = base64.b64encode(hashlib.sha1(self.password.encode()).digest()).decode()
        (d / "htpasswd").write_text("%s:{SHA}%s\n" % (self.user, digest))
        os.chmod(d / "htpasswd", 0o600)
        if self.tls:
            self.certificate = d / "cert.pem"
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                            "-subj", "/CN=%s" % HOST, "-addext", "subjectAltName=IP:%s" % HOST,
                            "-keyout", str(d / "key.pem"), "-out", str(self.certificate)],
                           check=True, capture_output=True)

    def _write_config(self):
        d = pathlib.Path(self.dir)
        config = """\
server.modules = ( "mod_auth", "mod_authn_file", "mod_alias", "mod_setenv", "mod_cgi" )
server.bind = "{host}"
server.port = {port}
server.document-root = {htdocs}
server.upload-dirs = ( {uploads} )
server.errorlog = {errorlog}
server.tag = "gitserver"
# lighttpd holds back the answer to wrong credentials (about a second) against guessing; not here.
server.feature-flags += ( "auth.delay-invalid-creds" => "disable" )

# Basic authentication on everything: clone and fetch need the credentials as much as push.
auth.backend = "htpasswd"
auth.backend.htpasswd.userfile = {htpasswd}
auth.require = ( "" => ( "method" => "basic", "realm" => {realm}, "require" => "valid-user" ) )

# /git/NAME.git/... runs git-http-backend with PATH_INFO=/NAME.git/...; mod_auth sets
# REMOTE_USER, which is what lets git-http-backend accept pushes (http.receivepack unset).
alias.url = ( "/git" => {backend} )
$HTTP["url"] =~ "^/git/" {{
    cgi.assign = ( "" => "" )
    setenv.set-environment = (
        "GIT_PROJECT_ROOT" => {root},
        "GIT_HTTP_EXPORT_ALL" => "1",
        "GIT_CONFIG_NOSYSTEM" => "1",
        "GIT_CONFIG_GLOBAL" => "/dev/null",
    )
}}
""".format(host=HOST, port=self.port, htdocs=_quote(d / "htdocs"), uploads=_quote(d / "uploads"),
           errorlog=_quote(d / "error.log"),
           htpasswd=_quote(d / "htpasswd"), realm=_quote(self.realm), backend=_quote(GIT_HTTP_BACKEND),
           root=_quote(self.root))
        if self.tls:
            config += 'server.modules += ( "mod_openssl" )\nssl.engine = "enable"\n' \
                      'ssl.pemfile = %s\nssl.privkey = %s\n' % (_quote(d / "cert.pem"), _quote(d / "key.pem"))
        (d / "lighttpd.conf").write_text(config)

    def _launch(self):
        d = pathlib.Path(self.dir)
        for name in ("lighttpd.out", "error.log"):
            with contextlib.suppress(FileNotFoundError):
                (d / name).unlink()
        self._output = open(d / "lighttpd.out", "wb")
        # Its own process group, so that stopping it also ends any git-http-backend it started;
        # and it dies with this process (see _die_with_parent).
        self.process = subprocess.Popen(
            [LIGHTTPD, "-D", "-f", str(d / "lighttpd.conf")], cwd=self.dir,
            stdin=subprocess.DEVNULL, stdout=self._output, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=_die_with_parent)

    def _wait_until_ready(self):
        """None once lighttpd answers HTTP, else why not (it exited, or start_timeout passed)."""
        handlers = [urllib.request.ProxyHandler({})]
        if self.tls:  # the probe only asks whether it answers; the tests check the certificate
            handlers.append(urllib.request.HTTPSHandler(context=ssl._create_unverified_context()))
        opener = urllib.request.build_opener(*handlers)
        deadline = time.monotonic() + self.start_timeout
        probe = "%s://%s:%d/git/" % (self.scheme, HOST, self.port)
        while True:
            code = self.process.poll()
            if code is not None:
                return "lighttpd exited with status %d" % code
            try:
                opener.open(probe, timeout=0.25).close()
                return None
            except urllib.error.HTTPError as e:
                e.close()
                if e.code == 401:  # up, and asking for credentials as it should
                    return None
                return "unexpected HTTP %d for an unauthenticated request" % e.code
            except (urllib.error.URLError, OSError):
                pass  # not listening yet, or (when it lost a race for the port) someone else is
            if time.monotonic() > deadline:
                return "no answer after %.0f s" % self.start_timeout
            time.sleep(0.02)


class LoggingGitServer(GitServer):
    """The server, logging each request as it ends: how long lighttpd took to serve it
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
