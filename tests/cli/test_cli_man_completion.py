"""The man page and the shell completions, both made from the option tables:
the man page's source documents every command and option the tables hold,
the bash completion completes, and an install puts a page man renders."""

import os
import pathlib
import re
import shutil
import subprocess

from conftest import CLI, EXAMPLE, SOURCE_ROOT, promote
from test_cli_options import listed_commands

MAN_SOURCE = SOURCE_ROOT / "doc" / "promote.1.scd"
CASE = re.compile(r'^\t"([^"]*)"\) subs="([^"]*)"; opts="([^"]*)" ;;$')


def completion_table():
    """{command path: (subcommands, options)} as `promote completion bash` holds it."""
    result = promote("completion", "bash")
    assert result.code == 0, result
    table = {}
    for line in result.out.splitlines():
        m = CASE.match(line)
        if m:
            table[m.group(1)] = (m.group(2).split(), m.group(3).split())
    return table, result.out


def help_leaves():
    return [" ".join(words) for words in listed_commands()]


def global_options():
    text = promote("help").out
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", text.split("global options", 1)[1]))


def test_the_completion_holds_every_command_help_lists():
    table, _ = completion_table()
    leaves = help_leaves()
    assert len(leaves) > 10
    for leaf in leaves:
        assert leaf in table, leaf
        assert table[leaf][0] == [], leaf
    assert "completion" not in table  # hidden


def test_the_man_page_documents_every_command_and_option():
    text = MAN_SOURCE.read_text()
    table, script = completion_table()
    missing = []
    for path, (subs, opts) in table.items():
        if path and f"*{path}" not in text:
            missing.append(path)
        for opt in opts:
            if opt.startswith("--") and f"*{opt}*" not in text:
                missing.append(f"{path}: {opt}")
    for opt in global_options():
        if f"*{opt}*" not in text:
            missing.append(opt)
    # Every environment variable the program reads.
    for root in ("lib", "cli"):
        for source in (SOURCE_ROOT / root).rglob("*.c"):
            for name in re.findall(r'"(PROMOTE_[A-Z_]+)"', source.read_text()):
                if name.startswith("PROMOTE_YAML_"):
                    continue  # a flag's name in a message, not a variable
                if name.replace("_", "\\_") not in text:
                    missing.append(f"{source.name}: {name}")
    for status in range(5):
        assert re.search(rf"^\*{status}\*$", text, re.M), status
    assert missing == []


def bash_complete(*words):
    """What the bash completion offers for the last of `words` (the command line up to the cursor)."""
    _, script = completion_table()
    line = " ".join(f"'{w}'" for w in words)
    program = script + f"\nCOMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; _promote; printf '%s\\n' \"${{COMPREPLY[@]}}\"\n"
    # The built promote first on PATH: the completion runs it for environment names.
    env = dict(os.environ, PATH=os.path.dirname(CLI) + os.pathsep + os.environ.get("PATH", ""))
    completed = subprocess.run(["bash", "--norc", "--noprofile", "-c", program], capture_output=True, text=True,
                               timeout=30, env=env)
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""
    return completed.stdout.split()


def test_the_bash_completion_is_valid_bash(tmp_path):
    _, script = completion_table()
    path = tmp_path / "promote"
    path.write_text(script)
    completed = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True, timeout=30)
    assert completed.returncode == 0, completed.stderr


def test_the_bash_completion_completes_commands_and_options():
    assert bash_complete("promote", "ap") == ["apply"]
    assert bash_complete("promote", "apply", "--t") == ["--to"]
    assert bash_complete("promote", "ch") == ["change"]
    assert sorted(bash_complete("promote", "change", "")) == ["approve", "close", "comment", "merge", "show"]
    assert bash_complete("promote", "--config", "x.yaml", "change", "ap") == ["approve"]
    assert bash_complete("promote", "yaml", "set", "--ed") == ["--edit-anchors"]
    assert bash_complete("promote", "plan", "shop", "--exit") == ["--exit-code"]
    assert bash_complete("promote", "validate", "--js") == ["--json"]
    assert bash_complete("promote", "--vers") == ["--version"]
    assert bash_complete("promote", "compl") == []  # hidden


def test_the_bash_completion_completes_environment_names():
    config = str(EXAMPLE)
    assert sorted(bash_complete("promote", "--config", config, "plan", "shop", "--to", "")) == \
        ["dev", "prod", "qa", "staging"]
    assert bash_complete("promote", "apply", "shop", "--config", config, "--from", "q") == ["qa"]
    assert bash_complete("promote", "--config", config, "product", "list", "--env", "st") == ["staging"]
    # No configuration found: no names, and nothing on stderr.
    assert bash_complete("promote", "--config", "/nonexistent.yaml", "plan", "shop", "--to", "") == []


def test_the_bash_completion_takes_the_equals_forms():
    config = str(EXAMPLE)
    # --config=FILE names the configuration the environment names come from
    assert bash_complete("promote", "--config=" + config, "plan", "shop", "--to", "q") == ["qa"]
    # bash splits --to=q at the '=' (COMP_WORDBREAKS): --to, =, q
    assert bash_complete("promote", "--config", config, "plan", "shop", "--to", "=", "q") == ["qa"]
    assert sorted(bash_complete("promote", "--config", config, "plan", "shop", "--to", "=")) == \
        ["dev", "prod", "qa", "staging"]
    assert bash_complete("promote", "--config", "=", config, "apply", "shop", "--from", "=", "st") == ["staging"]
    # one word when '=' does not break words
    assert bash_complete("promote", "--config", config, "plan", "shop", "--to=st") == ["--to=staging"]
    assert bash_complete("promote", "plan", "--config=" + config, "shop", "--from=d") == ["--from=dev"]
    # a value given with '=' takes no word after it
    assert bash_complete("promote", "--config=" + config, "plan", "shop", "--to=qa", "--fr") == ["--from"]
    assert bash_complete("promote", "--config=" + config, "ch") == ["change"]
    # a file after --config=
    assert bash_complete("promote", "--config=" + config[:-len("promote.yaml")] + "promote.y") == \
        ["--config=" + config]


def test_completion_of_another_shell_is_a_usage_error():
    result = promote("completion", "fish")
    assert result.code == 2
    assert "pass bash or zsh" in result.err


def test_install_puts_a_man_page_man_renders(tmp_path):
    build = os.environ.get("PROMOTE_BUILD_ROOT")
    assert build, "meson passes the build folder in PROMOTE_BUILD_ROOT"
    meson = shutil.which("meson")
    assert meson
    dest = tmp_path / "dest"
    completed = subprocess.run([meson, "install", "-C", build, "--no-rebuild", "--quiet", "--destdir", str(dest)],
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    pages = list(dest.rglob("share/man/man1/promote.1"))
    assert len(pages) == 1, list(dest.rglob("*"))
    assert list(dest.rglob("share/bash-completion/completions/promote"))
    assert list(dest.rglob("share/zsh/site-functions/_promote"))
    rendered = subprocess.run(["man", "-l", "-P", "cat", str(pages[0])], capture_output=True, text=True,
                              timeout=60, env=dict(os.environ, MANWIDTH="100", MAN_KEEP_FORMATTING="0"))
    assert rendered.returncode == 0, rendered.stderr
    text = re.sub(r".\x08", "", rendered.stdout)
    assert "promote - check a libpromote configuration" in text
    for leaf in help_leaves():
        assert leaf in text, leaf
    for section in ("SYNOPSIS", "GLOBAL OPTIONS", "COMMANDS", "EXIT STATUS", "ENVIRONMENT", "FILES", "SEE ALSO"):
        assert section in text
