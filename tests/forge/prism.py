"""Prism (npm @stoplight/prism-cli) as a validating proxy in front of a test server.

    with PrismProxy(spec, upstream_url) as prism:
        prism.url                      # where the code under test sends its requests
        mark = prism.mark()
        ...
        assert prism.violations(mark) == []

`prism proxy --errors SPEC UPSTREAM` forwards every request to UPSTREAM and
checks the request and the answer against SPEC: a violation makes Prism answer
with a 4xx/5xx whose `sl-violations` header lists them (the request never
reaches the server, or the answer is replaced), and logs it. violations() reads
Prism's log since a mark, so a test sees every violation, also those its code
retried past. .ci/setup puts Prism and the description in build-tools/
(PROMOTE_FORGE_TOOLS elsewhere); without them the tests fail saying so.
"""

import os
import pathlib
import re
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

SOURCE_ROOT = pathlib.Path(__file__).resolve().parents[2]
TOOLS = pathlib.Path(os.environ.get("PROMOTE_FORGE_TOOLS") or SOURCE_ROOT / "build-tools")
PRISM = TOOLS / "prism" / "node_modules" / ".bin" / "prism"
GITHUB_SPEC = TOOLS / "github" / "api.github.com.subset.json"
# Gitea's is small enough to keep in the tree: derived by openapi_subset.py (tests/data/SOURCES.md).
GITEA_SPEC = SOURCE_ROOT / "tests" / "data" / "gitea" / "v1.22.subset.json"


class PrismMissing(RuntimeError):
    pass


def require_tools(spec=GITHUB_SPEC):
    """The Prism program and the description `spec`, or PrismMissing saying how to get them."""
    missing = [str(p) for p in (PRISM, pathlib.Path(spec)) if not p.exists()]
    if missing:
        raise PrismMissing("the forge contract tools are missing (%s): run `bash .ci/setup build` (it needs node "
                           ">= 18.20 and npm), or set PROMOTE_FORGE_TOOLS to where they are" % ", ".join(missing))
    return PRISM, spec


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrismProxy:
    def __init__(self, spec, upstream, startup_timeout=120):
        self.spec, self.upstream, self.startup_timeout = str(spec), upstream, startup_timeout
        self.port = _free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.log = tempfile.NamedTemporaryFile(prefix="prism-", suffix=".log", delete=False)
        self.process = None
        self.allowed = []

    def __enter__(self):
        prism, _ = require_tools(self.spec)
        self.process = subprocess.Popen(
            [str(prism), "proxy", "--errors", "-h", "127.0.0.1", "-p", str(self.port), self.spec, self.upstream],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + self.startup_timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError("prism exited (%s):\n%s" % (self.process.returncode, self.text()))
            try:
                urllib.request.urlopen(self.url + "/", timeout=2)
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                if time.monotonic() > deadline:
                    self.__exit__()
                    raise RuntimeError("prism did not answer within %ds:\n%s" % (self.startup_timeout, self.text()))
                time.sleep(0.2)
        return self

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()
        os.unlink(self.log.name)

    def text(self):
        with open(self.log.name, encoding="utf-8", errors="replace") as f:
            return f.read()

    def allow(self, text):
        """Violations whose line holds `text` are not counted (until the next mark())."""
        self.allowed.append(text)

    def mark(self):
        self.allowed = []
        return len(self.text())

    def violations(self, since=0):
        """Prism's log lines since `since` that report a request or an answer out of the contract."""
        lines = self.text()[since:].splitlines()
        return [line for line in lines if re.search(r"VIOLATIONS|[Vv]iolation|not valid", line)
                and not any(text in line for text in self.allowed)]
