"""A real ssh git server for the integration tests: OpenSSH's sshd on a free 127.0.0.1 port, in a
temporary directory, with its own host key and one authorized client key, serving the bare
repositories of a folder to the user running the tests (git-upload-pack / git-receive-pack from PATH).

    with SshServer(tmp_path / "repos") as server:
        server.create_repo("gitops", source_folder)
        url = server.url("gitops")            # ssh://USER@127.0.0.1:PORT/abs/path/gitops.git
        env = server.client_env()             # PROMOTE_GIT_SSH_KEY, PROMOTE_GIT_SSH_KNOWN_HOSTS

Started with -D (no daemon) in its own process group, and stopped (SIGTERM, then SIGKILL) at the
end, even when the test fails.
"""

import getpass
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import time

from gitserver import HOST, Server, _die_with_parent, _free_port, create_bare_repo, stop_process_group

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"


class SshServerError(RuntimeError):
    pass


def keygen(path):
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "integration", "-f", str(path)],
                   check=True, stdin=subprocess.DEVNULL)
    return pathlib.Path(path)


class SshServer(Server):
    def __init__(self, root, start_timeout=10.0, attempts=5):
        self.root = pathlib.Path(root).resolve()
        self.user = getpass.getuser()
        self.start_timeout = start_timeout
        self.attempts = attempts
        self.dir = None
        self.port = None
        self.process = None

    # -- what tests use ------------------------------------------------------

    def create_repo(self, name, source=None):
        return create_bare_repo(self.root, name, source)

    def repo_path(self, name):
        return self.root / (name if name.endswith(".git") else name + ".git")

    def url(self, name):
        return "ssh://%s@%s:%d%s" % (self.user, HOST, self.port, self.repo_path(name))

    def known_hosts_line(self, public_key=None):
        key = (public_key or self.host_key.with_suffix(".pub")).read_text().split()
        return "[%s]:%d %s %s\n" % (HOST, self.port, key[0], key[1])

    def client_env(self, **extra):
        env = dict(os.environ, PROMOTE_GIT_SSH_KEY=str(self.client_key),
                   PROMOTE_GIT_SSH_KNOWN_HOSTS=str(self.known_hosts))
        env.pop("SSH_AUTH_SOCK", None)
        env.update(extra)
        return env

    # -- starting and stopping -----------------------------------------------

    def start(self):
        if not os.access(SSHD, os.X_OK):
            raise SshServerError("%s is not installed (apt-get install openssh-server)" % SSHD)
        self.root.mkdir(parents=True, exist_ok=True)
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="sshserver-"))
        try:
            self.host_key = keygen(self.dir / "host_ed25519")
            self.client_key = keygen(self.dir / "client_ed25519")
            authorized = self.dir / "authorized_keys"
            shutil.copy(self.client_key.with_suffix(".pub"), authorized)
            authorized.chmod(0o600)
            if os.geteuid() == 0:
                os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # sshd's privilege separation directory
            for attempt in range(1, self.attempts + 1):
                self.port = _free_port()
                self._launch(authorized)
                if self._wait_until_ready():
                    break
                log = self.log()
                self._terminate()
                if "Address already in use" in log and attempt < self.attempts:
                    continue
                raise SshServerError("sshd did not start on %s:%d:\n%s" % (HOST, self.port, log))
            self.known_hosts = self.dir / "known_hosts"
            self.known_hosts.write_text(self.known_hosts_line())
        except BaseException:
            self.stop()
            raise

    def _launch(self, authorized):
        config = self.dir / "sshd_config"
        config.write_text("\n".join([
            "Port %d" % self.port, "ListenAddress %s" % HOST, "HostKey %s" % self.host_key,
            "AuthorizedKeysFile %s" % authorized, "PubkeyAuthentication yes", "PasswordAuthentication no",
            "KbdInteractiveAuthentication no", "UsePAM no", "StrictModes no", "PermitRootLogin prohibit-password",
            "PidFile %s" % (self.dir / "sshd.pid"), "AllowUsers %s" % self.user, ""]))
        self.process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdin=subprocess.DEVNULL,
                                        stdout=open(self.dir / "sshd.log", "w"), stderr=subprocess.STDOUT,
                                        start_new_session=True, preexec_fn=_die_with_parent)

    def _wait_until_ready(self):
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                s.settimeout(0.5)
                try:
                    s.connect((HOST, self.port))
                    if s.recv(4).startswith(b"SSH-"):
                        return True
                except OSError:
                    pass
            time.sleep(0.05)
        return False

    def log(self):
        try:
            return (self.dir / "sshd.log").read_text(errors="replace")
        except (OSError, TypeError):
            return ""

    def _terminate(self):
        process, self.process = self.process, None
        stop_process_group(process, 5)
