#!/usr/bin/env python3
"""Derive a small OpenAPI (3.x) or Swagger (2.0) document from a forge's official one, mechanically.

    openapi_subset.py OFFICIAL.json PATHS.txt OUT.json

PATHS.txt lists one "METHOD /path/template" a line (as the official document
spells the path; '#' starts a comment). OUT.json holds the official document's
top-level fields, only those operations, and every component they reference
(OpenAPI's "#/components/...", Swagger 2.0's "#/definitions/...",
"#/responses/...", "#/parameters/..."), directly or through other components:
nothing is edited, only left out. Prism
starts in about a second on the result instead of a minute or more on GitHub's
13 MB description. Standard library only.
"""

import json
import sys

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def wanted_operations(lines):
    wanted = {}
    for number, line in enumerate(lines, 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        method, _, path = line.partition(" ")
        if method.lower() not in METHODS or not path.startswith("/"):
            raise SystemExit("%d: expected 'METHOD /path', got %r" % (number, line))
        wanted.setdefault(path.strip(), set()).add(method.lower())
    return wanted


# Where a document keeps what "$ref" points at: OpenAPI 3 under components, Swagger 2.0 at the top.
REF_PREFIXES = ("#/components/", "#/definitions/", "#/responses/", "#/parameters/")


def refs_in(node, found):
    """Every local reference anywhere in `node` (REF_PREFIXES), into `found` (a list of pointers)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(REF_PREFIXES):
            found.append(ref)
        for value in node.values():
            refs_in(value, found)
    elif isinstance(node, list):
        for value in node:
            refs_in(value, found)


def subset(official, wanted):
    # The top-level fields that describe the API itself (not its webhooks, which reference components too).
    out = {key: value for key, value in official.items()
           if key in ("openapi", "info", "servers", "security", "tags", "externalDocs", "jsonSchemaDialect",
                      "swagger", "basePath", "schemes", "consumes", "produces", "securityDefinitions")}
    out["paths"] = {}
    missing = []
    for path, methods in sorted(wanted.items()):
        item = official.get("paths", {}).get(path)
        if item is None:
            missing.append(path)
            continue
        kept = {key: value for key, value in item.items() if key not in METHODS or key in methods}
        absent = methods - set(item)
        if absent:
            missing.extend("%s %s" % (m.upper(), path) for m in sorted(absent))
        out["paths"][path] = kept
    if missing:
        raise SystemExit("not in the official document: " + ", ".join(missing))
    found = {}  # ("components", section) or (section,) -> {name: value}
    pending = []
    refs_in(out["paths"], pending)
    seen = set()
    while pending:
        ref = pending.pop()
        if ref in seen:
            continue
        seen.add(ref)
        parts = ref[2:].split("/")
        where, name = tuple(parts[:-1]), parts[-1]
        value = official
        for part in parts:
            value = value[part]
        found.setdefault(where, {})[name] = value
        refs_in(value, pending)
    components = {where[1]: items for where, items in found.items() if where[0] == "components"}
    if "openapi" in official:
        # Security schemes are named by the operations, not referenced with $ref.
        if "securitySchemes" in official.get("components", {}):
            components["securitySchemes"] = official["components"]["securitySchemes"]
        out["components"] = {section: dict(sorted(items.items())) for section, items in sorted(components.items())}
    for where, items in sorted(found.items()):
        if where[0] != "components":
            out[where[0]] = dict(sorted(items.items()))
    return out


def main(argv):
    if len(argv) != 4:
        raise SystemExit(__doc__)
    with open(argv[1], encoding="utf-8") as f:
        official = json.load(f)
    with open(argv[2], encoding="utf-8") as f:
        wanted = wanted_operations(f.read().splitlines())
    with open(argv[3], "w", encoding="utf-8") as f:
        json.dump(subset(official, wanted), f, indent=1, sort_keys=False)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv)
