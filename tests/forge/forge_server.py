"""What the stateful forge servers of the tests share (github_server.py, and gitea_server.py through it;
gitlab_server.py): the state's lock, injected faults, hooks and git over the bare repository; the request
handler's plumbing (the body read as JSON, every request recorded, a fault answered or a hook run before
the forge's own answer); the server on a free port of 127.0.0.1 in a thread of the test's process.
Standard library only."""

import http.server
import json
import re
import subprocess
import threading
import urllib.parse


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


class ForgeHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    content_type = "application/json"
    state = None  # set per server

    def log_message(self, fmt, *args):
        pass

    def send(self, status, body=None, headers=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def bad_json(self):
        """The forge's answer to a body that is not JSON."""
        raise NotImplementedError

    def answer(self, method, path, query, payload):
        """The forge's own answer, under the state's lock."""
        raise NotImplementedError

    def handle_any(self, method):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            return self.bad_json()
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        st = self.state
        with st.lock:
            st.record(method, url.path, dict(self.headers.items()), query, payload)
            for fault in st.faults:
                if fault[0] == method and fault[1].search(url.path):
                    st.faults.remove(fault)
                    return self.send(fault[2], fault[4], fault[3]() if callable(fault[3]) else fault[3])
            for hook in st.hooks:
                if hook[0] == method and hook[1].search(url.path):
                    st.hooks.remove(hook)
                    hook[2](st)
                    break
            return self.answer(method, url.path, query, payload)

    do_GET = lambda self: self.handle_any("GET")          # noqa: E731
    do_POST = lambda self: self.handle_any("POST")        # noqa: E731
    do_PUT = lambda self: self.handle_any("PUT")          # noqa: E731
    do_PATCH = lambda self: self.handle_any("PATCH")      # noqa: E731
    do_DELETE = lambda self: self.handle_any("DELETE")    # noqa: E731

    def run_after(self, event, path):
        """The hooks of `event` ("AFTER POST") whose regex matches `path`, run once."""
        st = self.state
        for hook in [h for h in st.hooks if h[0] == event and h[1].search(path)]:
            st.hooks.remove(hook)
            hook[2](st)


class ForgeServer:
    """The server on a free port of 127.0.0.1, in a thread of the test's process; `api_path` after it in
    `url` (the API's base)."""

    HANDLER = ForgeHandler
    FAULT_BODY = {"message": "injected"}

    def __init__(self, state, api_path=""):
        self.state = state
        self.handler = type("BoundHandler", (self.HANDLER,), {"state": state})
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self.handler)
        self.httpd.daemon_threads = True
        self.url = "http://127.0.0.1:%d%s" % (self.httpd.server_address[1], api_path)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()

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
