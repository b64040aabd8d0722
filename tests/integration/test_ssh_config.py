"""~/.ssh/config Host aliases against OpenSSH's sshd: a `Host` block (with a pattern) gives the host
name, port, user and key file of an alias used in `--repo alias:/path.git` and `ssh://alias/path.git`;
the first value found wins, as in ssh. HOME is a temporary folder; no key comes from the environment."""

import os
import pathlib
import shutil
import subprocess

from conftest import CLI
from gitserver import HOST, run_git

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "gitops"


def home_with_ssh_config(tmp_path, ssh_server, config):
    """A HOME whose ~/.ssh holds the client key (id_promote), the server's known host and `config`
    ({port}, {user} filled in)."""
    home = tmp_path / "home"
    ssh = home / ".ssh"
    ssh.mkdir(parents=True)
    shutil.copy(ssh_server.client_key, ssh / "id_promote")
    (ssh / "id_promote").chmod(0o600)
    (ssh / "known_hosts").write_text(ssh_server.known_hosts_line())
    (ssh / "config").write_text(config.format(port=ssh_server.port, user=ssh_server.user, host=HOST))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PROMOTE_GIT_") and k not in ("SSH_AUTH_SOCK",)}
    env.update(HOME=str(home))
    return env


def promote(env, cache, *args):
    return subprocess.run([CLI, "--cache", str(cache), *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=120, stdin=subprocess.DEVNULL)


CONFIG = """# promote's test hosts
Host other !gitops-forbidden gitops-*
    HostName {host}
    Port {port}
    User {user}
    IdentityFile ~/.ssh/id_promote

Host *
    Port 1
    User nobody-at-all
    IdentityFile ~/.ssh/missing
"""


def test_scp_like_alias_is_resolved(ssh_server, tmp_path):
    ssh_server.create_repo("gitops", EXAMPLE)
    env = home_with_ssh_config(tmp_path, ssh_server, CONFIG)
    r = promote(env, tmp_path / "cache", "--repo", "gitops-test:%s" % ssh_server.repo_path("gitops"),
                "apply", "shop", "--to", "qa")
    assert r.returncode == 0, r.stderr
    log = run_git("-C", ssh_server.repo_path("gitops"), "log", "-1", "--format=%s", "main").stdout.strip()
    assert log == "Promote shop 1.4.0 to qa"


def test_ssh_url_alias_is_resolved(ssh_server, tmp_path):
    ssh_server.create_repo("gitops", EXAMPLE)
    env = home_with_ssh_config(tmp_path, ssh_server, CONFIG)
    r = promote(env, tmp_path / "cache", "--repo", "ssh://gitops-test%s" % ssh_server.repo_path("gitops"),
                "validate")
    assert r.returncode == 0, r.stderr


def test_a_negated_pattern_does_not_match(ssh_server, tmp_path):
    ssh_server.create_repo("gitops", EXAMPLE)
    env = home_with_ssh_config(tmp_path, ssh_server, CONFIG)
    # only `Host *` applies: port 1, where nothing listens
    r = promote(env, tmp_path / "cache", "--repo", "gitops-forbidden:%s" % ssh_server.repo_path("gitops"),
                "validate")
    assert r.returncode != 0, r
    assert "gitops-forbidden" in r.stderr
