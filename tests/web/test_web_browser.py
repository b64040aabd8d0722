"""The web view in headless Chromium, as a person sees it: the DOM after loading /, /releases and the
pages of the waiting and the failed release (--dump-dom), and screenshots kept as the run's artefacts
(PROMOTE_WEB_ARTEFACTS, under build/)."""

import html
import re

from conftest import ARTEFACTS, HOSTILE, browser


def dom(site, tmp_path, path):
    return browser(tmp_path, "--dump-dom", site.url + path.lstrip("/"))


def screenshot(site, tmp_path, path, name):
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTEFACTS / name
    if target.exists():
        target.unlink()
    browser(tmp_path, "--screenshot=%s" % target, "--window-size=1280,900", site.url + path.lstrip("/"))
    assert target.stat().st_size > 10000, target
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def cell(page, product, column):
    """The text of the cell of `product` in the `column`-th environment (0: dev) of the status table."""
    row = re.search(r'<th scope="row">%s</th>(.*?)</tr>' % product, page, re.S).group(1)
    cells = re.findall(r'<td class="cell ([a-z-]+)">(.*?)</td>', row, re.S)
    cls, inner = cells[column]
    return cls, html.unescape(re.sub(r"<[^>]+>", " ", inner))


def test_the_status_matrix(site, tmp_path):
    page = dom(site, tmp_path, "/")
    assert "<h1>Status</h1>" in page
    assert re.search(r'<th scope="col">dev</th><th scope="col">qa</th><th scope="col">staging</th>'
                     r'<th scope="col">prod</th>', page)
    cls, text = cell(page, "shop", 3)
    assert cls == "waiting" and "1.3.0" in text and site.waiting in text and "awaiting approval" in text, text
    assert "waiting for approval of change promote/%s/prod" % site.waiting in text
    cls, text = cell(page, "shop", 1)
    assert (cls, text.split()) == ("in-sync", ["1.5.0", "in", "sync"])
    # cart's newest release failed at prod: the cell says so, with the release and its reason.
    cls, text = cell(page, "cart", 3)
    assert cls == "failed" and "1.3.0" in text and site.failed in text, text
    assert "pre-check change-window exited 1" in text
    assert cell(page, "cart", 2)[0] == "in-sync"
    screenshot(site, tmp_path, "/", "status.png")


def test_the_releases_list(site, tmp_path):
    page = dom(site, tmp_path, "/releases")
    rows = re.findall(r'<tr><th scope="row"><a href="/releases/([^"]+)">', page)
    assert rows == [site.waiting, site.failed]  # newest first
    assert '<span class="state state-failed">failed</span>' in page
    assert '<span class="state state-waiting">waiting</span>' in page
    assert '<label for="f-state">State</label>' in page
    screenshot(site, tmp_path, "/releases", "releases.png")


def test_the_page_of_a_release_waiting_for_approval(site, tmp_path):
    page = dom(site, tmp_path, "/releases/" + site.waiting)
    waves = re.findall(r'<li class="wave"><h3 class="wave-title">Wave (\d)</h3>(.*?)</li>', page, re.S)
    assert [(n, re.findall(r'<h4 id="step-\d">(\w+)</h4>', body)) for n, body in waves] == \
        [("1", ["qa", "staging"]), ("2", ["prod"])]
    prod = waves[1][1]
    assert "awaiting approval" in prod
    assert "waiting for approval of change promote/%s/prod (0 of 1)" % site.waiting in prod
    assert "change-window" in prod and "exit status 0" in prod
    assert "promote/%s/prod" % site.waiting in prod
    assert re.search(r"<dt>Commit</dt><dd><code>[0-9a-f]{40}</code>", waves[0][1])
    assert "<dt>Attempts</dt><dd>1</dd>" in prod
    screenshot(site, tmp_path, "/releases/" + site.waiting, "release-waiting.png")


def test_the_page_of_a_failed_release_shows_the_check_and_its_hostile_output_as_text(site, tmp_path):
    page = dom(site, tmp_path, "/releases/" + site.failed)
    assert "<script" not in page  # the DOM has no script: the markup in the check's output stayed text
    assert html.escape(HOSTILE, quote=False) in page
    assert '<span class="state state-failed">exit status 1</span>' in page
    prod = page[page.index('">prod</h4>'):]
    assert '<span class="state state-failed">failed</span>' in prod
    screenshot(site, tmp_path, "/releases/" + site.failed, "release-failed.png")
