"""Driver for bench/yaml-set.sh (run that; it installs and builds first).

Sets image.tag=v6 in N copies of a values.yaml (app-NNNN/values.yaml) with
each tool as ONE process over all files, timing the process as a whole:

  promote   promote yaml set -e image.tag=v6 app-*/values.yaml
  sed       sed -i 's/^\\(  tag: \\).*/\\1v6/' app-*/values.yaml
  npm-yaml  node yaml-set-npm.cjs ... image.tag v6 app-*/values.yaml
  ruamel    python3 yaml-set-ruamel.py image.tag v6 app-*/values.yaml

Every run of every tool gets a fresh directory of copies (copying and
syncing are not timed). One warm-up round, then --runs rounds, the tools
interleaved round by round (A B C D A B C D ...). Wall time is measured
around spawn .. wait4 of `/usr/bin/time -f '%e %M %U %S' TOOL ...`; max RSS is
GNU time's %M for the tool, and cpu s its user+sys time (median), which
suffers less than wall time when the machine is busy.
Fidelity is counted with one `diff -r` of the pristine copies against the
edited ones (removed + added lines per file, so a one-line change is 2).

/usr/bin/python3 and Debian packages only (python3-yaml for the read-back).
"""
import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time

import yaml

try:
    SafeLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - python3-yaml is built with libyaml on Debian
    SafeLoader = yaml.SafeLoader

HERE = os.path.dirname(os.path.abspath(__file__))
SED_SCRIPT = r"s/^\(  tag: \).*/\1v6/"
KEY_PATH = "image.tag"
VALUE = "v6"

# Targets from the issue.
TARGET_VS_SED = 1.0  # promote wall <= 1.0 x sed
TARGET_VS_NPM = 10.0  # npm-yaml wall >= 10 x promote
TARGET_RSS_MIB = 16.0
TARGET_LINES = 2


def tools(promote, node_modules):
    """(name, argv without the files, command as shown)."""
    glob = "app-*/values.yaml"
    return [
        ("promote", [promote, "yaml", "set", "-e", f"{KEY_PATH}={VALUE}"],
         f"promote yaml set -e {KEY_PATH}={VALUE} {glob}"),
        ("sed", ["sed", "-i", SED_SCRIPT],
         f"sed -i '{SED_SCRIPT}' {glob}"),
        ("npm-yaml", ["node", os.path.join(HERE, "yaml-set-npm.cjs"), node_modules, KEY_PATH, VALUE],
         f"node bench/yaml-set-npm.cjs bench/.node/node_modules {KEY_PATH} {VALUE} {glob}"),
        ("ruamel", ["/usr/bin/python3", os.path.join(HERE, "yaml-set-ruamel.py"), KEY_PATH, VALUE],
         f"python3 bench/yaml-set-ruamel.py {KEY_PATH} {VALUE} {glob}"),
    ]


def rel_names(n):
    width = max(4, len(str(n - 1)))
    return [f"app-{i:0{width}d}/values.yaml" for i in range(n)]


def make_tree(root, names, data):
    for name in names:
        d = os.path.join(root, os.path.dirname(name))
        os.mkdir(d)
        with open(os.path.join(root, name), "wb") as f:
            f.write(data)


def expected_bytes(original):
    """The original with only the image.tag scalar replaced, quotes kept."""
    pat = re.compile(rb"""^(  tag:[ \t]+)("[^"\n]*"|'[^'\n]*'|[^\s#]*)""", re.M)
    hits = pat.findall(original)
    if len(hits) != 1:
        sys.exit("yaml_set_bench: the source must have exactly one '  tag:' line")

    def repl(m):
        q = m.group(2)[:1]
        v = VALUE.encode()
        return m.group(1) + (q + v + q if q in (b'"', b"'") else v)

    return pat.sub(repl, original, count=1)


def run_timed(argv, cwd, log):
    """Run argv in cwd under GNU time; return (wall seconds, max RSS KiB,
    user+sys CPU seconds, exit status). Wall is measured here around spawn .. wait4 (GNU time's
    %e has only 10 ms resolution; its fork+exec adds about 1 ms to every
    tool alike); max RSS is GNU time's %M for the tool itself, because the
    ru_maxrss that wait4 gives for a child of this python process starts at
    python's own RSS (posix_spawn shares its memory until exec)."""
    rss_file = log + ".time"
    wrapped = ["/usr/bin/time", "-q", "-f", "%e %M %U %S", "-o", rss_file] + argv
    fa = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
        (os.POSIX_SPAWN_DUP2, 1, 2),
    ]
    env = dict(os.environ, LC_ALL="C")
    old = os.getcwd()
    os.chdir(cwd)
    try:
        t0 = time.perf_counter()
        pid = os.posix_spawn(wrapped[0], wrapped, env, file_actions=fa)
        _, status, _ = os.wait4(pid, 0)
        t1 = time.perf_counter()
    finally:
        os.chdir(old)
    rc = os.waitstatus_to_exitcode(status)
    rss, cpu = 0, 0.0
    try:
        with open(rss_file) as f:
            fields = f.read().split()[-4:]
        rss, cpu = int(fields[1]), float(fields[2]) + float(fields[3])
    except (OSError, ValueError, IndexError):
        if rc == 0:
            rc = 125
    return t1 - t0, rss, cpu, rc


def diff_counts(pristine, work, names):
    """Lines changed per file (removed + added) from one `diff -r`."""
    import subprocess

    out = subprocess.run(["diff", "-r", pristine, work], capture_output=True,
                         env=dict(os.environ, LC_ALL="C")).stdout
    counts = dict.fromkeys(names, 0)
    odd = []
    current = None
    pre = os.path.join(work, "").encode()
    for line in out.splitlines():
        if line.startswith(b"diff -r "):
            current = line.split(b" ")[-1][len(pre):].decode()
        elif line.startswith(b"<") or line.startswith(b">"):
            counts[current] += 1
        elif line.startswith(b"Only in "):
            odd.append(line.decode(errors="replace"))
    return counts, odd


def check_files(work, names, expect_bytes, expect_data):
    """(files byte-identical to the ideal edit, files whose data is the
    original's with image.tag == v6 when read back, first problem)."""
    exact = semantic = 0
    problem = None
    for name in names:
        with open(os.path.join(work, name), "rb") as f:
            got = f.read()
        if got == expect_bytes:
            exact += 1
            semantic += 1
            continue
        try:
            data = yaml.load(got, Loader=SafeLoader)
        except yaml.YAMLError as e:
            problem = problem or f"{name}: does not parse: {e}"
            continue
        if data == expect_data:
            semantic += 1
        else:
            tag = (data or {}).get("image", {}).get("tag") if isinstance(data, dict) else None
            problem = problem or f"{name}: image.tag read back as {tag!r}, or other data changed"
    return exact, semantic, problem


def fmt_s(x):
    return f"{x:.3f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--promote", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--node-modules", required=True)
    ap.add_argument("--markdown", action="store_true", help="also print the table as markdown")
    ap.add_argument("--keep", action="store_true", help="keep the last edited copy of each tool")
    args = ap.parse_args()
    if args.runs < 1 or args.files < 1:
        sys.exit("yaml_set_bench: --runs and --files must be at least 1")

    with open(args.source, "rb") as f:
        original = f.read()
    ideal = expected_bytes(original)
    expect_data = yaml.load(original, Loader=SafeLoader)
    expect_data["image"]["tag"] = VALUE
    names = rel_names(args.files)
    promote = os.path.abspath(args.promote)
    tl = tools(promote, os.path.abspath(args.node_modules))

    base = tempfile.mkdtemp(prefix="promote-bench-yaml-")
    pristine = os.path.join(base, "pristine")
    os.mkdir(pristine)
    make_tree(pristine, names, original)
    logs = os.path.join(base, "logs")
    os.mkdir(logs)

    nlines = original.count(b"\n")
    print(f"promote: {promote}")
    print(f"source: {os.path.normpath(args.source)} ({len(original)} bytes, {nlines} lines)")
    print(f"files: {args.files} copies as app-NNNN/values.yaml; runs: 1 warm-up + {args.runs}, "
          f"tools interleaved; fresh copies every run")
    print(f"machine: {os.cpu_count()} cpus, {cpu_model()}")
    print(f"versions: {versions(args.node_modules)}")
    for name, _, shown in tl:
        print(f"  {name:9} {shown}")
    print()

    results = {name: {"wall": [], "rss": [], "cpu": [], "lines": None, "exact": [], "semantic": [],
                      "failed": None, "odd": []} for name, _, _ in tl}
    active = list(tl)
    seq = 0
    try:
        for rnd in range(args.runs + 1):
            label = "warm-up" if rnd == 0 else f"run {rnd}/{args.runs}"
            line = [f"{label:>9}:"]
            for tool in list(active):
                name, argv, _ = tool
                seq += 1
                work = os.path.join(base, f"w{seq}")
                os.mkdir(work)
                make_tree(work, names, original)
                os.sync()  # writeback of the copies must not land in the timed run
                log = os.path.join(logs, f"{seq}-{name}.log")
                wall, rss, cpu, rc = run_timed(argv + names, work, log)
                r = results[name]
                if rc != 0:
                    with open(log, errors="replace") as f:
                        msg = f.read().strip().splitlines()
                    r["failed"] = f"exit {rc}: " + (msg[-1] if msg else "(no output)")
                    active.remove(tool)
                    line.append(f"{name} FAILED")
                    shutil.rmtree(work)
                    continue
                counts, odd = diff_counts(pristine, work, names)
                exact, semantic, problem = check_files(work, names, ideal, expect_data)
                if rnd > 0:
                    r["wall"].append(wall)
                    r["rss"].append(rss)
                    r["cpu"].append(cpu)
                    r["exact"].append(exact)
                    r["semantic"].append(semantic)
                    r["lines"] = r["lines"] or sorted(counts.values())
                    if sorted(counts.values()) != r["lines"]:
                        r["odd"].append("lines changed differ between runs")
                    r["odd"] += odd
                    if problem:
                        r["problem"] = problem
                    if args.keep and rnd == args.runs:
                        r["kept"] = work
                line.append(f"{name} {wall:.3f}s")
                if not (args.keep and rnd == args.runs):
                    shutil.rmtree(work)
            print(" ".join(line), flush=True)
    finally:
        shutil.rmtree(pristine, ignore_errors=True)
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)

    report(results, tl, args, original, ideal)


def versions(node_modules):
    import json
    import subprocess

    def first_line(argv):
        try:
            out = subprocess.run(argv, capture_output=True, text=True).stdout
            return out.splitlines()[0].strip() if out else "?"
        except OSError:
            return "?"

    try:
        with open(os.path.join(node_modules, "yaml", "package.json")) as f:
            npm_yaml = json.load(f)["version"]
    except (OSError, ValueError, KeyError):
        npm_yaml = "?"
    try:
        import ruamel.yaml
        ruamel_v = ruamel.yaml.__version__
    except ImportError:
        ruamel_v = "?"
    return (f"{first_line(['sed', '--version'])}, node {first_line(['node', '--version'])}, "
            f"npm yaml {npm_yaml}, ruamel.yaml {ruamel_v}, python {sys.version.split()[0]}")


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def report(results, tl, args, original, ideal):
    rows = []
    med = {}
    for name, _, _ in tl:
        r = results[name]
        if r["failed"] or not r["wall"]:
            rows.append([name, "failed", "", "", "", "", "", ""])
            continue
        w = r["wall"]
        med[name] = statistics.median(w)
        rss = statistics.median(r["rss"]) / 1024
        lines = r["lines"]
        lmin, lmed, lmax = lines[0], statistics.median(lines), lines[-1]
        lmed = int(lmed) if lmed == int(lmed) else lmed
        rows.append([
            name, fmt_s(med[name]), f"{fmt_s(min(w))}–{fmt_s(max(w))}",
            f"{statistics.median(r['cpu']):.2f}", f"{rss:.1f}",
            f"{lmin}/{lmed}/{lmax}", f"{min(r['exact'])}/{args.files}",
            f"{min(r['semantic'])}/{args.files}",
        ])
        r["rss_mib"] = rss

    head = ["tool", "median s", "min–max s", "cpu s", "max RSS MiB", "lines changed/file min/med/max",
            "byte-exact files", "image.tag=v6, rest same"]
    print()
    print_table(head, rows)

    def ratio(a, b):
        return med[a] / med[b] if a in med and b in med and med[b] > 0 else None

    ratios = [("promote/sed", ratio("promote", "sed")),
              ("npm-yaml/promote", ratio("npm-yaml", "promote")),
              ("ruamel/promote", ratio("ruamel", "promote"))]
    print()
    print("ratios of median wall time: " + ", ".join(
        f"{k} {v:.2f}x" if v is not None else f"{k} n/a" for k, v in ratios))

    cpu = {n: statistics.median(results[n]["cpu"]) for n in med}

    def cratio(a, b):
        return f"{cpu[a] / cpu[b]:.2f}x" if a in cpu and b in cpu and cpu[b] > 0 else "n/a"

    print("ratios of median cpu time (user+sys): " + ", ".join(
        f"{k} {cratio(*k.split('/'))}" for k, _ in ratios))

    for name, _, _ in tl:
        r = results[name]
        if r["failed"]:
            print(f"{name}: FAILED ({r['failed']})")
        for o in dict.fromkeys(r["odd"]):
            print(f"{name}: {o}")
        if r.get("problem"):
            print(f"{name}: first mismatch: {r['problem']}")
        if r.get("kept"):
            print(f"{name}: last edited copies kept in {r['kept']}")

    p = results["promote"]
    print()
    print("targets:")
    targets = []
    if p["failed"] or not p["wall"]:
        why = p["failed"] or "did not run"
        for t in (f"wall <= {TARGET_VS_SED:.1f}x sed", f">= {TARGET_VS_NPM:g}x faster than npm yaml",
                  f"max RSS <= {TARGET_RSS_MIB:g} MiB", f"{TARGET_LINES} lines changed per file",
                  "correct: image.tag == v6 read back, diff is exactly the tag line"):
            targets.append((t, None, f"promote failed: {why}"))
    else:
        r1 = ratios[0][1]
        targets.append((f"wall <= {TARGET_VS_SED:.1f}x sed", r1 is not None and r1 <= TARGET_VS_SED,
                        f"promote/sed = {r1:.2f}x" if r1 is not None else "sed failed"))
        r2 = ratios[1][1]
        targets.append((f">= {TARGET_VS_NPM:g}x faster than npm yaml",
                        r2 is not None and r2 >= TARGET_VS_NPM,
                        f"npm-yaml/promote = {r2:.1f}x" if r2 is not None else "npm yaml failed"))
        targets.append((f"max RSS <= {TARGET_RSS_MIB:g} MiB", p["rss_mib"] <= TARGET_RSS_MIB,
                        f"median max RSS {p['rss_mib']:.1f} MiB (worst {max(p['rss']) / 1024:.1f})"))
        lines = p["lines"]
        targets.append((f"{TARGET_LINES} lines changed per file",
                        lines[0] == lines[-1] == TARGET_LINES,
                        f"min/max {lines[0]}/{lines[-1]}"))
        ok = (min(p["exact"]) == args.files and min(p["semantic"]) == args.files
              and not p["odd"])
        targets.append(("correct: image.tag == v6 read back, diff is exactly the tag line", ok,
                        f"{min(p['exact'])}/{args.files} byte-exact, "
                        f"{min(p['semantic'])}/{args.files} read back right, every run"))
    for t, ok, detail in targets:
        mark = "MET    " if ok else ("NOT MET" if ok is not None else "n/a    ")
        print(f"  {mark} {t}: {detail}")

    if args.markdown:
        print()
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for row in rows:
            print("| " + " | ".join(row) + " |")
        print()
        print("| target | met | measured |")
        print("|---|---|---|")
        for t, ok, detail in targets:
            print(f"| {t} | {'yes' if ok else ('no' if ok is not None else 'n/a')} | {detail} |")
    return 0


def print_table(head, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    for row in [head] + rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip())


if __name__ == "__main__":
    sys.exit(main())
