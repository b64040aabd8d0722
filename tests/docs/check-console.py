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

With --setup SCRIPT (a page whose examples need a repository, doc/DRIFT.md),
SCRIPT is run once by sh in a new folder (PROMOTE_SOURCE_ROOT: the source
tree; git configured for a test author, nothing of the machine's), and every
other command of the page's blocks is then run there by sh, in order (so a
command may change what the next ones see), with the built `promote` first
on PATH and a pseudo-terminal as its standard output and error: its output
must be the lines shown, as a terminal shows them (a pipe after `promote`
shows what a script reads). Then no `promote help` is required.

    check-console.py --promote BUILD/cli/promote --doc doc/CLI.md
    check-console.py --promote BUILD/cli/promote --doc doc/DRIFT.md --setup tests/docs/drift-setup.sh
    check-console.py --self-test
"""

import argparse
import difflib
import fcntl
import os
import pty
import re
import select
import shlex
import struct
import subprocess
import sys
import tempfile
import termios

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


def setup_env(promote, source_root):
    """The environment of a page's setup and commands: no PROMOTE_* of the caller's, git as a test author
    with no configuration of the machine's, the built promote first on PATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith('PROMOTE_') and not k.startswith('GIT_')}
    env.update(PATH=os.path.dirname(promote) + os.pathsep + env.get('PATH', '/usr/bin:/bin'),
               PROMOTE_SOURCE_ROOT=source_root, GIT_CONFIG_NOSYSTEM='1', GIT_CONFIG_GLOBAL=os.devnull,
               GIT_AUTHOR_NAME='Ada Ops', GIT_AUTHOR_EMAIL='ada@example.com', GIT_COMMITTER_NAME='Ada Ops',
               GIT_COMMITTER_EMAIL='ada@example.com', TERM='xterm', LC_ALL='C.UTF-8', TZ='UTC')
    return env


def run_in_terminal(command, cwd, env, columns=200):
    """What `sh -c command` in `cwd` writes on a terminal `columns` wide (standard output and error), its
    line ends as a file has them."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', 50, columns, 0, 0))
    proc = subprocess.Popen(['sh', '-c', command], cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=slave,
                            stderr=slave)
    os.close(slave)
    got = b''
    while True:
        ready, _, _ = select.select([master], [], [], 120)
        if not ready:
            proc.kill()
            got += b'\n(nothing more for 120 s: killed)'
            break
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the command and its children are gone
            break
        if not chunk:
            break
        got += chunk
    os.close(master)
    proc.wait()
    return got.decode('utf-8', 'replace').replace('\r\n', '\n')


def compare(doc_name, text, run_promote, run_command=None):
    """Returns (report lines, number of commands checked). With `run_command` (a page with a setup), every
    command that is not self-contained is run by it, in order."""
    report = []
    checked = 0
    helps = 0
    for line, command, shown in transcripts(text):
        args = self_contained(command)
        if args is None and run_command is None:
            continue
        checked += 1
        helps += args is not None and args[:1] == ['help']
        while shown and not shown[-1].strip():
            shown.pop()
        output = run_promote(args) if args is not None else run_command(command)
        actual = output.rstrip('\n').split('\n') if output.strip('\n') else []
        if actual != shown:
            report.append('%s:%d: `%s` prints something else than the page shows:' % (doc_name, line, command))
            report.extend('  ' + d for d in difflib.unified_diff(shown, actual, 'the page', 'the program',
                                                                  lineterm=''))
    if helps == 0 and run_command is None:
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
    ran_commands = []

    def fake_command(command):
        ran_commands.append(command)
        return {'promote drift': 'in sync\n', 'true': ''}.get(command, 'other\n')
    page = '```console\n$ promote drift\nin sync\n$ true\n$ promote drift dev qa\nin sync\n```\n'
    report, checked = compare('DRIFT.md', page, fake, fake_command)
    if ran_commands != ['promote drift', 'true', 'promote drift dev qa'] or checked != 3:
        failures.append('a page with a setup ran %s (%d checked)' % (ran_commands, checked))
    if len([r for r in report if 'prints something else' in r]) != 1 or 'DRIFT.md:5:' not in report[0]:
        failures.append('a page with a setup was reported as %s' % report)
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
    ap.add_argument('--setup', help='a shell script making what the page\'s commands run on')
    args = ap.parse_args()
    if args.self_test:
        return self_test()
    if not (args.promote and args.doc):
        ap.error('--promote and --doc are required')
    with open(args.doc, encoding='utf-8') as f:
        text = f.read()
    promote = os.path.abspath(args.promote)
    if not args.setup:
        report, checked = compare(args.doc, text, lambda argv: run(promote, argv))
    else:
        source_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        env = setup_env(promote, source_root)
        with tempfile.TemporaryDirectory() as folder:
            made = subprocess.run(['sh', os.path.abspath(args.setup)], cwd=folder, env=env, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                                  timeout=300)
            if made.returncode != 0:
                print('FAIL: %s exited with %d:\n%s' % (args.setup, made.returncode, made.stdout))
                return 1
            report, checked = compare(args.doc, text, lambda argv: run(promote, argv),
                                      lambda command: run_in_terminal(command, folder, env))
    if report:
        print('FAIL:\n' + '\n'.join(report))
        return 1
    print('OK: %d transcripts of %s are what %s prints' % (checked, args.doc, args.promote))
    return 0


if __name__ == '__main__':
    sys.exit(main())
