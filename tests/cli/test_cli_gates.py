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
