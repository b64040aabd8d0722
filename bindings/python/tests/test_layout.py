"""The ctypes mirrors against what the C compiler and the headers say."""

import ctypes
import keyword
import json
import os
import re
import subprocess

import pytest

import promote
from promote import _native
from conftest import INCLUDE_DIR, STRUCT_LAYOUT


@pytest.fixture(scope="module")
def c_facts():
    if not STRUCT_LAYOUT.exists():
        pytest.skip("%s is not built (meson builds struct_layout and sets PROMOTE_STRUCT_LAYOUT)" % STRUCT_LAYOUT)
    out = subprocess.run([str(STRUCT_LAYOUT)], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


MIRRORS = {
    "promote_error": _native.promote_error,
    "promote_buf": _native.promote_buf,
    "promote_strarray": _native.promote_strarray,
    "promote_context_options": _native.promote_context_options,
    "promote_git_provider": _native.promote_git_provider,
    "promote_deploy_backend": _native.promote_deploy_backend,
    "promote_yaml_options": _native.promote_yaml_options,
    "promote_plan_options": _native.promote_plan_options,
    "promote_release_list_options": _native.promote_release_list_options,
    "promote_release_options": _native.promote_release_options,
    "promote_status_options": _native.promote_status_options,
    "promote_sync_options": _native.promote_sync_options,
    "promote_drift_options": _native.promote_drift_options,
    "promote_scaffold_options": _native.promote_scaffold_options,
    "promote_watcher_options": _native.promote_watcher_options,
    "promote_apply_options": _native.promote_apply_options,
    "promote_env_import_options": _native.promote_env_import_options,
}


def test_every_mirrored_struct_is_checked(c_facts):
    assert set(c_facts["structs"]) == set(MIRRORS)


@pytest.mark.parametrize("name", sorted(MIRRORS))
def test_struct_layout_matches_the_c_compiler(c_facts, name):
    c = c_facts["structs"][name]
    mirror = MIRRORS[name]
    assert ctypes.sizeof(mirror) == c["size"]
    assert ctypes.alignment(mirror) == c["align"]
    # Same members, same order, same offsets and sizes (a C name that is a
    # Python keyword, such as `from`, gets a trailing underscore).
    names = {f[0].rstrip("_") if keyword.iskeyword(f[0].rstrip("_")) else f[0]: f[0] for f in mirror._fields_}
    assert list(names) == list(c["members"])
    for member, facts in c["members"].items():
        descriptor = getattr(mirror, names[member])
        assert (member, descriptor.offset, descriptor.size) == (member, facts["offset"], facts["size"])


def test_pointer_size(c_facts):
    assert ctypes.sizeof(ctypes.c_void_p) == c_facts["pointer_size"]


def test_version_matches_the_c_headers(c_facts):
    v = c_facts["version"]
    assert promote.version() == (v["major"], v["minor"], v["patch"])
    assert promote.version_string() == v["string"]


def test_error_codes_match_the_c_headers(c_facts):
    constants = c_facts["constants"]
    c_codes = {k[len("PROMOTE_"):]: v for k, v in constants.items()
               if re.fullmatch(r"PROMOTE_(OK|ERROR|E[A-Z]+|PASSTHROUGH|ITEROVER)", k)}
    assert {m.name: m.value for m in promote.ErrorCode} == c_codes


def test_error_classes_match_the_c_headers(c_facts):
    c_classes = {k[len("PROMOTE_ERROR_CLASS_"):]: v for k, v in c_facts["constants"].items()
                 if k.startswith("PROMOTE_ERROR_CLASS_")}
    assert {m.name: m.value for m in promote.ErrorClass} == c_classes


def test_log_levels_and_policy_fields_match_the_c_headers(c_facts):
    constants = c_facts["constants"]
    assert {m.name: m.value for m in promote.LogLevel} == {
        k[len("PROMOTE_LOG_"):]: v for k, v in constants.items() if k.startswith("PROMOTE_LOG_")}
    assert {m.name: m.value for m in promote.PolicyField} == {
        k[len("PROMOTE_POLICY_FIELD_"):]: v for k, v in constants.items()
        if k.startswith("PROMOTE_POLICY_FIELD_")}


def test_transfer_enums_match_the_c_headers(c_facts):
    constants = c_facts["constants"]
    kinds = {"CLONE", "FETCH", "PUSH"}
    assert {m.name: m.value for m in promote.TransferKind} == {
        k[len("PROMOTE_TRANSFER_"):]: v for k, v in constants.items()
        if k.startswith("PROMOTE_TRANSFER_") and k[len("PROMOTE_TRANSFER_"):] in kinds}
    assert {m.name: m.value for m in promote.TransferPhase} == {
        k[len("PROMOTE_TRANSFER_"):]: v for k, v in constants.items()
        if k.startswith("PROMOTE_TRANSFER_") and k[len("PROMOTE_TRANSFER_"):] not in kinds}
    lib = _native.lib
    assert [lib.promote_transfer_kind_name(k) for k in promote.TransferKind] == ["clone", "fetch", "push"]
    assert lib.promote_transfer_phase_name(promote.TransferPhase.RESOLVING) == "resolving deltas"
    assert lib.promote_transfer_phase_name(99) == "unknown"
    assert lib.promote_event_kind(None) == 0 and lib.promote_event_url(None) is None


def test_struct_versions_match_the_c_headers(c_facts):
    constants = c_facts["constants"]
    assert _native.CONTEXT_OPTIONS_VERSION == constants["PROMOTE_CONTEXT_OPTIONS_VERSION"]
    assert _native.GIT_PROVIDER_VERSION == constants["PROMOTE_GIT_PROVIDER_VERSION"]
    assert _native.DEPLOY_BACKEND_VERSION == constants["PROMOTE_DEPLOY_BACKEND_VERSION"]
    assert _native.YAML_OPTIONS_VERSION == constants["PROMOTE_YAML_OPTIONS_VERSION"]
    assert _native.PLAN_OPTIONS_VERSION == constants["PROMOTE_PLAN_OPTIONS_VERSION"]
    assert _native.SYNC_OPTIONS_VERSION == constants["PROMOTE_SYNC_OPTIONS_VERSION"]
    assert _native.CREDENTIAL_USERPASS == constants["PROMOTE_CREDENTIAL_USERPASS"]
    assert _native.CREDENTIAL_SSH_KEY == constants["PROMOTE_CREDENTIAL_SSH_KEY"]
    assert _native.APPLY_OPTIONS_VERSION == constants["PROMOTE_APPLY_OPTIONS_VERSION"]
    assert _native.ENV_IMPORT_OPTIONS_VERSION == constants["PROMOTE_ENV_IMPORT_OPTIONS_VERSION"]
    assert _native.RELEASE_LIST_OPTIONS_VERSION == constants["PROMOTE_RELEASE_LIST_OPTIONS_VERSION"]
    assert _native.RELEASE_OPTIONS_VERSION == constants["PROMOTE_RELEASE_OPTIONS_VERSION"]


def test_promotion_enums_match_the_c_headers(c_facts):
    constants = c_facts["constants"]
    for enum_type, prefix in [(promote.ApplyOutcome, "PROMOTE_APPLY_"), (promote.ChangeState, "PROMOTE_CHANGE_"),
                              (promote.ChecksState, "PROMOTE_CHECKS_")]:
        assert {m.name: m.value for m in enum_type} == {
            k[len(prefix):]: v for k, v in constants.items()
            if k.startswith(prefix) and not k.endswith("_VERSION")}, enum_type


def test_yaml_flags_match_the_c_headers(c_facts):
    constants = c_facts["constants"]
    assert (_native.YAML_CREATE, _native.YAML_TYPED, _native.YAML_EDIT_ANCHORS) == (
        constants["PROMOTE_YAML_CREATE"], constants["PROMOTE_YAML_TYPED"], constants["PROMOTE_YAML_EDIT_ANCHORS"])


def test_enum_spellings_come_from_the_library(c_facts):
    constants = c_facts["constants"]
    lib = _native.lib
    assert lib.promote_environment_kind_name(constants["PROMOTE_ENV_PRODUCTION"]) == "production"
    assert lib.promote_environment_kind_name(constants["PROMOTE_ENV_NON_PRODUCTION"]) == "non-production"
    assert lib.promote_strategy_name(constants["PROMOTE_STRATEGY_NEVER"]) == "never"
    assert lib.promote_deploy_mode_name(constants["PROMOTE_DEPLOY_MANUAL"]) == "manual"
    assert lib.promote_action_name(constants["PROMOTE_ACTION_PULL_REQUEST"]) == "pull-request"
    assert lib.promote_action_name(constants["PROMOTE_ACTION_UNSET"]) == "unset"
    assert lib.promote_strategy_name(99) == "unknown"


def test_change_and_apply_names_come_from_the_library():
    lib = _native.lib
    for outcome in promote.ApplyOutcome:
        assert lib.promote_apply_outcome_name(outcome) == outcome.name.lower()
    for state in promote.ChangeState:
        assert lib.promote_change_state_name(state) == state.name.lower()
    for checks in promote.ChecksState:
        assert lib.promote_checks_state_name(checks) == checks.name.lower()
    for name in (lib.promote_apply_outcome_name, lib.promote_change_state_name, lib.promote_checks_state_name):
        assert name(-1) == "unknown" and name(99) == "unknown"


# ---- the declaration table against the headers ------------------------------------

def _header_functions():
    """{name: (return type, [parameter declarations])} of every PROMOTE_EXTERN."""
    functions = {}
    headers = sorted(INCLUDE_DIR.glob("promote/**/*.h")) + [INCLUDE_DIR / "promote.h"]
    for header in headers:
        text = re.sub(r"/\*.*?\*/", " ", header.read_text(), flags=re.S)
        for m in re.finditer(r"PROMOTE_EXTERN\(([^)]*)\)\s*(\w+)\s*\(([^;]*?)\)\s*;", text):
            ret, name, params = m.group(1).strip(), m.group(2), " ".join(m.group(3).split())
            args = [] if params in ("", "void") else [p.strip() for p in params.split(",")]
            functions[name] = (ret, args)
    return functions


HEADER_FUNCTIONS = _header_functions()
TABLE = {name: (restype, argtypes, errcheck) for name, restype, argtypes, errcheck in _native.DECLARATIONS}


def test_headers_were_parsed():
    assert len(HEADER_FUNCTIONS) > 100
    assert "promote_policy_resolve" in HEADER_FUNCTIONS


def test_every_exported_function_is_declared_once():
    names = [d[0] for d in _native.DECLARATIONS]
    assert len(names) == len(set(names))
    assert set(names) == set(HEADER_FUNCTIONS)


# Functions returning `const char *` that are sized bytes rather than a C string
# (a size comes back through an out-parameter and the bytes are read with
# ctypes.string_at): a typed char pointer, never c_char_p, which would stop at
# the first NUL and lose the pointer.
SIZED_BYTES = {"promote_yaml_doc_content"}


def _expected_restype(c_type):
    c_type = c_type.replace("const ", "").strip()
    if c_type == "char *":
        return ctypes.c_char_p
    if c_type.endswith("*"):
        return "pointer"
    return {"void": None, "int": ctypes.c_int, "unsigned int": ctypes.c_uint, "size_t": ctypes.c_size_t,
            "int32_t": ctypes.c_int32, "uint32_t": ctypes.c_uint32, "uint64_t": ctypes.c_uint64,
            "int64_t": ctypes.c_int64}[c_type]


@pytest.mark.parametrize("name", sorted(HEADER_FUNCTIONS))
def test_declaration_matches_the_header(name):
    c_ret, c_args = HEADER_FUNCTIONS[name]
    restype, argtypes, errcheck = TABLE[name]
    func = getattr(_native.lib, name)
    # What the table says is what the function object got.
    assert func.restype is restype
    assert tuple(func.argtypes) == tuple(argtypes)
    assert len(argtypes) == len(c_args)
    expected = _expected_restype(c_ret)
    if name in SIZED_BYTES:
        assert restype is ctypes.POINTER(ctypes.c_char) and errcheck is None, name
        assert any(a.endswith("size_t *size") for a in c_args), name
    elif expected == "pointer":
        # Never the default int for a pointer, and a typed pointer at that.
        assert isinstance(restype, type) and issubclass(restype, ctypes._Pointer), name
    else:
        assert restype is expected, name
    for c_arg, argtype in zip(c_args, argtypes):
        if "*" in c_arg:
            assert argtype is ctypes.c_char_p or issubclass(argtype, (ctypes._Pointer, ctypes.c_void_p)), \
                (name, c_arg)
        else:
            assert argtype in (ctypes.c_int, ctypes.c_uint, ctypes.c_size_t), (name, c_arg)
    if restype is ctypes.c_char_p:
        # Borrowed strings come back as str (promote_strerror's is decoded by its callers).
        assert errcheck is _native._string or name == "promote_strerror"


def _writes_through(param):
    """Whether the function may write through a parameter declaration: a pointer whose pointee is not
    const (`promote_release *r`, `promote_buf *out`, `const promote_env **out`), unlike
    `const promote_release *r` or `const char *name`."""
    kind = re.sub(r"\s*\b\w+$", "", param)  # the declaration without its name
    if not kind.endswith("*"):
        return False
    pointee = kind[:-1].strip()
    return not ((pointee.startswith("const ") and "*" not in pointee) or pointee.endswith("const"))


# The fallible functions, from the headers. errors.h: "every fallible function returns 0 on success or
# one of the negative codes"; doc/API.md ("Return values"): output parameters come first, and accessors
# cannot fail — they read their (const) handle and return the value (counts, states, flags such as
# promote_yaml_doc_changed). So an int function is fallible when it takes no argument (promote_init,
# promote_shutdown) or one it writes through: an output (`**out`, `promote_buf *out`, `int *major`) or
# a handle it changes (setters, approve, poll).
FALLIBLE = {name for name, (ret, args) in HEADER_FUNCTIONS.items()
            if ret == "int" and (not args or any(_writes_through(a) for a in args))}


def _doc_comments():
    """{function: the comment right above the run of declarations holding it (no blank line between)}."""
    docs = {}
    headers = sorted(INCLUDE_DIR.glob("promote/**/*.h")) + [INCLUDE_DIR / "promote.h"]
    for header in headers:
        for block in re.split(r"\n\s*\n", header.read_text()):
            m = re.match(r"\s*/\*(.*?)\*/(.*)", block, flags=re.S)
            for name in re.findall(r"PROMOTE_EXTERN\([^)]*\)\s*(\w+)\s*\(", m.group(2)) if m else ():
                docs[name] = m.group(1)
    return docs


def test_fallible_functions_are_derived_from_the_headers():
    # Every int function whose comment names an error code it returns is among them; an accessor
    # documented as returning a value never is.
    docs = _doc_comments()
    ints = {name for name, (ret, _) in HEADER_FUNCTIONS.items() if ret == "int"}
    naming_codes = {name for name in ints if re.search(r"\bPROMOTE_E[A-Z]+\b", docs.get(name, ""))}
    assert naming_codes and naming_codes <= FALLIBLE, sorted(naming_codes - FALLIBLE)
    for accessor in ("promote_yaml_doc_changed", "promote_change_info_state", "promote_release_step_state",
                     "promote_policy_matches", "promote_event_done", "promote_flow_retries"):
        assert accessor in ints and accessor not in FALLIBLE, accessor
    for fallible in ("promote_init", "promote_version", "promote_env_lookup", "promote_release_to_json",
                     "promote_change_request_set_draft", "promote_release_poll"):
        assert fallible in FALLIBLE, fallible


def test_fallible_functions_raise():
    # Every fallible function (FALLIBLE) has the raising errcheck; value-returning ints do not.
    for name, (restype, _, errcheck) in TABLE.items():
        fallible = restype is ctypes.c_int and name in FALLIBLE
        assert (errcheck is _native._check) == fallible, name


def test_drift_relations_and_comparisons_match_the_c_headers(c_facts):
    constants = c_facts["constants"]
    assert {m.name: m.value for m in [*promote.DriftRelation, *promote.DriftComparison]} == {
        k[len("PROMOTE_DRIFT_"):]: v for k, v in constants.items() if k.startswith("PROMOTE_DRIFT_")}
