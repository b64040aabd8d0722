"""promote against a real ssh git server (OpenSSH's sshd, key authentication): the host key checked
against known hosts, the client key from PROMOTE_GIT_SSH_KEY, clone, fetch and push."""

import re
import pathlib
import subprocess

from conftest import CLI
from gitserver import run_git
from sshserver import keygen

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "gitops"


def promote(env, cache, *args):
    return subprocess.run([CLI, "--cache", str(cache), *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=120, stdin=subprocess.DEVNULL)


def test_apply_over_ssh(ssh_server, tmp_path):
    ssh_server.create_repo("gitops", EXAMPLE)
    url = ssh_server.url("gitops")
    env = ssh_server.client_env()
    r = promote(env, tmp_path / "cache", "--repo", url, "apply", "shop", "--to", "qa")
    assert r.returncode == 0, r.stderr
    log = run_git("-C", ssh_server.repo_path("gitops"), "log", "--format=%s", "main").stdout.splitlines()
    assert log[0] == "Promote shop 1.4.0 to qa"
    # A change request pushed over ssh (prod is manual: it waits, exit status 3), approved and merged
    # from a second cache.
    proposed = promote(env, tmp_path / "cache", "--repo", url, "apply", "cart", "--to", "prod", "--force", "--reason",
                       "a test over ssh")
    assert proposed.returncode == 3, proposed.stderr
    release = re.search(r"^release (cart-1\.3\.2-\w+) waiting", proposed.stdout, re.M).group(1)
    assert "refs/heads/promote/%s/prod" % release in run_git("-C", ssh_server.repo_path("gitops"), "for-each-ref").stdout
    approved = promote(env, tmp_path / "cache2", "--repo", url, "release", "approve", release, "--env", "prod")
    assert approved.returncode == 0 and "release %s succeeded" % release in approved.stdout, approved.stderr
    assert run_git("-C", ssh_server.repo_path("gitops"), "log", "-1", "--format=%s", "main").stdout.strip() == \
        "Promote cart 1.3.2 to prod"
    again = promote(env, tmp_path / "cache", "--repo", url, "apply", "shop", "--to", "qa")
    assert again.returncode == 0 and "already in qa" in again.stdout, again.stderr


def test_unknown_host_key_is_refused(ssh_server, tmp_path):
    ssh_server.create_repo("gitops", EXAMPLE)
    empty = tmp_path / "empty_known_hosts"
    empty.write_text("")
    r = promote(ssh_server.client_env(PROMOTE_GIT_SSH_KNOWN_HOSTS=str(empty)), tmp_path / "cache",
                "--repo", ssh_server.url("gitops"), "validate")
    assert r.returncode == 1, r
    assert "is not in the known hosts (%s)" % empty in r.stderr
    assert "ssh-keyscan -p %d 127.0.0.1" % ssh_server.port in r.stderr
    fingerprint = subprocess.run(["ssh-keygen", "-l", "-f", str(ssh_server.host_key.with_suffix(".pub"))],
                                 capture_output=True, text=True, check=True).stdout.split()[1]
    assert fingerprint in r.stderr  # SHA256:..., as ssh-keygen -l prints it
    assert not list((tmp_path / "cache").glob("*.git"))  # no half mirror left behind


def test_changed_host_key_is_refused(ssh_server, tmp_path):
    ssh_server.create_repo("gitops", EXAMPLE)
    impostor = keygen(tmp_path / "impostor")
    known = tmp_path / "known_hosts"
    known.write_text("# another key for the same host\n" + ssh_server.known_hosts_line(impostor.with_suffix(".pub")))
    r = promote(ssh_server.client_env(PROMOTE_GIT_SSH_KNOWN_HOSTS=str(known)), tmp_path / "cache",
                "--repo", ssh_server.url("gitops"), "validate")
    assert r.returncode == 1 and "has CHANGED" in r.stderr, r
    # ... and revoked is refused even when the key is listed as known too
    known.write_text(ssh_server.known_hosts_line() + "@revoked " + ssh_server.known_hosts_line())
    r = promote(ssh_server.client_env(PROMOTE_GIT_SSH_KNOWN_HOSTS=str(known)), tmp_path / "cache",
                "--repo", ssh_server.url("gitops"), "validate")
    assert r.returncode == 1 and "is revoked" in r.stderr, r


def test_long_lines_and_lists_of_known_hosts_are_read_whole(ssh_server, tmp_path):
    ssh_server.create_repo("gitops", EXAMPLE)
    # The end of a long comment line is no entry, even when it reads like one.
    known = tmp_path / "known_hosts"
    known.write_text("#" + "x" * 16382 + ssh_server.known_hosts_line())
    r = promote(ssh_server.client_env(PROMOTE_GIT_SSH_KNOWN_HOSTS=str(known)), tmp_path / "cache",
                "--repo", ssh_server.url("gitops"), "validate")
    assert r.returncode == 1 and "is not in the known hosts" in r.stderr, r
    # A long list of files is read to its end, and a refusal names it whole with its advice.
    missing = ":".join(str(tmp_path / ("missing-%03d-%s" % (i, "m" * 60))) for i in range(60))
    r = promote(ssh_server.client_env(PROMOTE_GIT_SSH_KNOWN_HOSTS=missing), tmp_path / "cache",
                "--repo", ssh_server.url("gitops"), "validate")
    assert r.returncode == 1, r
    assert ("is not in the known hosts (%s): check the fingerprint" % missing) in r.stderr, r.stderr
    assert r.stderr.rstrip().endswith("or name a file in PROMOTE_GIT_SSH_KNOWN_HOSTS"), r.stderr
    known.write_text(ssh_server.known_hosts_line())
    r = promote(ssh_server.client_env(PROMOTE_GIT_SSH_KNOWN_HOSTS=missing + ":" + str(known)), tmp_path / "cache",
                "--repo", ssh_server.url("gitops"), "validate")
    assert r.returncode == 0, r.stderr


def test_wrong_client_key_is_an_auth_error(ssh_server, tmp_path):
    ssh_server.create_repo("gitops", EXAMPLE)
    stranger = keygen(tmp_path / "stranger")
    r = promote(ssh_server.client_env(PROMOTE_GIT_SSH_KEY=str(stranger)), tmp_path / "cache",
                "--repo", ssh_server.url("gitops"), "validate")
    assert r.returncode == 2, r
    assert "the server refused the credentials" in r.stderr
    assert str(stranger) not in r.stderr  # where the key is, is nobody's business either


def hashed_known_hosts(ssh_server, path, public_key=None):
    """A known_hosts file holding the server's line hashed by `ssh-keygen -H` (as Debian's ssh writes it)."""
    path.write_text(ssh_server.known_hosts_line(public_key))
    subprocess.run(["ssh-keygen", "-q", "-H", "-f", str(path)], check=True, capture_output=True,
                   stdin=subprocess.DEVNULL)
    text = path.read_text()
    assert text.startswith("|1|") and "127.0.0.1" not in text, text
    return path


def test_hashed_known_hosts_entry_is_accepted(ssh_server, tmp_path):
    ssh_server.create_repo("gitops", EXAMPLE)
    known = hashed_known_hosts(ssh_server, tmp_path / "known_hosts")
    r = promote(ssh_server.client_env(PROMOTE_GIT_SSH_KNOWN_HOSTS=str(known)), tmp_path / "cache",
                "--repo", ssh_server.url("gitops"), "validate")
    assert r.returncode == 0, r.stderr


def test_hashed_known_hosts_entry_with_another_key_is_refused(ssh_server, tmp_path):
    ssh_server.create_repo("gitops", EXAMPLE)
    impostor = keygen(tmp_path / "impostor")
    known = hashed_known_hosts(ssh_server, tmp_path / "known_hosts", impostor.with_suffix(".pub"))
    r = promote(ssh_server.client_env(PROMOTE_GIT_SSH_KNOWN_HOSTS=str(known)), tmp_path / "cache",
                "--repo", ssh_server.url("gitops"), "validate")
    assert r.returncode == 1 and "has CHANGED" in r.stderr, r
    # a hash of another name does not match this host at all
    other = tmp_path / "other_known_hosts"
    other.write_text(ssh_server.known_hosts_line().replace("[127.0.0.1]", "[127.0.0.2]"))
    subprocess.run(["ssh-keygen", "-q", "-H", "-f", str(other)], check=True, capture_output=True,
                   stdin=subprocess.DEVNULL)
    r = promote(ssh_server.client_env(PROMOTE_GIT_SSH_KNOWN_HOSTS=str(other)), tmp_path / "cache",
                "--repo", ssh_server.url("gitops"), "validate")
    assert r.returncode == 1 and "is not in the known hosts" in r.stderr, r
