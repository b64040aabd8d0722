"""`promote apply` as a one-step release (flow "manual"): the gate that refuses a version the
environments before the target in the default flow do not hold, `--force --reason` recorded in
the release, and the release listed beside those of `promote run`."""

import re

import pytest

from conftest import git, promote

OK, FAILED, USAGE, WAITING = 0, 1, 2, 3


def subjects(repo):
    return git(repo, "log", "--format=%s", "main").splitlines()


def test_apply_refuses_a_version_the_flow_has_not_brought_this_far(repo):
    # staging comes after dev in the default flow; dev holds 1.4.0, never 1.5.0.
    r = promote("--repo", repo, "apply", "shop", "--to", "staging", "--version", "1.5.0")
    assert r.code == USAGE, r
    assert "dev" in r.err and "1.5.0" in r.err and "1.4.0" in r.err, r.err
    assert "promote: hint: pass --force --reason TEXT" in r.err
    assert r.out == ""
    assert len(subjects(repo)) == 1
    assert promote("--repo", repo, "--json", "release", "list").json() == {"releases": []}


def test_force_with_a_reason_is_recorded(repo):
    forced = promote("--repo", repo, "apply", "shop", "--to", "staging", "--version", "1.5.0", "--force",
                     "--reason", "hotfix for the checkout")
    assert forced.code == OK, forced
    assert "committed " in forced.out and " on main: shop 1.5.0 to staging" in forced.out
    release = re.search(r"^release (shop-1\.5\.0-\w+) succeeded$", forced.out, re.M)
    assert release, forced.out
    record = promote("--repo", repo, "--json", "release", "status", release.group(1)).json()
    assert record["forced"] == "hotfix for the checkout" and record["flow"] == "manual"
    assert [s["environment"] for s in record["steps"]] == ["staging"]
    assert [c["name"] for c in record["steps"][0]["checks"]] == ["smoke-test"]  # the policy's checks ran
    listed = promote("--repo", repo, "release", "list")
    assert re.search(r"^%s +shop +1\.5\.0 +manual +succeeded " % release.group(1), listed.out, re.M), listed.out


def test_a_rollback_is_no_skipped_gate(repo):
    # qa held 1.3.2 before 1.4.0 came: going back to it needs no force.
    assert promote("--repo", repo, "apply", "shop", "--to", "qa").code == OK
    back = promote("--repo", repo, "apply", "shop", "--to", "qa", "--version", "1.3.2")
    assert back.code == OK, back
    assert " on main: shop 1.3.2 to qa" in back.out


@pytest.mark.parametrize("args, message", [
    (["--force"], "--force needs --reason TEXT: why the flow is skipped (it is recorded in the release)"),
    (["--reason", "x"], "--reason goes with --force: it says why the flow is skipped"),
])
def test_force_and_reason_go_together(repo, args, message):
    r = promote("--repo", repo, "apply", "shop", "--to", "qa", *args)
    assert r.code == USAGE, r
    assert message in r.err
    assert len(subjects(repo)) == 1


def test_a_failed_step_is_an_error_and_retry_resumes_it(repo, tmp_path):
    # A file where the promotion writes, in a clone without remote whose work tree is dirty: the
    # step fails, the error is on stderr, the release is recorded as failed.
    work = tmp_path / "edit"
    git(repo, "clone", "-q", str(repo), str(work))
    (work / "envs" / "qa" / "apps" / "shop" / "values.yaml").write_text("image: {tag: mine}\n")
    git(work, "remote", "remove", "origin")
    r = promote("apply", "shop", "--to", "qa", cwd=work)
    assert r.code == FAILED, r
    assert r.out == ""
    assert "uncommitted changes" in r.err and "promote release retry shop-1.4.0-" in r.err, r.err
    git(work, "checkout", "--", ".")
    release = re.search(r"retry (shop-1\.4\.0-\w+)", r.err).group(1)
    again = promote("release", "retry", release, cwd=work)
    assert again.code == OK, again
    assert git(work, "log", "-1", "--format=%s", "main").strip() == "Promote shop 1.4.0 to qa"
