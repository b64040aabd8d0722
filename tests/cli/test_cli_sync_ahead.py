"""A sync reads and parses its products' files ahead on worker threads (lib/plan/prefetch.c): what it
writes and what it refuses are the same as with none (PROMOTE_THREADS=1), byte for byte."""

import os
import re
import subprocess

from conftest import CLI, git
from gitserver import create_bare_repo

APPS = 40

CONFIG = """\
version: 1
environments:
  dev: {path: envs/dev, strategy: auto}
  qa: {path: envs/qa, strategy: auto}
products:
  "*": {path: apps/*, template: {attributes: {values.yaml: [image.tag, replicas?]}, version: "values.yaml#image.tag"}}
  api: {path: shared, template: {attributes: {versions.yaml: [api.tag]}, version: "versions.yaml#api.tag"}}
  web: {path: shared, template: {attributes: {versions.yaml: [web.tag]}, version: "versions.yaml#web.tag"}}
flows:
  default:
    trigger: dev
    steps: {qa: {}}
"""


def values(app, tag, replicas):
    return ("# %s\nimage:\n  repository: registry.example.com/%s   # where\n  tag: \"%s\"\nreplicas: %d\n"
            % (app, app, tag, replicas))


def files(broken=None):
    """APPS applications in folders of their own, newer in dev (every third one with more replicas), and
    two products sharing one file; `broken`: (path, bytes) put in place of one file."""
    made = {"promote.yaml": CONFIG,
            "envs/dev/shared/versions.yaml": "api:\n  tag: '1.1.0'\nweb:\n  tag: \"2.1.0\"\n",
            "envs/qa/shared/versions.yaml": "# pinned\napi:\n  tag: '1.0.0'   # api\nweb:\n  tag: \"2.0.0\"\n"}
    for n in range(APPS):
        app = "app-%02d" % n
        made["envs/dev/apps/%s/values.yaml" % app] = values(app, "1.%d.1" % n, 3 if n % 3 == 0 else 1)
        made["envs/qa/apps/%s/values.yaml" % app] = values(app, "1.%d.0" % n, 1)
    if broken:
        made[broken[0]] = broken[1]
    return made


def sync(bare, threads, *extra):
    env = dict(os.environ, PROMOTE_THREADS=str(threads), PROMOTE_NOW="2026-12-06T12:00:00Z",
               PROMOTE_AUTHOR_NAME="Test", PROMOTE_AUTHOR_EMAIL="test@example.com")
    return subprocess.run([CLI, "-v", "--repo", str(bare), *extra, "sync", "--to", "qa"], capture_output=True,
                          text=True, env=env, timeout=60, stdin=subprocess.DEVNULL)


def read_ahead(stderr):
    """(files read ahead, files, threads, documents the plans took) of the run's debug line, or None."""
    found = re.search(r"read ahead (\d+) of (\d+) files on (\d+) threads; the plans took (\d+)", stderr)
    return tuple(int(g) for g in found.groups()) if found else None


def test_a_sync_read_ahead_writes_what_one_thread_writes(tmp_path):
    alone = create_bare_repo(tmp_path / "alone", "mono", files())
    ahead = create_bare_repo(tmp_path / "ahead", "mono", files())
    one, two = sync(alone, 1), sync(ahead, 2)
    assert one.returncode == 0 and two.returncode == 0, (one.stderr, two.stderr)
    assert read_ahead(one.stderr) is None
    done = read_ahead(two.stderr)
    assert done is not None, two.stderr
    # every product but the first has its source and target file read ahead (the first is planned
    # before the commits are known); the workers parsed nearly all, the plans took what they parsed
    # but the shared file, which the plan before changed
    read, total, threads, took = done
    assert (total, threads) == (2 * (APPS + 2 - 1), 2)
    assert 0 < took <= read <= total
    # the same tree, the same bytes: each tag and each third replicas moved, comments and quotes kept
    assert git(alone, "rev-parse", "main^{tree}") == git(ahead, "rev-parse", "main^{tree}")
    assert git(ahead, "show", "main:envs/qa/shared/versions.yaml") == \
        "# pinned\napi:\n  tag: '1.1.0'   # api\nweb:\n  tag: \"2.1.0\"\n"
    assert git(ahead, "show", "main:envs/qa/apps/app-03/values.yaml") == values("app-03", "1.3.1", 3)
    assert one.stdout.count("\nupdate ") + one.stdout.startswith("update ") == APPS + 2
    strip = re.compile(r"[0-9a-f]{7,40}|sync-qa-\S+")
    assert strip.sub("X", one.stdout) == strip.sub("X", two.stdout)


def test_what_a_worker_cannot_parse_is_refused_as_without_them(tmp_path):
    for path, text, message in [
        ("envs/qa/apps/app-17/values.yaml", values("app-17", "1.17.0", 1) + "image:\n  tag: x\n",
         "envs/qa/apps/app-17/values.yaml:6:1: duplicate key 'image' (first at line 2, column 1)"),
        ("envs/dev/apps/app-30/values.yaml", "image: [\n", "envs/dev/apps/app-30/values.yaml:2:1: "),
    ]:
        outcomes = []
        for threads in (1, 2):
            bare = create_bare_repo(tmp_path / ("%s-%d" % (path.replace("/", "-"), threads)), "mono",
                                    files((path, text)))
            r = sync(bare, threads)
            assert r.returncode == 2 and message in r.stderr, r.stderr
            assert git(bare, "rev-list", "--count", "main") == "1\n"  # nothing written
            outcomes.append((r.returncode, r.stdout, [line for line in r.stderr.splitlines()
                                                      if not line.startswith("promote: debug:")]))
        assert outcomes[0] == outcomes[1]
