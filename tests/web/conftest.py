"""A watcher serving the web view of a real repository (promote watch --listen), for tests/web.

The repository is the bundled example (tests/integration's create_bare_repo), with two releases made
as a user makes them: cart 2.0.0 failed at prod's change-window pre-check (a FREEZE file whose text is
hostile markup, so that the pages must escape it), and shop 1.5.0 waiting for prod's approval."""

import importlib.util
import os
import pathlib
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[0] / "integration"))
from gitserver import create_bare_repo  # noqa: E402

# tests/cli's helpers (promote(), git()), loaded under a name of their own (both folders have a conftest).
_spec = importlib.util.spec_from_file_location("cli_helpers", HERE.parents[0] / "cli" / "conftest.py")
cli_helpers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cli_helpers)
CLI, EXAMPLE, promote, git = cli_helpers.CLI, cli_helpers.EXAMPLE, cli_helpers.promote, cli_helpers.git

HOSTILE = "<script>alert('frozen')</script> & <b>audit</b>"
ARTEFACTS = pathlib.Path(os.environ.get("PROMOTE_WEB_ARTEFACTS") or HERE.parents[1] / "build" / "tests" / "web" /
                         "screenshots")


class Site:
    """The watcher and what the tests made: url (ends with /), repo, failed and waiting (release ids)."""

    def get(self, path, method="GET", headers=None):
        """(status, headers, body bytes) of one request."""
        request = urllib.request.Request(self.url + path.lstrip("/"), method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=30) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()


def edit_main(repo, path, text):
    """Commit `text` at `path` on main (None: delete it), as someone pushing to the repository."""
    work = repo.parent / "edit"
    if work.exists():
        git(work, "pull", "-q", "--ff-only", "origin", "main")  # what releases committed since
    else:
        subprocess.run(["git", "clone", "-q", str(repo), str(work)], check=True, capture_output=True,
                       env=cli_helpers.GIT_ENV)
    if text is None:
        git(work, "rm", "-q", path)
    else:
        (work / path).write_text(text)
        git(work, "add", path)
    git(work, "commit", "-qm", "edit %s" % path)
    git(work, "push", "-q", "origin", "main")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("web")
    s = Site()
    s.repo = create_bare_repo(tmp, "gitops", EXAMPLE.parent)
    edit_main(s.repo, "envs/prod/FREEZE", HOSTILE + "\n")
    r = promote("--repo", s.repo, "--json", "run", "cart", "--version", "2.0.0")
    assert r.code == 1, r
    s.failed = r.json()["id"]
    # The next release is created in a later second (a release's creation time has seconds): newest first is
    # then the order they were made in.
    time.sleep(1.01 - time.time() % 1)
    edit_main(s.repo, "envs/prod/FREEZE", None)
    r = promote("--repo", s.repo, "--json", "run", "shop", "--version", "1.5.0")
    assert r.code == 3, r
    s.waiting = r.json()["id"]
    s.proc = subprocess.Popen([CLI, "--repo", str(s.repo), "watch", "--listen", "127.0.0.1:0", "--interval", "1h"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    first = s.proc.stdout.readline()
    if not first.startswith("web view at http://127.0.0.1:"):
        s.proc.kill()
        pytest.fail("promote watch --listen did not serve: %r %s" % (first, s.proc.stderr.read()))
    s.url = first.split()[-1]
    # Served from the snapshot taken when the watcher started (503 until it is published); the tests begin once
    # the first pass is done too (its count is in /metrics).
    deadline = time.monotonic() + 60
    while s.get("/")[0] != 200 or b"\npromote_watcher_passes_total 0\n" in s.get("/metrics")[2]:
        assert time.monotonic() < deadline, "the web view never answered 200 after a pass"
        time.sleep(0.2)
    yield s
    s.proc.terminate()
    assert s.proc.wait(timeout=30) == 0, s.proc.stderr.read()
    s.proc.stdout.close()
    s.proc.stderr.close()


def chromium():
    """The chromium executable, or the test fails saying how to install it (never skipped)."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("the browser tests need chromium: apt-get install chromium (bash .ci/setup installs it)")
    return path


def browser(tmp_path, *args):
    """Run headless chromium with `args`; its stdout."""
    r = subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--user-data-dir=%s" % (tmp_path / "profile"), *args],
                       capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout
