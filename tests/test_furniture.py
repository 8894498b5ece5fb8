"""Lines that are page furniture by their form: a wire photo's caption, the reporters'
sign-off, a video teaser, an embedded tweet. Left in, each reads as a new fact."""

import pytest

from pipeline.boilerplate import strip_boilerplate

FURNITURE = {
    "FILE PHOTO: Crates wait on the quay in Bergen, Norway, March 3, 2021. "
    "REUTERS/Kari Dahl/File Photo": "photo credit",
    "(Reporting by Ana Ruiz and Bo Lindqvist; editing by Tom Welles)": "contributor line",
    "Why the ferry strike may last into summer (2:41)": "video teaser",
    "Tweets about this": "social embed",
    "RT @harbourwatch: The vote is in": "social embed",
}


@pytest.mark.parametrize("line", FURNITURE)
def test_furniture_lines_are_removed_with_their_reason(line):
    text = (
        f"Dock workers in Bergen voted to end their strike.\n{line}\nFerries sail again on Monday."
    )
    cleaned = strip_boilerplate(text)
    assert (
        cleaned.text
        == "Dock workers in Bergen voted to end their strike.\nFerries sail again on Monday."
    )
    assert [(r.line, r.reason) for r in cleaned.removed] == [(line, FURNITURE[line])]


def test_prose_that_mentions_reporting_or_photos_stays():
    prose = (
        "The reporting by the port authority was thorough, the union said on Friday.\n"
        "A photo of the empty quay went round the city within hours."
    )
    assert strip_boilerplate(prose).text == prose
