"""Context options: the loader's bounds and the log callback."""

import textwrap
import traceback

import pytest

import promote
from promote import LogLevel
from conftest import EXAMPLE_CONFIG, position


def test_max_config_size(write_config):
    text = EXAMPLE_CONFIG.read_text()
    size = len(text.encode())
    with promote.Context.from_string(text, max_config_size=size):
        pass
    with pytest.raises(promote.LimitError) as info:
        promote.Context.from_string(text, name="big.yaml", max_config_size=size - 1)
    assert info.value.code == promote.ErrorCode.ELIMIT
    assert info.value.file == "big.yaml"
    assert str(size) in info.value.message
    path = write_config(text)
    with pytest.raises(promote.LimitError) as info:
        promote.Context.from_file(path, max_config_size=100)
    assert info.value.file == str(path)


def test_max_depth():
    text = EXAMPLE_CONFIG.read_text()
    # The deepest: root → flows → default → steps → prod → policy → post.
    with promote.Context.from_string(text, max_depth=7):
        pass
    # Too deep: the first collection, in document order, beyond the bound.
    for depth, culprit in ((6, "[verify, notify]"), (5, "[image.tag]}"), (4, "[./checks/health.sh"),
                           (3, "{tier: dev}")):
        with pytest.raises(promote.LimitError) as info:
            promote.Context.from_string(text, name="deep.yaml", max_depth=depth)
        e = info.value
        assert (e.file, e.line, e.column) == ("deep.yaml",) + position(text, culprit)
        assert str(depth) in e.message


ALIASES = textwrap.dedent("""\
    version: 1
    a: &a [x, x, x, x, x, x, x, x, x, x]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
    """)


def test_max_alias_nodes():
    # Within the default bound the document parses (and then fails as a configuration).
    with pytest.raises(promote.ConfigError, match="unknown key 'a'"):
        promote.Context.from_string(ALIASES)
    with pytest.raises(promote.LimitError, match="alias"):
        promote.Context.from_string(ALIASES, max_alias_nodes=500)


def test_log_lines_reach_the_callback():
    lines = []
    with promote.Context.from_file(EXAMPLE_CONFIG, log=lambda *line: lines.append(line),
                                   log_level=LogLevel.DEBUG) as ctx:
        assert lines and lines[0][:2] == (LogLevel.DEBUG, "config")
        assert "4 environments" in lines[0][2]
        assert isinstance(lines[0][0], LogLevel)
        del lines[:]
        ctx.resolve_policy("shop", "prod", flow="default")
        assert [(level, domain) for level, domain, _ in lines] == [(LogLevel.DEBUG, "policy")]
        assert "3 matching policies" in lines[0][2]


def test_log_level_filters():
    lines = []
    with promote.Context.from_file(EXAMPLE_CONFIG, log=lambda *line: lines.append(line),
                                   log_level=LogLevel.INFO) as ctx:
        ctx.resolve_policy("shop", "prod")
    assert lines == []


class Boom(Exception):
    pass


def failing_log(level, domain, message):
    raise Boom("from the log callback: " + domain)


def test_an_exception_in_the_log_callback_is_raised_by_the_call_that_logged():
    with pytest.raises(Boom, match="config") as info:
        promote.Context.from_file(EXAMPLE_CONFIG, log=failing_log, log_level=LogLevel.DEBUG)
    # With its own traceback, down to the callback.
    assert "failing_log" in "".join(traceback.format_tb(info.value.__traceback__))

    calls = []

    def log_once_then_fail(level, domain, message):
        calls.append(domain)
        if domain == "policy":
            raise Boom("policy")

    with promote.Context.from_file(EXAMPLE_CONFIG, log=log_once_then_fail, log_level=LogLevel.DEBUG) as ctx:
        with pytest.raises(Boom, match="policy"):
            ctx.resolve_policy("shop", "prod")
        # The context is still usable, and the exception was raised once.
        assert ctx.environment("prod").kind == "production"
        assert calls == ["config", "policy"]
