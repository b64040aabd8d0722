"""Messages speak the words of whoever reads them.

The library's messages go to every front end (the CLI, Python, a daemon), so
they name library things (promote_plan_options.from, PROMOTE_YAML_TYPED) and
never a command-line flag or a `promote` command; the CLI adds its own words.
And no message of the CLI names a command that the CLI does not have.
"""

import re

from conftest import SOURCE_ROOT

# A C string literal (no escaped quotes inside are needed for these checks).
LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]*")
COMMAND = re.compile(r"\bpromote ([a-z][a-z-]*)")
# "promote" in prose, not a command: "promote again", "promote into", "another promote".
PROSE = {"again", "into", "from", "within", "there", "for", "and", "was", "is", "a", "the", "it", "this"}


def literals(folder):
    for path in sorted((SOURCE_ROOT / folder).rglob("*.c")):
        text = path.read_text()
        # Comments are not messages.
        text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
        for number, line in enumerate(text.splitlines(), 1):
            if line.lstrip().startswith("#include"):
                continue
            for literal in LITERAL.findall(line):
                yield "%s:%d" % (path.relative_to(SOURCE_ROOT), number), literal


def cli_commands():
    names = set()
    for path in (SOURCE_ROOT / "cli").glob("*.c"):
        names |= set(re.findall(r'const cli_command cmd_\w+ = \{\s*"([a-z-]+)"', path.read_text()))
    return names


def test_library_messages_name_no_flag_and_no_command():
    found = []
    for where, text in literals("lib"):
        # A literal that is one flag and nothing else is an argument the
        # library passes to a program (git config --get-urlmatch), not a message.
        if FLAG.fullmatch(text):
            continue
        for flag in FLAG.findall(text):
            found.append("%s: flag %s in %r" % (where, flag, text))
        for word in COMMAND.findall(text):
            if word not in PROSE:
                found.append("%s: command 'promote %s' in %r" % (where, word, text))
    assert found == []


def test_cli_messages_name_only_commands_that_exist():
    commands = cli_commands()
    assert {"validate", "plan", "apply", "change"} <= commands
    found = []
    for where, text in literals("cli"):
        for word in COMMAND.findall(text):
            if word not in commands and word not in PROSE:
                found.append("%s: 'promote %s' is no command (%s)" % (where, word, ", ".join(sorted(commands))))
    assert found == []
