"""The commands the fault tests break, locally and over HTTP with a cache shared by the runs, each with
what must hold afterwards: one commit or change for the step, never two."""

import json
import os
import shutil

from faults import CHANGE, change_state, promote, run_git, subjects, the_change, with_change

APPLY = ["apply", "shop", "--to", "staging"]
# Prod's policy asks for a pull request; its source, qa, holds shop 1.3.2, which dev never held in the
# example's one commit: forced past the gate. Prod is manual: the release waits (exit status 3).
PROPOSE = ["apply", "shop", "--to", "prod", "--force", "--reason", "the fault tests' change request"]
APPROVE = ["change", "approve", CHANGE, "--by", "alice"]
MERGE = ["change", "merge", CHANGE]
# Every product of dev into staging in one commit; every product of staging into prod in one change
# request (prod's policy asks for a pull request).
SYNC = ["sync", "--to", "staging"]
SYNC_PROPOSE = ["sync", "--from", "staging", "--to", "prod"]


def _count(repo, subject):
    return subjects(repo).count(subject)


def _applied(where, done):
    n = _count(where.repo, "Promote shop 1.4.0 to staging")
    return None if n == (1 if done else n) and n <= 1 else "%d commits 'Promote shop 1.4.0 to staging'" % n


def _approved(where, done):
    state = change_state(where.prefix, where.env, where.change)
    if state is None:
        return "the change cannot be read"
    if state["approvals"] > 1 or (done and state["approvals"] != 1) or state["state"] != "open":
        return "change %s: %s, %d approvals" % (where.change, state["state"], state["approvals"])
    return None


def _merged(where, done):
    n = _count(where.repo, "Promote shop 1.3.2 to prod")
    state = change_state(where.prefix, where.env, where.change)
    if n > 1 or (done and (n != 1 or not state or state["state"] != "merged")):
        return "%d commits 'Promote shop 1.3.2 to prod' on main, change %s" % (n, state and state["state"])
    return None


def _sync_records(repo, products):
    """Every sync release's record names its products file, and every commit of the record's history holds
    that file as the creation wrote it: the products `products`, whatever transition a kill interrupted."""
    releases = run_git("-C", repo, "for-each-ref", "--format=%(refname)", "refs/promote/releases/").stdout.split()
    for ref in releases:
        for commit in run_git("-C", repo, "rev-list", ref).stdout.split():
            record = json.loads(run_git("-C", repo, "show", commit + ":record.json").stdout)
            name = record["sync"]["products_file"]
            shown = run_git("-C", repo, "show", "%s:%s" % (commit, name), check=False)
            if shown.returncode or [p["name"] for p in json.loads(shown.stdout)["products"]] != products:
                return "release %s at %s: its products file %s is %s" % (
                    ref, commit[:12], name, "missing" if shown.returncode else shown.stdout[:200])
    return None


def _synced(where, done):
    n = _count(where.repo, "Sync staging with dev: 2 products updated, 0 added")
    if n != (1 if done else n) or n > 1:
        return "%d sync commits on main" % n
    return _sync_records(where.repo, ["cart", "shop"])


def _sync_proposed(where, done):
    """One change request on one change branch of the sync's release (promote/RELEASE/prod), one commit
    on it, one release; never a second of any."""
    refs = run_git("-C", where.repo, "for-each-ref", "--format=%(refname)", "refs/promote/changes/").stdout.split()
    heads = run_git("-C", where.repo, "for-each-ref", "--format=%(refname)", "refs/heads/promote/").stdout.split()
    releases = run_git("-C", where.repo, "for-each-ref", "--format=%(refname)",
                       "refs/promote/releases/").stdout.split()
    on_branch = subjects(where.repo, heads[0]).count(
        "Sync prod with staging: 2 products updated, 0 added") if len(heads) == 1 else 0
    ours = len(heads) == 1 and len(releases) == 1 and \
        heads[0] == "refs/heads/promote/%s/prod" % releases[0][len("refs/promote/releases/"):]
    if len(refs) > 1 or len(heads) > 1 or len(releases) > 1 or on_branch > 1 or (heads and not ours) or (
            done and (len(refs), ours, on_branch) != (1, True, 1)):
        return "change requests %s, change branches %s, releases %s, %d sync commits on it" % (
            refs, heads, releases, on_branch)
    return _sync_records(where.repo, ["cart", "shop"])


# name -> (commands that prepare the repository, the command broken, the check)
SCENARIOS = {
    "apply": ([], APPLY, _applied),
    "change-approve": ([PROPOSE], APPROVE, _approved),
    "change-merge": ([PROPOSE, APPROVE], MERGE, _merged),
    "sync": ([], SYNC, _synced),
    "sync-propose": ([], SYNC_PROPOSE, _sync_proposed),
}

# The exit status of a run that did its work, when not 0: the sync into manual prod waits for approval.
EXPECTED_EXIT = {"sync-propose": 3}


def expected_exit(scenario):
    return EXPECTED_EXIT.get(scenario, 0)


# The share of the default sample a scenario's kill tests take (the exhaustive run tries every point of
# each): a sync writes through the same commit and change paths as apply, so fewer points cover it.
SAMPLE_SHARE = {"sync": 0.5, "sync-propose": 0.3}


def sample_share(scenario, count):
    return max(1, round(count * SAMPLE_SHARE.get(scenario, 1.0)))


class Where:
    """Where a case runs: `prefix` (--repo ...), `env`, the repository to check (`repo`), the
    repositories to fsck besides the mirrors in the cache (`checked`) and the change request the
    preparing commands opened (`change`, or None)."""

    def __init__(self, prefix, env, repo, checked, change):
        self.prefix, self.env, self.repo, self.checked, self.change = prefix, env, repo, checked, change


class Local:
    """A bare repository of its own per case, copied from a prepared template."""

    def __init__(self, template, scratch):
        self.template, self.scratch, self.n = template, scratch, 0
        self.change = the_change(template)

    def command(self, command):
        return with_change(command, self.change)

    def fresh(self):
        self.n += 1
        repo = self.scratch / ("case-%d.git" % self.n)
        shutil.copytree(self.template, repo, symlinks=True)
        env = dict(os.environ, PROMOTE_CACHE_DIR=str(self.scratch / "unused-cache"))
        return Where(["--repo", repo], env, repo, [repo], self.change)

    def done(self, where):
        shutil.rmtree(where.repo, ignore_errors=True)


class Http:
    """The server's repository and the cache restored from snapshots per case, at the same URL: the
    killed run and the next one share the cache (its mirror), as two processes on one machine do."""

    def __init__(self, server, snapshot, cache_snapshot, scratch):
        self.server, self.snapshot, self.cache_snapshot, self.scratch, self.n = (server, snapshot, cache_snapshot,
                                                                                  scratch, 0)
        self.change = the_change(snapshot)

    def command(self, command):
        return with_change(command, self.change)

    def fresh(self):
        self.n += 1
        served = self.server.repo_path("gitops")
        shutil.rmtree(served, ignore_errors=True)
        shutil.copytree(self.snapshot, served, symlinks=True)
        cache = self.scratch / ("cache-%d" % self.n)
        if self.cache_snapshot:
            shutil.copytree(self.cache_snapshot, cache, symlinks=True)
        env = http_env(self.server, cache)
        return Where(["--repo", self.server.url("gitops")], env, served, [served], self.change)

    def done(self, where):
        shutil.rmtree(where.env["PROMOTE_CACHE_DIR"], ignore_errors=True)


def http_env(server, cache):
    return dict(os.environ, PROMOTE_GIT_USERNAME=server.user, PROMOTE_GIT_PASSWORD=server.password,
                PROMOTE_CACHE_DIR=str(cache))


def prepare(prefix, env, commands, repo):
    """Run `commands` on the repository `repo` (CHANGE in them: the change request opened so far)."""
    env = dict(os.environ, **env)
    for args in commands:
        done = promote([*prefix, *with_change(args, the_change(repo))], env)
        assert done.returncode in (0, 3), done.stderr  # 3: a release waiting for an approval


def local_place(example_repo, scratch, before):
    """Local cases on copies of the example prepared by the commands `before`."""
    template = scratch / "template.git"
    shutil.copytree(example_repo, template)
    prepare(["--repo", template], {}, before, template)
    return Local(template, scratch)


def http_place(example_repo, server, scratch, before, warm=True):
    """HTTP cases on the example served by `server`, prepared by the commands `before`, with the
    cache those left (`warm`) or none (a first clone)."""
    served = server.repo_path("gitops")
    shutil.rmtree(served, ignore_errors=True)
    shutil.copytree(example_repo, served)
    cache = scratch / "template-cache" if warm else None
    if warm:
        prepare(["--repo", server.url("gitops")], http_env(server, cache), before or [["validate"]], served)
    snapshot = scratch / "snapshot.git"
    shutil.copytree(served, snapshot)
    return Http(server, snapshot, cache, scratch)
