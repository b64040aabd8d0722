"""A git provider and a deploy backend written in Python (promote.GitProvider,
promote.DeployBackend), registered on a context and driving a whole release:
the bundled example with its repository's provider named `pyforge` and prod's
deploy backend `pydeploy`. The forge keeps its pull requests in a dict and
merges with git itself, in the bare repository; the backend "deploys" by
remembering the revision and answers the policy's checks (and, in the abort
tests, rolls out until a release's abort stops it)."""

import pathlib
import shutil
import sys

import pytest

import promote
from conftest import EXAMPLE_CONFIG

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests" / "integration"))
from gitserver import create_bare_repo, run_git  # noqa: E402

State = promote.ReleaseState
Step = promote.StepState


class PyForge(promote.GitProvider):
    """Pull requests in a dict; a merge is a real merge commit on the base branch."""

    def __init__(self, bare):
        self.bare = bare
        self.changes = {}
        self.calls = []

    def _git(self, *args):
        return run_git(*args, cwd=self.bare).stdout.strip()

    def open_change(self, request):
        self.calls.append(("open", request.head))
        found = self.find_change(request)
        if found:
            return promote.Change(**{**found.__dict__, "reused": True})
        number = "PR-%d" % (len(self.changes) + 1)
        self.changes[number] = {"request": request, "state": promote.ChangeState.OPEN, "approvals": 0,
                                "merge": None, "draft": request.draft}
        return self.get_change(number)

    def find_change(self, request):
        for number, change in self.changes.items():
            if change["state"] is promote.ChangeState.OPEN and set(request.labels) <= set(change["request"].labels):
                return self.get_change(number)
        return None

    def get_change(self, id):
        if id not in self.changes:
            raise promote.NotFoundError("pyforge has no change %s" % id, code=promote.ErrorCode.ENOTFOUND)
        change = self.changes[id]
        request = change["request"]
        return promote.Change(id=id, url="https://forge.example/%s" % id, head=request.head, base=request.base,
                              title=request.title, state=change["state"], checks=promote.ChecksState.PASSING,
                              draft=change["draft"], approvals=change["approvals"], merge_commit=change["merge"],
                              waiting=change.get("waiting", ""))

    def approve_change(self, id, by):
        self.calls.append(("approve", id, by))
        change = self.changes[id]
        change["approvals"] += 1
        change["draft"] = False  # an approved draft is ready, as the engine expects
        return self.get_change(id)

    def merge_change(self, id):
        self.calls.append(("merge", id))
        return self.merge(id)

    def merge(self, id):
        """The merge itself: promote's (merge_change) or the forge's own (a merge queue's turn)."""
        change = self.changes[id]
        request = change["request"]
        base = "refs/heads/" + request.base
        tree = self._git("merge-tree", "--write-tree", base, "refs/heads/" + request.head)
        merge = self._git("commit-tree", tree, "-p", base, "-p", "refs/heads/" + request.head,
                          "-m", "Merge %s: %s" % (id, request.title))
        self._git("update-ref", base, merge)
        change["state"], change["merge"] = promote.ChangeState.MERGED, merge
        return self.get_change(id)


class PyDeploy(promote.DeployBackend):
    """Synced at once at the revision asked; every check passes and says what it saw."""

    def __init__(self):
        self.synced = []
        self.workflows = []

    def sync(self, request):
        self.synced.append((request.environment, request.product, request.version, request.revision))
        return promote.DeployStatus(sync=promote.SyncState.SYNCING, health=promote.HealthState.PROGRESSING)

    def status(self, request):
        return promote.DeployStatus(sync=promote.SyncState.SYNCED, health=promote.HealthState.HEALTHY,
                                    revision=request.revision, message="all pods ready")

    def run_workflow(self, request):
        self.workflows.append((request.name, request.environment, request.version))
        return promote.WorkflowStatus(run_id="run-%d" % len(self.workflows))

    def workflow_status(self, request):
        return promote.WorkflowStatus(run_id=request.run_id, state=promote.WorkflowState.SUCCEEDED,
                                      output="%s ok for %s" % (request.name, request.environment))


@pytest.fixture
def repo(tmp_path):
    text = EXAMPLE_CONFIG.read_text()
    text = text.replace("environments:\n", "repositories:\n  gitops: {provider: pyforge}\n\nenvironments:\n", 1)
    prod_deploy = 'deploy: {backend: exec, health: [./checks/health.sh, "{env}"], timeout: 10m}'
    assert text.count(prod_deploy) == 1
    text = text.replace(prod_deploy, "deploy: {backend: pydeploy, timeout: 10m}")
    source = tmp_path / "source"
    shutil.copytree(EXAMPLE_CONFIG.parent, source)  # the checks keep their mode
    (source / "promote.yaml").write_text(text)
    return create_bare_repo(tmp_path, "gitops", source)


def registered(repo, deploy=None):
    ctx = promote.Context.from_repository(repo)
    forge, deploy = PyForge(repo), deploy or PyDeploy()
    ctx.register_git_provider("pyforge", forge)
    ctx.register_deploy_backend("pydeploy", deploy)
    return ctx, forge, deploy


def test_a_release_runs_end_to_end_through_a_python_forge_and_deploy_backend(repo):
    ctx, forge, deploy = registered(repo)
    with ctx:
        assert ctx.git_providers == ["pyforge"] and ctx.deploy_backends == ["pydeploy"]
        release = ctx.run("shop", version="1.5.0")
        assert release.run() is State.WAITING
        prod = release.step("prod")
        assert prod.state is Step.AWAITING_APPROVAL and prod.change == "PR-1"
        opened = forge.changes["PR-1"]["request"]
        assert opened.draft and opened.base == "main" and opened.environments == ("prod",)
        assert "promote/release=%s" % release.id in opened.labels
        # The pre-check ran on the Python backend before the change was opened.
        assert deploy.workflows == [("change-window", "prod", "1.5.0")]
        # Polling again never opens a second change.
        assert release.poll() is not None and len(forge.changes) == 1

        release.approve("prod", by="alice")
        assert ("approve", "PR-1", "alice") in forge.calls
        state = release.run()
        assert state is State.SUCCEEDED, release.step("prod")
        prod = release.step("prod")
        merge = run_git("rev-parse", "refs/heads/main", cwd=repo).stdout.strip()
        assert prod.merge_commit == merge and forge.changes["PR-1"]["merge"] == merge
        assert [c for c in forge.calls if c[0] == "merge"] == [("merge", "PR-1")]
        # Deployed at the merge commit, then the step's post-checks on the same backend.
        assert deploy.synced == [("prod", "shop", "1.5.0", merge)]
        assert [w[0] for w in deploy.workflows] == ["change-window", "verify", "notify"]
        assert [(c.name, c.status) for c in prod.checks] == [("change-window", 0), ("verify", 0), ("notify", 0)]
        assert prod.checks[1].output == "verify ok for prod"
        values = run_git("show", "main:envs/prod/apps/shop/values.yaml", cwd=repo).stdout
        assert 'tag: "1.5.0"' in values  # the quotes it had survive


def test_a_change_the_forge_holds_waits_with_its_reason_and_the_forges_merge_is_adopted(repo):
    """A provider says the forge itself holds the open change (in its merge queue): the release does not
    merge it, waits with the forge's words as the step's reason, and records the forge's merge as the step's."""
    ctx, forge, deploy = registered(repo)
    with ctx:
        release = ctx.run("shop", version="1.5.0")
        assert release.run() is State.WAITING
        forge.changes["PR-1"]["waiting"] = "in the merge queue at position 2"
        release.approve("prod", by="alice")
        for _ in range(3):
            release.poll()
        prod = release.step("prod")
        assert prod.state is Step.AWAITING_MERGE, prod
        assert prod.reason == "change PR-1: in the merge queue at position 2"
        assert not [c for c in forge.calls if c[0] == "merge"]
        assert ctx.get_change("PR-1", provider="pyforge").waiting == "in the merge queue at position 2"
        forge.merge("PR-1")  # the queue's turn: the forge merges it
        assert release.run() is State.SUCCEEDED, release.step("prod")
        assert release.step("prod").merge_commit == forge.changes["PR-1"]["merge"]
        assert not [c for c in forge.calls if c[0] == "merge"]


class Rolling(PyDeploy):
    """A rollout that goes on until someone stops it: prod's step stays deploying."""

    def status(self, request):
        return promote.DeployStatus(sync=promote.SyncState.SYNCING, health=promote.HealthState.PROGRESSING,
                                    message="rollout 1 of 3 replicas")


class Stoppable(Rolling):
    """Stops the rollout it started when the release is aborted -- or fails to, as `fails` says."""

    def __init__(self, fails=None):
        super().__init__()
        self.fails = fails
        self.aborted = []

    def abort(self, request):
        self.aborted.append(request)
        if self.fails:
            raise self.fails
        return promote.DeployStatus(sync=promote.SyncState.FAILED, health=promote.HealthState.DEGRADED,
                                    message="rollout stopped")


def deploying(ctx, events=None):
    """A release of shop 1.5.0 whose prod step (deployed by the Python backend) is deploying."""
    release = ctx.run("shop", version="1.5.0", events=events)
    assert release.run() is State.WAITING
    release.approve("prod", by="alice")
    for _ in range(10):
        release.poll()
        if release.step("prod").state is Step.DEPLOYING:
            return release
    raise AssertionError(release.step("prod"))


def assert_aborted(ctx, release, reason):
    """The release and its deploying step are aborted, in the handle and in the record read again."""
    for seen in (release, ctx.release(release.id)):
        assert seen.state is State.ABORTED and seen.reason == "aborted: " + reason
        prod = seen.step("prod")
        assert prod.state is Step.ABORTED and prod.reason == "aborted: " + reason, prod


def test_abort_stops_the_sync_the_python_backend_started_for_the_release(repo):
    ctx, forge, deploy = registered(repo, Stoppable())
    with ctx:
        release = deploying(ctx)
        assert release.step("prod").reason.endswith("rollout 1 of 3 replicas")
        [(env, product, version, revision)] = deploy.synced
        assert deploy.aborted == []
        release.abort("1.5.0 breaks checkout")
        # Asked once, for the very sync it started: this release, prod, the merged commit.
        [request] = deploy.aborted
        assert isinstance(request, promote.DeployRequest)
        assert (request.release, request.environment, request.product, request.version, request.revision) == \
            (release.id, env, product, version, revision)
        assert revision == release.step("prod").merge_commit
        assert_aborted(ctx, release, "1.5.0 breaks checkout")
        # Nothing more is asked of the backend: no second abort, no new sync.
        with pytest.raises(promote.StateError, match="nothing to abort"):
            release.abort("again")
        release.poll()
        assert len(deploy.aborted) == 1 and len(deploy.synced) == 1


def test_a_backend_without_abort_still_aborts_the_release(repo):
    ctx, forge, deploy = registered(repo, Rolling())
    with ctx:
        release = deploying(ctx)
        release.abort("no longer wanted")  # nothing to stop it with: no error
        assert_aborted(ctx, release, "no longer wanted")


def test_abort_that_finds_none_of_the_release_running_is_no_error(repo):
    """NotFoundError from abort: none of this release runs (it finished, or another process stopped it)."""
    deploy = Stoppable(promote.NotFoundError("no rollout of this release runs", code=promote.ErrorCode.ENOTFOUND))
    ctx, forge, deploy = registered(repo, deploy)
    with ctx:
        release = deploying(ctx)
        release.abort("superseded")
        assert len(deploy.aborted) == 1
        assert_aborted(ctx, release, "superseded")


@pytest.mark.parametrize("fails", [
    promote.AuthError("the cluster refused to stop the rollout", code=promote.ErrorCode.EAUTH),
    RuntimeError("backend bug in abort"),
], ids=["promote-error", "other-exception"])
def test_an_error_raised_by_abort_is_raised_by_release_abort_after_the_release_is_aborted(repo, fails):
    """A PromoteError keeps its code and message (class deploy); any other exception is raised as it is.
    Either way the release was recorded aborted first, its end was told, and the context goes on
    working."""
    ctx, forge, deploy = registered(repo, Stoppable(fails))
    seen = []
    with ctx:
        release = deploying(ctx, events=seen.append)
        del seen[:]
        with pytest.raises(type(fails), match=str(fails)) as info:
            release.abort("refused")
        assert len(deploy.aborted) == 1
        # The ends were still told: every step's, then the release's.
        assert seen[-1].kind is promote.ReleaseEventKind.RELEASE_FINISHED and seen[-1].state is State.ABORTED
        assert "prod" in [e.environment for e in seen if e.kind is promote.ReleaseEventKind.STEP_FINISHED]
        if isinstance(fails, promote.PromoteError):
            assert info.value.code is promote.ErrorCode.EAUTH and info.value.klass is promote.ErrorClass.DEPLOY
        else:
            assert info.value is fails
        assert_aborted(ctx, release, "refused")
        assert [r.id for r in ctx.releases()] == [release.id]


def test_a_provider_error_keeps_its_code_and_message_and_other_exceptions_are_raised_as_they_are(repo):
    class Broken(promote.GitProvider):
        def get_change(self, id):
            raise promote.AuthError("the forge refused the token for %s" % id, code=promote.ErrorCode.EAUTH)

        def merge_change(self, id):
            raise ValueError("forge bug")

        def find_change(self, request):
            return None

    with promote.Context.from_repository(repo) as ctx:
        ctx.register_git_provider("broken", Broken())
        with pytest.raises(promote.AuthError, match="the forge refused the token for PR-9") as info:
            ctx.get_change("PR-9", provider="broken")
        assert info.value.klass is promote.ErrorClass.PROVIDER
        with pytest.raises(ValueError, match="forge bug"):
            ctx.merge_change("PR-9", provider="broken")
        # What it does not override is not supported, by name.
        with pytest.raises(promote.NotSupportedError, match="'broken' cannot close"):
            ctx.close_change("PR-9", provider="broken")
        # A find that finds nothing is "not found".
        with pytest.raises(promote.NotFoundError, match="no open change carries these labels"):
            ctx.find_change(["promote/product=shop"], provider="broken")


def test_passthrough_lets_the_built_in_provider_do_it(tmp_path):
    repo = create_bare_repo(tmp_path, "plain", EXAMPLE_CONFIG.parent)
    class Watching(promote.GitProvider):
        def __init__(self):
            self.seen = []

        def open_change(self, request):
            self.seen.append(request.head)
            return promote.PASSTHROUGH

    with promote.Context.from_repository(repo) as ctx:
        watching = Watching()
        ctx.register_git_provider("local", watching)
        run_git("branch", "promote/by-hand", "main", cwd=repo)
        change = ctx.open_change("promote/by-hand", "main", title="by hand")
        assert watching.seen == ["promote/by-hand"] and change.head == "promote/by-hand"
        # As for a provider in C, what it does not override is not supported,
        # even under a built-in one's name.
        with pytest.raises(promote.NotSupportedError, match="'local' cannot read"):
            ctx.get_change(change.id)


def test_the_built_in_names_a_provider_can_stand_in_front_of():
    # The names promote.yaml may give without registering anything, in the library's order.
    assert promote.builtin_git_providers() == ["local", "github", "gitea", "gitlab", "forgejo"]
    assert promote.builtin_deploy_backends() == ["none", "exec", "argocd"]


def test_registration_checks_what_it_is_given(repo):
    with promote.Context.from_repository(repo) as ctx:
        with pytest.raises(TypeError, match="promote.GitProvider"):
            ctx.register_git_provider("x", object())
        with pytest.raises(TypeError, match="promote.DeployBackend"):
            ctx.register_deploy_backend("x", PyForge(repo))
        ctx.register_git_provider("pyforge", PyForge(repo))
        with pytest.raises(promote.ExistsError):
            ctx.register_git_provider("pyforge", PyForge(repo))
