"""Screenshot of Label Studio's labeling screen with a pre-annotated dev article, for docs/corrections.md.

usage: .venv/bin/python scripts/label_studio_screenshot.py [OUT.png]   (default docs/img/label-studio-correction.png)
Needs .venv-ls (bash scripts/test.sh makes it), the dev fixtures beside the checkout, and Debian's chromium + chromedriver.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from support.gold_runs import dev_fixtures, write_gold_run  # noqa: E402
from support.label_studio import PASSWORD, USER, drive, label_studio  # noqa: E402

from stance.exchange import read_run_texts, write_label_studio  # noqa: E402

ARTICLE = "blinken-iran-no-agreement"


def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        run = write_gold_run(root, [f for f in dev_fixtures() if f.name == ARTICLE])
        work = root / "ls"
        write_label_studio(read_run_texts(run).items, work)
        (work / "annotations.json").write_text("{}", encoding="utf-8")
        with label_studio(root / "data") as server:
            drive(server, work)
            req = urllib.request.Request(f"{server.url}/api/projects", headers={"Authorization": f"Token {server.token}"})
            project = json.load(urllib.request.urlopen(req))["results"][0]["id"]
            req = urllib.request.Request(f"{server.url}/api/tasks?project={project}", headers={"Authorization": f"Token {server.token}"})
            task = json.load(urllib.request.urlopen(req))["tasks"][0]["id"]
            options = webdriver.ChromeOptions()
            options.binary_location = "/usr/bin/chromium"
            for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000"):
                options.add_argument(flag)
            driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path="/usr/bin/chromedriver"))
            try:
                driver.get(f"{server.url}/user/login/")
                driver.find_element(By.NAME, "email").send_keys(USER)
                driver.find_element(By.NAME, "password").send_keys(PASSWORD + "\n")
                time.sleep(3)
                driver.get(f"{server.url}/projects/{project}/data?task={task}")
                time.sleep(10)  # the labeling app loads its bundle and the task
                spans = driver.find_elements(By.CSS_SELECTOR, ".htx-highlight")
                if spans:  # select one span so the actor and claim lists show
                    driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", spans[0])
                    time.sleep(2)
                out.parent.mkdir(parents=True, exist_ok=True)
                driver.save_screenshot(str(out))
                print(f"{out}: {len(spans)} highlighted spans on the page")
            finally:
                driver.quit()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "img" / "label-studio-correction.png")
