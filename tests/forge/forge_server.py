"""What the stateful forge servers of the tests share (github_server.py, and gitea_server.py through it;
gitlab_server.py): the state's lock, injected faults, hooks and git over the bare repository; the request
handler's plumbing (the body read as JSON, every request recorded, a fault answered or a hook run before
the forge's own answer), over tests/net/scriptserver.py's JSONHandler and ThreadedServer (the JSON
plumbing and the thread every test server shares). Standard library only."""

import pathlib
import re
import subprocess
import sys
import threading

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "net"))
from scriptserver import JSONHandler, ThreadedServer  # noqa: E402


class ForgeState:
    """What a forge server knows; tests read and change it directly (under `lock`)."""

    IDENTITY = []  # git -c options: the forge's committer

    def __init__(self, repo_path, token):
        self.repo_path = str(repo_path)
        self.token = token
        self.lock = threading.RLock()
        self.faults = []    # [method, path regex, status, headers (or a function making them), body] answered once
        self.hooks = []     # [method, path regex, fn(state)] run once, before the request is handled
        self.requests = []  # every request, as record() keeps it

    def record(self, method, path, headers, query, body):
        raise NotImplementedError

    def git(self, *args, check=True):
        done = subprocess.run(["git", *self.IDENTITY, "-C", self.repo_path, *args], capture_output=True, text=True,
                              env={"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
                                   "PATH": "/usr/bin:/bin"})
        if check and done.returncode:
            raise RuntimeError("git %s: %s" % (" ".join(args), done.stderr))
        return done.stdout.strip() if done.returncode == 0 else None

    def tip(self, branch):
        return self.git("rev-parse", "--verify", "-q", "refs/heads/" + branch, check=False)

    def push_late(self, branch, head):
        """Someone pushes a commit (the same tree) onto `branch` at `head`: the new tip."""
        tree = self.git("rev-parse", head + "^{tree}")
        moved = self.git("commit-tree", tree, "-p", head, "-m", "a late push")
        self.git("update-ref", "refs/heads/" + branch, moved, head)
        return moved


class ForgeHandler(JSONHandler):
    keep_blank_values = True  # a parameter sent empty is seen (and checked) as given

    def bad_json(self):
        """The forge's answer to a body that is not JSON."""
        raise NotImplementedError

    def answer(self, method, path, query, payload):
        """The forge's own answer, under the state's lock."""
        raise NotImplementedError

    def handle_any(self, method, url, query, payload):
        st = self.state
        with st.lock:
            st.record(method, url.path, dict(self.headers.items()), query, payload)
            if self.answer_fault(method, url.path):
                return None
            for hook in st.hooks:
                if hook[0] == method and hook[1].search(url.path):
                    st.hooks.remove(hook)
                    hook[2](st)
                    break
            return self.answer(method, url.path, query, payload)

    def run_after(self, event, path):
        """The hooks of `event` ("AFTER POST") whose regex matches `path`, run once."""
        st = self.state
        for hook in [h for h in st.hooks if h[0] == event and h[1].search(path)]:
            st.hooks.remove(hook)
            hook[2](st)


class ForgeServer(ThreadedServer):
    """The server on a free port of 127.0.0.1, in a thread of the test's process; `api_path` after it in
    `url` (the API's base)."""

    HANDLER = ForgeHandler
    FAULT_BODY = {"message": "injected"}

    def __init__(self, state, api_path=""):
        self.state = state
        self.handler = type("BoundHandler", (self.HANDLER,), {"state": state})
        super().__init__(self.handler)
        self.url += api_path

    def use_state(self, state):
        self.state = state
        self.handler.state = state

    def hook_once(self, method, path_regex, fn):
        """fn(state) runs once before the first request of `method` whose path matches (method "AFTER
        POST": after the forge made what the POST asked for, before its answer is sent)."""
        with self.state.lock:
            self.state.hooks.append([method, re.compile(path_regex), fn])

    def fail_once(self, method, path_regex, status, headers=None, body=None):
        """The next request of `method` whose path matches is answered `status` with `headers` (a dict,
        or a function making one when it is answered) and `body`."""
        with self.state.lock:
            self.state.faults.append([method, re.compile(path_regex), status, headers or {},
                                      body if body is not None else self.FAULT_BODY])
