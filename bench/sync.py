#!/usr/bin/env python3
"""A sync of every application dev -> staging in one commit, in a GitOps monorepo of N applications
(bench/gen-repo.py, default 10,000: dev holds a newer image tag than staging for every one) served over
HTTP (lighttpd + git-http-backend with basic auth: the integration tests' server), warm mirror, against
the clone + edit-every-file + commit + push baseline (bench/baseline-promote.sh with APP '*') in the same
run:

  sync       `promote sync --from dev --to staging`: one commit changing each application's values.yaml,
             pushed to main; one process, its mirror fetched before (warm)
  baseline   bench/baseline-promote.sh URL dev staging '*': clone, ruamel.yaml edit of every file, commit,
             push

Each run (sync and baseline alike) works on a fresh copy of the repository on the server, so every run
changes all N applications. After each, the commit is checked: exactly one line changed in each
application's values.yaml, nothing else. Prints medians, ratios and whether the issue's targets are met:
sync wall <= 2 s, baseline / sync >= 50x, max RSS <= 128 MiB. Asserts nothing about time.

usage: bench/sync.py [--apps 10000] [--runs 3] [--baseline-runs 1] [--promote build-bench/cli/promote]
       (--baseline-runs 0: the syncs alone, no ratio; the baseline takes minutes)
       [--against OTHER-PROMOTE]  (another build's syncs, alternating with --promote's, same repository)
       bench/sync.py --apps 2000 --callgrind FILE [--promote ...]

With --callgrind, one sync (warm mirror, fresh copy) runs under valgrind's callgrind instead, writing FILE,
and its instruction count is printed (a figure the machine's load does not move); nothing is timed and
there is no baseline.
"""
import argparse
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile

from gitbench import HERE, ROOT, LoggingGitServer, client_env, make_repo, promote_binary, run_git, timed_cpu
from watch_fleet import config  # (gitbench puts tests/integration on the path)

TARGET_WALL, TARGET_RATIO, TARGET_RSS = 2.0, 50.0, 128.0


def fresh_copy(server, template, name):
    """A copy of the served repository `template` served as NAME."""
    shutil.copytree(server.repo_path(template), server.repo_path(name))
    return name


def lines_changed(server, name):
    """{path: (lines added, lines removed)} of the commit on main of the served repository NAME."""
    stats = run_git("--git-dir", server.repo_path(name), "diff", "--numstat", "main~1", "main").stdout.splitlines()
    return {path: (added, removed) for added, removed, path in (line.split("\t") for line in stats)}


def check_commit(server, name, apps):
    """The commit on main changes one line of each application's staging values.yaml, and nothing else."""
    want = {"envs/staging/apps/app-%05d/values.yaml" % n for n in range(apps)}
    got = lines_changed(server, name)
    if set(got) != want or any(v != ("1", "1") for v in got.values()):
        wrong = sorted(p for p in set(got) ^ want)[:5] + sorted(p for p, v in got.items() if v != ("1", "1"))[:5]
        sys.exit("the commit on %s does not change exactly one line of each of the %d values.yaml: %d files "
                 "changed, e.g. %s" % (name, apps, len(got), wrong))
    return len(got)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--apps", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=3, help="syncs measured (after one warm-up)")
    ap.add_argument("--baseline-runs", type=int, default=1)
    ap.add_argument("--promote", default=str(ROOT / "build-bench" / "cli" / "promote"))
    ap.add_argument("--callgrind", metavar="FILE", help="one sync under valgrind's callgrind, into FILE")
    ap.add_argument("--against", metavar="PROMOTE", help="another binary (another branch's build), its syncs "
                    "alternating with --promote's on the same repository")
    a = ap.parse_args()
    promote = promote_binary(a.promote)
    if a.callgrind:
        a.runs, a.baseline_runs, a.against = 0, 0, None
    scratch = pathlib.Path(tempfile.mkdtemp(prefix="promote-bench-sync-"))
    syncs, baselines, others = [], [], []
    try:
        with LoggingGitServer(scratch / "repos") as server:
            env = client_env(server)
            print("generating %d applications..." % a.apps, flush=True)
            template = make_repo(server, a.apps, scratch, config(), "template")
            for run in range(a.runs + 1):  # the first is a warm-up, not counted
                for binary, label, kept in [(promote, "sync", syncs)] + ([(a.against, "against", others)]
                                                                        if a.against else []):
                    name = fresh_copy(server, template, "%s-%d" % (label, run))
                    url, cache = server.url(name), scratch / ("cache-%s-%d" % (label, run))
                    # the warm mirror: fetched once before, as a daemon's or a CI cache's would be
                    subprocess.run([binary, "--repo", url, "--cache", cache, "validate", "-q"], env=env, check=True)
                    sync = [binary, "-q", "--repo", url, "--cache", cache, "sync", "--from", "dev", "--to", "staging"]
                    if a.callgrind:
                        callgrind(sync, env, a.callgrind)
                        check_commit(server, name, a.apps)
                        return
                    since = server.mark()
                    wall, rss, cpu = timed_cpu(sync, env=env)
                    served = server.requests(since)
                    changed = check_commit(server, name, a.apps)
                    print("%s %d: %.3f s, %.1f MiB, CPU %.3f s, server %.3f s in %d requests; %d files, one line "
                          "each" % (label, run, wall, rss, cpu, sum(t for t, _ in served), len(served), changed),
                          flush=True)
                    if run:
                        kept.append((wall, rss, cpu))
            for run in range(a.baseline_runs):
                name = fresh_copy(server, template, "baseline-%d" % run)
                wall, rss, cpu = timed_cpu(["bash", HERE / "baseline-promote.sh", server.url_with_credentials(name),
                                            "dev", "staging", "*"], env=env)
                # (its YAML library rewrites more than the tag: counted, not refused)
                changed = lines_changed(server, name)
                print("baseline %d (clone, edit, commit, push): %.3f s, %.1f MiB, CPU %.3f s; %d files, %d lines "
                      "added and %d removed" % (run, wall, rss, cpu, len(changed),
                                                sum(int(v[0]) for v in changed.values()),
                                                sum(int(v[1]) for v in changed.values())), flush=True)
                baselines.append((wall, rss, cpu))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    report(syncs, baselines, a)
    if others:
        wall, cpu = statistics.median(o[0] for o in others), statistics.median(o[2] for o in others)
        print("--against %s: median wall %.3f s (%.3f-%.3f), max RSS %.1f MiB, CPU %.3f s (median); this / that: "
              "wall %.2f, CPU %.2f" % (a.against, wall, min(o[0] for o in others), max(o[0] for o in others),
                                       max(o[1] for o in others), cpu, statistics.median(s[0] for s in syncs) / wall,
                                       statistics.median(s[2] for s in syncs) / cpu))


def callgrind(command, env, out):
    """`command` under callgrind into `out`; prints its instruction count."""
    r = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=%s" % out, *map(str, command)],
                       env=env, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("failed under callgrind (exit %d):\n%s" % (r.returncode, r.stderr))
    refs = [line for line in r.stderr.splitlines() if "refs:" in line]
    print("sync under callgrind: %s instructions (%s)" % (refs[-1].split()[-1] if refs else "?", out))


def report(syncs, baselines, a):
    wall = statistics.median(s[0] for s in syncs)
    rss = max(s[1] for s in syncs)
    base = statistics.median(b[0] for b in baselines) if baselines else None
    print()
    print("%d applications, every one's tag different in dev and staging; %d syncs measured (after a warm-up), "
          "%d baseline runs" % (a.apps, len(syncs), len(baselines)))
    print()
    print("| | median wall s | min-max s | max RSS MiB | CPU s (median) |")
    print("|---|---|---|---|---|")
    print("| promote sync | %.3f | %.3f-%.3f | %.1f | %.3f |" % (wall, min(s[0] for s in syncs), max(s[0] for s in syncs),
                                                         rss, statistics.median(s[2] for s in syncs)))
    if baselines:
        print("| baseline | %.3f | %.3f-%.3f | %.1f | %.3f |" % (base, min(b[0] for b in baselines),
                                                         max(b[0] for b in baselines), max(b[1] for b in baselines),
                                                         statistics.median(b[2] for b in baselines)))
    print()
    print("sync wall: %.3f s (target <= %.0f s: %s)" % (wall, TARGET_WALL, verdict(wall <= TARGET_WALL)))
    if baselines:
        print("baseline / sync: %.1fx (target >= %.0fx: %s)" % (base / wall, TARGET_RATIO,
                                                               verdict(base / wall >= TARGET_RATIO)))
    else:
        print("baseline / sync: not measured (--baseline-runs 0)")
    print("max RSS: %.1f MiB (target <= %.0f MiB: %s)" % (rss, TARGET_RSS, verdict(rss <= TARGET_RSS)))


def verdict(ok):
    return "MET" if ok else "NOT MET"


if __name__ == "__main__":
    main()
