"""Headless Chromium for the tests that look at a page as a reader sees it: Debian's
`chromium`, installed by the session when it can (root, apt), never a browser of its own."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess

import pytest


def system_chromium() -> str:
    """The system Chromium's path; the test is skipped, saying what to install, without it.
    (A module's session fixture calls it: a fixture imported into two modules trips ruff.)"""
    found = shutil.which("chromium")
    if not found and os.geteuid() == 0 and shutil.which("apt-get"):
        with contextlib.suppress(subprocess.TimeoutExpired):
            subprocess.run(
                ["apt-get", "install", "-y", "--no-install-recommends", "chromium"],
                capture_output=True,
                timeout=600,
                check=False,
            )
        found = shutil.which("chromium")
    if not found:
        why = "apt-get install chromium failed" if os.geteuid() == 0 else "not root"
        pytest.skip(f"headless Chromium is not installed ({why}): `apt-get install chromium`")
    return found
