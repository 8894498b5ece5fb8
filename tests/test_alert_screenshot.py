"""The HTML alert as a reader sees it: rendered by headless Chromium, screenshot under var/.

Needs Debian's `chromium` (see tests/chromium.py); without it the test is skipped and says
why. Look at var/alert-screenshot.png after a run.
"""

from __future__ import annotations

import struct
import subprocess
import zlib
from datetime import UTC, datetime

import pytest

from pipeline import alerts
from pipeline.paths import PROJECT_ROOT
from tests.chromium import system_chromium

WIDTH, HEIGHT = 760, 1100
BACKGROUND = (0xF4, 0xF5, 0xF7)  # the page around the card, from alerts.STYLE


@pytest.fixture(scope="session")
def chromium() -> str:
    return system_chromium()


def sample_alert() -> alerts.Alert:
    published = datetime(2022, 7, 27, 18, 40, tzinfo=UTC)
    return alerts.Alert(
        id=1,
        recipient="desk@example.org",
        message_id=alerts.message_id("screenshot"),
        story_slug="iss-withdrawal",
        story_name="Russia leaves the ISS",
        story_description="Russia says it will leave the ISS after 2024.",
        updates=[
            alerts.Update(
                source=alerts.Source(
                    "The Daily Orbit",
                    "NASA says Russia now plans to stay on the ISS until 2028",
                    "https://dailyorbit.example/articles/iss-exit-2028.html",
                    published,
                ),
                new_facts=[
                    "According to Lueders, the Russian side indicated that this means remaining "
                    "on board until 2028 rather than pulling out soon after 2024.",
                    "Sergei Krikalev said the other partners would be given notice.",
                    '<img src=x onerror="alert(1)"> shown as text, never run',
                ],
                changed=[
                    alerts.Change(
                        was="after 2024",
                        now="until 2028",
                        sentence="Russia plans to stay until 2028.",
                    )
                ],
                also=[
                    alerts.Source(
                        "Space Wire\u202e",
                        "Russia to keep crews on the station until 2028",
                        "javascript:alert(1)",
                        published,
                    )
                ],
                score=0.58,
            )
        ],
    )


def png_pixels(data: bytes) -> tuple[int, int, list[tuple[int, int, int]]]:
    """Width, height and RGB pixels of an 8-bit RGB or RGBA PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,), kind = struct.unpack(">I", data[pos : pos + 4]), data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, color = header[:4]
    assert depth == 8 and color in (2, 6), f"unexpected PNG format {depth}/{color}"
    bpp = 3 if color == 2 else 4
    raw, stride = zlib.decompress(idat), width * bpp
    pixels, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = previous[i], previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        pixels += [tuple(line[x : x + 3]) for x in range(0, stride, bpp)]
        previous = line
    return width, height, pixels


def test_the_html_alert_renders_as_a_readable_card(chromium):
    var = PROJECT_ROOT / "var"
    var.mkdir(exist_ok=True)
    page, shot = var / "alert-preview.html", var / "alert-screenshot.png"
    page.write_text(alerts.render_html(sample_alert()), encoding="utf-8")
    shot.unlink(missing_ok=True)
    subprocess.run(
        [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            f"--window-size={WIDTH},{HEIGHT}", f"--screenshot={shot}", page.as_uri(),
        ],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    width, height, pixels = png_pixels(shot.read_bytes())
    assert (width, height) == (WIDTH, HEIGHT)
    assert pixels[0] == BACKGROUND  # the page's own background, not a blank or error page
    white = sum(p == (255, 255, 255) for p in pixels)
    dark = sum(max(p) < 90 for p in pixels)  # text
    link = sum(p[2] > 150 and p[0] < 80 for p in pixels)  # the blue title link
    assert white > width * height * 0.2, "no card"
    assert dark > 2000, "no text"
    assert link > 200, "no link"
