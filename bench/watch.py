#!/usr/bin/env python3
"""`promote watch` at scale: the monorepo of bench/gen-repo.py (default 10,000 applications x 3
environments) served over HTTP by the integration tests' server (lighttpd + git-http-backend, basic
auth), the flow dev -> staging -> prod.

  steps   The flow all auto, action commit. CHANGED products (200) get a new image tag in dev in one
          commit (as a CI job's push would), and the time is taken from that commit until every one of
          their releases succeeded: CHANGED releases x 2 steps (staging, prod) — 3 writes each, counting
          the trigger's own commit as the issue's "600 steps" does. With one watcher, then with three
          (each its own cache folder, warm), each run on its own products. Printed: wall time, steps per
          second, max RSS of each watcher (GNU time), pushes (the server's access log), CPU of the
          watchers. Targets: >= 20 steps/s with one watcher, max RSS <= 128 MiB.
  idle    OPEN (1,000) releases all waiting for an approval (staging and prod manual), in a repository of
          1,000 and of 10,000 applications: the time of a watcher's pass that has nothing to do (target
          <= 0.5 s), and its pushes (must be 0); the same releases in both repositories show whether the
          cost grows with the repository. The releases are made by one `promote watch --once` on the
          served bare repository itself (a local repository: no HTTP on the way, as set-up only).

Prints MET / NOT MET for each target; asserts nothing about time (bench/release.py does the same). It does
check what it measures: every release of the changed products succeeded, each once.

usage: bench/watch.py [--apps 10000] [--changed 200] [--watchers 1,3] [--open 1000] [--open-apps 1000,10000]
                      [--passes 5] [--interval 1s] [--part steps,idle] [--promote build-bench/cli/promote]
"""
import argparse
import collections
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from gitbench import ROOT, LoggingGitServer, client_env, make_repo, promote_binary
from watch_fleet import Watcher, app_name, config, environment_commits, records, set_versions, wait_for, watched

TARGET_STEPS_PER_S, TARGET_RSS_MIB, TARGET_IDLE_S = 20.0, 128.0, 0.5
FINAL = ("succeeded", "failed", "aborted")

# Every environment after the trigger waits for a person: a release is open and does nothing.
IDLE_CONFIG = config(staging="manual", prod="manual")


def verdict(ok):
    return "MET" if ok else "NOT MET"


def pushes(server, since):
    return served(server, since)[0]


def served(server, since):
    """(pushes, requests, seconds the server spent on them) since the mark `since`."""
    requests = server.requests(since)
    return (sum(1 for _, line in requests if line.startswith("POST ") and "git-receive-pack" in line), len(requests),
            sum(t for t, _ in requests))


def releases_of(repo, products):
    """{id: record} of the releases of `products` (a set) in the bare repository."""
    return {rid: r for rid, r in records(repo).items() if r["product"] in products}


def warm(promote, url, cache, env):
    """The mirror in `cache`, as a watcher that ran before has it."""
    subprocess.run([promote, "--repo", url, "--cache", cache, "validate", "-q"], env=env, check=True)


def settled(repo, watchers):
    """Wait until the flow is watched (a first pass wrote refs/promote/watch/default, starting nothing) and
    every watcher made a pass."""
    wait_for("the flow's first pass", lambda: watched(repo), 120)
    for w in watchers:
        wait_for("a pass of every watcher", lambda w=w: w.process.poll() is not None or "pass:" in w.output(), 120)
        if w.process.poll() is not None:
            sys.exit("watcher exited (%s):\n%s" % (w.process.returncode, w.output()))


def run_steps(promote, server, name, scratch, env, a, count, batch):
    """One run of part `steps` with `count` watchers on the products of `batch`: a dict of figures."""
    repo, url = server.repo_path(name), server.url(name)
    products = [app_name((batch * a.changed + n) * 7 % a.apps) for n in range(a.changed)]
    version = "7.%d.0" % batch
    caches = [scratch / ("steps-%d-%d" % (count, i)) for i in range(count)]
    for cache in caches:
        warm(promote, url, cache, env)
    watchers = [Watcher(promote, url, cache, env, ["--interval", a.interval], timed=True, verbose=True)
                for cache in caches]
    try:
        settled(repo, watchers)
        since = server.mark()
        began = time.monotonic()
        set_versions(repo, "dev", {p: version for p in products}, "ci: %d new images" % len(products))
        wanted = set(products)

        def done():
            recs = releases_of(repo, wanted)
            return recs if len(recs) >= len(wanted) and all(r["state"] in FINAL for r in recs.values()) else None
        recs = wait_for("%d releases final" % len(wanted), done, a.timeout, every=0.5)
        wall = time.monotonic() - began
        for w in watchers:
            if w.stop() != 0:
                sys.exit("a watcher did not exit 0 on SIGTERM:\n" + w.output())
    finally:
        for w in watchers:
            w.close()
    bad = {rid: (r["state"], r.get("reason")) for rid, r in recs.items() if r["state"] != "succeeded"}
    per_product = collections.Counter(r["product"] for r in recs.values())
    commits = collections.Counter(c for c in environment_commits(repo) if c[0] in recs)
    if bad or set(per_product.values()) != {1} or set(commits.values()) != {1}:
        sys.exit("not each release once and succeeded: %s; releases per product %s; commits per step %s" % (
            bad, collections.Counter(per_product.values()), collections.Counter(commits.values())))
    steps = sum(len(r["steps"]) for r in recs.values())
    usage = [w.rss_path.read_text().split()[-3:] for w in watchers]
    pushed, requests, server_s = served(server, since)
    return {"watchers": count, "releases": len(recs), "steps": steps, "wall": wall, "pushes": pushed,
            "requests": requests, "server": server_s, "rss": [int(u[0]) / 1024 for u in usage], "cpu": sum(float(u[1]) + float(u[2]) for u in usage),
            "commits": len(commits)}


def make_open_releases(promote, server, apps, scratch, a):
    """A repository of `apps` applications with `a.open` releases waiting for approvals; its name."""
    name = make_repo(server, apps, scratch, IDLE_CONFIG, "idle-%d" % apps)
    repo = server.repo_path(name)
    # a first pass sees the repository before the change, the second starts the releases
    local = [promote, "--repo", repo, "--cache", scratch / ("local-%d" % apps), "watch", "--once"]
    subprocess.run(local, check=True, stdout=subprocess.DEVNULL)
    products = [app_name(n * 7 % apps) for n in range(a.open)]
    set_versions(repo, "dev", {p: "6.0.0" for p in products}, "ci: %d new images" % len(products))
    began = time.monotonic()
    subprocess.run(local, check=True, stdout=subprocess.DEVNULL)
    recs = releases_of(repo, set(products))
    waiting = sum(1 for r in recs.values() if r["state"] == "waiting")
    if waiting != a.open:
        sys.exit("%d of %d releases are waiting in the %d-application repository" % (waiting, a.open, apps))
    print("  %d releases started, all waiting (%.1f s, one local pass)" % (waiting, time.monotonic() - began),
          flush=True)
    return name


def run_idle(promote, server, apps, scratch, env, a):
    """Part `idle` on a repository of `apps` applications: a dict of figures."""
    name = make_open_releases(promote, server, apps, scratch, a)
    url = server.url(name)
    cache = scratch / ("idle-%d" % apps)
    warm(promote, url, cache, env)
    # a whole process: start-up, configuration, fetch, every record read once
    once = []
    for _ in range(a.passes):
        since = server.mark()
        began = time.monotonic()
        subprocess.run([promote, "--repo", url, "--cache", cache, "watch", "--once"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        once.append((time.monotonic() - began, pushes(server, since)))
    # a long-running watcher: its passes after the first, woken through its FIFO
    fifo = scratch / ("wake-%d" % apps)
    os.mkfifo(fifo)
    w = Watcher(promote, url, cache, env, ["--interval", "1h", "--wake-fifo", fifo], timed=True, verbose=True)
    passes = []
    try:
        settled(server.repo_path(name), [w])
        since = server.mark()
        for _ in range(a.passes):
            before = w.output().count("pass:")
            began = time.monotonic()
            with open(fifo, "w") as f:
                f.write("wake\n")
            wait_for("a pass", lambda: w.output().count("pass:") > before, 60, every=0.005)
            passes.append(time.monotonic() - began)
            time.sleep(0.3)
        idle_pushes = pushes(server, since)
        if w.stop() != 0:
            sys.exit("the watcher did not exit 0 on SIGTERM:\n" + w.output())
        rss = w.max_rss_mib()
    finally:
        w.close()
    return {"apps": apps, "once": once, "passes": passes, "pushes": idle_pushes, "rss": rss}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--apps", type=int, default=10000, help="applications of part steps' repository")
    ap.add_argument("--changed", type=int, default=200, help="products changed in dev at once (part steps)")
    ap.add_argument("--watchers", default="1,3", help="watcher counts of part steps")
    ap.add_argument("--open", type=int, default=1000, help="open releases (part idle)")
    ap.add_argument("--open-apps", default="1000,10000", help="repository sizes of part idle")
    ap.add_argument("--passes", type=int, default=5, help="idle passes measured")
    ap.add_argument("--interval", default="1s", help="the watchers' --interval in part steps")
    ap.add_argument("--timeout", type=float, default=1800, help="bound on a run of part steps, seconds")
    ap.add_argument("--part", default="steps,idle")
    ap.add_argument("--promote", default=str(ROOT / "build-bench" / "cli" / "promote"))
    a = ap.parse_args()
    promote = promote_binary(a.promote)
    parts = a.part.split(",")
    scratch = pathlib.Path(tempfile.mkdtemp(prefix="promote-bench-watch-"))
    steps, idle = [], []
    try:
        with LoggingGitServer(scratch / "repos") as server:
            env = client_env(server)
            if "steps" in parts:
                print("generating %d applications..." % a.apps, flush=True)
                name = make_repo(server, a.apps, scratch, config(), "steps")
                for batch, count in enumerate(int(x) for x in a.watchers.split(",")):
                    r = run_steps(promote, server, name, scratch, env, a, count, batch)
                    print("%d watcher(s): %d releases, %d steps in %.1f s: %.1f steps/s; %d pushes (%d requests, "
                          "%.1f s of the server's); max RSS %s MiB; CPU %.1f s" % (
                              count, r["releases"], r["steps"], r["wall"], r["steps"] / r["wall"], r["pushes"],
                              r["requests"], r["server"], ", ".join("%.1f" % x for x in r["rss"]), r["cpu"]),
                          flush=True)
                    steps.append(r)
            if "idle" in parts:
                for apps in (int(x) for x in a.open_apps.split(",")):
                    print("idle passes, %d applications, %d open releases..." % (apps, a.open), flush=True)
                    idle.append(run_idle(promote, server, apps, scratch, env, a))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    report(steps, idle, a)


def report(steps, idle, a):
    print()
    if steps:
        print("%d applications; %d products changed in dev in one commit; flow dev -> staging -> prod (auto, "
              "commit); watchers --interval %s" % (a.apps, a.changed, a.interval))
        print()
        print("| watchers | releases | steps | wall s | steps/s | (with the trigger's writes) | pushes | requests | "
              "server s (summed) | max RSS MiB | CPU s (all watchers) |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for r in steps:
            print("| %d | %d | %d | %.1f | %.1f | %.1f | %d | %d | %.1f | %s | %.1f |" % (
                r["watchers"], r["releases"], r["steps"], r["wall"], r["steps"] / r["wall"],
                (r["steps"] + r["releases"]) / r["wall"], r["pushes"], r["requests"], r["server"],
                " / ".join("%.1f" % x for x in r["rss"]), r["cpu"]))
        print()
        one = next((r for r in steps if r["watchers"] == 1), None)
        if one:
            rate = one["steps"] / one["wall"]
            print("steps/s with one watcher: %.1f (target >= %.0f: %s)" % (
                rate, TARGET_STEPS_PER_S, verdict(rate >= TARGET_STEPS_PER_S)))
        rss = max(x for r in steps for x in r["rss"])
        print("max RSS of a watcher: %.1f MiB (target <= %.0f MiB: %s)" % (rss, TARGET_RSS_MIB,
                                                                           verdict(rss <= TARGET_RSS_MIB)))
    if idle:
        print()
        print("%d open releases, all waiting for an approval" % a.open)
        print()
        print("| applications | idle pass s (median, min-max) | pushes in those passes | `watch --once` s (median) | "
              "its pushes | max RSS MiB |")
        print("|---|---|---|---|---|---|")
        for r in idle:
            print("| %d | %.3f (%.3f-%.3f) | %d | %.3f | %d | %.1f |" % (
                r["apps"], statistics.median(r["passes"]), min(r["passes"]), max(r["passes"]), r["pushes"],
                statistics.median(t for t, _ in r["once"]), sum(p for _, p in r["once"]), r["rss"]))
        print()
        worst = max(statistics.median(r["passes"]) for r in idle)
        print("idle pass: %.3f s (target <= %.1f s: %s)" % (worst, TARGET_IDLE_S, verdict(worst <= TARGET_IDLE_S)))
        total = sum(r["pushes"] + sum(p for _, p in r["once"]) for r in idle)
        print("pushes in idle passes: %d (target 0: %s)" % (total, verdict(total == 0)))
        if len(idle) >= 2:
            small, large = idle[0], idle[-1]
            print("idle pass, %d apps / %d apps: %.2fx" % (large["apps"], small["apps"], statistics.median(
                large["passes"]) / statistics.median(small["passes"])))


if __name__ == "__main__":
    main()
