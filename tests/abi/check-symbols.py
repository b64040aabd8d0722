#!/usr/bin/python3
"""Keep libpromote's exported symbols, public headers and version script in step.

Three lists must name exactly the same functions:

  exported  `nm -D --defined-only` of the built library (the version-node
            symbols such as PROMOTE_0.1 aside)
  declared  every PROMOTE_EXTERN(...) declaration in include/**/*.h
  map       every name in the global: sections of lib/libpromote.map

and every name must start with promote_ but never promote__ (internal helpers
are hidden and never in the map). Each exported symbol must also carry, as its
default version, the map node that lists it, and no node may be newer than the
project version (one node per minor version that adds symbols, doc/ABI.md).

Run by `meson test --suite abi`; `--self-test` checks the checker on
synthetic inputs with known defects.
"""

import argparse
import os
import re
import subprocess
import sys

PUBLIC_PREFIX = 'promote_'
INTERNAL_PREFIX = 'promote__'
NODE_RE = re.compile(r'^PROMOTE_(\d+)\.(\d+)$')


def strip_c_comments(text):
    """Remove /* */ and // comments, keeping string literals and line count."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == '\\' else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append('\n' * text.count('\n', i, j) or ' ')
            i = j
        elif text.startswith('//', i):
            j = text.find('\n', i)
            i = n if j < 0 else j
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def strip_preprocessor(text):
    """Blank out preprocessor directives (with their continuation lines)."""
    lines = text.split('\n')
    out = []
    in_directive = False
    for line in lines:
        if in_directive or line.lstrip().startswith('#'):
            in_directive = line.rstrip().endswith('\\')
            out.append('')
        else:
            out.append(line)
    return '\n'.join(out)


# PROMOTE_EXTERN(type) [MACRO(...)]* name ( or ; or [
# The type may hold one level of parentheses (function pointer types).
EXTERN_RE = re.compile(
    r'\bPROMOTE_EXTERN\s*\((?:[^()]|\([^()]*\))*\)'
    r'(?P<between>(?:\s*[A-Z_][A-Z0-9_]*\s*(?:\((?:[^()]|\([^()]*\))*\))?)*)'
    r'\s*(?P<name>[A-Za-z_]\w*)\s*(?P<after>[(;\[=])')
CALL_RE = re.compile(r'\b(promote_\w+)\s*\(')


def parse_headers(files):
    """files: {path: text}. Returns ({name: 'path:line'}, [problems])."""
    declared = {}
    problems = []
    for path, text in sorted(files.items()):
        code = strip_preprocessor(strip_c_comments(text))
        extern_spans = []
        for m in EXTERN_RE.finditer(code):
            name = m.group('name')
            where = '%s:%d' % (path, code.count('\n', 0, m.start('name')) + 1)
            if name in declared:
                problems.append('%s: %s declared twice (also at %s)' % (where, name, declared[name]))
            declared[name] = where
            extern_spans.append(m.start('name'))
        extern_set = set(extern_spans)
        # A prototype without PROMOTE_EXTERN would be hidden by -fvisibility=hidden.
        for m in CALL_RE.finditer(code):
            if m.start(1) not in extern_set:
                where = '%s:%d' % (path, code.count('\n', 0, m.start(1)) + 1)
                problems.append('%s: %s is declared without PROMOTE_EXTERN(...)' % (where, m.group(1)))
    return declared, problems


def parse_map(text):
    """Returns ({name: node}, [node names in order], [problems])."""
    text = strip_c_comments(text)
    text = re.sub(r'#[^\n]*', '', text)
    symbols = {}
    nodes = []
    problems = []
    pos = 0
    node_re = re.compile(r'\s*([A-Za-z_][\w.]*)?\s*\{(?P<body>[^{}]*)\}\s*(?P<parent>[A-Za-z_][\w.]*)?\s*;', re.S)
    while True:
        rest = text[pos:]
        if not rest.strip():
            break
        m = node_re.match(text, pos)
        if not m:
            problems.append('map: cannot parse near %r' % rest.strip()[:40])
            break
        pos = m.end()
        node = m.group(1) or ''
        nodes.append(node)
        if m.group('parent') and m.group('parent') not in nodes:
            problems.append('map: node %s inherits %s, which is not defined before it' % (node, m.group('parent')))
        section = 'global'
        for entry in m.group('body').split(';'):
            entry = entry.strip()
            while True:
                sm = re.match(r'(global|local)\s*:\s*', entry)
                if not sm:
                    break
                section = sm.group(1)
                entry = entry[sm.end():].strip()
            if not entry:
                continue
            if section == 'local':
                if entry != '*':
                    problems.append('map: node %s: unexpected local entry %r' % (node, entry))
                continue
            if any(ch in entry for ch in '*?[') or ' ' in entry:
                problems.append('map: node %s: global entry %r is a pattern; list names one by one' % (node, entry))
                continue
            if entry in symbols:
                problems.append('map: %s listed twice (nodes %s and %s)' % (entry, symbols[entry], node))
                continue
            symbols[entry] = node
    return symbols, nodes, problems


def parse_nm(text):
    """`nm -D --defined-only` output -> ({name: version or None}, {absolute symbols})."""
    exported = {}
    absolute = set()
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 2:
            continue
        kind, sym = fields[-2], fields[-1]
        if kind == 'A':
            absolute.add(sym.split('@')[0])
            continue
        if '@@' in sym:
            name, version = sym.split('@@', 1)
        elif '@' in sym:
            name, version = sym.split('@', 1)
            version = '@' + version     # non-default (hidden) version
        else:
            name, version = sym, None
        exported[name] = version
    return exported, absolute


def compare(exported, absolute, declared, header_problems, mapped, nodes, map_problems, project_version):
    """Returns a list of report lines; empty means everything is in step."""
    report = []
    problems = list(header_problems) + list(map_problems)

    # Version nodes: PROMOTE_<major>.<minor>, none newer than the project.
    major, minor = (int(x) for x in project_version.split('.')[:2])
    for node in nodes:
        nm_ = NODE_RE.match(node)
        if not nm_:
            problems.append('map: node %r is not named PROMOTE_<major>.<minor>' % node)
        elif (int(nm_.group(1)), int(nm_.group(2))) > (major, minor):
            problems.append('map: node %s is newer than the project version %s' % (node, project_version))
        if nm_ and node not in absolute:
            problems.append('library: version node %s is not defined in the library' % node)
    for sym in sorted(absolute):
        if sym not in nodes:
            problems.append('library: unexpected absolute symbol %s' % sym)

    names = set(exported) | set(declared) | set(mapped)
    for name in sorted(names):
        if name.startswith(INTERNAL_PREFIX):
            places = [p for p, s in (('exported', exported), ('declared in a header', declared),
                                     ('in the map', mapped)) if name in s]
            problems.append('%s is an internal promote__ name but is %s' % (name, ', '.join(places)))
        elif not name.startswith(PUBLIC_PREFIX):
            problems.append('%s does not start with %s' % (name, PUBLIC_PREFIX))

    # Symbol versions: default version = the node that lists the name.
    for name, version in sorted(exported.items()):
        if name not in mapped or version is None:
            continue
        if version.startswith('@'):
            problems.append('%s is exported only with a non-default version %s' % (name, version[1:]))
        elif version != mapped[name]:
            problems.append('%s is exported as version %s but the map lists it in %s'
                            % (name, version, mapped[name]))

    rows = []
    for name in sorted(names):
        row = (name in exported, name in declared, name in mapped)
        if row != (True, True, True):
            rows.append((name,) + row)
    if rows:
        width = max(len(r[0]) for r in rows)
        report.append('symbols not in all three lists (+ present, - missing):')
        report.append('  %-*s  exported  header  map' % (width, 'symbol'))
        for name, e, d, m in rows:
            report.append('  %-*s  %-8s  %-6s  %s' % (width, name, '+' if e else '-', '+' if d else '-',
                                                       '+' if m else '-'))
        for name, e, d, m in rows:
            if e and not d:
                report.append('  %s: exported but not declared with PROMOTE_EXTERN in include/' % name)
            if e and not m:
                report.append('  %s: exported but not listed in lib/libpromote.map' % name)
            if d and not e:
                report.append('  %s: declared at %s but not exported (missing definition, or not in the map)'
                              % (name, declared[name]))
            if m and not e:
                report.append('  %s: listed in the map (node %s) but not exported by the library'
                              % (name, mapped[name]))
            if m and not d and e:
                report.append('  %s: listed in the map but no public header declares it' % name)
    for p in problems:
        report.append('  ' + p)
    return report


def read_headers(include_dirs):
    files = {}
    for top in include_dirs:
        for root, dirs, names in os.walk(top):
            dirs.sort()
            for fn in sorted(names):
                if fn.endswith('.h') or fn.endswith('.h.in'):
                    path = os.path.join(root, fn)
                    with open(path, encoding='utf-8') as f:
                        files[os.path.relpath(path, os.path.dirname(top))] = f.read()
    return files


def run(args):
    proc = subprocess.run([args.nm, '-D', '--defined-only', args.library],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    if proc.returncode != 0:
        print('check-symbols: %s failed: %s' % (args.nm, proc.stderr.strip()), file=sys.stderr)
        return 1
    exported, absolute = parse_nm(proc.stdout)
    declared, hproblems = parse_headers(read_headers(args.include))
    with open(args.map, encoding='utf-8') as f:
        mapped, nodes, mproblems = parse_map(f.read())
    report = compare(exported, absolute, declared, hproblems, mapped, nodes, mproblems, args.project_version)
    print('library: %s (%d exported), headers: %d PROMOTE_EXTERN declarations, map: %d names in %s'
          % (args.library, len(exported), len(declared), len(mapped), ', '.join(nodes)))
    if report:
        print('FAIL: exported symbols, public headers and %s disagree' % args.map)
        print('\n'.join(report))
        return 1
    print('OK: all three lists name the same %d symbols' % len(exported))
    return 0


def self_test():
    headers = {'promote/a.h': '''
#define PROMOTE_EXTERN(type) extern type
/* Marks every exported function: PROMOTE_EXTERN(int) promote_commented(void); */
PROMOTE_EXTERN(int) promote_ok(void);
PROMOTE_EXTERN(const char *) promote_multi(
        int a, const char *b);
PROMOTE_EXTERN(int) PROMOTE_DEPRECATED_FOR(promote_ok, 0.2) promote_old(void);
PROMOTE_EXTERN(void) promote_only_in_header(void);
PROMOTE_EXTERN(int) promote__internal(void);
typedef void (*promote_cb)(int level, void *payload);
int promote_hidden(void);
'''}
    map_text = '''/* comment */
PROMOTE_0.1 {
global:
\tpromote_ok;
\tpromote_multi;
\tpromote_old;
\tpromote_only_in_map;
\tpromote__internal;
local:
\t*;
};
PROMOTE_0.2 {
\tpromote_wild*;
} PROMOTE_0.1;
'''
    nm_text = '''0000000000000000 A PROMOTE_0.1
0000000000000000 A PROMOTE_0.2
0000000000001000 T promote_ok@@PROMOTE_0.1
0000000000001010 T promote_multi@@PROMOTE_0.2
0000000000001020 T promote_old@@PROMOTE_0.1
0000000000001030 T promote_only_in_lib@@PROMOTE_0.1
0000000000001040 T promote__internal@@PROMOTE_0.1
0000000000001050 T other_prefix@@PROMOTE_0.1
'''
    declared, hp = parse_headers(headers)
    mapped, nodes, mp = parse_map(map_text)
    exported, absolute = parse_nm(nm_text)
    failures = []

    def expect(cond, what):
        if not cond:
            failures.append(what)

    expect(set(declared) == {'promote_ok', 'promote_multi', 'promote_old', 'promote_only_in_header',
                             'promote__internal'}, 'declared: %s' % sorted(declared))
    expect(any('promote_hidden is declared without PROMOTE_EXTERN' in p for p in hp), 'hidden prototype: %s' % hp)
    expect(not any('promote_cb' in p for p in hp), 'function pointer typedef mistaken: %s' % hp)
    expect(nodes == ['PROMOTE_0.1', 'PROMOTE_0.2'], 'nodes: %s' % nodes)
    expect(any('pattern' in p for p in mp), 'wildcard not reported: %s' % mp)
    report = '\n'.join(compare(exported, absolute, declared, hp, mapped, nodes, mp, '0.1.0'))
    for needle in ('promote_only_in_header: declared at',
                   'promote_only_in_map: listed in the map (node PROMOTE_0.1) but not exported',
                   'promote_only_in_lib: exported but not declared',
                   'promote_only_in_lib: exported but not listed',
                   'promote__internal is an internal promote__ name but is exported, declared in a header, in the map',
                   'other_prefix does not start with promote_',
                   'promote_multi is exported as version PROMOTE_0.2 but the map lists it in PROMOTE_0.1',
                   'node PROMOTE_0.2 is newer than the project version 0.1.0'):
        expect(needle in report, 'report lacks %r' % needle)
    # A clean set reports nothing.
    clean = compare({'promote_ok': 'PROMOTE_0.1'}, {'PROMOTE_0.1'}, {'promote_ok': 'a.h:1'}, [],
                    {'promote_ok': 'PROMOTE_0.1'}, ['PROMOTE_0.1'], [], '0.1.0')
    expect(clean == [], 'clean input reported: %s' % clean)
    if failures:
        print('self-test FAILED:\n  ' + '\n  '.join(failures))
        print('report was:\n' + report)
        return 1
    print('self-test OK; the report for the defective input was:\n' + report)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--self-test', action='store_true')
    ap.add_argument('--nm', default='nm')
    ap.add_argument('--library')
    ap.add_argument('--map')
    ap.add_argument('--include', action='append', default=[], help='public header tree (repeatable)')
    ap.add_argument('--project-version', default='0.1.0')
    args = ap.parse_args()
    if args.self_test:
        return self_test()
    if not (args.library and args.map and args.include):
        ap.error('--library, --map and --include are required')
    return run(args)


if __name__ == '__main__':
    sys.exit(main())
