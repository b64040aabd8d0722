"""`promote release list`: the releases recorded in the repository (refs/promote/releases/*)."""

import pytest

from conftest import promote

OK, USAGE = 0, 2


def test_a_repository_without_releases(repo):
    r = promote("--repo", repo, "release", "list")
    assert (r.code, r.out, r.err) == (OK, "no releases\n", ""), r
    assert promote("--repo", repo, "-q", "release", "list").out == ""
    r = promote("--repo", repo, "--json", "release", "list", "--product", "shop", "--state", "waiting", "--limit", "3")
    assert r.code == OK and r.json() == {"releases": []}, r


@pytest.mark.parametrize("args, message", [
    (["--state", "waitin"], "--state waitin is no release state (did you mean 'waiting'?); use one of: running, "
                            "waiting, succeeded, failed, aborted"),
    (["--state", "done"], "--state done is no release state; use one of"),
    (["--limit", "-1"], "--limit takes a number of releases, not '-1'"),
    (["--limit", "x"], "--limit takes a number of releases, not 'x'"),
    (["--limit", ""], "--limit takes a number of releases, not ''"),
    (["--limit", "99999999999"], "--limit takes a number of releases, not '99999999999'"),
])
def test_bad_filters_are_usage_errors(repo, args, message):
    r = promote("--repo", repo, "release", "list", *args)
    assert r.code == USAGE, r
    assert message in r.err
