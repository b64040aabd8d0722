"""What stops a release's step, through real `promote` processes on a bare repository: the clock
they read (PROMOTE_NOW), holds and rollback pins (`promote hold|unhold|rollback`), freeze windows.
Each command is its own process, as on separate machines: holds live in the repository."""

import os
import subprocess

import pytest

from conftest import CLI, git
from gitserver import create_bare_repo

OK, FAILED, USAGE, WAITING = 0, 1, 2, 3
FRIDAY_16 = "2026-12-04T16:00:00Z"  # a Friday

CONFIG = """\
version: 1
environments:
  dev: {path: envs/dev, strategy: auto}
  staging: {path: envs/staging, strategy: auto}
  prod: {path: envs/prod, strategy: auto, kind: production%(prod)s}
products:
  shop:
    path: apps/shop
    template: {attributes: {values.yaml: [image.tag]}, version: values.yaml#image.tag}
  cart:
    path: apps/cart
    template: {attributes: {values.yaml: [image.tag]}, version: values.yaml#image.tag}
policies:
  - {name: default, action: commit}
flows:
  default:
    trigger: dev
    steps:
      staging: {}
      prod: {dependsOn: [staging]}
"""


def make_repo(tmp_path, prod=""):
    files = {"promote.yaml": CONFIG % {"prod": prod}}
    for env in ("dev", "staging", "prod"):
        for product in ("shop", "cart"):
            files["envs/%s/apps/%s/values.yaml" % (env, product)] = 'image:\n  tag: "1.0"\n'
    return create_bare_repo(tmp_path, "gitops", files)


class Result:
    def __init__(self, completed):
        self.code, self.out, self.err = completed.returncode, completed.stdout, completed.stderr

    def json(self):
        import json
        return json.loads(self.out)

    def __repr__(self):
        return "<exit %d\nstdout:\n%s\nstderr:\n%s>" % (self.code, self.out, self.err)


def promote(repo, *args, now=None, author="Ada Ops"):
    """The built `promote` on `repo`, its clock at `now` (PROMOTE_NOW), its author `author`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROMOTE_")}
    env.update(PROMOTE_AUTHOR_NAME=author, PROMOTE_AUTHOR_EMAIL="ops@example.com")
    if now is not None:
        env["PROMOTE_NOW"] = now
    completed = subprocess.run([CLI, "--repo", str(repo), *map(str, args)], capture_output=True, text=True,
                               timeout=60, stdin=subprocess.DEVNULL, env=env)
    return Result(completed)


def tag(repo, env, product="shop"):
    text = git(repo, "show", "main:envs/%s/apps/%s/values.yaml" % (env, product))
    return text.split('"')[1]


def steps(record):
    return {s["environment"]: s for s in record["steps"]}


def test_promote_now_is_the_clock_of_the_records(tmp_path):
    repo = make_repo(tmp_path)
    r = promote(repo, "--json", "run", "shop", "--version", "1.1", now=FRIDAY_16)
    assert r.code == OK, r
    record = r.json()
    # The clock runs on from there with real time: a second or two later at most.
    assert record["created"] in ("2026-12-04T16:00:00Z", "2026-12-04T16:00:01Z", "2026-12-04T16:00:02Z"), record
    assert steps(record)["prod"]["started"].startswith("2026-12-04T16:00:0")
    r = promote(repo, "validate", now="friday")
    assert r.code == USAGE, r
    assert "PROMOTE_NOW is 'friday'; set it to a time such as 2026-12-04T16:00:00Z" in r.err


def test_hold_and_unhold_from_separate_processes(tmp_path):
    repo = make_repo(tmp_path)
    r = promote(repo, "hold", "prod", "--reason", "incident 42")
    assert (r.code, r.out) == (OK, "held prod: incident 42\n"), r
    r = promote(repo, "hold", "prod", "--product", "cart", "--reason", "cart is broken", author="Bob")
    assert r.code == OK, r
    r = promote(repo, "--json", "run", "shop", "--version", "1.1")
    assert r.code == WAITING, r
    record = r.json()
    assert record["state"] == "waiting"
    prod = steps(record)["prod"]
    assert (prod["state"], prod["reason"], prod["gate"]) == ("pending", "held by Ada Ops: incident 42", "hold")
    # Lifting the whole environment's hold leaves cart's: shop goes on, cart still waits.
    r = promote(repo, "unhold", "prod", author="Carol")
    assert (r.code, r.out) == (OK, "unheld prod\n"), r
    r = promote(repo, "--json", "release", "status", record["id"], "--timeout", "30s")
    assert (r.code, r.json()["state"]) == (OK, "succeeded"), r
    assert tag(repo, "prod") == "1.1"
    r = promote(repo, "--json", "run", "cart", "--version", "2.0")
    assert r.code == WAITING and steps(r.json())["prod"]["reason"] == "held by Bob: cart is broken", r
    # What is not held, and bad input.
    r = promote(repo, "unhold", "prod")
    assert r.code == USAGE and "prod is not held as a whole" in r.err, r
    r = promote(repo, "hold", "prd", "--reason", "x")
    assert r.code == USAGE and "'prd'" in r.err, r
    r = promote(repo, "hold", "prod")
    assert r.code == USAGE and "--reason" in r.err, r
    # Who held and who lifted, and when: the history of refs/promote/holds.
    assert git(repo, "log", "--format=%an|%s", "refs/promote/holds").splitlines() == [
        "Carol|Unhold prod", "Bob|Hold prod for cart: cart is broken", "Ada Ops|Hold prod: incident 42"]


def test_rollback_pins_until_unhold_or_apply(tmp_path):
    repo = make_repo(tmp_path)
    for version in ("1.1", "1.2"):
        assert promote(repo, "run", "shop", "--version", version).code == OK
    r = promote(repo, "--json", "rollback", "shop", "--env", "prod")
    assert r.code == OK, r
    rollback = r.json()
    assert (rollback["flow"], rollback["version"], rollback["state"]) == ("manual", "1.1", "succeeded")
    assert tag(repo, "prod") == "1.1"
    r = promote(repo, "--json", "run", "shop", "--version", "1.3")
    assert r.code == WAITING, r
    waiting = r.json()
    assert steps(waiting)["prod"]["reason"] == "pinned at 1.1 by rollback %s" % rollback["id"]
    assert tag(repo, "staging") == "1.3" and tag(repo, "prod") == "1.1"
    # unhold with the product lifts the pin; the waiting release finishes.
    r = promote(repo, "unhold", "prod", "--product", "shop")
    assert r.code == OK, r
    r = promote(repo, "--json", "release", "status", waiting["id"], "--timeout", "30s")
    assert r.json()["state"] == "succeeded" and tag(repo, "prod") == "1.3", r
    # Rolled back by name; a person's apply lifts that pin.
    r = promote(repo, "rollback", "shop", "--env", "prod", "--to", "1.2")
    assert r.code == OK and tag(repo, "prod") == "1.2", r
    assert '"kind":"pin"' in git(repo, "show", "refs/promote/holds:record.json").replace(" ", "")
    r = promote(repo, "apply", "shop", "--to", "prod", "--version", "1.3")
    assert r.code == OK, r
    assert '"holds":[]' in git(repo, "show", "refs/promote/holds:record.json").replace(" ", "").replace("\n", "")
    r = promote(repo, "rollback", "cart", "--env", "prod")
    assert r.code == USAGE and "no version to roll back to" in r.err, r


WINDOWS = ', windows: [{deny: "Fri 16:00 - Mon 08:00", timezone: UTC}, {allow: "Mon-Fri 09:00 - 17:00", timezone: "+01:00"}]'


def test_freeze_windows_with_promote_now(tmp_path):
    repo = make_repo(tmp_path, prod=WINDOWS)
    # Friday 16:30 UTC: the weekend freeze; the release runs on (exit 3) and says until when.
    r = promote(repo, "--json", "run", "shop", "--version", "1.1", now="2026-12-04T16:30:00Z")
    assert r.code == WAITING, r
    record = r.json()
    assert record["state"] == "running"
    prod = steps(record)["prod"]
    assert (prod["state"], prod["gate"]) == ("pending", "window")
    assert prod["reason"] == "prod is frozen (Fri 16:00 - Mon 08:00 UTC) until Mon 08:00 UTC"
    # Monday 07:59: still frozen. Monday 08:00 UTC is 09:00 at +01:00: the allow window is open.
    r = promote(repo, "--json", "release", "status", record["id"], now="2026-12-07T07:59:00Z")
    assert steps(r.json())["prod"]["state"] == "pending", r
    r = promote(repo, "--json", "release", "status", record["id"], "--timeout", "30s", now="2026-12-07T08:00:00Z")
    assert (r.code, r.json()["state"]) == (OK, "succeeded"), r
    # Tuesday 18:00 UTC: outside the allows; apply is stopped too, unless forced with a reason.
    tuesday = "2026-12-08T18:00:00Z"
    r = promote(repo, "--json", "apply", "shop", "--to", "prod", "--version", "1.0", now=tuesday)
    assert r.code == WAITING, r
    stopped = r.json()["release"]
    r = promote(repo, "release", "status", stopped, now=tuesday)
    assert "prod is closed outside its windows (Mon-Fri 09:00 - 17:00 +01:00) until Wed 09:00 +01:00" in r.out, r
    # (Applying again would go on with that release: it is aborted before the forced one.)
    assert promote(repo, "release", "abort", stopped, "--reason", "frozen").code == OK
    r = promote(repo, "--json", "apply", "shop", "--to", "prod", "--version", "1.0", "--force", "--reason",
                "incident 42", now=tuesday)
    assert r.code == OK and r.json()["state"] == "succeeded", r


def test_bad_windows_are_refused_with_their_place(tmp_path):
    repo = make_repo(tmp_path, prod=', windows: [{deny: "Fri 16:00 - Mon 8"}]')
    r = promote(repo, "validate")
    assert r.code == USAGE, r
    assert ("promote.yaml:5:78: 'deny' of window #1 of environment 'prod' is 'Fri 16:00 - Mon 8': write it as "
            "'Fri 16:00 - Mon 08:00', 'Mon-Fri 09:00 - 17:00' or '22:00 - 06:00'") in r.err, r
