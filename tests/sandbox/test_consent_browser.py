"""The consent page in a real headless browser: Debian's chromium, driven by selenium
through Debian's chromedriver (the same package version, so they always match).

Never skipped: without the browser this test fails and names the command that installs
it (`make setup` does, as root). A 360 px wide phone screen is emulated (mobile, so the
page's viewport meta tag is honoured); a screenshot of it goes to reports/.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from eko_digilocker.spec import operation, resolve
from eko_digilocker_sandbox.consent import DOCUMENT_NAMES
from tests.sandbox.helpers import Api

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
INSTALL = "apt-get update && apt-get install -y chromium chromium-driver"
PHONE_WIDTH = 360
SCREENSHOT = Path(__file__).resolve().parents[2] / "reports" / "consent-360.png"
ALL_DOCUMENTS = ["AADHAAR", "PAN", "DRIVING_LICENSE"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if missing:
        pytest.fail(
            f"the consent-page browser test needs {' and '.join(missing)}: run `make setup` "
            f"as root, or install them yourself: {INSTALL}"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="eko-consent-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    if os.geteuid() == 0:
        options.add_argument("--no-sandbox")  # chromium refuses to run as root otherwise
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": PHONE_WIDTH, "height": 740, "deviceScaleFactor": 1, "mobile": True},
        )
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _wait_for_url(driver: Any, prefix: str) -> str:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 10).until(lambda d: d.current_url.startswith(prefix))
    url: str = driver.current_url
    return url


def _click(driver: Any, decision: str) -> None:
    from selenium.webdriver.common.by import By

    button = driver.find_element(By.CSS_SELECTOR, f'button[value="{decision}"]')
    rect = button.rect
    assert rect["x"] >= 0
    assert rect["x"] + rect["width"] <= PHONE_WIDTH, rect  # reachable without scrolling sideways
    button.click()


def test_document_names_cover_the_spec_enum_exactly() -> None:
    body = operation("createDigilockerUrl").body
    assert body is not None
    requested = resolve(resolve(body.schema)["properties"]["document_requested"])
    items = resolve(requested["items"])
    assert set(DOCUMENT_NAMES) == set(items["enum"])


def test_approve_one_session_and_deny_another_by_clicking(api: Api, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    callback = f"{api.base_url}/app/kyc/callback"  # on loopback: the test stays offline
    approved = api.new_session(document_requested=ALL_DOCUMENTS, redirect_url=callback)
    denied = api.new_session(redirect_url=callback)

    browser.get(approved["url"])
    width = browser.execute_script("return document.documentElement.clientWidth")
    scroll_width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width == PHONE_WIDTH  # the viewport meta tag: no 980 px desktop layout
    assert scroll_width <= PHONE_WIDTH  # nothing sticks out sideways
    text = browser.find_element(By.TAG_NAME, "body").text
    for name in ("Aadhaar", "PAN", "Driving licence"):
        assert name in text
    assert "DRIVING_LICENSE" not in text
    assert "AADHAAR" not in text
    SCREENSHOT.parent.mkdir(exist_ok=True)
    browser.save_screenshot(str(SCREENSHOT))
    _click(browser, "approve")
    landed = urlsplit(_wait_for_url(browser, callback))
    query = parse_qs(landed.query)
    assert query["reference_id"] == [str(approved["reference_id"])]
    session = api.control("GET", f"sessions/{approved['reference_id']}").json()
    assert session["session_status"] == "AUTHENTICATED"
    assert query["verification_id"] == [session["verification_id"]]

    browser.get(denied["url"])
    assert "Aadhaar" in browser.find_element(By.TAG_NAME, "body").text
    _click(browser, "deny")
    query = parse_qs(urlsplit(_wait_for_url(browser, callback)).query)
    assert query == {"reference_id": [str(denied["reference_id"])], "status": ["CONSENT_DENIED"]}
    session = api.control("GET", f"sessions/{denied['reference_id']}").json()
    assert session["session_status"] == "CONSENT_DENIED"

    browser.get(approved["url"])  # a decided session shows its outcome, no buttons
    assert not browser.find_elements(By.CSS_SELECTOR, "button")
