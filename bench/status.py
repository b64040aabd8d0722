#!/usr/bin/env python3
"""`promote status` on a GitOps monorepo of N applications (bench/gen-repo.py, default 10,000) in three
environments, served over HTTP (the integration tests' lighttpd + git-http-backend):

  warm        the mirror in the cache folder is there: one fetch, then every product x environment read
  releases    the same after R open releases were recorded (default 1,000; each started, nothing advanced:
              every step pending, so each one shows in two cells), to see what the releases cost
  filtered    --product 'app-0000*' --env prod: ten cells
  json        --json of the whole table
  cold        a new cache folder: the mirror cloned first (a fresh machine)

Each is run --runs times (median, min-max) with GNU time: wall time, CPU time (user + system) and max RSS.
Printed: the times, the cost per cell, and what R open releases add per release. Asserts only that the
output is the table it should be (one line per product and environment, the releases in their cells);
nothing about time.

usage: bench/status.py [--apps 10000] [--releases 1000] [--runs 3] [--promote build-bench/cli/promote]

The releases are written into the served repository by the Python binding of the measured build's
library (Context.run: the record only), before the measured runs.
"""
import argparse
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile

from gitbench import ROOT, GitServer, client_env, make_repo, promote_binary, timed_cpu
from watch_fleet import config  # (gitbench puts tests/integration on the path)

# The flow dev -> staging -> prod of the watcher's benchmark and tests (watch_fleet.py).
CONFIG = config(staging="auto", prod="manual")


def start_releases(promote, bare, apps, count):
    """`count` releases of as many applications started in the repository `bare` (records only)."""
    library = sorted((pathlib.Path(promote).parent.parent / "lib").glob("libpromote.so*"))[0]
    code = """
import sys
import promote
with promote.Context.from_repository(sys.argv[1]) as ctx:
    for i in range(int(sys.argv[3])):
        app = "app-%05d" % ((i * 7919) % int(sys.argv[2]))
        ctx.run(app, version="9.%d.0" % i).close()
"""
    env = dict(os.environ, PROMOTE_LIBRARY=str(library), PYTHONPATH=str(ROOT / "bindings" / "python"))
    subprocess.run([sys.executable, "-c", code, str(bare), str(apps), str(count)], env=env, check=True)


def measure(runs, argv, env, check, before=lambda: None):
    """(median wall s, min, max, median CPU s, max RSS MiB) of `runs` runs of `argv`; `before` is called
    before each run, `check` once after them."""
    samples = []
    for _ in range(runs):
        before()
        samples.append(timed_cpu(argv, env=env))
    check()
    walls = [s[0] for s in samples]
    return statistics.median(walls), min(walls), max(walls), statistics.median(s[2] for s in samples), \
        max(s[1] for s in samples)


def run_status(promote, url, cache, env, *args):
    r = subprocess.run([promote, "--repo", url, "--cache", cache, *args], env=env, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("promote %s failed (exit %d):\n%s" % (" ".join(args), r.returncode, r.stderr))
    return r.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--apps", type=int, default=10000)
    ap.add_argument("--releases", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--promote", default=str(ROOT / "build-bench" / "cli" / "promote"))
    a = ap.parse_args()
    if a.releases > a.apps:
        ap.error("--releases must not exceed --apps (one release per application)")
    promote = str(promote_binary(a.promote))
    scratch = pathlib.Path(tempfile.mkdtemp(prefix="promote-bench-status-"))
    cells = a.apps * 3
    rows = []
    try:
        with GitServer(scratch / "repos") as server:
            env = client_env(server)
            print("generating %d applications..." % a.apps, flush=True)
            name = make_repo(server, a.apps, scratch, CONFIG, "status")
            url = server.url(name)
            cache = str(scratch / "cache")
            base = [promote, "--repo", url, "--cache", cache, "status"]

            def table_ok(releases):
                def check():
                    lines = run_status(promote, url, cache, env, "status").splitlines()
                    if len(lines) != cells + 1:
                        sys.exit("status printed %d lines for %d cells" % (len(lines) - 1, cells))
                    moving = sum(1 for line in lines[1:] if line.split()[4] != "-")  # RELEASE, after HOLD
                    if moving != 2 * releases:
                        sys.exit("%d cells show a release, not %d" % (moving, 2 * releases))
                return check

            run_status(promote, url, cache, env, "validate", "-q")  # the mirror, cloned once
            rows.append(("warm", cells) + measure(a.runs, base, env, table_ok(0)))
            print("starting %d releases..." % a.releases, flush=True)
            start_releases(promote, server.repo_path(name), a.apps, a.releases)
            rows.append(("releases", cells) + measure(a.runs, base, env, table_ok(a.releases)))
            rows.append(("filtered", 10) + measure(a.runs, base + ["--product", "app-0000*", "--env", "prod"], env,
                                                   lambda: None))

            def json_ok():
                doc = json.loads(run_status(promote, url, cache, env, "--json", "status"))
                if len(doc["products"]) != a.apps:
                    sys.exit("status --json has %d products" % len(doc["products"]))
            rows.append(("json", cells) + measure(a.runs, [promote, "--repo", url, "--cache", cache, "--json",
                                                           "status"], env, json_ok))
            fresh = scratch / "fresh"

            def forget():
                shutil.rmtree(fresh, ignore_errors=True)
            rows.append(("cold", cells) + measure(a.runs, [promote, "--repo", url, "--cache", fresh, "status"], env,
                                                  lambda: None, before=forget))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print()
    print("promote status: %d applications x 3 environments, %d open releases, %d runs each" % (
        a.apps, a.releases, a.runs))
    print("%-9s %7s %18s %8s %8s %13s" % ("run", "cells", "wall s (min-max)", "CPU s", "RSS MiB", "us/cell (CPU)"))
    for what, n, med, lo, hi, cpu, rss in rows:
        print("%-9s %7d %6.3f (%.3f-%.3f) %8.3f %8.1f %13.1f" % (what, n, med, lo, hi, cpu, rss, cpu / n * 1e6))
    warm, with_releases = rows[0], rows[1]
    print("%d open releases add %.3f s of CPU: %.2f ms per release" % (
        a.releases, with_releases[5] - warm[5], (with_releases[5] - warm[5]) / max(a.releases, 1) * 1e3))
    return 0


if __name__ == "__main__":
    sys.exit(main())
