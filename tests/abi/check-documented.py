#!/usr/bin/python3
"""Keep doc/API.md and libpromote's exported symbols in step.

  exported    `nm -D --defined-only` of the built library and the global:
              names of lib/libpromote.map (check-symbols.py checks that
              these two agree; here both are read so that neither can be
              left out of the reference)
  entries     the functions doc/API.md documents: a row of a table in its
              "## Reference" section whose first cell is the function's C
              declaration (`| \\`int promote_init(void)\\` | ...`), or a
              heading naming it
  mentioned   every `promote_name(` anywhere in doc/API.md (prose, examples)

Every exported name must have an entry, and every entry and every mention
must name a function of the map: a reference row never survives its
function, an example never calls a function that does not exist.

The versions of the append-only structs too: for every `#define
PROMOTE_X_VERSION N` under include/, doc/API.md must say "`promote_x`
(version N", and no other page given with --also may name another version
that way.

Run by `meson test --suite abi`; `--self-test` checks the checker on
synthetic inputs with known defects.
"""

import argparse
import importlib.util
import os
import re
import subprocess
import sys


def _load_check_symbols():
    """parse_map and parse_nm, shared with check-symbols.py."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'check-symbols.py')
    spec = importlib.util.spec_from_file_location('check_symbols', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_symbols = _load_check_symbols()

FUNCTION_RE = re.compile(r'\b(promote_\w+)\s*\(')
ROW_RE = re.compile(r'^\|\s*`(?P<decl>[^`|]*)`\s*\|', re.M)
HEADING_RE = re.compile(r'^#{2,6}\s.*$', re.M)


def reference_section(text):
    """The text of the '## Reference' section (up to the next '## ' heading)."""
    m = re.search(r'^## Reference\s*$', text, re.M)
    if not m:
        return ''
    end = re.search(r'^## ', text[m.end():], re.M)
    return text[m.end():m.end() + end.start()] if end else text[m.end():]


def parse_doc(text):
    """Returns ({name: 'line N'} of the entries, {name: 'line N'} of every mention)."""
    def line_of(pos):
        return 'line %d' % (text.count('\n', 0, pos) + 1)

    entries = {}
    ref = reference_section(text)
    offset = text.find(ref) if ref else 0
    for row in ROW_RE.finditer(ref):
        m = FUNCTION_RE.search(row.group('decl'))
        if m:
            entries.setdefault(m.group(1), line_of(offset + row.start()))
    for heading in HEADING_RE.finditer(text):
        for name in re.findall(r'\bpromote_\w+', heading.group(0)):
            entries.setdefault(name, line_of(heading.start()))
    mentioned = {}
    for m in FUNCTION_RE.finditer(text):
        mentioned.setdefault(m.group(1), line_of(m.start()))
    return entries, mentioned


VERSION_DEFINE_RE = re.compile(r'^#define\s+PROMOTE_(\w+)_VERSION\s+(\d+)\s*$', re.M)
VERSION_CLAIM_RE = re.compile(r'`(promote_\w+)`\s*\(version\s+(\d+)')


def header_versions(files):
    """files: {path: text} of the public headers -> {struct name: version}."""
    versions = {}
    for text in files.values():
        for m in VERSION_DEFINE_RE.finditer(text):
            versions['promote_' + m.group(1).lower()] = int(m.group(2))
    return versions


def version_claims(text):
    """[(struct name, version, line)] for every "`promote_x` (version N" of a page."""
    return [(m.group(1), int(m.group(2)), text.count('\n', 0, m.start()) + 1)
            for m in VERSION_CLAIM_RE.finditer(text)]


def compare_versions(versions, pages):
    """pages: [(name, text, required)]. Returns report lines."""
    report = []
    for page, text, required in pages:
        claims = version_claims(text)
        for struct, version, line in claims:
            if struct in versions and version != versions[struct]:
                report.append('%s:%d says %s is version %d; the headers define %s %d'
                              % (page, line, struct, version, 'PROMOTE_%s_VERSION' % struct[8:].upper(),
                                 versions[struct]))
        if required:
            said = {struct for struct, _, _ in claims}
            for struct in sorted(set(versions) - said):
                report.append('%s does not give the version of %s: write "`%s` (version %d, ..." where it is '
                              'described' % (page, struct, struct, versions[struct]))
    return report


def compare(exported, mapped, entries, mentioned, doc_name='doc/API.md'):
    """Returns a list of report lines; empty means the reference is complete and true."""
    report = []
    for name in sorted(set(exported) | set(mapped)):
        if name in entries:
            continue
        where = ' and '.join(w for w, s in (('exported by the library', exported),
                                            ('listed in the map', mapped)) if name in s)
        report.append('%s is %s but has no entry in %s: add a row `| \\`TYPE %s(ARGS)\\` | what it does |` '
                      'to the table of its header in "## Reference"' % (name, where, doc_name, name))
    for name, where in sorted(entries.items()):
        if name not in mapped:
            report.append('%s:%s documents %s, which is not in lib/libpromote.map (a stale entry, or a function '
                          'that was never exported)' % (doc_name, where[5:], name))
    for name, where in sorted(mentioned.items()):
        if name not in mapped and name not in entries:
            report.append('%s:%s calls %s(, which is not in lib/libpromote.map (examples may not use the '
                          'promote_ prefix for their own functions)' % (doc_name, where[5:], name))
    return report


def run(args):
    proc = subprocess.run([args.nm, '-D', '--defined-only', args.library],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    if proc.returncode != 0:
        print('check-documented: %s failed: %s' % (args.nm, proc.stderr.strip()), file=sys.stderr)
        return 1
    exported, absolute = check_symbols.parse_nm(proc.stdout)
    exported = {name: v for name, v in exported.items() if name not in absolute}
    with open(args.map, encoding='utf-8') as f:
        mapped, _, _ = check_symbols.parse_map(f.read())
    with open(args.doc, encoding='utf-8') as f:
        doc = f.read()
    entries, mentioned = parse_doc(doc)
    report = compare(exported, mapped, entries, mentioned, args.doc)
    versions = header_versions(check_symbols.read_headers(args.include))
    pages = [(args.doc, doc, True)]
    for path in args.also:
        with open(path, encoding='utf-8') as f:
            pages.append((path, f.read(), False))
    report += compare_versions(versions, pages)
    print('library: %d exported, map: %d names, %s: %d reference entries, %d functions mentioned'
          % (len(exported), len(mapped), args.doc, len(entries), len(mentioned)))
    if report:
        print('FAIL: %s and the exported symbols disagree' % args.doc)
        print('\n'.join('  ' + line for line in report))
        return 1
    print('OK: every exported function has its entry, every function documented exists, and the struct '
          'versions are the headers\' (%s)' % ', '.join('%s %d' % kv for kv in sorted(versions.items())))
    return 0


def self_test():
    doc = '''# API

An example calls `promote_ok()` and its own `promote_mine(x)`.

## Reference

### promote/a.h

| function | |
|---|---|
| `int promote_ok(void)` | Fine. |
| `const promote_thing *promote_at(const promote_context *ctx, size_t i)` | Fine. |
| `int promote_gone(void)` | Stale. |

#### promote_by_heading

## From Python

| `int promote_outside(void)` | Not in the reference. |
'''
    map_text = 'PROMOTE_0.1 {\nglobal:\n\tpromote_ok;\n\tpromote_at;\n\tpromote_by_heading;\n' \
               '\tpromote_undocumented;\n\tpromote_outside;\nlocal:\n\t*;\n};\n'
    nm_text = '0000000000000000 A PROMOTE_0.1\n' + ''.join(
        '0000000000001000 T %s@@PROMOTE_0.1\n' % n
        for n in ('promote_ok', 'promote_at', 'promote_by_heading', 'promote_undocumented', 'promote_outside',
                  'promote_only_in_lib'))
    entries, mentioned = parse_doc(doc)
    mapped, _, _ = check_symbols.parse_map(map_text)
    exported, _ = check_symbols.parse_nm(nm_text)
    failures = []

    def expect(cond, what):
        if not cond:
            failures.append(what)

    expect(set(entries) == {'promote_ok', 'promote_at', 'promote_gone', 'promote_by_heading'},
           'entries: %s' % sorted(entries))
    expect('promote_thing' not in entries and 'promote_context' not in entries, 'a type taken for a function')
    report = '\n'.join(compare(exported, mapped, entries, mentioned))
    for needle in ('promote_undocumented is exported by the library and listed in the map but has no entry',
                   'promote_only_in_lib is exported by the library but has no entry',
                   'promote_outside is exported by the library and listed in the map but has no entry',
                   'doc/API.md:13 documents promote_gone, which is not in lib/libpromote.map',
                   'doc/API.md:3 calls promote_mine(, which is not in lib/libpromote.map'):
        expect(needle in report, 'report lacks %r' % needle)
    for name in ('promote_ok ', 'promote_at ', 'promote_by_heading '):
        expect(name not in report, '%s reported' % name.strip())
    clean = compare({'promote_ok': 'PROMOTE_0.1'}, {'promote_ok': 'PROMOTE_0.1'}, {'promote_ok': 'line 1'},
                    {'promote_ok': 'line 1'})
    expect(clean == [], 'clean input reported: %s' % clean)

    versions = header_versions({'a.h': '#define PROMOTE_THING_OPTIONS_VERSION 3\n#define PROMOTE_OTHER_VERSION 1\n'
                                       '#define PROMOTE_VERSION "0.1.0"\n'})
    expect(versions == {'promote_thing_options': 3, 'promote_other': 1}, 'versions: %s' % versions)
    vreport = '\n'.join(compare_versions(versions, [
        ('api.md', 'x\n`promote_thing_options` (version 2, `PROMOTE_THING_OPTIONS_INIT`)\n', True),
        ('arch.md', '`promote_other` (version 2: more)\n`promote_thing_options` (version 3)\n', False)]))
    report += '\n' + vreport
    for needle in ('api.md:2 says promote_thing_options is version 2; the headers define '
                   'PROMOTE_THING_OPTIONS_VERSION 3',
                   'api.md does not give the version of promote_other',
                   'arch.md:1 says promote_other is version 2; the headers define PROMOTE_OTHER_VERSION 1'):
        expect(needle in vreport, 'report lacks %r' % needle)
    expect('arch.md does not give' not in vreport and 'arch.md:2' not in vreport, 'an optional page required')
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
    ap.add_argument('--doc')
    ap.add_argument('--include', action='append', default=[], help='public header tree (repeatable)')
    ap.add_argument('--also', action='append', default=[], help='another page whose version claims must be true')
    args = ap.parse_args()
    if args.self_test:
        return self_test()
    if not (args.library and args.map and args.doc and args.include):
        ap.error('--library, --map, --doc and --include are required')
    return run(args)


if __name__ == '__main__':
    sys.exit(main())
