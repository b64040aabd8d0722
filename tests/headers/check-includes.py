#!/usr/bin/python3
"""The library's internal includes go one way.

Every file of lib/ (a .c and its .h of the same name make one module) is
read for its `#include "..."` lines and the promote__ functions it calls
(a call depends on the module that defines the function, whichever header
declares it), and two rules are checked:

  1. no cycle between modules: a.c including b.h (or calling b.c) while b.c
     includes a.h (or calls a.c), or any longer loop, means neither can be
     understood, tested or replaced alone;
  2. a layer includes only itself and the layers below it (DESIGN.md:
     "data flows down, never back up"), in the order LAYERS lists.

Prints every violation and exits 1, or prints a summary and exits 0.
"""

import os
import re
import sys

# Lowest first. A folder under lib/ not listed here is an error: place it.
# "libpromote" is lib/libpromote.c, the top: promote_init() and the table of
# every layer's subsystems.
LAYERS = ["core", "yaml", "net", "git", "config", "model", "plan", "providers", "engine", "libpromote"]

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
# A non-static function defined at the start of a line: "int promote__x(...) {".
DEFINITION = re.compile(r'^(?!static\b)[A-Za-z_][^(;#/=]*?\b(promote__\w+)\s*\(([^;{]*?)\)\s*\{', re.M | re.S)
CALL = re.compile(r'\b(promote__\w+)\s*\(')


def sources(lib):
    """module name ("git/mirror") -> list of (path, text)."""
    found = {}
    for folder, _, files in os.walk(lib):
        for name in files:
            if name.endswith((".c", ".h")):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as f:
                    found.setdefault(os.path.relpath(path, lib)[:-2], []).append((path, f.read()))
    return found


def modules(lib):
    """module -> the modules it depends on: those whose headers it includes,
    and those defining the promote__ functions it calls (whichever header
    declares them: a function declared in a.h but defined in b.c is a
    dependency on b)."""
    files = sources(lib)
    defined_in = {}
    for module, texts in files.items():
        for _, text in texts:
            for m in DEFINITION.finditer(text):
                defined_in.setdefault(m.group(1), module)
    graph = {}
    for module, texts in files.items():
        deps = graph.setdefault(module, set())
        for path, text in texts:
            folder = os.path.dirname(path)
            for target in INCLUDE.findall(text):
                for base in (folder, lib):
                    resolved = os.path.normpath(os.path.join(base, target))
                    if os.path.isfile(resolved):
                        deps.add(os.path.relpath(resolved, lib)[:-2])
                        break
            if path.endswith(".c"):  # a header's declarations are no calls
                for fn in CALL.findall(text):
                    if fn in defined_in:
                        deps.add(defined_in[fn])
        deps.discard(module)
    return graph


def layer(module):
    return module.split("/", 1)[0]


def cycles(graph):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def main():
    lib = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "lib")
    graph = modules(lib)
    problems = []
    for component in cycles(graph):
        members = set(component)
        edges = [f"{a} -> {b}" for a in component for b in sorted(graph[a]) if b in members]
        problems.append("include cycle between " + ", ".join(component) + ": " + "; ".join(edges))
    for module in sorted(graph):
        if layer(module) not in LAYERS:
            problems.append(f"{module}: lib/{layer(module)}/ is not in LAYERS of {os.path.basename(__file__)}")
            continue
        rank = LAYERS.index(layer(module))
        for dep in sorted(graph[module]):
            if layer(dep) in LAYERS and LAYERS.index(layer(dep)) > rank:
                problems.append(f"{module} includes {dep}: lib/{layer(module)} may not include the layer above it")
    for p in problems:
        print(p)
    if problems:
        return 1
    print(f"{len(graph)} modules, {sum(len(d) for d in graph.values())} dependencies: no cycle, every layer includes downwards")
    return 0


if __name__ == "__main__":
    sys.exit(main())
