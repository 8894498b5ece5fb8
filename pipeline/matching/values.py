"""Values a sentence states, in the forms news is written in: dates and time bounds ("until 10
December", "31 décembre", "12月31日", "after 2024", "bis 2028"), amounts ("$6 billion",
"2,5 Mrd. Euro", "300億円"), percentages ("14%", "1,5 %", "80 percent") and counts ("450
flights"). Each keeps the words that make it a value (its bound, its unit) as written, and a
key that two spellings of the same value share, so that "$44bn" and "$44 billion" are one
value and "after 2024" and "until 2028" are two. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import STOPWORDS, fold

# a number as written: "180,000", "180.000", "1 000", "2.5", "2,5"
NUM = r"\d{1,3}(?:[,.\u00a0\u202f ]\d{3})+(?:[.,]\d+)?(?!\d)|\d+(?:[.,]\d+)?"


def _each(words: str, factor: float) -> dict[str, float]:
    return dict.fromkeys(words.split(), factor)


SCALES = {
    **_each("thousand k mil tausend тыс", 1e3),
    **_each("万", 1e4),
    **_each("億", 1e8),
    **_each("兆", 1e12),
    **_each(
        "million millions m mn mln mio millionen millones milioni milhões milhoes млн миллион "
        "миллиона миллионов",
        1e6,
    ),
    **_each(
        "billion billions bn bln b mrd milliarde milliarden milliard milliards miliardi "
        "млрд миллиард миллиарда миллиардов",
        1e9,
    ),
    **_each("trillion trillions tn billionen", 1e12),
}
# "mil millones" is a Spanish billion
SCALE = (
    r"(?:mil\s+millones|"
    + "|".join(sorted((re.escape(w) for w in SCALES), key=len)[::-1])
    + r")(?:\.|(?![A-Za-zА-Яа-яЁё]))"
)
CURRENCIES = {
    "$": "usd", "us$": "usd", "$us": "usd", "dollar": "usd", "dollars": "usd", "dólares": "usd",
    "dollari": "usd", "доллара": "usd", "долларов": "usd", "ドル": "usd", "美元": "usd",
    "€": "eur", "euro": "eur", "euros": "eur", "евро": "eur",
    "£": "gbp", "pounds": "gbp", "pound": "gbp",
    "¥": "jpy", "yen": "jpy", "円": "jpy", "日元": "jpy", "yens": "jpy",
    "rubles": "rub", "roubles": "rub", "рублей": "rub", "рубля": "rub",
    "yuan": "cny", "元": "cny",
}  # fmt: skip
CURRENCY_BEFORE = r"(?P<cur>US\$|\$US|\$|€|£|¥)"
CURRENCY_AFTER = (
    r"(?P<cur2>"
    + "|".join(
        sorted((re.escape(c) for c in CURRENCIES if len(c) > 1 or not c.isascii()), key=len)[::-1]
    )
    + r")"
)
PERCENT = (
    r"(?:%|percent|per\s+cent|por\s+ciento|pour\s+cent|prozent|per\s+cento|por\s+cento"
    r"|процент\w*|パーセント)"
)

MONTHS = {
    1: "january jan janvier janv januar jänner enero ene gennaio gen janeiro января январь",
    2: "february feb février fevrier févr februar febrero febbraio fevereiro февраля февраль",
    3: "march mar mars märz marz marzo março марта март",
    4: "april apr avril abril aprile апреля апрель",
    5: "may mai mayo maggio maio мая май",
    6: "june jun juin juni junio giugno junho июня июнь",
    7: "july jul juillet juli julio luglio julho июля июль",
    8: "august aug août aout agosto августа август",
    9: "september sep sept septembre septiembre settembre setembro сентября сентябрь",
    10: "october oct octobre oktober okt octubre ottobre outubro октября октябрь",
    11: "november nov novembre noviembre novembro ноября ноябрь",
    12: "december dec décembre decembre dezember dez diciembre dicembre dezembro декабря декабрь",
}
MONTH_OF = {name: n for n, names in MONTHS.items() for name in names.split()}
MONTH = "(?P<{}>" + "|".join(sorted(MONTH_OF, key=len)[::-1]) + r")\.?"
# words that make a date or a year a bound: "until 10 December", "after 2024", "jusqu'en 2028"
BOUNDS = (
    "no later than|as soon as|as early as|at the earliest|at least until|until|till|through|by|"
    "before|beyond|after|from|since|in|on|"
    "bis|nach|ab|vor|seit|im|am|"
    "jusqu'en|jusqu'au|jusqu'à|jusqu’en|jusqu’au|après|avant|d'ici|depuis|en|le|"
    "hasta el|desde el|antes del|después del|hasta|después de|antes de|desde|el|"
    "fino al|entro il|entro|dopo il|dopo|prima del|"
    "até|após|antes de|"
    "до|после|с|к|в"
)
BOUND = rf"(?:(?P<bound>{BOUNDS})\s+)?"
YEAR = r"(?P<year>(?:19|20)\d\d)"

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "amount",
        re.compile(
            rf"{CURRENCY_BEFORE}\s?(?P<num>{NUM})(?:\s?(?P<scale>{SCALE}))?"
            rf"|(?P<num2>{NUM})\s?(?:(?P<scale2>{SCALE})\s?)?(?:de\s+|d['’])?{CURRENCY_AFTER}"
            r"(?![A-Za-z])",
            re.I,
        ),
    ),
    ("percent", re.compile(rf"(?P<num>{NUM})\s?{PERCENT}", re.I)),
    (
        "date",
        re.compile(
            rf"\b{BOUND}(?:(?P<day>\d{{1,2}})\.?\s+(?:de\s+)?{MONTH.format('month')}(?![^\W\d_])"
            rf"|{MONTH.format('month2')}\s+(?P<day2>\d{{1,2}})(?!\d))"
            r"|(?:(?P<jmonth>\d{1,2})月(?P<jday>\d{1,2})日)",
            re.I,
        ),
    ),
    (
        "year",
        re.compile(
            rf"(?<![\w'’]){BOUND}{YEAR}(?![\d年])"
            r"|(?P<jyear>(?:19|20)\d\d)年(?P<jbound>まで|以降|以前|に)?",
            re.I,
        ),
    ),
    (
        "count",
        re.compile(
            rf"(?<![\w.,])(?P<num>{NUM})(?:\s(?P<scale>{SCALE}))?\s(?P<unit>[^\W\d_]{{3,}})"
        ),
    ),
]


@dataclass(frozen=True)
class Value:
    kind: str  # date, year, amount, percent or count
    text: str  # as written, with its bound or unit: "until 10 December", "$6 billion"
    key: tuple  # what two spellings of one value share
    start: int
    step: float = 1.0  # how precisely it is written: 1e9 for "$44bn", 0.1 for "9.2%"

    @property
    def unit(self) -> tuple:
        """What a value must share with another to be the same fact with another value."""
        return self.key[:-1] if self.kind in ("amount", "count") else ()

    @property
    def magnitude(self) -> float:
        return float(self.key[-1]) if self.kind != "date" else self.key[1] * 31 + self.key[2]


def number(written: str) -> float | None:
    """ "180,000" and "180.000" are thousands, "2,5" and "2.5" a decimal."""
    s = re.sub(r"[\u00a0\u202f ]", "", written)
    if re.fullmatch(r"\d{1,3}(?:[,.]\d{3})+", s) and not re.fullmatch(r"\d[,.]\d{3}", s):
        s = re.sub(r"[,.]", "", s)
    elif re.fullmatch(r"\d{1,3}(?:,\d{3})+\.\d+|\d{1,3}(?:\.\d{3})+,\d+", s):
        s = re.sub(r"[,.](?=\d{3}\b|\d{3}[,.])", "", s).replace(",", ".")
    else:
        s = s.replace(",", ".")
    try:
        return float(s)
    except ValueError:
        return None


# words that say a value is rounded: "about $280 million" may be $283 million
HEDGE = re.compile(
    r"(?:about|around|approximately|roughly|nearly|almost|some|over|more than|under|"
    r"less than|up to|environ|près de|plus de|etwa|rund|fast|über|knapp|cerca de|casi|unos|"
    r"más de|circa|quasi|oltre|cerca|около|почти|более|свыше|約|およそ)\s*$",
    re.I,
)


def step(written: str, hedged: bool = False) -> float:
    """The unit of the last digit written: "9.2" 0.1, "44" 1; a hedged "about 280" 10."""
    digits = re.sub(r"\D", "", written)
    decimals = re.search(r"[.,](\d{1,2})$", written)
    if decimals and not re.fullmatch(r"\d{1,3}(?:[,.]\d{3})+", written):
        return 10.0 ** -len(decimals.group(1))
    return 10.0 ** (len(digits) - len(digits.rstrip("0"))) if hedged else 1.0


def _scale(word: str | None) -> float | None:
    if not word:
        return 1.0
    word = re.sub(r"\s+", " ", word.lower().rstrip("."))
    return 1e9 if word == "mil millones" else SCALES.get(word)


def values(text: str) -> list[Value]:
    """The values `text` states, in the order written; a span is one value, of the first kind
    that reads it (an amount before a count)."""
    found: list[Value] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            value = _read(kind, m)
            if value is not None:
                found.append(value)
                taken.append(m.span())
    return sorted(found, key=lambda v: v.start)


def _read(kind: str, m: re.Match[str]) -> Value | None:
    g = m.groupdict()
    hedged = bool(HEDGE.search(m.string[: m.start()]))
    # a full stop that ends the value ends the sentence ("$800m."); inside, it abbreviates
    text = m.group(0).strip().removesuffix(".")
    if kind == "amount":
        scale = _scale(g["scale"] or g.get("scale2"))
        amount = number(g["num"] or g["num2"])
        if amount is None or scale is None:
            return None
        currency = CURRENCIES[(g["cur"] or g["cur2"]).lower()]
        written = g["num"] or g["num2"]
        key = (kind, currency, round(amount * scale, 2))
        return Value(kind, text, key, m.start(), step(written, hedged) * scale)
    if kind == "percent":
        share = number(g["num"])
        if share is None:
            return None
        return Value(kind, text, (kind, share), m.start(), step(g["num"], hedged))
    if kind == "date":
        if g["jmonth"]:
            month, day = int(g["jmonth"]), int(g["jday"])
        else:
            month, day = MONTH_OF[(g["month"] or g["month2"]).lower()], int(g["day"] or g["day2"])
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None
        return Value(kind, text, (kind, month, day), m.start())
    if kind == "year":
        if not (g["bound"] or g["jbound"]):
            return None  # a year alone is mostly a date line or background: no fact to change
        return Value(kind, text, (kind, int(g["year"] or g["jyear"])), m.start())
    unit = g["unit"].lower()
    scale = _scale(g["scale"])
    amount = number(g["num"])
    if unit in STOPWORDS or unit in MONTH_OF or scale is None or amount is None:
        return None
    if re.fullmatch(r"(?:19|20)\d\d", g["num"]) and scale == 1.0:
        return None  # "2022 season": a year, not a count
    key = (kind, fold(unit), round(amount * scale, 2))
    return Value(kind, text, key, m.start(), step(g["num"], hedged) * scale)
