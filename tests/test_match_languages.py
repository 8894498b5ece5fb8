"""No poison pill, in any language: articles in eight scripts are judged through the real match
stage on a DuckDB file, and an article the matcher fails on is recorded on that article, with
its reason, while every other article of the run is matched; later runs do not stop on it."""

from __future__ import annotations

import importlib
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import stages
from pipeline.cli import main
from pipeline.demo import SEED_DAY
from pipeline.demo.pages import page_from_text
from pipeline.demo.site import DemoSite
from pipeline.paths import SEEDS_DIR
from pipeline.store import open_store
from tests.conftest import write_toml

match_stage = importlib.import_module("pipeline.stages.match")
ARTICLES = [
    json.loads(line)
    for line in (Path(__file__).parent / "data/iss_in_eight_scripts.jsonl").open(encoding="utf-8")
]
IS_THE_STORY = {"duplicate", "rehash", "update"}
# Stories of the desk's own, seeded in Japanese and in Chinese (our words): the retellings in
# tests/data are the same announcement told again
SEEDS = {
    "iss-japanese": (
        "ja",
        "ロスコスモスのボリソフ総裁、ISS離脱を表明\n"
        "ロスコスモスのボリソフ総裁は7月26日、プーチン大統領に対し、ロシアは2024年以降に"
        "国際宇宙ステーションから離脱し、独自の軌道ステーションを建設すると報告した。"
        "離脱までは参加国への義務を果たすとしている。ロシアのモジュールはステーションの高度の"
        "維持に欠かせない。",
    ),
    "iss-chinese": (
        "zh",
        "鲍里索夫：俄罗斯2024年后离开国际空间站\n"
        "俄罗斯国家航天集团总裁鲍里索夫7月26日向普京总统报告，俄罗斯将在2024年以后退出"
        "国际空间站，并建造自己的轨道空间站。在退出之前，俄方会履行对合作伙伴的义务。"
        "俄罗斯舱段负责维持国际空间站的轨道高度。",
    ),
}


def page(article: dict, day: int = 27):
    header = (
        f"Title: {article['title']}\nLanguage: {article['language']}\n"
        f"Published: 2022-07-{day:02d}T10:00:00Z\n\n"
    )
    return page_from_text(article["slug"], header + article["text"], SEED_DAY)


@pytest.fixture
def site():
    """The eight retellings, published; a ninth article comes later."""
    later = {"slug": "iss-ru-later", "language": "ru", "title": "МКС: Россия остаётся до 2028 года",
             "text": ARTICLES[6]["text"].replace("после 2024 года", "до 2028 года")}  # fmt: skip
    pages = [page(a) for a in ARTICLES] + [page(later, day=28)]
    with DemoSite(pages, published={a["slug"] for a in ARTICLES}) as s:
        yield s


@pytest.fixture
def stories_dir(tmp_path) -> Path:
    folder = tmp_path / "stories"
    shutil.copytree(SEEDS_DIR / "iss-withdrawal", folder / "iss-withdrawal")
    for slug, (language, text) in SEEDS.items():
        (folder / slug).mkdir()
        (folder / slug / "seed.txt").write_text(text + "\n", encoding="utf-8")
        write_toml(
            folder / slug / "story.toml",
            name=slug,
            language=language,
            recipients=[],
            documents=[{"file": "seed.txt"}],
        )
    return folder


SLUG = "regexp_extract(a.url, '([^/]+)[.]html$', 1)"  # an article's page, named as published


def verdicts(settings) -> dict[tuple[str, str], str]:
    """(article slug, story slug) -> verdict."""
    with open_store(settings.database, read_only=True) as store:
        rows = store.rows_sql(
            f"SELECT {SLUG} AS article, s.slug AS story, m.verdict"
            " FROM matches m JOIN articles a ON a.id = m.article_id"
            " JOIN stories s ON s.id = m.story_id"
        )
    return {(r["article"], r["story"]): r["verdict"] for r in rows}


def match_errors(settings) -> list[dict]:
    with open_store(settings.database, read_only=True) as store:
        return store.rows_sql(
            f"SELECT {SLUG} AS article, s.slug AS story, x.error"
            " FROM match_errors x JOIN articles a ON a.id = x.article_id"
            " JOIN stories s ON s.id = x.story_id ORDER BY ALL"
        )


def test_articles_in_eight_scripts_are_judged_and_cjk_retellings_are_the_story(
    make_settings, stories_dir, capfd
):
    settings = make_settings(stories_dir=str(stories_dir))
    stages.poll(settings)
    fetched = stages.fetch_articles(settings)
    assert fetched.extracted + fetched.fallback == len(ARTICLES)

    summary = stages.match(settings, now=datetime(2022, 7, 28, tzinfo=UTC))
    assert summary.errors == 0 and match_errors(settings) == []
    judged = verdicts(settings)
    stories = ["iss-withdrawal", *SEEDS]
    assert judged.keys() == {(a["slug"], s) for a in ARTICLES for s in stories}
    # the same announcement in eight scripts is the story wherever it was seeded: what its
    # lead says crosses scripts where its names do not
    missed = {key: verdict for key, verdict in judged.items() if verdict not in IS_THE_STORY}
    assert missed == {}
    # segmenters and word lists print nothing to the user's terminal
    err = capfd.readouterr().err
    assert "prefix dict" not in err and "wordfreq" not in err and "tokenizer" not in err


def failing_on_korean(real):
    """`features` that raises on a Korean text (as a bug in a segmenter would), every time."""

    def features(text, language="en"):
        if language == "ko":
            raise RuntimeError("segmenter crashed on this text")
        return real(text, language)

    return features


@pytest.fixture
def poisoned(monkeypatch):
    """The match stage's matcher raises on the Korean article, on every run."""
    monkeypatch.setattr(match_stage, "features", failing_on_korean(match_stage.features))
    return monkeypatch


def test_an_article_the_matcher_fails_on_is_recorded_and_the_run_goes_on(
    make_settings, stories_dir, site, poisoned, tmp_path
):
    settings = make_settings(stories_dir=str(stories_dir))
    config = str(tmp_path / "storywatch.toml")
    first = CliRunner().invoke(main, ["run", "--config", config])
    assert first.exit_code == 1, first.output  # done, with a failure recorded
    (match_line,) = [ln for ln in first.stdout.splitlines() if ln.startswith("match")]
    assert "3 could not be judged (table match_errors)" in match_line  # one article, 3 stories
    errors = match_errors(settings)
    assert [(e["article"], e["story"]) for e in errors] == [
        ("iss-ko", "iss-chinese"), ("iss-ko", "iss-japanese"), ("iss-ko", "iss-withdrawal")
    ]  # fmt: skip
    assert {e["error"] for e in errors} == {"RuntimeError: segmenter crashed on this text"}
    judged = {article for article, _ in verdicts(settings)}
    assert judged == {a["slug"] for a in ARTICLES} - {"iss-ko"}

    # the next run neither stops on it nor tries it again: it matches what is new
    site.publish("iss-ru-later")
    second = CliRunner().invoke(main, ["run", "--force", "--config", config])
    assert second.exit_code == 0, second.output
    assert {article for article, _ in verdicts(settings)} == judged | {"iss-ru-later"}
    assert match_errors(settings) == errors

    # a new text (as `reextract` gives) is judged again; the fixed matcher judges it, and its
    # errors go
    poisoned.undo()
    with open_store(settings.database) as store:
        store.con.execute("UPDATE articles SET text = text || ' ' WHERE url LIKE '%/iss-ko.html'")
    assert stages.match(settings).errors == 0
    assert match_errors(settings) == []
    assert {article for article, _ in verdicts(settings)} == judged | {"iss-ko", "iss-ru-later"}


def test_a_new_matcher_judges_again_what_the_old_one_failed_on(
    make_settings, stories_dir, poisoned
):
    settings = make_settings(stories_dir=str(stories_dir))
    stages.poll(settings), stages.fetch_articles(settings)
    assert stages.match(settings).errors == 3
    assert stages.match(settings).errors == 0  # the same matcher on the same text: not again
    poisoned.setattr(match_stage, "MATCHER_VERSION", "a later one")
    assert stages.match(settings).errors == 3  # tried again, still failing, recorded again


def test_classify_reports_an_item_the_matcher_fails_on_and_judges_the_rest(tmp_path, monkeypatch):
    replay = importlib.import_module("pipeline.replay")
    monkeypatch.setattr(replay, "features", failing_on_korean(replay.features))
    config = write_toml(tmp_path / "storywatch.toml", stories_dir=str(SEEDS_DIR))
    items = "".join(
        json.dumps({"id": a["slug"], "language": a["language"], "title": a["title"],
                    "text": a["text"]}, ensure_ascii=False) + "\n"
        for a in ARTICLES
    )  # fmt: skip
    result = CliRunner().invoke(
        main, ["classify", "--story", "iss-withdrawal", "--config", str(config)], input=items
    )
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == [a["slug"] for a in ARTICLES]
    (failed,) = [line for line in lines if line["verdict"] is None]
    assert failed["id"] == "iss-ko"
    assert "the matcher failed: RuntimeError: segmenter crashed" in failed["error"]
    assert all(line["verdict"] for line in lines if line["id"] != "iss-ko")
