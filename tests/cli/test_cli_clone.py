"""`promote plan` and `promote apply` inside an ordinary (non-bare) clone, as git users run them:
the clone's upstream remote is the repository (pushed to, the clone untouched); a clone with no
remote has its checked-out branch committed to as `git commit` would; a dirty one is refused."""

import re
import shutil

from conftest import EXAMPLE, FORCED, git, promote

OK, FAILED, WAITING = 0, 1, 3

PROMOTED = ["1\t1\tenvs/qa/apps/shop/Chart.yaml",
            "1\t1\tenvs/qa/apps/shop/config/feature-flags.yaml",
            "1\t1\tenvs/qa/apps/shop/values.yaml"]


def count(repo, rev="main"):
    return int(git(repo, "rev-list", "--count", rev))


def clone(repo, work, *args):
    git(repo, "clone", "-q", *args, str(repo), str(work))
    return work


def alone(tmp_path):
    """The example in a repository of its own, no remote, main checked out."""
    work = tmp_path / "work"
    shutil.copytree(EXAMPLE.parent, work)
    git(work, "init", "-q", "-b", "main")
    git(work, "add", "-A")
    git(work, "commit", "-qm", "the example")
    return work


def test_a_clone_of_a_bare_repository_pushes_to_origin(repo, tmp_path):
    work = clone(repo, tmp_path / "work")
    plan = promote("plan", "shop", "--to", "qa", cwd=work)
    assert plan.code == OK, plan
    assert plan.out.endswith("3 files would change in qa on branch main\n")
    r = promote("apply", "shop", "--to", "qa", cwd=work)
    assert r.code == OK, r
    assert "committed " in r.out and r.out.endswith("pushed to origin; git pull to see it\n"), r
    # the remote has the commit; the clone is as it was until it pulls
    assert count(repo) == 2
    assert git(repo, "diff", "--numstat", "main~1", "main").splitlines() == PROMOTED
    assert count(work) == 1 and git(work, "status", "--porcelain") == ""
    git(work, "pull", "-q")
    assert git(work, "rev-parse", "HEAD") == git(repo, "rev-parse", "main")
    again = promote("apply", "shop", "--to", "qa", cwd=work)
    assert again.code == OK and again.out == "shop 1.4.0 is already in qa: nothing to change\n", again


def test_the_current_branchs_upstream_remote_comes_before_origin(repo, tmp_path):
    other = tmp_path / "other.git"
    git(repo, "clone", "-q", "--bare", str(repo), str(other))
    work = clone(repo, tmp_path / "work")
    git(work, "remote", "add", "upstream", str(other))
    git(work, "fetch", "-q", "upstream")
    git(work, "branch", "-q", "--set-upstream-to", "upstream/main", "main")
    r = promote("--config", work / "promote.yaml", "apply", "shop", "--to", "qa")
    assert r.code == OK, r
    assert r.out.endswith("pushed to upstream; git pull to see it\n"), r
    assert count(other) == 2 and count(repo) == 1


def test_a_pull_request_is_pushed_as_a_change_branch_of_origin(repo, tmp_path):
    work = clone(repo, tmp_path / "work")
    r = promote("apply", "shop", "--to", "prod", *FORCED, cwd=work / "envs")
    assert r.code == WAITING, r  # prod is manual: the draft waits for its approval
    assert "proposed " in r.out and r.out.endswith("pushed to origin; git pull to see it\n"), r
    change = re.search(r"as change (promote/shop-1\.3\.2-\w+/prod) ", r.out).group(1)
    assert change in git(repo, "branch", "--list", "promote/*")
    assert git(work, "branch", "--list", "promote/*") == ""


def test_a_clone_without_remote_is_committed_to_as_git_commit_would(tmp_path):
    work = alone(tmp_path)
    r = promote("apply", "shop", "--to", "qa", cwd=work)
    assert r.code == OK, r
    assert "committed " in r.out and "pushed" not in r.out, r
    assert count(work) == 2
    # the index and the work tree follow the branch: nothing to commit, only the promoted bytes changed
    assert git(work, "status", "--porcelain") == ""
    assert git(work, "diff", "--numstat", "HEAD~1").splitlines() == PROMOTED
    assert 'tag: "1.4.0"' in (work / "envs/qa/apps/shop/values.yaml").read_text()
    assert git(work, "log", "-1", "--format=%s") == "Promote shop 1.4.0 to qa\n"


def test_a_dirty_clone_is_refused_and_nothing_is_written(tmp_path):
    work = alone(tmp_path)
    notes = work / "envs/dev/apps/cart/values.yaml"
    notes.write_text(notes.read_text() + "# a change of mine\n")
    before = (work / "envs/qa/apps/shop/values.yaml").read_text()
    r = promote("apply", "shop", "--to", "qa", cwd=work)
    assert r.code == FAILED, r
    assert ("branch 'main' is checked out in %s/, which has uncommitted changes "
            "('envs/dev/apps/cart/values.yaml'); commit or stash them (git stash), then promote again; "
            "nothing was written" % work) in r.err, r
    assert count(work) == 1
    assert (work / "envs/qa/apps/shop/values.yaml").read_text() == before
    assert git(work, "status", "--porcelain") == " M envs/dev/apps/cart/values.yaml\n"
    # staged changes count too
    git(work, "add", "-A")
    staged = promote("apply", "shop", "--to", "qa", cwd=work)
    assert staged.code == FAILED and "uncommitted changes" in staged.err, staged
    assert count(work) == 1


def test_an_untracked_file_where_the_promotion_writes_is_refused(tmp_path):
    work = alone(tmp_path)
    (work / "envs/dev/apps/shop/config/extra.yaml").write_text("a: 1\n")
    git(work, "add", "-A")
    git(work, "commit", "-qm", "an extra file")
    mine = work / "envs/qa/apps/shop/config/extra.yaml"
    mine.write_text("mine: 2\n")
    r = promote("apply", "shop", "--to", "qa", cwd=work)
    assert r.code == FAILED, r
    assert "the untracked file 'envs/qa/apps/shop/config/extra.yaml' is where the promotion writes" in r.err, r
    assert count(work) == 2 and mine.read_text() == "mine: 2\n"
    mine.unlink()
    assert promote("apply", "shop", "--to", "qa", cwd=work).code == OK
    assert mine.read_text() == "a: 1\n" and git(work, "status", "--porcelain") == ""


def test_a_checked_out_branch_of_a_repository_named_by_repo_is_not_moved(tmp_path):
    # --repo names the repository itself: its checked-out branch is never moved under its work tree
    work = alone(tmp_path)
    r = promote("--repo", work, "apply", "shop", "--to", "qa")
    assert r.code == FAILED, r
    assert "is checked out in the work tree" in r.err
    assert count(work) == 1
    assert git(work, "status", "--porcelain") == ""


def test_json_names_the_remote(repo, tmp_path):
    import json
    work = clone(repo, tmp_path / "mine")
    git(work, "remote", "rename", "origin", "upstream")
    for args in (["plan", "shop", "--to", "qa"], ["apply", "shop", "--to", "prod", *FORCED]):
        r = promote("--json", *args, cwd=work)
        assert r.code in (OK, WAITING), r
        assert json.loads(r.out)["remote"] == "upstream", r.out
    shown = promote("--json", "change", "show", json.loads(r.out)["change"], cwd=work)
    assert shown.code == OK, shown
    assert json.loads(shown.out)["remote"] == "upstream"
    # No clone's remote: null, the same shape.
    for where in (["--repo", str(repo)], ["--config", str(alone(tmp_path) / "promote.yaml")]):
        r = promote("--json", *where, "plan", "shop", "--to", "qa")
        assert r.code == OK, r
        assert json.loads(r.out)["remote"] is None


def test_paths_start_at_the_configuration_files_folder(tmp_path):
    # promote.yaml in a folder of its repository (as examples/gitops/ in this project): the
    # environments' paths are that folder's, whether the command runs at the root or inside.
    work = tmp_path / "project"
    shutil.copytree(EXAMPLE.parent, work / "deploy" / "gitops")
    (work / "README").write_text("a project with its deployment in a folder\n")
    git(work, "init", "-q", "-b", "main")
    git(work, "add", "-A")
    git(work, "commit", "-qm", "the project")
    for cwd, config in [(work, "deploy/gitops/promote.yaml"), (work / "deploy", "gitops/promote.yaml"),
                        (work / "deploy" / "gitops", "promote.yaml")]:
        listed = promote("--config", config, "product", "list", cwd=cwd)
        assert (listed.code, listed.out) == (OK, "cart\nshop\n"), (cwd, listed)
    plan = promote("--config", "deploy/gitops/promote.yaml", "plan", "shop", "--to", "qa", cwd=work)
    assert plan.code == OK, plan
    assert "+++ b/deploy/gitops/envs/qa/apps/shop/values.yaml" in plan.out, plan.out
    assert plan.out.endswith("3 files would change in qa on branch main\n")
    # the template globs are checked there too: no warning for the example's
    checked = promote("--config", "deploy/gitops/promote.yaml", "validate", cwd=work)
    assert checked.code == OK and "warning" not in checked.err, checked
    applied = promote("--config", "deploy/gitops/promote.yaml", "apply", "shop", "--to", "qa", cwd=work)
    assert applied.code == OK, applied
    assert git(work, "diff", "--numstat", "main~1", "main").splitlines() == [
        line.replace("\tenvs/", "\tdeploy/gitops/envs/") for line in PROMOTED]
