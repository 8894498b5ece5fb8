"""An article's lead is its headline and first sentences, without the site's furniture, in
scripts with and without spaces. Articles written for these tests."""

from pipeline.matching.lead import lead

PAGE = """Home
Share
Russia to leave the space station after 2024

Moscow's new space chief told the president on Tuesday that Russia would leave the station \
after 2024. He said work on a Russian station would begin. NASA said it had not been told.
"""

CHINESE = """首页
专区
俄罗斯将在2024年后退出国际空间站

俄航天局新任局长周二表示，俄罗斯将在2024年后退出国际空间站。他说，俄罗斯将建造自己的空间站。美国航天局表示尚未接到通知。
"""


def test_the_lead_is_the_headline_and_two_sentences_without_the_furniture():
    assert lead(PAGE) == (
        "Russia to leave the space station after 2024 Moscow's new space chief told the "
        "president on Tuesday that Russia would leave the station after 2024. He said work "
        "on a Russian station would begin."
    )


def test_a_chinese_lead_keeps_its_short_headline_and_stops_at_its_full_stops():
    assert lead(CHINESE) == (
        "俄罗斯将在2024年后退出国际空间站 "
        "俄航天局新任局长周二表示，俄罗斯将在2024年后退出国际空间站。"
        "他说，俄罗斯将建造自己的空间站。"
    )


def test_a_page_without_line_breaks_leads_with_its_first_sentences():
    text = "Russia will leave the station. It said so on Tuesday. NASA had not been told. More."
    assert lead(text) == (
        "Russia will leave the station. It said so on Tuesday. NASA had not been told."
    )
