"""promote.scaffold: a starting configuration from a jx-requirements.yml and from a repository's committed
tree; what is made loads (Context.from_string); errors raise with file:line:column."""

import pathlib
import sys

import pytest

import promote
from conftest import EXAMPLE_CONFIG

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests" / "integration"))
from gitserver import create_bare_repo  # noqa: E402

DATA = pathlib.Path(__file__).resolve().parents[3] / "tests" / "data"


def test_from_jx():
    source = DATA / "jx3-kubernetes" / "jx-requirements.yml"
    text = promote.scaffold.from_jx(source.read_bytes(), name="jx-requirements.yml")
    assert text.startswith("# promote.yaml made from the Jenkins X requirements jx-requirements.yml:\n")
    with promote.Context.from_string(text, name="promote.yaml") as ctx:
        assert [(e.name, e.strategy) for e in ctx.environments] == [("dev", "never"), ("staging", "auto"),
                                                                    ("production", "manual")]
    with pytest.raises(promote.InvalidError) as e:
        promote.scaffold.from_jx("spec:\n  environments:\n  - owner: x\n", name="jx.yml")
    assert (e.value.file, e.value.line, e.value.column) == ("jx.yml", 3, 5)


def test_from_repository(tmp_path):
    example = EXAMPLE_CONFIG.parent
    bare = create_bare_repo(tmp_path, "gitops", {str(p.relative_to(example)): p.read_bytes()
                                                 for p in example.rglob("*") if p.is_file()})
    text = promote.scaffold.from_repository(str(bare))
    with promote.Context.from_string(text, name="promote.yaml") as ctx:
        assert sorted(p.name for p in ctx.products) == ["cart", "shop"]
    with pytest.raises(promote.NotFoundError):
        promote.scaffold.from_repository(str(bare), branch="nowhere")
