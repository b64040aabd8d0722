#!/usr/bin/python3
"""The help texts doc/CLI.md shows are what `promote` prints.

Every ```console block of the page is read as a transcript: a line starting
with "$ " is a command, the lines after it (up to the next command or the end
of the block) are its output. The commands that need no configuration and no
repository -- `promote help`, `promote help CMD...`, `promote CMD... --help`
or `-h`, `promote version`, `promote --version` -- are run with the built
program, in an empty folder, with no PROMOTE_* variable set, and their output
(standard output and standard error, as a terminal shows them) must be the
lines shown, byte for byte. There must be at least one `promote help`.

    check-console.py --promote BUILD/cli/promote --doc doc/CLI.md
    check-console.py --self-test
"""

import argparse
import difflib
import os
import re
import shlex
import subprocess
import sys
import tempfile

BLOCK_RE = re.compile(r'^```console\n(.*?)^```', re.M | re.S)
WORD_RE = re.compile(r'^[a-z][a-z-]*$')


def transcripts(text):
    """[(line number, command, [output lines])] of every console block."""
    found = []
    for block in BLOCK_RE.finditer(text):
        first_line = text.count('\n', 0, block.start(1)) + 1
        current = None
        for i, line in enumerate(block.group(1).split('\n')[:-1]):
            if line.startswith('$ '):
                current = (first_line + i, line[2:].strip(), [])
                found.append(current)
            elif current is not None:
                current[2].append(line)
    return found


def self_contained(command):
    """The argv after `promote` when `command` needs no configuration, else None."""
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    if not words or words[0] != 'promote' or any(not (WORD_RE.match(w) or w in ('-h', '--help', '--version'))
                                                 for w in words[1:]):
        return None
    args = words[1:]
    if args in (['version'], ['--version']) or (args[:1] == ['help']):
        return args
    if args and args[-1] in ('--help', '-h') and all(WORD_RE.match(w) for w in args[:-1]):
        return args
    return None


def run(promote, args):
    env = {k: v for k, v in os.environ.items() if not k.startswith('PROMOTE_')}
    with tempfile.TemporaryDirectory() as empty:
        proc = subprocess.run([promote] + args, cwd=empty, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, universal_newlines=True, timeout=60)
    return proc.stdout


def compare(doc_name, text, run_promote):
    """Returns (report lines, number of commands checked)."""
    report = []
    checked = 0
    helps = 0
    for line, command, shown in transcripts(text):
        args = self_contained(command)
        if args is None:
            continue
        checked += 1
        helps += args[:1] == ['help']
        while shown and not shown[-1].strip():
            shown.pop()
        actual = run_promote(args).rstrip('\n').split('\n')
        if actual != shown:
            report.append('%s:%d: `%s` prints something else than the page shows:' % (doc_name, line, command))
            report.extend('  ' + d for d in difflib.unified_diff(shown, actual, 'the page', 'the program',
                                                                  lineterm=''))
    if helps == 0:
        report.append('%s shows no `$ promote help` transcript to check' % doc_name)
    return report, checked


def self_test():
    page = '''# CLI

```console
$ promote help
usage: promote COMMAND
  help    this text

$ promote plan --help
usage: promote plan PRODUCT
$ promote --repo x plan shop --to qa
not run: it needs a repository
$ promote version
promote 9.9.9
```

```sh
$ promote help
not a console block
```
'''
    outputs = {('help',): 'usage: promote COMMAND\n  help    this text\n',
               ('plan', '--help'): 'usage: promote plan PRODUCT --to ENV\n',
               ('version',): 'promote 9.9.9\n'}
    ran = []

    def fake(args):
        ran.append(tuple(args))
        return outputs[tuple(args)]

    failures = []
    report, checked = compare('CLI.md', page, fake)
    text = '\n'.join(report)
    if checked != 3 or sorted(ran) != sorted(outputs):
        failures.append('ran %s (%d checked)' % (ran, checked))
    if 'CLI.md:8: `promote plan --help` prints something else' not in text or \
            '  +usage: promote plan PRODUCT --to ENV' not in text:
        failures.append('the differing help was not reported')
    if 'promote help` prints' in text or 'promote version` prints' in text:
        failures.append('a matching transcript was reported')
    report, _ = compare('CLI.md', '```console\n$ promote version\npromote 9.9.9\n```\n', fake)
    if report != ['CLI.md shows no `$ promote help` transcript to check']:
        failures.append('a page without help passed: %s' % report)
    if self_contained('PROMOTE_X=1 promote help') or self_contained('promote help | head') or \
            self_contained('promote --config x help'):
        failures.append('a command needing more than the program was taken')
    if failures:
        print('self-test FAILED:\n  ' + '\n  '.join(failures) + '\nreport was:\n' + text)
        return 1
    print('self-test OK; the report for the defective page was:\n' + text)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--self-test', action='store_true')
    ap.add_argument('--promote')
    ap.add_argument('--doc')
    args = ap.parse_args()
    if args.self_test:
        return self_test()
    if not (args.promote and args.doc):
        ap.error('--promote and --doc are required')
    with open(args.doc, encoding='utf-8') as f:
        text = f.read()
    promote = os.path.abspath(args.promote)
    report, checked = compare(args.doc, text, lambda argv: run(promote, argv))
    if report:
        print('FAIL:\n' + '\n'.join(report))
        return 1
    print('OK: %d help and version transcripts of %s are what %s prints' % (checked, args.doc, args.promote))
    return 0


if __name__ == '__main__':
    sys.exit(main())
