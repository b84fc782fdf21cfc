"""The run report in a real browser: headless Debian Chromium driven by selenium.

Clicks an evidence highlight and checks the detail panel, follows a quote from
the claims list to its highlight, hovers, checks that an article containing
``<script>`` runs nothing, and saves screenshots into the test's tmp folder.
Skips (with the reason) where chromium, chromedriver or selenium is missing;
CI installs them (Debian packages ``chromium`` and ``chromium-driver``).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.paths import DEV
from support.report_pages import COUNCIL, NAMES, OPTIONS, SCRIPT_ARTICLE, council_run, degraded, script_run

from stance.report import write_run_report

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path(shutil.which("chromedriver") or "/usr/bin/chromedriver")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--window-size=1400,1000"]

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium not installed (pip install 'stance[test]')")
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()),
    reason=f"needs {CHROMIUM} and {CHROMEDRIVER}: apt-get install -y chromium chromium-driver",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()


def open_report(driver: webdriver.Chrome, run: Path, out: Path) -> None:
    write_run_report(run, out)
    driver.get(out.resolve().as_uri())
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith("stance report")


def mark_for(driver: webdriver.Chrome, quote: str) -> str:
    """The evidence id of a quote, read from the page's own data block."""
    return driver.execute_script(
        "const d = JSON.parse(document.getElementById('stance-data').textContent);"
        "return Object.keys(d.ev).find(k => d.ev[k].quote === arguments[0]);", quote)


def detail_items(driver: webdriver.Chrome) -> list[str]:
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#detail-body .detail-item")]


def test_click_a_highlight_shows_actor_claim_stance_alignment(browser: webdriver.Chrome, tmp_path: Path) -> None:
    run, _ = council_run(tmp_path)
    open_report(browser, run, tmp_path / "report.html")
    assert detail_items(browser) == []

    budget = mark_for(browser, "the budget is empty")
    mark = browser.find_element(By.CSS_SELECTOR, f'mark[data-ev="{budget}"]')
    assert mark.text == "the budget is empty"
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", mark)
    mark.click()
    [item] = detail_items(browser)
    assert "Ada Park" in item and "person" in item
    assert "claim C0002 The city budget is empty." in item  # the run-wide id, as in the stance table
    assert "stance support" in item
    start = COUNCIL.index("the budget is empty")
    assert f"alignment exact (chars {start}\u2013{start + len('the budget is empty')})" in item
    assert "selected" in mark.get_attribute("class").split()
    browser.save_screenshot(str(tmp_path / "click.png"))

    # the overlap of two quotes with opposite stances shows both
    mayor = mark_for(browser, "the bridge will be built by 2026")
    browser.find_element(By.CSS_SELECTOR, f'mark[data-ev~="{mayor}"].multi').click()
    items = detail_items(browser)
    assert len(items) == 2 and "2 overlapping evidence spans" in browser.find_element(By.ID, "detail-body").text
    actors = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#detail-body .detail-actor")]
    assert sorted(actors) == ["Ada Park", "Mayor"]
    assert sorted(i.split()[0] for i in items) == ["oppose", "support"]  # each item opens with its stance badge
    pinned = items

    # hovering another highlight previews it; leaving it goes back to the pinned one
    union = browser.find_element(By.CSS_SELECTOR, f'mark[data-ev="{mark_for(browser, "declined to comment on the bridge")}"]')
    ActionChains(browser).move_to_element(union).perform()
    [hovered] = detail_items(browser)
    assert "The union" in hovered and "stance neutral" in hovered
    ActionChains(browser).move_to_element(browser.find_element(By.TAG_NAME, "h1")).perform()
    assert detail_items(browser) == pinned

    # a quote in the claims list jumps to its highlight
    browser.find_element(By.CSS_SELECTOR, f'button.ev-link[data-ev="{budget}"]').click()
    assert "flash" in mark.get_attribute("class").split() and "selected" in mark.get_attribute("class").split()
    assert "Ada Park" in detail_items(browser)[0]

    # a quote that was never located still shows its detail
    made_up = mark_for(browser, "a quote the model made up")
    assert not browser.find_elements(By.CSS_SELECTOR, f'mark[data-ev="{made_up}"]')
    browser.find_element(By.CSS_SELECTOR, f'.unplaced button.ev-link[data-ev="{made_up}"]').click()
    [item] = detail_items(browser)
    assert "alignment none (not located in the text)" in item and "Mayor" in item

    assert (tmp_path / "click.png").read_bytes()[:4] == b"\x89PNG"


def test_article_with_script_runs_nothing(browser: webdriver.Chrome, tmp_path: Path) -> None:
    open_report(browser, script_run(tmp_path), tmp_path / "report.html")
    assert browser.execute_script("return window.PWNED === undefined")
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018  (reading it raises when no alert is open)
    assert browser.find_element(By.CSS_SELECTOR, ".article-text").text == SCRIPT_ARTICLE
    assert not browser.find_elements(By.CSS_SELECTOR, "main img, main b, main i")
    # clicking the evidence that holds a script tag shows it as text
    quote = "<script>evil()</script>"
    browser.find_element(By.CSS_SELECTOR, f'mark[data-ev="{mark_for(browser, quote)}"]').click()
    [item] = detail_items(browser)
    assert f"\u201c{quote}\u201d" in item and "Bob <i>the</i> spokesman" in item
    assert browser.execute_script("return window.PWNED === undefined")
    browser.save_screenshot(str(tmp_path / "script.png"))


def test_eval_report_click_shows_missed_gold_pair(browser: webdriver.Chrome, tmp_path: Path) -> None:
    from stance.evals import load_fixture, score_results
    from stance.report import write_eval_html

    if not (DEV / f"{NAMES[0]}.gold.json").is_file():
        pytest.skip(f"dev fixtures not found at {DEV}")
    fixture = load_fixture(DEV / f"{NAMES[0]}.gold.json")
    report = score_results([fixture], {fixture.name: degraded(fixture)}, options=OPTIONS)
    out = write_eval_html(report, tmp_path / "eval.html", fixtures_dir=DEV)
    browser.get(out.resolve().as_uri())
    missed = report.fixtures[0].missed[0]
    mark = browser.find_element(By.CSS_SELECTOR, "#fixture-1 mark.out-missed")
    assert mark.text == missed.evidence[0]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", mark)
    mark.click()
    [item] = detail_items(browser)
    assert "pair gold \u00b7 missed" in item and missed.actor in item and missed.claim in item
    # the invented pair is shown as spurious, its actor name as text
    spurious = browser.find_element(By.CSS_SELECTOR, "#fixture-1 mark.out-spurious")
    spurious.click()
    [item] = detail_items(browser)
    assert "pair predicted \u00b7 spurious" in item and "<script>window.PWNED=1</script>Mallory" in item
    assert browser.execute_script("return window.PWNED === undefined")
    browser.save_screenshot(str(tmp_path / "eval.png"))


COVERED_CELLS_JS = """
const covered = [];
for (const cell of document.querySelectorAll('table td, table th')) {
  cell.scrollIntoView({block: 'center', inline: 'center'});
  const r = cell.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) continue;  // inside a closed <details>
  const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  if (top !== cell && !cell.contains(top)) {
    covered.push(cell.textContent.trim().slice(0, 40) + ' under ' + (top ? top.tagName + '#' + top.id : 'nothing'));
  }
}
return covered;
"""


@pytest.mark.parametrize("width", [1280, 1920])
def test_no_table_cell_is_covered(browser: webdriver.Chrome, tmp_path: Path, width: int) -> None:
    """The fixed details panel must not hide stance-table columns (seen at 1,400 px: C27-C30 under it)."""
    from support.report_pages import dev_gold_run

    browser.set_window_size(width, 1000)
    try:
        open_report(browser, dev_gold_run(tmp_path), tmp_path / "report.html")
        cells = browser.execute_script("return document.querySelectorAll('table.heat td').length")
        assert cells >= 30 * 30  # 30 claim columns: wider than the room left of the panel at 1,280 px
        assert browser.execute_script(COVERED_CELLS_JS) == []
        table = browser.find_element(By.CSS_SELECTOR, ".table-scroll")
        browser.execute_script("arguments[0].scrollIntoView({block: 'start'}); arguments[0].scrollLeft = 0;", table)
        table.screenshot(str(tmp_path / f"stance-table-{width}.png"))  # docs/report-stance-table.png is one of these
    finally:
        browser.set_window_size(1400, 1000)
