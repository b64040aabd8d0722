"""Status from Python: Context.status (rows, cells, the release moving a product and its step) and
Context.status_json, on a bare repository made from the bundled example."""

import pathlib
import sys

import pytest

import promote
from conftest import EXAMPLE_CONFIG

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tests" / "integration"))
from gitserver import create_bare_repo  # noqa: E402


@pytest.fixture
def repo(tmp_path):
    return create_bare_repo(tmp_path, "gitops", EXAMPLE_CONFIG.parent)


def test_versions_and_the_release_moving_a_product(repo):
    with promote.Context.from_repository(repo) as ctx:
        st = ctx.status()
        assert st.environments == ["dev", "qa", "staging", "prod"]
        assert [r.product for r in st.products] == ["cart", "shop"]
        shop = st.row("shop")
        assert {env: c.version for env, c in shop.cells.items()} == \
            {"dev": "1.4.0", "qa": "1.3.2", "staging": "1.3.2", "prod": "1.3.0"}
        assert all(c.present and c.release is None and c.step is None and c.waiting == 0 and c.error is None
                   for c in shop.cells.values())

        release = ctx.run("shop", version="1.5.0")
        assert release.run() is promote.ReleaseState.WAITING
        prod = ctx.status(product="sh*", env="prod").row("shop").cells["prod"]
        assert prod.version == "1.3.0" and prod.waiting == 0
        assert isinstance(prod.release, promote.ReleaseInfo) and prod.release.id == release.id
        assert prod.release.state is promote.ReleaseState.WAITING and prod.release.version == "1.5.0"
        assert prod.step == release.step("prod")
        assert prod.step.state is promote.StepState.AWAITING_APPROVAL
        assert prod.step.reason == "waiting for approval of change promote/%s/prod (0 of 1)" % release.id
        # qa and staging succeeded: they hold the version, no release moves them.
        qa = ctx.status(env="qa").row("shop").cells["qa"]
        assert (qa.version, qa.release) == ("1.5.0", None)

        doc = ctx.status_json(product="shop", env="prod")
        assert doc["environments"] == ["prod"]
        cell = doc["products"][0]["environments"]["prod"]
        assert cell["release"]["id"] == release.id and cell["release"]["step"]["state"] == "awaiting_approval"
        release.close()


def test_holds_and_pins(repo):
    """A hold of prod is in every prod cell and in the list also with no row shown; shop's own hold and a
    rollback's pin in their cells; a release's step the hold stops names its gate."""
    with promote.Context.from_repository(repo) as ctx:
        ctx.hold("prod", "incident 42", by="alice")
        ctx.hold("qa", "shop only", product="shop", by="bob")
        release = ctx.run("shop", version="1.5.0")
        assert release.run() is promote.ReleaseState.WAITING
        st = ctx.status()
        assert [(h.kind, h.environment, h.product, h.by) for h in st.holds] == [
            (promote.HoldKind.HOLD, "prod", None, "alice"), (promote.HoldKind.HOLD, "qa", "shop", "bob")]
        shop, cart = st.row("shop").cells, st.row("cart").cells
        assert shop["prod"].hold == cart["prod"].hold == st.holds[0]
        assert (shop["qa"].hold, cart["qa"].hold, shop["dev"].hold) == (st.holds[1], None, None)
        assert all(c.pin is None for c in shop.values())
        assert shop["qa"].step.gate == "hold" and shop["qa"].step.reason == "held by bob: shop only"
        assert ctx.status(product="nothing*").holds == [st.holds[0]]
        assert ctx.status(env="dev").holds == []
        assert ctx.status_json(env="qa")["holds"][0]["reason"] == "shop only"
        assert ctx.unhold("qa", "shop", by="bob") == 1
        assert release.run() is promote.ReleaseState.WAITING  # prod: held, and manual
        rollback = ctx.rollback("cart", "qa", "1.4.0")
        pin = ctx.status(product="cart").row("cart").cells["qa"].pin
        assert (pin.kind, pin.version, pin.release) == (promote.HoldKind.PIN, "1.4.0", rollback.id)
        release.close()
        rollback.close()


def test_filters_and_errors(repo):
    with promote.Context.from_repository(repo) as ctx:
        assert ctx.status(product="nothing*").products == []
        assert [r.product for r in ctx.status(product="c?rt").products] == ["cart"]
        with pytest.raises(promote.NotFoundError, match="'prd'.*did you mean 'prod'"):
            ctx.status(env="prd")


def test_a_configuration_outside_a_repository_has_no_status(tmp_path):
    config = tmp_path / "alone" / "promote.yaml"
    config.parent.mkdir()
    config.write_text(EXAMPLE_CONFIG.read_text())
    with promote.Context.from_file(config) as ctx:
        with pytest.raises(promote.StateError, match="not in a git repository"):
            ctx.status()
