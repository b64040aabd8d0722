#!/usr/bin/env python3
"""Build the seed corpus of fuzz_yaml from the yaml-test-suite.

Every <id>/in.yaml and <id>/<NN>/in.yaml of the suite (valid and error cases)
gives a few inputs in fuzz_yaml's format (tests/fuzz/fuzz_yaml.c):

    the YAML alone                 (the target edits fixed paths)
    PATH NUL YAML                  for a few paths found in the YAML
    PATH LF VALUE NUL YAML         the same with a value that needs care

plus a handful of hand-written GitOps documents (kustomize images, Flux
image-policy markers, multi-document streams). The seeds are generated into
the build directory; only tests/fuzz/regressions/ is committed.

    make-seeds.py --suite DIR --out DIR [--stamp FILE]

A missing suite is reported and leaves the output directory empty: the
replay test then fails, saying so (and test_suite does too).
"""
import argparse
import os
import re
import sys

VALUES = ["v2", "a: b #c", "[1, 2]", "'q'", "x\ny", "", "- z", "&a b", "*a", '"', "1.10", "~",
          "\t lead", "trail ", "#x", "@at", "é✓", "{a: 1}", "|", "null"]

EXTRA = [
    ("images[name=web].newTag", "v1.2.3",
     "images:\n- name: web\n  newName: reg/web\n  newTag: v1.0.0 # keep\n- name: db\n  newTag: \"5\"\n"),
    ("spec.template.spec.containers[0].image", "reg/app:v2",
     "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n"
     "      - name: app\n        image: reg/app:v1 # {\"$imagepolicy\": \"flux-system:app\"}\n"),
    ("@1.spec.replicas", "3", "---\na: 1\n---\nspec:\n  replicas: 2\n...\n---\n- x\n"),
    ("base.tag", "v9", "base: &b\n  tag: v1\nprod:\n  <<: *b\n  tag: v2\nalias: *b\n"),
    ("a.b", "x", "a: {b: 1, c: [2, 3]}\nd: 'e' # c\n"),
    ("image.tag", "ghcr.io/a/b:v2@sha256:0123",
     "image:\n  repository: ghcr.io/a/b # {\"$imagepolicy\": \"flux-system:app:name\"}\n"
     "  tag: v1 # {\"$imagepolicy\": \"flux-system:app:tag\"}\n"),
    ("[\"key.with.dots\"].x", "y", "\ufeffkey.with.dots:\r\n  x: z\r\n"),
    ("new.key", "created", "old:\n  key: 1\n"),
    ("list[-1]", "last", "list:\n  - 1\n  - |\n    block\n  - >-\n    folded\n"),
]

KEY = re.compile(r"(\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*'|[^\s#:\[\]{},&*!|>'\"%@`-][^:#]*?)\s*:(?:\s|$)")


def segment(key, first):
    if re.fullmatch(r"[A-Za-z0-9_-]+", key) and not key.isdigit():
        return key if first else "." + key
    return '["' + key.replace("\\", "\\\\").replace('"', '\\"') + '"]'


def unquote(key):
    if len(key) >= 2 and key[0] == key[-1] == "'":
        return key[1:-1].replace("''", "'")
    if len(key) >= 2 and key[0] == key[-1] == '"':
        return re.sub(r"\\(.)", r"\1", key[1:-1])
    return key


def guess_paths(text, limit=4):
    """Paths of block mapping keys and sequence items, found by indentation:
    a guess, not a parse (the fuzzer's mutations do the rest)."""
    paths = []
    entries = []  # (column, path, is_key)
    counters = {}
    for line in text.splitlines():
        if line.startswith("---"):
            entries, counters = [], {}
            continue
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#") or line.startswith(("...", "%")):
            continue
        col = len(line) - len(stripped)
        rest = stripped

        def parent(col, dash):
            # A sequence may sit at its key's column ("key:\n- a").
            while entries and (entries[-1][0] > col or (entries[-1][0] == col and not (dash and entries[-1][2]))):
                entries.pop()
            return entries[-1][1] if entries else ""

        while rest.startswith("-") and (len(rest) == 1 or rest[1] == " "):
            base = parent(col, True)
            index = counters.get(base, 0)
            counters[base] = index + 1
            path = base + "[%d]" % index
            entries.append((col, path, False))
            paths.append(path)
            after = rest[1:].lstrip(" ")
            col += len(rest) - len(after)
            rest = after
        m = KEY.match(rest)
        if m:
            base = parent(col, False)
            path = base + segment(unquote(m.group(1)), not base)
            entries.append((col, path, True))
            paths.append(path)
    # Prefer the deepest paths: they exercise the most.
    order = sorted(range(len(paths)), key=lambda i: (-paths[i].count(".") - paths[i].count("["), i))
    return [paths[i] for i in order[:limit]]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--suite", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--stamp")
    args = ap.parse_args()

    os.makedirs(args.out, exist_ok=True)
    for name in os.listdir(args.out):
        if name.startswith("seed-"):
            os.unlink(os.path.join(args.out, name))

    seeds = []
    cases = []
    if os.path.isdir(args.suite):
        for entry in sorted(os.listdir(args.suite)):
            top = os.path.join(args.suite, entry)
            if os.path.isfile(os.path.join(top, "in.yaml")):
                cases.append((entry, os.path.join(top, "in.yaml")))
            elif os.path.isdir(top):
                for sub in sorted(os.listdir(top)):
                    f = os.path.join(top, sub, "in.yaml")
                    if os.path.isfile(f):
                        cases.append((entry + "_" + sub, f))
    else:
        print("make-seeds: the yaml-test-suite is missing at %s: no seeds" % args.suite, file=sys.stderr)
    if cases:
        for path, value, text in EXTRA:
            seeds.append(("extra", (path + "\n" + value).encode() + b"\0" + text.encode()))

    n = 0
    for case, f in cases:
        with open(f, "rb") as fh:
            data = fh.read()
        seeds.append((case, data))
        text = data.decode("utf-8", "replace")
        for path in guess_paths(text) or ["a"]:
            seeds.append((case, path.encode() + b"\0" + data))
            value = VALUES[n % len(VALUES)]
            n += 1
            seeds.append((case, (path + "\n" + value).encode() + b"\0" + data))

    for i, (case, data) in enumerate(seeds):
        with open(os.path.join(args.out, "seed-%s-%04d" % (case, i)), "wb") as fh:
            fh.write(data)
    print("make-seeds: %d seeds from %d yaml-test-suite cases in %s" % (len(seeds), len(cases), args.out))
    if args.stamp:
        with open(args.stamp, "w") as fh:
            fh.write("%d\n" % len(seeds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
