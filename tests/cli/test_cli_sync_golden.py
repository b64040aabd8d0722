"""`promote sync` on jx-updatebot's own sync case (tests/data/jx-updatebot/pkg/cmd/sync/test_data/update-only,
provenance in tests/data/SOURCES.md), configured with doc/CONFIG.md's helmfile layout: the target's
helmfile after the sync is the case's expected file byte for byte (a surgical edit: one line), and
without --update-only the release the target lacks is added (compared parsed, as jx-updatebot's own
harness compares helmfiles)."""

import yaml

from conftest import git, promote
from test_cli_layouts import UPDATEBOT, layout_config
from gitserver import create_bare_repo

CASE = UPDATEBOT / "sync" / "test_data" / "update-only"
SOURCE = "helmfiles/jx-staging/helmfile.yaml"
TARGET = "helmfiles/jx-production/helmfile.yaml"


def repository(tmp_path):
    return create_bare_repo(tmp_path, "jx", {
        "promote.yaml": layout_config("A helmfile release"),
        SOURCE: (CASE / "source" / SOURCE).read_bytes(),
        TARGET: (CASE / "target" / TARGET).read_bytes()})


def test_update_only_gives_the_expected_helmfile_byte_for_byte(tmp_path):
    bare = repository(tmp_path)
    r = promote("--repo", bare, "sync", "--from", "staging", "--to", "production", "--update-only")
    assert r.code == 0, r
    assert r.out.startswith("update myapp 0.0.1 -> 0.0.3\ncommitted ")
    assert git(bare, "show", "main:" + TARGET).encode() == (CASE / "expected" / TARGET).read_bytes()


def test_a_release_the_target_lacks_is_added(tmp_path):
    bare = repository(tmp_path)
    r = promote("--repo", bare, "sync", "--from", "staging", "--to", "production")
    assert r.code == 0, r
    assert "add another 0.0.4\n" in r.out and "update myapp 0.0.1 -> 0.0.3\n" in r.out
    after = yaml.safe_load(git(bare, "show", "main:" + TARGET))
    releases = {rel["name"]: rel for rel in after["releases"]}
    assert releases["myapp"]["version"] == "0.0.3" and releases["another"]["version"] == "0.0.4"
    assert releases["another"]["chart"] == "dev/another"
    assert after["namespace"] == "jx-production"
    # one commit; a second sync changes nothing
    assert git(bare, "rev-list", "--count", "main") == "2\n"
    again = promote("--repo", bare, "sync", "--from", "staging", "--to", "production")
    assert again.code == 0 and again.out.endswith("nothing to change\n"), again
