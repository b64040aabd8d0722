#!/usr/bin/python3
"""Compare the built libpromote with the committed ABI baseline.

  1. abidw the fresh library (it must carry debug info, else there is nothing
     to compare but symbol names);
  2. sanity-check the suppression file (tests/abi/libpromote.abignore): every
     versioned struct (first member `version`) has an append rule naming its
     last baseline member; private-type rules never match a struct the
     headers define; every opaque handle defined in the library is private;
  3. run `abidiff --no-added-syms --suppressions libpromote.abignore
     libpromote.abi <library>` and fail on any non-zero exit (a bitmask:
     1 error, 2 usage, 4 ABI change, 8 incompatible ABI change);
  4. compare every struct the public headers define, member by member, in
     the baseline and the fresh library: the append-only ones (those with an
     append rule: the versioned option structs and vtables, and promote_error,
     which only the library allocates) must keep every member's name, offset
     and type and may only grow at the end; the others must not change at all. This closes a hole
     in libabigail 2.2, whose has_data_member_inserted_between rule also
     suppresses the change of an existing member's type when nothing moved.

Not registered in sanitizer builds (instrumented code, other debug info).
Regenerate the baseline deliberately with tests/abi/update-baseline.sh.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

PUBLIC_PATH = re.compile(r'(^|/)include/promote/')


class Corpus:
    """The parts of an abixml corpus this script needs."""

    def __init__(self, path):
        self.path = path
        root = ET.parse(path).getroot()
        self.by_id = {}
        self.structs = {}        # name -> class-decl element holding the definition
        self.declared_only = set()
        for el in root.iter():
            tid = el.get('id')
            if tid and tid not in self.by_id:
                self.by_id[tid] = el
            if el.tag == 'class-decl' and el.get('name'):
                if el.get('is-declaration-only') == 'yes':
                    self.declared_only.add(el.get('name'))
                elif el.get('name') not in self.structs:
                    self.structs[el.get('name')] = el
        self.functions = sum(1 for el in root.iter('function-decl'))

    def type_str(self, tid, depth=0):
        """A comparable spelling of a type: typedefs and pointers resolved,
        structs, unions and enums by name (they are compared on their own)."""
        if depth > 20:
            return '...'
        el = self.by_id.get(tid)
        if el is None:
            return tid or '?'
        tag = el.tag
        if tag == 'type-decl':
            return el.get('name')
        if tag == 'typedef-decl':
            return '%s(=%s)' % (el.get('name'), self.type_str(el.get('type-id'), depth + 1))
        if tag == 'pointer-type-def':
            return self.type_str(el.get('type-id'), depth + 1) + '*'
        if tag == 'reference-type-def':
            return self.type_str(el.get('type-id'), depth + 1) + '&'
        if tag == 'qualified-type-def':
            quals = [q for q in ('const', 'volatile', 'restrict') if el.get(q) == 'yes']
            return '%s %s' % (' '.join(quals), self.type_str(el.get('type-id'), depth + 1))
        if tag == 'class-decl':
            if el.get('is-anonymous') == 'yes':
                return 'struct{%s}' % ';'.join('%s@%s:%s' % m for m in self.members_of(el, depth + 1))
            return 'struct ' + el.get('name')
        if tag == 'union-decl':
            return 'union ' + (el.get('name') or '')
        if tag == 'enum-decl':
            return 'enum ' + (el.get('name') or '')
        if tag == 'array-type-def':
            return '%s[%s bits]' % (self.type_str(el.get('type-id'), depth + 1), el.get('size-in-bits'))
        if tag == 'function-type':
            params, ret = [], '?'
            for child in el:
                if child.tag == 'parameter':
                    params.append('...' if child.get('is-variadic') == 'yes'
                                  else self.type_str(child.get('type-id'), depth + 1))
                elif child.tag == 'return':
                    ret = self.type_str(child.get('type-id'), depth + 1)
            return '%s(%s)' % (ret, ', '.join(params))
        return '<%s %s>' % (tag, tid)

    def members_of(self, struct, depth=0):
        out = []
        for dm in struct.findall('data-member'):
            var = dm.find('var-decl')
            out.append((var.get('name'), dm.get('layout-offset-in-bits'),
                        self.type_str(var.get('type-id'), depth)))
        return out

    def public_structs(self):
        return {name: el for name, el in self.structs.items() if PUBLIC_PATH.search(el.get('filepath', ''))}


def parse_suppressions(path):
    """libabigail's ini format, with repeated sections: [(section, {key: value})]."""
    sections = []
    with open(path, encoding='utf-8') as f:
        for raw in f:
            line = raw.split('#', 1)[0].strip()
            if not line:
                continue
            m = re.match(r'^\[(\w+)\]$', line)
            if m:
                sections.append((m.group(1), {}))
                continue
            key, sep, value = line.partition('=')
            if not sep or not sections:
                raise ValueError('%s: cannot parse %r' % (path, raw.rstrip()))
            sections[-1][1][key.strip()] = value.strip()
    return sections


def header_structs(include_dir):
    """(structs the public headers define, opaque handles they only declare)."""
    defined, declared = set(), set()
    for root, _, files in os.walk(include_dir):
        for fn in files:
            if fn.endswith('.h') or fn.endswith('.h.in'):
                with open(os.path.join(root, fn), encoding='utf-8') as f:
                    text = f.read()
                defined |= set(re.findall(r'\bstruct\s+(promote_\w+)\s*\{', text))
                declared |= set(re.findall(r'\btypedef\s+struct\s+(promote_\w+)\s+\1\s*;', text))
    return defined, declared - defined


def is_versioned(corpus, struct):
    members = corpus.members_of(struct)
    return bool(members) and members[0][0] == 'version' and members[0][1] == '0'


def check_suppressions(sections, base, fresh, include_dir):
    problems, append_rules = [], {}
    defined, opaque = header_structs(include_dir)
    private_res = []
    for kind, props in sections:
        label = props.get('label', '(no label)')
        if kind != 'suppress_type':
            problems.append('[%s] %s: only [suppress_type] sections are expected' % (kind, label))
            continue
        if 'has_data_member_inserted_at' in props:
            problems.append('%s: has_data_member_inserted_at also hides insertions in the middle; use '
                            'has_data_member_inserted_between = {offset_after(LAST), end}' % label)
            continue
        if 'has_data_member_inserted_between' in props:
            name = props.get('name')
            m = re.match(r'^\{\s*offset_after\((\w+)\)\s*,\s*end\s*\}$', props['has_data_member_inserted_between'])
            if not name or not m or set(props) - {'label', 'type_kind', 'name', 'has_data_member_inserted_between'}:
                problems.append('%s: an append rule needs exactly name = STRUCT and '
                                'has_data_member_inserted_between = {offset_after(LAST), end}' % label)
                continue
            struct = base.structs.get(name)
            if struct is None or not PUBLIC_PATH.search(struct.get('filepath', '')):
                problems.append('%s: %s is not a public struct in the baseline' % (label, name))
                continue
            last = base.members_of(struct)[-1][0]
            if m.group(1) != last:
                problems.append('%s: offset_after(%s), but the last member of %s in the baseline is %s; '
                                'update the rule to offset_after(%s)' % (label, m.group(1), name, last, last))
            append_rules[name] = m.group(1)
            continue
        if 'name_regexp' in props and set(props) <= {'label', 'type_kind', 'name_regexp'}:
            rx = re.compile(props['name_regexp'])
            hidden = sorted(s for s in defined if rx.search(s))
            if hidden:
                problems.append('%s: name_regexp %s would hide public struct(s) %s'
                                % (label, props['name_regexp'], ', '.join(hidden)))
            private_res.append(rx)
            continue
        problems.append('%s: unexpected suppression %s; only append rules for versioned structs and '
                        'name_regexp rules for private types belong here' % (label, props))
    for name, struct in sorted(base.public_structs().items()):
        if is_versioned(base, struct) and name not in append_rules:
            problems.append('versioned struct %s has no append rule; add\n'
                            '    [suppress_type]\n      type_kind = struct\n      name = %s\n'
                            '      has_data_member_inserted_between = {offset_after(%s), end}'
                            % (name, name, base.members_of(struct)[-1][0]))
    # An opaque handle defined inside the library is private: its layout may
    # change freely, so a private-type rule must cover it.
    for name in sorted(opaque):
        if name in fresh.structs and not any(rx.search(name) for rx in private_res):
            problems.append('opaque handle %s is defined in the library (%s) but no name_regexp rule covers '
                            'it; add it to the opaque-handles rule' % (name, fresh.structs[name].get('filepath')))
    return problems, append_rules


def compare_public_structs(base, fresh, append_only):
    """Member-by-member comparison of the structs the headers define; those
    in `append_only` may grow at the end, the others are frozen."""
    problems, notes = [], []
    fresh_public = fresh.public_structs()
    for name, b in sorted(base.public_structs().items()):
        f = fresh_public.get(name)
        if f is None:
            if name in fresh.declared_only or name not in fresh.structs:
                notes.append('%s: no definition in the fresh library\'s debug info (not compared)' % name)
                continue
            f = fresh.structs[name]
        bm, fm = base.members_of(b), fresh.members_of(f)
        versioned = name in append_only
        broken = []
        for i, old in enumerate(bm):
            new = fm[i] if i < len(fm) else None
            if new != old:
                broken.append('member %d was %s at bit %s: %s; now %s'
                              % (i, old[0], old[1], old[2],
                                 'missing' if new is None else '%s at bit %s: %s' % new))
        added = fm[len(bm):]
        bsize, fsize = int(b.get('size-in-bits', 0)), int(f.get('size-in-bits', 0))
        if added and not versioned:
            broken.append('members added to a frozen struct (no append rule): %s'
                          % ', '.join('%s at bit %s' % a[:2] for a in added))
        if fsize < bsize or (fsize != bsize and not versioned):
            broken.append('size changed from %d to %d bits' % (bsize, fsize))
        if broken:
            problems.append('struct %s (%s):\n    %s' % (name, 'append-only' if versioned else 'frozen',
                                                       '\n    '.join(broken)))
        elif added:
            notes.append('struct %s: appended %s (allowed: append-only)'
                         % (name, ', '.join('%s at bit %s' % a[:2] for a in added)))
    return problems, notes


ABIDIFF_BITS = [(1, 'error'), (2, 'usage error'), (4, 'ABI change'), (8, 'incompatible ABI change')]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--abidiff', default='abidiff')
    ap.add_argument('--abidw', default='abidw')
    ap.add_argument('--baseline', required=True)
    ap.add_argument('--suppressions', required=True)
    ap.add_argument('--library', required=True)
    ap.add_argument('--include', required=True, help='include/ of the source tree')
    args = ap.parse_args()

    failures = []
    with tempfile.TemporaryDirectory(prefix='promote-abi-') as tmp:
        fresh_xml = os.path.join(tmp, 'fresh.abi')
        proc = subprocess.run([args.abidw, '--no-corpus-path', '--no-comp-dir-path',
                               '--out-file', fresh_xml, args.library],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
        if proc.returncode != 0:
            print('FAIL: abidw %s exited %d\n%s' % (args.library, proc.returncode, proc.stdout))
            return 1
        base = Corpus(args.baseline)
        fresh = Corpus(fresh_xml)
        if fresh.functions == 0 or not fresh.public_structs():
            print('FAIL: %s has no usable debug info (%d functions, %d public structs in abidw output); '
                  'build with debug info (buildtype debugoptimized or debug)'
                  % (args.library, fresh.functions, len(fresh.public_structs())))
            return 1

        print('== suppressions: %s' % args.suppressions)
        try:
            sections = parse_suppressions(args.suppressions)
        except ValueError as e:
            print('FAIL: %s' % e)
            return 1
        sproblems, rules = check_suppressions(sections, base, fresh, args.include)
        for p in sproblems:
            print('  ' + p)
        if sproblems:
            failures.append('suppression file')
        else:
            print('  ok: append rules for %s' % ', '.join('%s (after %s)' % r for r in sorted(rules.items())))

        cmd = [args.abidiff, '--no-added-syms', '--suppressions', args.suppressions, args.baseline, args.library]
        print('== %s' % ' '.join(cmd))
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
        print(proc.stdout.rstrip() or '  (no output)')
        if proc.returncode != 0:
            bits = [text for bit, text in ABIDIFF_BITS if proc.returncode & bit]
            print('  abidiff exit %d: %s' % (proc.returncode, ', '.join(bits) or 'unknown'))
            failures.append('abidiff (exit %d: %s)' % (proc.returncode, ', '.join(bits)))
        else:
            print('  ok: abidiff exit 0')

        print('== public structs, member by member')
        problems, notes = compare_public_structs(base, fresh, set(rules))
        for n in notes:
            print('  note: ' + n)
        for p in problems:
            print('  ' + p)
        if problems:
            failures.append('public struct layout')
        else:
            print('  ok: %d public structs keep their layout' % len(base.public_structs()))

    if failures:
        print('FAIL: the ABI differs from %s: %s' % (args.baseline, '; '.join(failures)))
        print('An ABI break is never allowed (doc/ABI.md). If this change is a deliberate, allowed one '
              '(only additions), regenerate the baseline with tests/abi/update-baseline.sh.')
        return 1
    print('OK: the library keeps the ABI of %s' % args.baseline)
    return 0


if __name__ == '__main__':
    sys.exit(main())
