"""Errors: the exception chosen by code, and the whole chain of problems."""

import textwrap

import pytest

import promote
from promote import ErrorClass, ErrorCode, PromoteError
from promote import _native
from conftest import position

SEVERAL_PROBLEMS = textwrap.dedent("""\
    version: 1
    environments:
      dev: {path: envs/dev, strategy: sometimes}
      prod:
        path: /abs/prod
        kind: prodution
        colour: blue
    flows:
      default:
        trigger: dve
        steps:
          prod: {dependsOn: [stagin]}
    """)

# The token each problem is about, in the order of the file.
PROBLEM_TOKENS = ["sometimes", "/abs/prod", "prodution", "colour", "dve", "stagin"]


def test_every_problem_is_reported_at_once_with_its_location():
    with pytest.raises(promote.ConfigError) as info:
        promote.Context.from_string(SEVERAL_PROBLEMS, name="several.yaml")
    e = info.value
    assert isinstance(e, promote.InvalidError) and isinstance(e, ValueError)
    assert len(e.errors) == len(PROBLEM_TOKENS)
    for record, token in zip(e.errors, PROBLEM_TOKENS):
        line, column = position(SEVERAL_PROBLEMS, token)
        assert (record.file, record.line, record.column) == ("several.yaml", line, column), token
        assert record.code == ErrorCode.EINVALID
        assert record.klass == ErrorClass.CONFIG
        assert record.message.startswith("several.yaml:%d:%d: " % (line, column))
        assert token.lstrip("/") in record.message
    # The exception itself is the first problem ...
    first = e.errors[0]
    assert (e.code, e.klass, e.message, e.file, e.line, e.column) == (
        first.code, first.klass, first.message, first.file, first.line, first.column)
    # ... and its text lists them all.
    assert str(e).splitlines() == [r.message for r in e.errors]


def test_suggestions_in_the_chain():
    with pytest.raises(promote.ConfigError) as info:
        promote.Context.from_string(SEVERAL_PROBLEMS)
    messages = [r.message for r in info.value.errors]
    assert "did you mean 'production'?" in messages[2]
    assert "did you mean 'dev'?" in messages[4]


def test_the_records_are_copies():
    with pytest.raises(promote.ConfigError) as info:
        promote.Context.from_string(SEVERAL_PROBLEMS)
    before = list(info.value.errors)
    # The next failure replaces the thread's C error chain ...
    with pytest.raises(promote.NotFoundError):
        promote.Context.from_file("/nonexistent/promote.yaml")
    # ... and the first exception still has all of its own.
    assert info.value.errors == before
    assert all(isinstance(r, promote.ErrorDetail) and isinstance(r, tuple) for r in before)


def test_yaml_syntax_error():
    text = "version: 1\nenvironments:\n  dev: {path: envs/dev\n"
    with pytest.raises(promote.ConfigError) as info:
        promote.Context.from_string(text, name="broken.yaml")
    e = info.value
    assert e.klass == ErrorClass.YAML
    assert e.file == "broken.yaml"
    assert e.line >= 3 and e.column >= 1
    assert "YAML" in e.message


def test_file_errors(tmp_path):
    missing = tmp_path / "missing.yaml"
    with pytest.raises(promote.NotFoundError) as info:
        promote.Context.from_file(missing)
    e = info.value
    assert (e.file, e.line, e.column, e.klass) == (str(missing), None, None, ErrorClass.OS)
    with pytest.raises(promote.InputOutputError) as info:
        promote.Context.from_file(tmp_path)          # a folder
    assert isinstance(info.value, OSError)
    assert info.value.code == ErrorCode.EIO


def test_empty_configuration():
    with pytest.raises(promote.ConfigError, match="empty"):
        promote.Context.from_string("")


def test_exception_class_by_code():
    expected = {
        ErrorCode.ERROR: PromoteError,
        ErrorCode.ENOMEM: promote.OutOfMemoryError,
        ErrorCode.ENOTFOUND: promote.NotFoundError,
        ErrorCode.EEXISTS: promote.ExistsError,
        ErrorCode.EINVALID: promote.InvalidError,
        ErrorCode.ELIMIT: promote.LimitError,
        ErrorCode.EVERSION: promote.VersionError,
        ErrorCode.EUSER: promote.CallbackError,
        ErrorCode.EIO: promote.InputOutputError,
        ErrorCode.EGIT: promote.GitError,
        ErrorCode.ENET: promote.NetworkError,
        ErrorCode.EAUTH: promote.AuthError,
        ErrorCode.ECONFLICT: promote.ConflictError,
        ErrorCode.EBUSY: promote.BusyError,
        ErrorCode.ETIMEOUT: promote.TimedOutError,
        ErrorCode.ENOTSUPPORTED: promote.NotSupportedError,
        ErrorCode.ESTATE: promote.StateError,
    }
    for code, cls in expected.items():
        assert PromoteError.class_for(code) is cls, code
        assert issubclass(cls, PromoteError)
    assert PromoteError.class_for(ErrorCode.EINVALID, ErrorClass.CONFIG) is promote.ConfigError
    assert PromoteError.class_for(ErrorCode.EINVALID, ErrorClass.YAML) is promote.ConfigError
    assert PromoteError.class_for(ErrorCode.EINVALID, ErrorClass.INVALID) is promote.InvalidError
    assert PromoteError.class_for(-99) is PromoteError   # a code from a newer library


def test_api_misuse_is_an_invalid_error_not_a_config_error():
    # A NULL handle through the raw layer: the library's own argument check.
    with pytest.raises(promote.InvalidError) as info:
        _native.lib.promote_env_lookup(None, None, b"dev")
    assert not isinstance(info.value, promote.ConfigError)
    assert info.value.klass == ErrorClass.INVALID
    assert "promote_env_lookup" in info.value.message


def test_error_last_and_clear():
    with pytest.raises(promote.NotFoundError):
        promote.Context.from_file("/nonexistent/promote.yaml")
    last = _native.lib.promote_error_last().contents
    assert last.code == ErrorCode.ENOTFOUND
    _native.lib.promote_error_clear()
    last = _native.lib.promote_error_last().contents
    assert (last.code, last.message, bool(last.next)) == (ErrorCode.OK, b"no error", False)


def test_strerror():
    assert promote.strerror(ErrorCode.ENOTFOUND) == "not found"
    assert promote.strerror(ErrorCode.ELIMIT) == "input exceeds a limit"
    assert promote.strerror(12345) == "unknown error code"


def test_version_error_from_options_init():
    opts = _native.promote_context_options()
    with pytest.raises(promote.VersionError) as info:
        _native.lib.promote_context_options_init(opts, _native.CONTEXT_OPTIONS_VERSION + 1)
    assert info.value.code == ErrorCode.EVERSION
    _native.lib.promote_context_options_init(opts, _native.CONTEXT_OPTIONS_VERSION)
    assert opts.version == _native.CONTEXT_OPTIONS_VERSION
    assert opts.log_level == promote.LogLevel.INFO


def test_options_newer_than_the_library_are_refused():
    opts = _native.promote_context_options()
    _native.lib.promote_context_options_init(opts, _native.CONTEXT_OPTIONS_VERSION)
    opts.version = 99
    out = _native.ctx_p()
    data = b"version: 1\n"
    with pytest.raises(promote.VersionError, match="99"):
        _native.lib.promote_context_open_buffer(out, data, len(data), None, opts)
    assert not out
