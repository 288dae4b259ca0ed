"""A real headless Chromium for the web page's tests: Debian's chromium and
chromium-driver, driven by Selenium 4. Tests skip, saying why, where either is
missing; nothing is downloaded (the driver's path is given, so Selenium
Manager never runs)."""

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

WAIT = 30.0  # seconds for anything the page does: generous, the machine may be busy


def _found(*names: str) -> str | None:
    for name in names:
        path = shutil.which(name) or (name if os.path.isfile(name) else None)
        if path:
            return path
    return None


def browser_paths() -> tuple[str, str]:
    """(chromium, chromedriver), or the test is skipped with the reason."""
    pytest.importorskip("selenium", reason="selenium is not installed (the test extra)")
    chromium = _found("chromium", "chromium-browser", "/usr/lib/chromium/chromium")
    driver = _found("chromedriver", "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")
    if chromium is None or driver is None:
        pytest.skip("needs Chromium and its driver: apt-get install chromium chromium-driver")
    return chromium, driver


@contextmanager
def chromium(profile: Path):
    """A headless Chromium with its own profile folder; its console is kept
    (``driver.get_log("browser")``)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver_path = browser_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1200,1100", "--no-first-run", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update",
                f"--user-data-dir={profile}", "--lang=en-US"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    driver.set_page_load_timeout(WAIT)
    driver.set_script_timeout(WAIT)
    try:
        yield driver
    finally:
        driver.quit()


def save_screenshot(driver, folder: Path, name: str) -> Path:
    """``folder``/``name`` (a PNG), copied to $ASSISTANT_ARTEFACTS when it is set."""
    path = Path(folder) / name
    assert driver.save_screenshot(str(path)), "no screenshot"
    artefacts = os.environ.get("ASSISTANT_ARTEFACTS")
    if artefacts:
        Path(artefacts).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(artefacts) / name)
    return path
