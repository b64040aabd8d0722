#!/usr/bin/env python3
"""Promote one application's image.tag from dev to staging in a GitOps monorepo served over HTTP
(lighttpd + git-http-backend with basic auth, the integration tests' server), three ways:

  baseline    bench/baseline-promote.sh: clone + ruamel.yaml + commit + push (what other tools do)
  cold        promote apply with an empty mirror cache (the mirror is cloned)
  warm        promote apply with the mirror already in the cache (fetched incrementally)
  git-push    git itself on a clone kept between runs: pull, edit, commit, push (the server's floor)

on a repository of N applications (default 10 and 10000). Every run is a real change: promote pushes
a new version (--version) to main each time; the baseline pushes each run to a new branch.
Prints medians of wall time and max RSS, and the ratios the git issue targets:
baseline/warm on the large repo (>= 20x), warm large/warm small (<= 2x), RSS <= 64 MiB.

usage: bench/git-promote.py [--apps 10,10000] [--runs 5] [--promote build-bench/cli/promote]
"""
import argparse
import pathlib
import shutil
import statistics
import subprocess
import tempfile

from gitbench import HERE, ROOT, GitServer, client_env, make_repo, promote_binary, run_git, timed

CONFIG = """version: 1
environments:
  dev: {path: envs/dev}
  staging: {path: envs/staging}
  prod: {path: envs/prod, kind: production}
products:
  "*":
    path: apps/*
    template: {attributes: {values.yaml: [image.tag]}, version: values.yaml#image.tag}
flows:
  default: {trigger: dev, steps: {staging: {}, prod: {dependsOn: [staging]}}}
"""


FORCED = ("--force", "--reason", "benchmark")

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--apps", default="10,10000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--promote", default=str(ROOT / "build-bench" / "cli" / "promote"))
    a = ap.parse_args()
    promote = promote_binary(a.promote)
    sizes = [int(x) for x in a.apps.split(",")]
    scratch = pathlib.Path(tempfile.mkdtemp(prefix="promote-bench-"))
    results = {}
    try:
        with GitServer(scratch / "repos") as server:
            env = client_env(server)
            for apps in sizes:
                print("generating %d applications..." % apps, flush=True)
                name = make_repo(server, apps, scratch, CONFIG, "gitops-%d" % apps)
                url = server.url(name)
                warm_cache = scratch / ("warm-%d" % apps)
                subprocess.run([promote, "--repo", url, "--cache", warm_cache, "validate", "-q"], env=env, check=True)
                # git itself on a clone kept between runs: the floor a push to this server costs
                clone = scratch / ("clone-%d" % apps)
                run_git("clone", "-q", server.url_with_credentials(name), str(clone))
                rows = {"baseline": [], "cold": [], "warm": [], "git-push": []}
                for run in range(a.runs + 1):  # the first round is a warm-up, not counted
                    app = "app-%05d" % (run % apps)
                    base_env = dict(env, PUSH_BRANCH="main")
                    rows["baseline"].append(timed(["bash", HERE / "baseline-promote.sh",
                                                   server.url_with_credentials(name), "dev", "staging", app],
                                                  env=base_env))
                    # a version of its own each time: every promote run is a real change and a push
                    cold_cache = scratch / ("cold-%d-%d" % (apps, run))
                    # (a version dev never held: past the apply gate with a reason, as the baseline skips it)
                    rows["cold"].append(timed([promote, "--repo", url, "--cache", cold_cache, "apply", app, "--to",
                                               "staging", "--version", "9.0.%d" % run, *FORCED], env=env))
                    shutil.rmtree(cold_cache, ignore_errors=True)
                    rows["warm"].append(timed([promote, "--repo", url, "--cache", warm_cache, "apply", app,
                                               "--to", "staging", "--version", "9.1.%d" % run, *FORCED], env=env))
                    values = "envs/staging/apps/%s/values.yaml" % app
                    script = ("git pull -q --ff-only && sed -i 's/^  tag: .*/  tag: \"9.2.%d\"/' %s && "
                              "git -c user.name=bench -c user.email=bench@localhost commit -qam bench && "
                              "git push -q origin HEAD:main" % (run, values))
                    rows["git-push"].append(timed(["bash", "-c", script], env=env, cwd=clone))
                results[apps] = {k: v[1:] for k, v in rows.items()}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print()
    print("| apps | tool | median wall s | min-max s | median max RSS MiB |")
    print("|---|---|---|---|---|")
    med = {}
    for apps, rows in results.items():
        for tool, samples in rows.items():
            walls = [w for w, _ in samples]
            rss = [r for _, r in samples]
            med[(apps, tool)] = (statistics.median(walls), statistics.median(rss))
            print("| %d | %s | %.3f | %.3f-%.3f | %.1f |" % (apps, tool, statistics.median(walls), min(walls),
                                                            max(walls), statistics.median(rss)))
    big, small = max(sizes), min(sizes)
    print()
    ratio = med[(big, "baseline")][0] / med[(big, "warm")][0]
    print("baseline / promote warm, %d apps: %.1fx (target >= 20x: %s)" % (big, ratio, "MET" if ratio >= 20 else "NOT MET"))
    growth = med[(big, "warm")][0] / med[(small, "warm")][0]
    print("promote warm, %d apps / %d apps: %.2fx (target <= 2x: %s)" % (big, small, growth, "MET" if growth <= 2 else "NOT MET"))
    rss = max(med[(apps, t)][1] for apps in sizes for t in ("cold", "warm"))
    print("promote max RSS: %.1f MiB (target <= 64 MiB: %s)" % (rss, "MET" if rss <= 64 else "NOT MET"))
    ratio_cold = med[(big, "baseline")][0] / med[(big, "cold")][0]
    print("baseline / promote cold, %d apps: %.1fx" % (big, ratio_cold))
    floor = med[(big, "git-push")][0] / med[(small, "git-push")][0]
    print("git push from a clone (pull, edit, commit, push), %d apps / %d apps: %.2fx (the server's own growth)"
          % (big, small, floor))
    print("promote warm / git push from a clone, %d apps: %.2fx" % (big, med[(big, "warm")][0] /
                                                                    med[(big, "git-push")][0]))


main()
