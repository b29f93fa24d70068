"""A real browser for tests: Debian's headless Chromium through chromium-driver (selenium),
trusting the sandbox's CA through an NSS database in its own HOME, as a desktop trusts a
corporate CA; never --ignore-certificate-errors. Screenshots go to ``artifacts()``."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

REPO_ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def artifacts() -> Path:
    """Where tests leave screenshots for people to look at (kept after the run)."""
    folder = Path(os.environ.get("AZREPOS_TEST_ARTIFACTS") or REPO_ROOT / "test-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def nss_home(root: Path, ca_file: str) -> Path:
    """A HOME whose NSS database (what Chromium on Linux reads) trusts ``ca_file``."""
    home = root / "browser-home"
    nssdb = home / ".pki" / "nssdb"
    nssdb.mkdir(parents=True, exist_ok=True)
    certutil = shutil.which("certutil") or "/usr/bin/certutil"
    subprocess.run([certutil, "-d", f"sql:{nssdb}", "-N", "--empty-password"], check=True,
                   capture_output=True)
    subprocess.run([certutil, "-d", f"sql:{nssdb}", "-A", "-t", "C,,", "-n", "azrepos-sandbox",
                    "-i", ca_file], check=True, capture_output=True)
    return home


@contextmanager
def chromium(home: Path) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=900,700", "--no-first-run", f"--user-data-dir={home}/profile"):
        options.add_argument(flag)
    env = {**os.environ, "HOME": str(home)}
    service = Service(CHROMEDRIVER, env=env, log_output=str(home / "chromedriver.log"))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(check: Callable[[], object], what: str, timeout: float = 60) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def browser_script(folder: Path) -> tuple[Path, Path]:
    """A ``$BROWSER`` that hands the URL over in a file and returns at once (the caller
    answers the loopback redirect only after ``webbrowser.open`` returns); and that file."""
    handed = folder / "browser-url.txt"
    script = folder / "browser.sh"
    script.write_text(f'#!/bin/sh\nprintf "%s" "$1" > "{handed}.tmp" && mv "{handed}.tmp" '
                      f'"{handed}"\n')
    script.chmod(0o755)
    return script, handed
