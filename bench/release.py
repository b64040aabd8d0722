#!/usr/bin/env python3
"""A release of one application through dev -> staging -> prod (all auto, commit) in a GitOps monorepo of
N applications (bench/gen-repo.py, default 10,000) served over HTTP (lighttpd + git-http-backend with
basic auth: the integration tests' server), with a warm mirror, against the clone + edit + push baseline
(bench/baseline-promote.sh) doing the same three writes in the same run:

  release    `promote run APP --version V`: dev's tag set to V, then staging, then prod, one commit each,
             the release's record in the repository (refs/promote/releases/ID); one process
  baseline   three runs of bench/baseline-promote.sh, one per environment the release writes: TAG=V into
             dev, dev -> staging, staging -> prod; each clones the repository, edits with ruamel.yaml,
             commits and pushes to main

Each promote run releases a new version of another application, so every run is three real commits and
pushes. Measured: wall time and max RSS (GNU time, whole processes), and the time the server spent
serving the release's requests (lighttpd's access log: the duration of each request, from reading it to
the last byte of its answer, git-http-backend's work included), so the engine's own overhead is the
release's wall time minus that. Prints medians, ratios and whether the issue's targets are met:
baseline / release >= 50x, overhead <= 10 %, max RSS <= 64 MiB. Asserts nothing about time.

usage: bench/release.py [--apps 10000] [--runs 5] [--baseline-rounds 1] [--promote build-bench/cli/promote]
                        [--mode run|apply]
       (--baseline-rounds 0: the releases alone, no ratio; the baseline takes minutes)
       [--against OTHER-PROMOTE]  (another build's releases, alternating with --promote's, same repository)

--mode apply makes the release with two `promote apply` processes (staging with --version, then prod)
instead of `promote run`, dev left as it is: what the harness measured before releases existed. The default is
run when the promote measured has it, else apply.
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

# The flow dev -> staging -> prod of the watcher's benchmark and tests (watch_fleet.py).
CONFIG = config(staging="auto", prod="auto")

TARGET_RATIO, TARGET_OVERHEAD, TARGET_RSS = 50.0, 0.10, 64.0


def has_run(promote):
    done = subprocess.run([promote, "run", "--help"], capture_output=True, text=True)
    return done.returncode == 0


def release_commands(promote, url, cache, app, version, mode):
    prefix = [promote, "--repo", url, "--cache", cache]
    if mode == "run":
        return [[*prefix, "run", app, "--version", version]]
    # (dev never holds the version in this mode: past the apply gate with a reason)
    forced = ["--force", "--reason", "benchmark"]
    return [[*prefix, "apply", app, "--to", "staging", "--version", version, *forced],
            [*prefix, "apply", app, "--to", "prod", *forced]]


def written(mode):
    """The environments a release writes the new version into."""
    return ["dev", "staging", "prod"] if mode == "run" else ["staging", "prod"]


def measured(server, commands, env):
    """Run `commands` one after the other: (wall s, max RSS MiB, server s, [request lines], CPU s)."""
    since = server.mark()
    wall, rss, cpu = 0.0, 0.0, 0.0
    for args in commands:
        w, r, c = timed_cpu(args, env=env)
        wall, rss, cpu = wall + w, max(rss, r), cpu + c
    served = server.requests(since)
    return wall, rss, sum(t for t, _ in served), [line for _, line in served], cpu


def tag_of(server, name, env, app):
    text = run_git("--git-dir", server.repo_path(name), "show", "main:envs/%s/apps/%s/values.yaml" % (env, app)).stdout
    return next(line.split(":", 1)[1].strip().strip('"') for line in text.splitlines() if line.startswith("  tag:"))


def summary(samples):
    walls = [s[0] for s in samples]
    return statistics.median(walls), min(walls), max(walls), max(s[1] for s in samples), \
        statistics.median(s[2] for s in samples)


def verdict(ok):
    return "MET" if ok else "NOT MET"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--apps", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=5, help="releases measured (after one warm-up release)")
    ap.add_argument("--baseline-rounds", type=int, default=1, help="baseline releases (three runs each)")
    ap.add_argument("--promote", default=str(ROOT / "build-bench" / "cli" / "promote"))
    ap.add_argument("--mode", choices=["run", "apply"])
    ap.add_argument("--against", metavar="PROMOTE", help="another binary (another branch's build), its releases "
                    "alternating with --promote's on the same repository (its own mirror)")
    a = ap.parse_args()
    promote = promote_binary(a.promote)
    mode = a.mode or ("run" if has_run(promote) else "apply")
    scratch = pathlib.Path(tempfile.mkdtemp(prefix="promote-bench-release-"))
    releases, baselines, requests, others = [], [], [], []
    try:
        with LoggingGitServer(scratch / "repos") as server:
            env = client_env(server)
            print("generating %d applications..." % a.apps, flush=True)
            name = make_repo(server, a.apps, scratch, CONFIG, "release")
            url = server.url(name)
            builds = [(promote, "release", scratch / "cache", releases)]
            if a.against:
                builds.append((promote_binary(a.against), "against", scratch / "cache-against", others))
            for binary, _, cache, _ in builds:  # the warm mirror
                subprocess.run([binary, "--repo", url, "--cache", cache, "validate", "-q"], env=env, check=True)
            for run in range(a.runs + 1):  # the first is a warm-up, not counted
                for k, (binary, label, cache, kept) in enumerate(builds):
                    app, version = "app-%05d" % ((run * 7919 + k * 5003) % a.apps), "9.%d.%d" % (run, k)
                    sample = measured(server, release_commands(binary, url, cache, app, version, mode), env)
                    got = [tag_of(server, name, e, app) for e in written(mode)]
                    if got != [version] * len(got):
                        sys.exit("the release of %s %s left the tags %s in %s" % (app, version, got, written(mode)))
                    print("%s %s %s: %.3f s, %.1f MiB, server %.3f s in %d requests, promote's CPU %.3f s" % (
                        label, app, version, sample[0], sample[1], sample[2], len(sample[3]), sample[4]), flush=True)
                    if run:
                        kept.append(sample)
                        if kept is releases:
                            requests = sample[3]
            for rnd in range(a.baseline_rounds):
                app, version = "app-%05d" % ((rnd * 104729 + 13) % a.apps), "8.%d.0" % rnd
                steps = [("dev", "dev", dict(env, TAG=version)), ("dev", "staging", env), ("staging", "prod", env)]
                sample = (0.0, 0.0, 0.0, [], 0.0)
                for src, dst, e in steps:
                    w, r, s, lines, c = measured(server, [["bash", HERE / "baseline-promote.sh",
                                                           server.url_with_credentials(name), src, dst, app]], e)
                    sample = (sample[0] + w, max(sample[1], r), sample[2] + s, sample[3] + lines, sample[4] + c)
                got = [tag_of(server, name, e, app) for e in ("dev", "staging", "prod")]
                if got != [version] * 3:
                    sys.exit("the baseline release of %s %s left the tags %s" % (app, version, got))
                print("baseline release %s %s (three clones, edits, pushes): %.3f s, %.1f MiB, server %.3f s" % (
                    app, version, sample[0], sample[1], sample[2]), flush=True)
                baselines.append(sample)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    report(releases, baselines, requests, mode, a)
    if others:
        print("--against %s: median wall %.3f s, engine's overhead median %.1f %% (%s)" % (
            a.against, statistics.median(o[0] for o in others),
            100 * statistics.median((w - s) / w for w, _, s, _, _ in others),
            ", ".join("%.1f" % (100 * (w - s) / w) for w, _, s, _, _ in sorted(others, key=lambda o: (o[0] - o[2]) / o[0]))))


def report(releases, baselines, requests, mode, a):
    rel, base = summary(releases), summary(baselines) if baselines else None
    overheads = sorted((w - s) / w for w, _, s, _, _ in releases)
    overhead = statistics.median(overheads)
    print()
    print("%d applications; release = `promote %s` (%d measured, after a warm-up), baseline = 3 runs of "
          "bench/baseline-promote.sh (%d rounds)" % (a.apps, "run" if mode == "run" else "apply x2",
                                                     len(releases), len(baselines)))
    print()
    print("| | median wall s | min-max s | max RSS MiB | server s (median) | engine's own s (median) | "
          "CPU s (median) |")
    print("|---|---|---|---|---|---|---|")
    print("| release | %.3f | %.3f-%.3f | %.1f | %.3f | %.3f | %.3f |" % (
        rel[0], rel[1], rel[2], rel[3], rel[4], statistics.median(w - s for w, _, s, _, _ in releases),
        statistics.median(s[4] for s in releases)))
    if base:
        print("| baseline (3 runs) | %.3f | %.3f-%.3f | %.1f | %.3f | | %.3f |" % (
            *base, statistics.median(s[4] for s in baselines)))
    print()
    kinds = {}
    for line in requests:
        method, path = line.split(" ")[:2]
        kind = "%s %s%s" % (method, path.rsplit("/", 1)[-1], " (401)" if line.endswith(" 401") else "")
        kinds[kind] = kinds.get(kind, 0) + 1
    print("the release's requests (last run): %d: %s" % (len(requests), ", ".join(
        "%d %s" % (n, kind) for kind, n in sorted(kinds.items()))))
    if base:
        ratio = base[0] / rel[0]
        print("baseline / release: %.1fx (target >= %.0fx: %s)" % (ratio, TARGET_RATIO, verdict(ratio >= TARGET_RATIO)))
        print("one baseline run (a third of it) / release: %.1fx" % (base[0] / 3 / rel[0]))
    else:
        print("baseline / release: not measured (--baseline-rounds 0)")
    print("engine's overhead, (wall - server) / wall: median %.1f %% (%s) (target <= %.0f %%: %s)" % (
        100 * overhead, ", ".join("%.1f" % (100 * o) for o in overheads), 100 * TARGET_OVERHEAD,
        verdict(overhead <= TARGET_OVERHEAD)))
    print("max RSS: %.1f MiB (target <= %.0f MiB: %s)" % (rel[3], TARGET_RSS, verdict(rel[3] <= TARGET_RSS)))


if __name__ == "__main__":
    main()
