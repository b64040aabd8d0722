"""A small stateful Argo Workflows API server for tests: the workflow endpoints the argocd deploy
backend calls for its checks (lib/providers/deploy/argo_workflows.c), answered in the shapes of Argo
Workflows' official description (tests/data/argo-workflows/api/openapi-spec/swagger.json:
io.argoproj.workflow.v1alpha1.Workflow, WorkflowList, grpc.gateway.runtime.Error).

    with ArgoWorkflowsServer(token="t0ken") as argo:
        argo.add_template("smoke", running_reads=2, ends="Succeeded")
        argo.submitted                      # the submit requests it accepted (their bodies)
        argo.workflows["smoke-00001"]       # the workflows made

It runs behind Prism's validating proxy in the tests (tests/forge/prism.py), so a shape invented
here, or a request the backend sends out of the contract, fails the test that sees it.

A submit (POST /api/v1/workflows/NS/submit, resourceKind WorkflowTemplate) of a known template makes a
workflow named after it, labelled with the submit's labels and the template's, its parameters in
spec.arguments: phase "" (Pending) until its first read; then Running for `running_reads` reads of it;
then `ends` ("Succeeded", "Failed" with a failed step, or None: it never ends). A list
(GET /api/v1/workflows/NS?listOptions.labelSelector=k=v,...) answers the workflows whose labels hold
every pair; PUT .../terminate ends a running one Failed ("Stopped with strategy 'Terminate'").
`submit_delay` holds the answer to a submit that many seconds after the workflow was made (a process
killed meanwhile never learns its name). Every request must carry "Authorization: Bearer TOKEN"
(401 otherwise); an unknown template or workflow is 404. Standard library only.
"""

import re
import time

from argo_api import ArgoHandler, ArgoServer, ArgoState, runtime_error, stamp

PREFIX = "/api/v1/workflows/"


class Template:
    def __init__(self, name, running_reads, ends, message, submit_delay):
        self.name, self.running_reads, self.ends, self.message = name, running_reads, ends, message
        self.submit_delay = submit_delay


class Workflow:
    def __init__(self, name, namespace, template, labels, parameters, account):
        self.name, self.namespace, self.template = name, namespace, template
        self.created = time.time()
        self.labels = dict(labels, **{"workflows.argoproj.io/workflow-template": template.name})
        self.parameters = parameters
        self.account = account
        self.phase, self.message, self.reads = "", "", 0
        self.finished_at = None
        self.failed_node = None
        self.terminated = False

    def step(self):
        """One read: Pending, then Running for running_reads reads, then how the template ends."""
        self.reads += 1
        if self.phase in ("Succeeded", "Failed", "Error"):
            return
        if self.reads == 1:
            self.phase = "Pending" if self.template.running_reads else "Running"
        elif self.reads <= 1 + self.template.running_reads or self.template.ends is None:
            self.phase = "Running"
        else:
            self.end(self.template.ends, self.template.message)

    def end(self, phase, message):
        self.phase, self.message, self.finished_at = phase, message, time.time()
        if phase != "Succeeded":
            self.failed_node = {"id": self.name + "-1234", "name": self.name + ".check", "displayName": "check",
                                "type": "Pod", "phase": "Failed", "message": "Error (exit code 1)",
                                "templateName": "check"}

    def body(self):
        wf = {
            "apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow",
            "metadata": {"name": self.name, "generateName": self.template.name + "-", "namespace": self.namespace,
                         "uid": "7c1e9a52-3f0b-4d2e-9a61-%012d" % (abs(hash(self.name)) % 10 ** 12),
                         "resourceVersion": str(self.reads + 1), "creationTimestamp": stamp(self.created),
                         "labels": self.labels},
            "spec": {"workflowTemplateRef": {"name": self.template.name},
                     "arguments": {"parameters": [{"name": p.split("=", 1)[0], "value": p.split("=", 1)[1]}
                                                  for p in self.parameters]}},
            "status": {"phase": self.phase, "startedAt": stamp(self.created)},
        }
        if self.account:
            wf["spec"]["serviceAccountName"] = self.account
        if self.message:
            wf["status"]["message"] = self.message
        if self.finished_at:
            wf["status"]["finishedAt"] = stamp(self.finished_at)
            wf["status"]["progress"] = "1/1" if self.phase == "Succeeded" else "0/1"
            nodes = {self.name: {"id": self.name, "name": self.name, "displayName": self.name, "type": "Steps",
                                 "phase": self.phase}}
            if self.failed_node:
                nodes[self.failed_node["id"]] = self.failed_node
            wf["status"]["nodes"] = nodes
        return wf


class State(ArgoState):
    def __init__(self, token):
        super().__init__(token)
        self.templates = {}
        self.workflows = {}
        self.submitted = []   # the accepted submit requests' bodies
        self.terminated = []  # the names of the workflows terminated


def selector_holds(selector, labels):
    pairs = [item.split("=", 1) for item in selector.split(",") if item]
    return all(len(p) == 2 and labels.get(p[0]) == p[1] for p in pairs)


class Handler(ArgoHandler):
    unauthorized = "token not valid. see https://argo-workflows.readthedocs.io/en/latest/faq/"

    def answer(self, method, url, query, payload):
        st = self.state
        match = re.fullmatch(re.escape(PREFIX) + r"([a-z0-9.-]+)(?:/(submit)|/([a-z0-9.-]+)(/terminate)?)?",
                             url.path)
        if not match:
            return self.send(404, runtime_error(5, "Not Found"))
        namespace, submit, name, terminate = match.groups()
        if (method, submit, name) == ("GET", None, None):
            items = [wf.body() for wf in st.workflows.values()
                     if wf.namespace == namespace and selector_holds(query.get("listOptions.labelSelector", ""),
                                                                     wf.labels)]
            return self.send(200, {"metadata": {"resourceVersion": "100"}, "items": items})
        if method == "POST" and submit:
            body = payload or {}
            template = st.templates.get(body.get("resourceName"))
            if body.get("resourceKind") != "WorkflowTemplate" or not template:
                return self.send(404, runtime_error(5, "workflowtemplates.argoproj.io \"%s\" not found"
                                                    % body.get("resourceName")))
            opts = body.get("submitOptions") or {}
            labels = dict(item.split("=", 1) for item in (opts.get("labels") or "").split(",") if "=" in item)
            wf = Workflow("%s-%05d" % (template.name, len(st.workflows) + 1), namespace, template, labels,
                          opts.get("parameters") or [], opts.get("serviceAccount"))
            st.workflows[wf.name] = wf
            st.submitted.append(body)
            delay, answer = template.submit_delay, wf.body()
            template.submit_delay = 0
        else:
            wf = st.workflows.get(name)
            if not wf or wf.namespace != namespace:
                return self.send(404, runtime_error(5, "workflows.argoproj.io \"%s\" not found" % name))
            if method == "GET" and not terminate:
                wf.step()
                return self.send(200, wf.body())
            if method == "PUT" and terminate:
                if wf.phase not in ("Succeeded", "Failed", "Error"):
                    wf.end("Failed", "Stopped with strategy 'Terminate'")
                wf.terminated = True
                st.terminated.append(wf.name)
                return self.send(200, wf.body())
            return self.send(404, runtime_error(5, "Not Found"))
        return delay, answer


class ArgoWorkflowsServer(ArgoServer):
    """The server on a free port of 127.0.0.1, in a thread of the test's process."""

    def __init__(self, token="t0ken"):
        super().__init__(Handler, State, token)

    def add_template(self, name, running_reads=2, ends="Succeeded", message="", submit_delay=0):
        with self.state.lock:
            self.state.templates[name] = Template(name, running_reads, ends, message, submit_delay)

    @property
    def submitted(self):
        with self.state.lock:
            return list(self.state.submitted)

    @property
    def workflows(self):
        with self.state.lock:
            return dict(self.state.workflows)

    @property
    def terminated(self):
        with self.state.lock:
            return list(self.state.terminated)
