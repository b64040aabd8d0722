"""A small stateful Argo CD API server for tests: the application endpoints the argocd deploy
backend calls (lib/providers/deploy/argocd*.c), answered in the shapes of Argo CD's official
description (tests/data/argo-cd/assets/swagger.json: v1alpha1Application, runtimeError).

    with ArgoCDServer(token="argo-t0ken") as argo:
        argo.url                                  # http://127.0.0.1:PORT (the server's address)
        argo.add_app("shop-qa", health_after=["Progressing", "Healthy"])
        argo.fail_once("GET", r"/shop-qa$", 429, {"Retry-After": "1"})
        argo.sync_posts("shop-qa")                # the sync requests it accepted

It runs behind Prism's validating proxy in the tests (tests/forge/prism.py), so a shape invented
here, or a request the backend sends out of the contract, fails the test that sees it.

An application walks as Argo CD's does, one step per read of it (GET), so a test is deterministic:
OutOfSync and (a trap) Healthy from its previous revision; a sync (POST .../sync) records the
operation (`app.operation`, `status.operationState` Running, tagged with the request's infos);
after `running_reads` reads the operation ends Succeeded at the revision asked for (or
`result_revision`: the trap of an application whose source is not the promoted branch) and
`app.operation` goes; the application is then shown Synced and still Healthy as it was compared
before the sync (a trap: `reconciledAt` older than the operation's `finishedAt`) until a read
with `?refresh=normal` has made Argo CD compare it again (by the read after it): from then on every read takes the next
health of `health_after` (the last one stays), `reconciledAt` the time of the read, and a
change of health its `lastTransitionTime`.

Traps on request: `busy_reads` — another person's operation runs for that many reads first (a
sync asked meanwhile is refused with 400 "another operation is already in progress", as Argo CD
does); `busy_on_sync` — that operation starts just as our sync arrives; `sync_delay` — the answer
to a sync is held that many seconds after the operation was recorded (a process killed meanwhile
never learns of it); `drop_sync_answer` — the sync is taken and the connection closed unanswered. Every request must carry "Authorization: Bearer TOKEN" (401 otherwise); an
unknown application is 404; `fail_once` injects any status once. Standard library only.
"""

import re
import time

from argo_api import ArgoHandler, ArgoServer, ArgoState, runtime_error, stamp

PREFIX = "/api/v1/applications/"


class App:
    def __init__(self, name, old_revision, health_after, running_reads, result_revision, busy_reads, busy_on_sync,
                 sync_delay, drop_sync_answer):
        self.name = name
        self.sync_status, self.sync_revision = "OutOfSync", old_revision
        self.health, self.health_message = "Healthy", ""      # the previous revision's: a trap
        self.health_since = time.time() - 3600
        self.reconciled_at = time.time() - 60
        self.history = []
        self.operation = None       # the requested/running operation (app.operation)
        self.op_state = None        # status.operationState
        self.reads_left = 0         # reads until the running operation ends
        self.compared = False       # Argo CD compared it after our operation finished
        self.refresh_asked = False  # a read asked for a comparison (made before the next read)
        self.health_after = list(health_after)
        self.running_reads = running_reads
        self.result_revision = result_revision
        self.busy_on_sync = busy_on_sync
        self.sync_delay = sync_delay
        self.drop_sync_answer = drop_sync_answer
        self.accepted = []          # the sync requests accepted (their bodies)
        self.refused = 0            # the sync requests refused because an operation ran
        self.terminated = 0
        self.others = False         # the operation is someone else's
        if busy_reads:
            self.start_other(busy_reads)

    def start_other(self, reads):
        """Someone else's sync (alice, at the old revision) runs for `reads` reads."""
        now = time.time()
        self.operation = {"sync": {"revision": self.sync_revision}, "initiatedBy": {"username": "alice"},
                          "info": [{"name": "reason", "value": "a hotfix"}]}
        self.op_state = {"operation": self.operation, "phase": "Running", "message": "one of 3 resources synced",
                         "startedAt": stamp(now)}
        self.reads_left = reads
        self.others = True

    def start_ours(self, body):
        now = time.time()
        self.operation = {"sync": {"revision": body.get("revision", "")}, "initiatedBy": {"username": "promote"},
                          "info": body.get("infos", [])}
        self.op_state = {"operation": self.operation, "phase": "Running", "message": "syncing",
                         "startedAt": stamp(now)}
        self.reads_left = self.running_reads
        self.others = False
        self.compared = False
        self.accepted.append(body)

    def step(self, refresh):
        """One read: the running operation moves on; a refresh compares the application again."""
        now = time.time()
        if self.op_state and self.op_state["phase"] == "Running":
            self.reads_left -= 1
            if self.reads_left <= 0:
                rev = self.operation["sync"]["revision"]
                if not self.others and self.result_revision:
                    rev = self.result_revision
                self.op_state["phase"] = "Succeeded"
                self.op_state["message"] = "successfully synced (all tasks run)"
                self.op_state["finishedAt"] = stamp(now)
                self.op_state["syncResult"] = {"revision": rev}
                self.operation = None
                self.sync_status, self.sync_revision = "Synced", rev
                self.history.append({"id": len(self.history), "revision": rev, "deployedAt": stamp(now)})
                # Shown Synced, but health and reconciledAt are from before the sync until it is compared.
        elif self.op_state and self.op_state["phase"] == "Succeeded" and not self.others and not self.compared:
            # A refresh is asked for by a read and made by the controller afterwards, as Argo CD does:
            # the answer to the read that asks for it is still the old comparison.
            self.compared, self.refresh_asked = self.refresh_asked, refresh
        if self.compared:
            health = self.health_after.pop(0) if len(self.health_after) > 1 else self.health_after[0]
            if health != self.health:
                self.health, self.health_since = health, now
            self.health_message = "" if health == "Healthy" else "Deployment shop: %s" % health.lower()
            self.reconciled_at = now

    def body(self):
        app = {
            "metadata": {"name": self.name, "namespace": "argocd", "uid": "0d1b6b6e-5c3a-4a6b-9a0e-%012d" % 1,
                         "resourceVersion": "1"},
            "spec": {"project": "default",
                     "source": {"repoURL": "https://git.example.com/org/gitops.git", "path": "envs/qa/apps/shop",
                                "targetRevision": "main"},
                     "destination": {"server": "https://kubernetes.default.svc", "namespace": "shop"}},
            "status": {
                "sync": {"status": self.sync_status, "revision": self.sync_revision},
                "health": {"status": self.health, "lastTransitionTime": stamp(self.health_since)},
                "reconciledAt": stamp(self.reconciled_at),
                "history": self.history,
                "sourceType": "Helm",
            },
        }
        if self.health_message:
            app["status"]["health"]["message"] = self.health_message
        if self.operation:
            app["operation"] = self.operation
        if self.op_state:
            app["status"]["operationState"] = self.op_state
        return app


class State(ArgoState):
    def __init__(self, token):
        super().__init__(token)
        self.apps = {}        # requests: (method, path, query, headers with lower-case names, body)


class Handler(ArgoHandler):
    unauthorized = "invalid session: token signature is invalid"

    def answer(self, method, url, query, payload):
        st = self.state
        match = re.fullmatch(re.escape(PREFIX) + r"([a-z0-9.-]+)(/sync|/operation)?", url.path)
        app = st.apps.get(match.group(1)) if match else None
        if not app:
            return self.send(404, runtime_error(5, "applications.argoproj.io \"%s\" not found"
                                                % (match.group(1) if match else url.path)))
        what = (method, match.group(2))
        if what == ("GET", None):
            app.step(query.get("refresh") in ("normal", "hard"))
            return self.send(200, app.body())
        if what == ("POST", "/sync"):
            if app.busy_on_sync:
                app.busy_on_sync = False
                app.start_other(3)
            if app.operation:
                app.refused += 1
                return self.send(400, runtime_error(9, "another operation is already in progress"))
            app.start_ours(payload or {})
            delay, answer = app.sync_delay, app.body()
            app.sync_delay = 0
            if app.drop_sync_answer:
                app.drop_sync_answer = False
                self.close_connection = True   # taken, never answered: the connection just closes
                return None
        elif what == ("DELETE", "/operation"):
            if not app.operation:
                return self.send(400, runtime_error(9, "Unable to terminate operation. No operation is in "
                                                    "progress"))
            app.op_state["phase"] = "Terminating"
            app.terminated += 1
            return self.send(200, {})
        else:
            return self.send(404, runtime_error(5, "Not Found"))
        return delay, answer


class ArgoCDServer(ArgoServer):
    """The server on a free port of 127.0.0.1, in a thread of the test's process."""

    def __init__(self, token="argo-t0ken", tls=None):
        super().__init__(Handler, State, token, tls)

    def add_app(self, name, old_revision="0" * 40, health_after=("Progressing", "Healthy"), running_reads=3,
                result_revision=None, busy_reads=0, busy_on_sync=False, sync_delay=0, drop_sync_answer=False):
        with self.state.lock:
            self.state.apps[name] = App(name, old_revision, health_after, running_reads, result_revision,
                                        busy_reads, busy_on_sync, sync_delay, drop_sync_answer)
            return self.state.apps[name]

    def app(self, name):
        return self.state.apps[name]
