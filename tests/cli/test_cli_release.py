"""`promote run` and `promote release list|status|approve|abort|retry` on a bare repository made
from the bundled example: dev -> qa + staging (auto, one grouped commit, a post-check each) -> prod
(manual, a pull request, a pre-check and post-checks), the checks being the example's scripts run
by the exec deploy backend. Each command is its own process, as on separate machines: the record
lives in the repository."""

import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import termios

import pytest

from conftest import CLI, git, promote
from terminal import read_until_closed  # tests/integration, on the path conftest sets

OK, FAILED, USAGE, WAITING = 0, 1, 2, 3
ID = re.compile(r"^shop-1\.5\.0-[0-9a-z]{6}$")


def start(repo, *extra):
    """`run shop --version 1.5.0` as JSON: (exit status, record)."""
    r = promote("--repo", repo, "--json", "run", "shop", "--version", "1.5.0", *extra)
    assert r.code in (OK, FAILED, WAITING), r
    return r.code, r.json()


def steps(record):
    return {s["environment"]: s for s in record["steps"]}


def main_subjects(repo):
    return git(repo, "log", "--format=%s", "main").splitlines()


def commit_on_main(repo, files, message="a commit of someone else"):
    """Commit `files` {path: text or None (delete)} on main of the bare repository."""
    work = repo.parent / "edit"
    if work.exists():
        git(work, "pull", "-q", "origin", "main")
    else:
        subprocess.run(["git", "clone", "-q", str(repo), str(work)], check=True, capture_output=True)
    for path, text in files.items():
        target = work / path
        if text is None:
            git(work, "rm", "-q", path)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        git(work, "add", path)
    git(work, "commit", "-qm", message)
    git(work, "push", "-q", "origin", "main")


def test_a_release_waits_for_prod_then_an_approval_from_another_process_finishes_it(repo):
    code, record = start(repo)
    assert code == WAITING, record
    assert ID.match(record["id"]), record["id"]
    assert (record["product"], record["version"], record["flow"], record["state"]) == \
        ("shop", "1.5.0", "default", "waiting")
    by_env = steps(record)
    assert list(by_env) == ["qa", "staging", "prod"]
    # qa and staging: auto, ready together, same branch: one commit for both.
    assert by_env["qa"]["state"] == by_env["staging"]["state"] == "succeeded"
    assert by_env["qa"]["commit"] and by_env["qa"]["commit"] == by_env["staging"]["commit"]
    assert [c["name"] for c in by_env["qa"]["checks"]] == ["smoke-test"]
    assert by_env["qa"]["checks"][0]["status"] == 0
    assert "smoke-test qa: shop 1.5.0 is in" in by_env["qa"]["checks"][0]["output"]
    prod = by_env["prod"]
    assert prod["state"] == "awaiting_approval"
    assert prod["change"] == "promote/%s/prod" % record["id"]
    assert "approval" in prod["reason"]
    # The repository: dev set to 1.5.0, then one commit for qa and staging; prod untouched on main.
    body = git(repo, "log", "-1", "--format=%B", by_env["qa"]["commit"])
    assert "Promote-Release: %s\n" % record["id"] in body
    assert 'tag: "1.5.0"' in git(repo, "show", "main:envs/qa/apps/shop/values.yaml")
    assert 'tag: "1.5.0"' in git(repo, "show", "main:envs/staging/apps/shop/values.yaml")
    assert 'tag: "1.5.0"' not in git(repo, "show", "main:envs/prod/apps/shop/values.yaml")
    assert git(repo, "rev-parse", "refs/promote/releases/" + record["id"]).strip()

    # Another process: the status as it is (still waiting), then the approval finishes it.
    status = promote("--repo", repo, "release", "status", record["id"])
    assert status.code == WAITING, status
    assert "prod" in status.out and "awaiting_approval" in status.out
    assert "approve it with: promote release approve %s --env prod" % record["id"] in status.out
    done = promote("--repo", repo, "--json", "release", "approve", record["id"], "--env", "prod", "--by", "alice")
    assert done.code == OK, done
    final = done.json()
    assert final["state"] == "succeeded" and final["finished"]
    prod = steps(final)["prod"]
    assert prod["state"] == "succeeded" and prod["merge_commit"]
    assert [a["by"] for a in prod["approvals"]] == ["alice"]
    assert [(c["phase"], c["name"], c["status"]) for c in prod["checks"]] == \
        [("pre", "change-window", 0), ("post", "verify", 0), ("post", "notify", 0)]
    assert 'tag: "1.5.0"' in git(repo, "show", "main:envs/prod/apps/shop/values.yaml")
    assert promote("--repo", repo, "release", "status", record["id"]).code == OK


def test_the_record_as_json_has_the_documented_shape(repo):
    _, record = start(repo)
    for key in ("schema", "id", "flow", "product", "version", "state", "reason", "trigger", "group", "forced",
                "timeout", "created", "updated", "finished", "restarted", "steps"):
        assert key in record, key
    assert record["trigger"]["environment"] == "dev" and record["trigger"]["set_version"] is True
    for step in record["steps"]:
        for key in ("environment", "from", "depends_on", "strategy", "action", "pre", "post", "group", "state",
                    "reason", "attempts", "commit", "change", "head", "merge_commit", "approvals", "checks",
                    "deploy", "error", "started", "finished"):
            assert key in step, (step["environment"], key)
    assert steps(record)["prod"]["depends_on"] == ["qa", "staging"]
    status = promote("--repo", repo, "--json", "release", "status", record["id"])
    assert status.code == WAITING and status.json()["id"] == record["id"], status


# What a step's reason says in each state (the start of it); succeeded: nothing.
REASONS = {
    "pre_check": ("running pre-check ", "pre-checks passed", "pre-check "),
    "post_check": ("running post-check ", "post-checks passed", "post-check "),
    "promoting": ("promoting", "approved", "retrying in "),
    "awaiting_approval": ("waiting for approval ",),
    "awaiting_merge": ("waiting for change ", "checks pending on change ", "retrying in "),
    "deploying": ("syncing",),
}


def test_every_recorded_transition_gives_each_step_the_reason_of_its_state(repo):
    """The record's JSON at each of its commits: a step's reason matches its state there (no "syncing"
    once the deploy was healthy, no empty reason while it checks or deploys), and the deploy's words
    say "healthy" once it is past its deploy."""
    code, record = start(repo)
    assert code == WAITING, record
    done = promote("--repo", repo, "release", "approve", record["id"], "--env", "prod", "--by", "alice")
    assert done.code == OK, done
    ref = "refs/promote/releases/" + record["id"]
    problems, seen = [], set()
    for line in git(repo, "log", "--reverse", "--format=%H %s", ref).splitlines():
        commit, _, subject = line.partition(" ")
        for s in json.loads(git(repo, "show", commit + ":record.json"))["steps"]:
            state, reason = s["state"], s["reason"]
            where = "%s (%s): %s" % (subject, s["environment"], state)
            seen.add(state)
            if state in REASONS and not reason.startswith(REASONS[state]):
                problems.append("%s with reason %r" % (where, reason))
            if state == "succeeded" and reason:
                problems.append("%s with reason %r" % (where, reason))
            if state in ("post_check", "succeeded") and s["deploy"] and s["deploy"] != "healthy":
                problems.append("%s with deploy %r" % (where, s["deploy"]))
    assert not problems, "\n".join(problems)
    assert {"pre_check", "promoting", "deploying", "post_check", "awaiting_approval", "awaiting_merge"} <= seen, seen


def test_no_group_gives_each_step_its_own_commit(repo):
    code, record = start(repo, "--no-group")
    assert code == WAITING, record
    by_env = steps(record)
    assert by_env["qa"]["commit"] and by_env["staging"]["commit"]
    assert by_env["qa"]["commit"] != by_env["staging"]["commit"]
    assert record["group"] is False


def test_a_failed_pre_check_fails_the_release_and_retry_resumes_it(repo):
    commit_on_main(repo, {"envs/prod/FREEZE": "release freeze until the audit is done\n"})
    code, record = start(repo)
    assert code == FAILED, record
    prod = steps(record)["prod"]
    assert prod["state"] == "failed"
    assert prod["checks"][0]["name"] == "change-window" and prod["checks"][0]["status"] == 1
    assert "frozen: release freeze until the audit is done" in prod["checks"][0]["output"]
    assert prod["error"]
    assert steps(record)["qa"]["state"] == "succeeded"  # what succeeded stays
    text = promote("--repo", repo, "release", "status", record["id"])
    assert text.code == FAILED
    assert "promote release retry %s" % record["id"] in text.out
    # The freeze is lifted; retry resumes from prod, keeping qa's and staging's commit.
    commit_on_main(repo, {"envs/prod/FREEZE": None})
    retried = promote("--repo", repo, "--json", "release", "retry", record["id"])
    assert retried.code == WAITING, retried
    again = steps(retried.json())
    assert again["prod"]["state"] == "awaiting_approval"
    assert again["prod"]["error"] == ""
    assert again["qa"]["commit"] == steps(record)["qa"]["commit"]
    assert main_subjects(repo).count("Promote shop 1.5.0 to qa, staging") == 1


def test_abort_stops_the_release_and_closes_its_change(repo):
    _, record = start(repo)
    r = promote("--repo", repo, "release", "abort", record["id"], "--reason", "wrong build")
    assert r.code == OK, r
    assert "aborted" in r.out
    status = promote("--repo", repo, "--json", "release", "status", record["id"])
    assert status.code == FAILED and status.json()["state"] == "aborted", status
    change = promote("--repo", repo, "--json", "change", "show", "promote/%s/prod" % record["id"])
    assert change.code == OK and change.json()["state"] == "closed", change
    # Nothing more to approve.
    late = promote("--repo", repo, "release", "approve", record["id"], "--env", "prod")
    assert late.code != OK, late


def test_release_list_filters_and_orders(repo):
    _, first = start(repo)
    cart = promote("--repo", repo, "--json", "run", "cart", "--version", "2.0.0", "--no-group")
    assert cart.code == WAITING, cart
    second = cart.json()
    done = promote("--repo", repo, "release", "abort", second["id"])
    assert done.code == OK, done
    listed = promote("--repo", repo, "--json", "release", "list")
    assert listed.code == OK, listed
    releases = listed.json()["releases"]
    assert [r["id"] for r in releases] == [second["id"], first["id"]]  # newest first
    assert releases[0]["state"] == "aborted" and releases[0]["group"] is False
    only = promote("--repo", repo, "--json", "release", "list", "--product", "shop").json()["releases"]
    assert [r["id"] for r in only] == [first["id"]]
    waiting = promote("--repo", repo, "--json", "release", "list", "--state", "waiting").json()["releases"]
    assert [r["id"] for r in waiting] == [first["id"]]
    assert [r["id"] for r in promote("--repo", repo, "--json", "release", "list", "--limit", "1").json()["releases"]] \
        == [second["id"]]
    text = promote("--repo", repo, "release", "list")
    assert text.code == OK and text.out.startswith("ID "), text
    assert first["id"] in text.out and "prod awaiting_approval" in text.out
    assert re.search(r"^%s +cart +2\.0\.0 +default +aborted +\d{4}-\d\d-\d\d \d\d:\d\d +qa succeeded, staging succeeded, prod aborted" % second["id"],
                     text.out, re.M), text.out


@pytest.mark.parametrize("args, message", [
    (["release", "list", "--state", "waitin"], "--state waitin is no release state (did you mean 'waiting'?)"),
    (["release", "list", "--limit", "-1"], "--limit takes a number of releases, not '-1'"),
    (["run", "shop", "--timeout", "10x"], "--timeout takes a duration such as 90s, 10m or 1h30m, not '10x'"),
    (["run", "shop", "--timeout", "1h30"], "not '1h30'"),
    (["release", "approve", "shop-1-abcdef"], "missing --env ENV"),
])
def test_usage_errors(repo, args, message):
    r = promote("--repo", repo, *args)
    assert r.code == USAGE, r
    assert message in r.err


def test_an_unknown_release_is_bad_input(repo):
    r = promote("--repo", repo, "release", "status", "shop-9.9.9-zzzzzz")
    assert r.code == USAGE and "shop-9.9.9-zzzzzz" in r.err, r


def test_plain_lines_through_a_pipe_and_quiet(repo):
    r = promote("--repo", repo, "run", "shop", "--version", "1.5.0")
    assert r.code == WAITING, r
    lines = r.out.splitlines()
    assert "\x1b" not in r.out
    assert any(re.match(r"^qa: committed [0-9a-f]{12}$", line) for line in lines), r.out
    assert "qa: check smoke-test exited 0" in lines
    assert any(line.startswith("prod: change promote/shop-1.5.0-") and line.endswith(" opened") for line in lines)
    assert re.search(r"^release shop-1\.5\.0-\w+ waiting", r.out, re.M)
    quiet = promote("--repo", repo, "-q", "run", "cart", "--version", "2.0.0")
    assert quiet.code == WAITING, quiet
    assert len(quiet.out.splitlines()) == 1 and quiet.out.startswith("release cart-2.0.0-"), quiet.out


def run_on_a_terminal(args, columns):
    """Run `promote args` with stdout on a pseudo-terminal `columns` wide: (exit status, what the terminal got)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    proc = subprocess.Popen([CLI, *map(str, args)], stdin=subprocess.DEVNULL, stdout=slave,
                            stderr=subprocess.PIPE, env=dict(os.environ, TERM="xterm"))
    os.close(slave)
    terminal = read_until_closed(master)
    err = proc.stderr.read()
    proc.stderr.close()
    assert err == b"", err
    return proc.wait(timeout=60), terminal.decode()


def test_a_terminal_gets_a_live_table(repo):
    status, text = run_on_a_terminal(["--repo", repo, "run", "shop", "--version", "1.5.0"], 100)
    assert status == WAITING, text
    # Redrawn in place: back up over the table, each line rewritten and erased to its end.
    assert re.search(r"\x1b\[\d+A", text), text
    assert "\x1b[K" in text
    # The last drawing: the header, the columns, one line per step; then the result.
    last = text[text.rfind("\rrelease shop-1.5.0-"):]
    rows = [line.lstrip("\r").replace("\x1b[K", "") for line in last.split("\r\n")]
    assert re.match(r"^release shop-1\.5\.0-\w+: shop 1\.5\.0, flow default \(waiting\)$", rows[0]), rows
    assert rows[1].split() == ["ENVIRONMENT", "STATE", "COMMIT/CHANGE", "REASON"], rows
    assert rows[2].split()[:2] == ["qa", "succeeded"] and rows[3].split()[:2] == ["staging", "succeeded"], rows
    assert re.match(r"^  prod +awaiting_approval +promote/shop-1\.5\.0-\w+/prod +waiting for approval of ch", rows[4]), rows
    assert re.match(r"^release shop-1\.5\.0-\w+ waiting: ", rows[5]), rows
    assert rows[6].startswith("approve it with: promote release approve shop-1.5.0-"), rows
    # No line of the table is as wide as the terminal: none wraps, which would break the cursor moves.
    assert all(len(line) < 100 for line in rows[:5]) and len(rows[4]) == 99, rows
