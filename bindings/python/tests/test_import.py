"""Context.import_environment: a new environment made from another in one commit, on a bare repository
made from the bundled example; results checked with the git command."""

import pathlib
import sys

import pytest

import promote
from conftest import EXAMPLE_CONFIG
from test_repository import git

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests" / "integration"))
from gitserver import create_bare_repo  # noqa: E402


@pytest.fixture
def bare(tmp_path):
    return create_bare_repo(tmp_path, "gitops", EXAMPLE_CONFIG.parent)


def test_import_environment(bare):
    with promote.Context.from_repository(bare) as ctx:
        imported = ctx.import_environment("perf", "staging", only=["apps/cart"], strategy="auto",
                                          labels={"tier": "perf"}, author_name="Py Bot",
                                          author_email="py@example.com")
        assert imported == promote.Imported(promote.ApplyOutcome.COMMITTED, git(bare, "rev-parse", "main").strip())
        assert git(bare, "ls-tree", "-r", "--name-only", "main", "envs/perf").split() == [
            "envs/perf/apps/cart/values.yaml"]
        assert "Py Bot\nImport environment perf from staging\n" in git(bare, "log", "-1", "--format=%an%n%B", "main")
        # Again: found, no second commit.
        again = ctx.import_environment("perf", "staging", only=["apps/cart"], strategy="auto",
                                       labels={"tier": "perf"})
        assert again == promote.Imported(promote.ApplyOutcome.UNCHANGED, imported.commit)
        with pytest.raises(promote.ExistsError, match="environment 'perf' is configured already"):
            ctx.import_environment("perf", "qa")
        with pytest.raises(promote.NotFoundError, match="did you mean 'staging'"):
            ctx.import_environment("perf2", "stagin")
        with pytest.raises(ValueError):
            ctx.import_environment("perf2", "staging", kind="prod")
    with promote.Context.from_repository(bare) as ctx:
        perf = ctx.environment("perf")
        assert (perf.path, perf.strategy, perf.kind) == ("envs/perf", "auto", "non-production")
