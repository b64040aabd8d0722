"""What the test servers of the Argo projects' APIs share (argocd_server.py, argo_workflows_server.py):
their times and error bodies as the grpc-gateway of both writes them, and a stateful server on
scriptserver.py's ThreadedServer whose state a test resets, with faults injected once and every
request recorded. Standard library only."""

import datetime
import pathlib
import sys
import threading
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "net"))
from scriptserver import JSONHandler, ThreadedServer  # noqa: E402


def stamp(t):
    """RFC 3339 in whole seconds, as Kubernetes writes metav1.Time."""
    return datetime.datetime.fromtimestamp(int(t), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def runtime_error(code, message):
    """The contracts' error body (Argo CD's runtimeError, Argo Workflows' grpc.gateway.runtime.Error) as
    grpc-gateway writes it; code: the gRPC code."""
    return {"error": message, "code": code, "message": message}


class ArgoState:
    """A server's state: the token every request must carry, its lock, the faults still to answer
    ([method, path regex, status, headers, body], each once) and the requests it got."""

    def __init__(self, token):
        self.token = token
        self.lock = threading.RLock()
        self.faults = []
        self.requests = []


class ArgoServer(ThreadedServer):
    """The server of `handler` (a scriptserver.JSONHandler) on a free port of 127.0.0.1, in a thread of
    the test's process, its state a `state_class` (an ArgoState)."""

    def __init__(self, handler, state_class, token, tls=None):
        self.state_class = state_class
        self.state = state_class(token)
        self.handler = type("BoundHandler", (handler,), {"state": self.state})
        super().__init__(self.handler, tls)

    def reset(self, token):
        self.state = self.state_class(token)
        self.handler.state = self.state

    def fail_once(self, method, path_regex, status, headers=None, body=None):
        with self.state.lock:
            self.state.faults.append([method, path_regex, status, headers or {},
                                      body if body is not None else runtime_error(14, "injected")])

    def requests(self):
        with self.state.lock:
            return list(self.state.requests)


class ArgoHandler(JSONHandler):
    """The requests of an ArgoServer: each recorded, as (method, path, query, headers with lower-case
    names, body); an injected fault, then a missing or wrong token (401 `unauthorized`), answered first;
    then a subclass's answer(method, url, query, payload), called with the state's lock held, which
    answers itself (None), or gives (delay, body): a 200 with `body` sent `delay` seconds later, outside
    the lock, so the others are answered meanwhile."""

    unauthorized = "invalid token"

    def bad_json(self):
        return self.send(400, runtime_error(3, "the body is not JSON"))

    def handle_any(self, method, url, query, payload):
        st = self.state
        with st.lock:
            headers = {key.lower(): value for key, value in self.headers.items()}  # Prism lower-cases them
            st.requests.append((method, url.path, query, headers, payload))
            if self.answer_fault(method, url.path):
                return None
            if self.headers.get("Authorization") != "Bearer " + st.token:
                return self.send(401, runtime_error(16, self.unauthorized))
            later = self.answer(method, url, query, payload)
        if later is None:
            return None
        time.sleep(later[0])
        return self.send(200, later[1])
