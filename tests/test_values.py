"""The values a sentence states, as news writes them in many languages: what is read, with its
bound or unit words, and which spellings are one value."""

import pytest

from pipeline.matching.values import values

# Sentences written for these tests.
READ = [
    ("The airline will run 450 flights a week.", "count", "450 flights"),
    ("Inflation fell to 12 percent in the spring.", "percent", "12 percent"),
    ("Die Inflation lag bei 1,5 % im Mai.", "percent", "1,5 %"),
    ("La inflación bajó al 3 por ciento.", "percent", "3 por ciento"),
    ("The museum stays open until 31 December.", "date", "until 31 December"),
    ("Le musée reste ouvert jusqu'au 31 décembre.", "date", "jusqu'au 31 décembre"),
    ("Das Museum bleibt bis 31. Dezember geöffnet.", "date", "bis 31. Dezember"),
    ("El museo abre hasta el 3 de septiembre.", "date", "hasta el 3 de septiembre"),
    ("The launch is now set for September 27.", "date", "September 27"),
    ("博物館は12月31日まで開館する。", "date", "12月31日"),
    ("Russia will stay until 2028.", "year", "until 2028"),
    ("Russland bleibt bis 2028 an Bord.", "year", "bis 2028"),
    ("La Russie restera jusqu'en 2028.", "year", "jusqu'en 2028"),
    ("ロシアは2028年まで残る。", "year", "2028年まで"),
    ("The bank lent $6.25 billion.", "amount", "$6.25 billion"),
    ("Der Bund zahlt 2,5 Mrd. Euro.", "amount", "2,5 Mrd. Euro"),
    ("Le projet coûte 3 milliards d'euros.", "amount", "3 milliards d'euros"),
    ("El plan costará 1.200 millones de dólares.", "amount", "1.200 millones de dólares"),
    ("延期の費用は約3000億円になる。", "amount", "3000億円"),
    ("The delay cost about 294 billion yen.", "amount", "294 billion yen"),
    ("Sequoia put in $800m.", "amount", "$800m"),
]


@pytest.mark.parametrize(("sentence", "kind", "written"), READ)
def test_a_value_is_read_with_its_bound_or_unit(sentence, kind, written):
    assert [(v.kind, v.text) for v in values(sentence)] == [(kind, written)]


SAME = [
    ("$44bn", "$44 billion"),
    ("US$3 billion", "$3bn"),
    ("180,000 visitors", "180.000 visitors"),
    ("2,5 %", "2.5%"),
    ("31 décembre", "December 31"),
    ("3 de septiembre", "3 Sept."),
    ("12月31日", "31. Dezember"),
    ("€2.5 billion", "2,5 Mrd. Euro"),
    ("3000億円", "300 billion yen"),
    ("1.453 trillion yen", "1,453 trillion yen"),
]


@pytest.mark.parametrize(("one", "other"), SAME)
def test_two_spellings_of_one_value_are_one_value(one, other):
    assert values(one)[0].key == values(other)[0].key


def test_values_that_differ_by_their_unit_or_number_are_two():
    keys = {values(t)[0].key for t in ("$44 billion", "€44 billion", "44 flights", "45 flights")}
    assert len(keys) == 4


def test_a_date_line_year_and_a_time_of_day_are_no_facts():
    assert values("Published 2022. The crew met at 10:30 on the pad.") == []
