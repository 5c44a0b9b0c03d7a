"""Generate synthetic, schema-valid Stancemap data roots at a chosen scale (seeded: byte-for-byte repeatable).

    python -m benchmarks.generate target /tmp/stancemap-target

Every quote is taken from the text of its generated source (some with curly quotes straightened, extra
whitespace or elisions), so loading does the same verification work as on real data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from stancemap.check.quotes import DISTINCT_WORDS
from stancemap.model.schema import LEVELS
from stancemap.yamlio.write import yaml_scalar, yaml_string

__all__ = ["SCALES", "Scale", "generate"]


@dataclass(frozen=True)
class Scale:
    """How many records of each kind a generated data root holds."""

    name: str
    sources: int
    parties: int
    issues: int
    stances: int
    quotes: int
    events: int


# 1x is the bundled data's size; parties and issues grow with the square root so the matrix stays readable
# while stances (with dated histories) and sources grow linearly. "target" is issue #5's 10,000 / 1,000 point.
SCALES: dict[str, Scale] = {
    scale.name: scale
    for scale in (
        Scale("1x", sources=5, parties=4, issues=11, stances=20, quotes=32, events=5),
        Scale("10x", sources=50, parties=13, issues=35, stances=200, quotes=320, events=50),
        Scale("100x", sources=500, parties=40, issues=110, stances=2_000, quotes=3_200, events=500),
        Scale("target", sources=1_000, parties=89, issues=246, stances=10_000, quotes=16_000, events=1_000),
        Scale("1000x", sources=5_000, parties=126, issues=348, stances=20_000, quotes=32_000, events=5_000),
    )
}

CAPITALS = [
    ("Kyiv", "Ukraine", "Ukrainian"),
    ("Moscow", "Russia", "Russian"),
    ("Washington", "the United States", "American"),
    ("Brussels", "Belgium", "Belgian"),
    ("Amsterdam", "the Netherlands", "Dutch"),
    ("Andorra la Vella", "Andorra", "Andorran"),
    ("Athens", "Greece", "Greek"),
    ("Belgrade", "Serbia", "Serbian"),
    ("Berlin", "Germany", "German"),
    ("Bern", "Switzerland", "Swiss"),
    ("Bratislava", "Slovakia", "Slovak"),
    ("Bucharest", "Romania", "Romanian"),
    ("Budapest", "Hungary", "Hungarian"),
    ("Chisinau", "Moldova", "Moldovan"),
    ("Copenhagen", "Denmark", "Danish"),
    ("Dublin", "Ireland", "Irish"),
    ("Helsinki", "Finland", "Finnish"),
    ("Lisbon", "Portugal", "Portuguese"),
    ("Ljubljana", "Slovenia", "Slovenian"),
    ("London", "the United Kingdom", "British"),
    ("Luxembourg", "Luxembourg", "Luxembourgish"),
    ("Madrid", "Spain", "Spanish"),
    ("Minsk", "Belarus", "Belarusian"),
    ("Monaco", "Monaco", "Monegasque"),
    ("Nicosia", "Cyprus", "Cypriot"),
    ("Oslo", "Norway", "Norwegian"),
    ("Paris", "France", "French"),
    ("Podgorica", "Montenegro", "Montenegrin"),
    ("Prague", "Czechia", "Czech"),
    ("Reykjavik", "Iceland", "Icelandic"),
    ("Riga", "Latvia", "Latvian"),
    ("Rome", "Italy", "Italian"),
    ("San Marino", "San Marino", "Sammarinese"),
    ("Sarajevo", "Bosnia and Herzegovina", "Bosnian"),
    ("Skopje", "North Macedonia", "Macedonian"),
    ("Sofia", "Bulgaria", "Bulgarian"),
    ("Stockholm", "Sweden", "Swedish"),
    ("Tallinn", "Estonia", "Estonian"),
    ("Tirana", "Albania", "Albanian"),
    ("Vaduz", "Liechtenstein", "Liechtenstein"),
    ("Valletta", "Malta", "Maltese"),
    ("Vienna", "Austria", "Austrian"),
    ("Vilnius", "Lithuania", "Lithuanian"),
    ("Warsaw", "Poland", "Polish"),
    ("Zagreb", "Croatia", "Croatian"),
    ("Pristina", "Kosovo", "Kosovar"),
    ("Tbilisi", "Georgia", "Georgian"),
    ("Yerevan", "Armenia", "Armenian"),
    ("Baku", "Azerbaijan", "Azerbaijani"),
    ("Ankara", "Turkey", "Turkish"),
    ("Ottawa", "Canada", "Canadian"),
    ("Tokyo", "Japan", "Japanese"),
    ("Beijing", "China", "Chinese"),
    ("New Delhi", "India", "Indian"),
    ("Brasilia", "Brazil", "Brazilian"),
    ("Pretoria", "South Africa", "South African"),
    ("Riyadh", "Saudi Arabia", "Saudi"),
    ("Abu Dhabi", "the United Arab Emirates", "Emirati"),
    ("Doha", "Qatar", "Qatari"),
    ("Canberra", "Australia", "Australian"),
]
SYLLABLES = [
    "kar",
    "vo",
    "mel",
    "in",
    "ta",
    "ros",
    "el",
    "dun",
    "sa",
    "vir",
    "ko",
    "lan",
    "ber",
    "ia",
    "mo",
    "ne",
]
FIRST_NAMES = [
    "Anna",
    "Piotr",
    "Ingrid",
    "Mateo",
    "Olena",
    "Dmytro",
    "Claire",
    "Lukas",
    "Sofia",
    "Jonas",
    "Marta",
    "Henrik",
    "Elif",
    "Tomas",
    "Giulia",
    "Andrei",
    "Niamh",
    "Katarzyna",
    "Yuki",
    "Rafael",
    "Leila",
    "Pavel",
]
LAST_NAMES = [
    "Kowalska",
    "Lindqvist",
    "Moreau",
    "Bianchi",
    "Shevchenko",
    "Novak",
    "Horvat",
    "Papadopoulos",
    "O’Brien",
    "Jensen",
    "Costa",
    "Fischer",
    "Ivanova",
    "Tanaka",
    "Dubois",
    "Kovalenko",
    "Nieminen",
    "Ferreira",
    "Baltrus",
]
ROLES = [
    "foreign minister",
    "prime minister",
    "national security adviser",
    "chief negotiator",
    "defence minister",
    "presidential spokesperson",
    "special envoy",
    "deputy foreign minister",
    "ambassador to the United Nations",
]
TOPICS = [
    "Grain corridor",
    "Prisoner exchange",
    "Energy infrastructure",
    "Nuclear plant control",
    "Sanctions relief",
    "Frozen assets",
    "Black Sea shipping",
    "Air defence",
    "Reconstruction fund",
    "Border demarcation",
    "Language rights",
    "War crimes tribunal",
    "Reparations",
    "Demilitarised zone",
    "Monitoring mission",
    "Refugee return",
    "Port access",
    "Rail links",
    "Power grid",
    "Mine clearance",
    "Arms deliveries",
    "Troop ceilings",
    "Ceasefire verification",
    "Election timing",
    "Constitutional neutrality",
    "NATO membership",
    "EU accession",
    "Security guarantees",
    "Peacekeepers",
    "Airspace control",
    "Crimea",
    "Donbas",
    "Zaporizhzhia",
    "Kherson crossings",
    "Children’s return",
]
ASPECTS = [
    "timeline",
    "funding",
    "verification",
    "scope",
    "sequencing",
    "oversight",
    "enforcement",
    "compensation",
    "legal basis",
    "duration",
]
UNITS = [("years", "yrs"), ("billion euros", "bn €"), ("kilometres", "km"), ("troops", "troops")]
LEVEL_VERBS = {
    "demands": "Insists on",
    "supports": "Backs",
    "conditional": "Would accept, with conditions,",
    "opposes": "Argues against",
    "rejects": "Rules out",
}
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
NOUNS = [
    "proposal",
    "framework",
    "draft",
    "timetable",
    "agreement",
    "plan",
    "package",
    "mechanism",
    "text",
    "memorandum",
    "road map",
    "guarantee",
    "compromise",
    "settlement",
    "schedule",
]
ADJECTIVES = [
    "revised",
    "joint",
    "phased",
    "binding",
    "interim",
    "comprehensive",
    "limited",
    "detailed",
    "new",
    "final",
]
VERBS_PAST = [
    "welcomed",
    "questioned",
    "criticised",
    "endorsed",
    "rejected",
    "discussed",
    "reviewed",
    "praised",
]
CONDITIONS = [
    "a ceasefire holds for at least a month",
    "international monitors are given full access",
    "parliament approves the text",
    "sanctions stay in place until the deal is signed",
    "the front line is frozen first",
    "all prisoners are exchanged",
]
FILLER = [
    "Officials in {capital} {verb} the {adj} {noun} on {topic}, according to people close to the talks.",
    "The {ordinal} round of talks in {capital} ended on {weekday} without a joint statement.",
    "{country}’s delegation said the {adj} {noun} would cost some {number} billion euros over {years} years.",
    "Diplomats expect the {noun} to be discussed again when ministers meet in {capital} next month.",
    "It wasn’t immediately clear whether {country} would sign the {adj} {noun} before the summit.",
    "Markets in {capital} rose {number} percent after the announcement, the highest in {years} weeks.",
    "Negotiators have exchanged at least {number} drafts of the {noun} since the spring, two people said.",
    "The talks on {topic} are the {ordinal} attempt this year to narrow differences between the sides.",
    "A spokesperson for the government in {capital} declined to comment on the {noun} on {weekday}.",
    "Analysts say the {adj} {noun} leaves the hardest questions on {topic} for a later stage.",
]
ORDINALS = ["first", "second", "third", "fourth", "fifth", "latest"]
BOILERPLATE_FOOTER = [
    "_____",
    "©{year} Stancemap Synthetic News. All rights reserved.",
    "Comments",
    "Leave a Reply",
    "Your email address will not be published. Required fields are marked *",
]
PROPER = frozenset({"NATO", "EU", "Crimea", "Donbas", "Zaporizhzhia", "Kherson"})
START = dt.date(2024, 1, 1)
DAYS = (dt.date(2025, 10, 31) - START).days  # publication dates stay well before any real "today"
TARGET_BYTES = 5_000


@dataclass
class _Source:
    index: int
    sid: str
    file: str
    published: str
    earliest: dt.date
    latest: dt.date
    headline: str
    paragraphs: list[list[str]] = field(default_factory=list)
    copy_of: str | None = None


@dataclass
class _Evidence:
    source: int
    party: int
    issue: int
    kind: str
    speaker: tuple[str, str]
    quote: str = ""
    said_on: str | None = None
    note: str | None = None
    comment: bool = False


@dataclass
class _Stance:
    party: int
    issue: int
    level: str
    evidence: list[_Evidence]
    as_of: str | None = None
    quantity: float | None = None
    red_line: bool = False
    conditions: list[str] = field(default_factory=list)
    note: str | None = None


def _slug(text: str) -> str:
    """A lower-case ASCII id for a name."""
    ascii_text = text.replace("’", "").encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def _lower(title: str) -> str:
    """A title as it reads inside a sentence: lower-case unless it starts with a proper name."""
    return title if title.split()[0] in PROPER else title[0].lower() + title[1:]


class _Generator:
    def __init__(self, scale: Scale, seed: int) -> None:
        self.scale = scale
        self.rng = random.Random(f"stancemap-bench-{seed}-{scale.name}")
        self.parties: list[dict[str, object]] = []
        self.issues: list[dict[str, object]] = []
        self.sources: list[_Source] = []
        self.stances: list[_Stance] = []

    # --- entities --------------------------------------------------------------------------------------

    def make_parties(self) -> None:
        rng = self.rng
        names: list[tuple[str, str, str]] = list(CAPITALS)
        taken = {_slug(name) for name, _, _ in names}
        while len(names) < self.scale.parties:
            word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
            if _slug(word) not in taken:
                taken.add(_slug(word))
                names.append((word, f"the Republic of {word}ia", f"{word}ian"))
        for capital, country, adjective in names[: self.scale.parties]:
            speakers = []
            for _ in range(rng.randint(2, 4)):
                speakers.append(
                    (
                        f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                        f"{adjective} {rng.choice(ROLES)}",
                    )
                )
            self.parties.append(
                {
                    "id": _slug(capital),
                    "name": capital,
                    "country": country,
                    "aliases": [country.removeprefix("the "), adjective],
                    "speakers": speakers,
                }
            )

    def make_issues(self) -> None:
        rng = self.rng
        titles = list(TOPICS) + [f"{topic} {aspect}" for aspect in ASPECTS for topic in TOPICS]
        for title in titles[: self.scale.issues]:
            issue: dict[str, object] = {
                "id": _slug(title),
                "title": title,
                "proposition": f"The peace agreement settles the {_lower(title)} question",
                "keywords": [word for word in title.split() if len(word) > 3][:3] or [title],
            }
            if rng.random() < 0.15:
                issue["quantity"] = rng.choice(UNITS)
            self.issues.append(issue)

    def make_sources(self) -> None:
        rng = self.rng
        for index in range(self.scale.sources):
            day = START + dt.timedelta(days=rng.randrange(DAYS))
            roll = rng.random()
            if roll < 0.8:
                published, earliest, latest = day.isoformat(), day, day
            elif roll < 0.9:
                end = day + dt.timedelta(days=rng.randint(1, 3))
                published, earliest, latest = f"{day.isoformat()}/{end.isoformat()}", day, end
            else:
                first = day.replace(day=1)
                last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
                published, earliest, latest = f"{day:%Y-%m}", first, last
            party = rng.choice(self.parties)
            topic = rng.choice(self.issues)
            where = rng.choice(CAPITALS)[0]
            headline = f"{party['name']} weighs {_lower(str(topic['title']))} ahead of talks in {where}"
            digest = hashlib.sha256(f"{index}-{headline}".encode()).hexdigest()[:16]
            source = _Source(
                index, f"src-{index:05d}", f"{index:05d}_{digest}.txt", published, earliest, latest, headline
            )
            if index > 0 and rng.random() < 0.05:
                source.copy_of = self.sources[rng.randrange(index)].sid
            self.sources.append(source)

    # --- stances and their quotes -------------------------------------------------------------------------

    def make_stances(self) -> None:
        rng = self.rng
        scale = self.scale
        cells: list[tuple[int, int]] = []
        for _ in range(scale.stances):
            # About a quarter of stances extend the dated history of a cell that already has one.
            if cells and rng.random() < 0.25:
                party, issue = rng.choice(cells)
            else:
                party, issue = rng.randrange(scale.parties), rng.randrange(scale.issues)
                cells.append((party, issue))
            self.stances.append(_Stance(party, issue, rng.choice(LEVELS), []))
        counts = [1] * scale.stances
        for _ in range(scale.quotes - scale.stances):
            counts[rng.randrange(scale.stances)] += 1
        for stance, count in zip(self.stances, counts, strict=True):
            speakers = self.parties[stance.party]["speakers"]
            for _ in range(count):
                kind = rng.choices(["direct", "partial", "paraphrase", "readout"], [4, 2, 3, 1])[0]
                speaker = rng.choice(speakers)  # type: ignore[arg-type]
                source = rng.randrange(scale.sources)
                # A few trailing comments, as people leave them.
                comment = rng.random() < 0.05
                stance.evidence.append(
                    _Evidence(source, stance.party, stance.issue, kind, speaker, comment=comment)
                )
            unit = self.issues[stance.issue].get("quantity")
            if unit is not None and rng.random() < 0.7:
                stance.quantity = float(rng.choice([5, 10, 15, 20, 25, 50, 100, 800]))
            stance.red_line = rng.random() < 0.08
            if rng.random() < 0.2:
                stance.conditions = [f"only if {rng.choice(CONDITIONS)}"]
            if rng.random() < 0.1:
                stance.note = "Synthetic record for the benchmark; the wording is generated."

    def claim(self, ev: _Evidence) -> list[str]:
        """One or two adjacent sentences in which a party's speaker takes a position on an issue."""
        rng = self.rng
        party = self.parties[ev.party]
        issue = _lower(str(self.issues[ev.issue]["title"]))
        name, role = ev.speaker
        noun, adj = rng.choice(NOUNS), rng.choice(ADJECTIVES)
        weekday = rng.choice(WEEKDAYS)
        capital = rng.choice(CAPITALS)[0]
        if ev.kind == "direct":
            first = (
                f"“{party['name']} will not accept any {noun} on {issue} that ignores what we agreed in "
                f"{capital},” {name}, {role}, said on {weekday}."
            )
        elif ev.kind == "partial":
            first = (
                f"{name} said {party['name']} was “ready to move quickly” on {issue} if "
                f"{rng.choice(CONDITIONS)}, but warned against a {adj} {noun} imposed from outside."
            )
        elif ev.kind == "paraphrase":
            first = (
                f"{party['name']} {rng.choice(VERBS_PAST)} the {adj} {noun} on {issue}, {role} {name} told "
                f"reporters in {capital}, adding that {party['country']}’s position hadn’t changed."
            )
        else:
            first = (
                f"According to a readout from {party['name']}, {name} discussed {issue} with counterparts "
                f"from {rng.choice(CAPITALS)[1]} and agreed the {noun} should be ready by {weekday}."
            )
        days = rng.randint(2, 30)
        ordinal = rng.choice(ORDINALS)
        second = f"The {ordinal} {noun} on {issue} is due to be circulated to {capital} within {days} days."
        return [first, second]

    def quote_of(self, sentences: list[str]) -> str:
        """A quote taken from the claim sentences, in one of the ways curators write them."""
        rng = self.rng
        first, second = sentences
        roll = rng.random()
        if roll < 0.5:
            return first
        words = first.split(" ")
        # Cut fragments keep DISTINCT_WORDS words, so none needs to be checked for being found only once.
        head = " ".join(words[:DISTINCT_WORDS])
        if roll < 0.65:
            # A direct or partial quote must keep the source's quotation marks.
            marked = [i for i, word in enumerate(words) if "“" in word]
            low = max(DISTINCT_WORDS, marked[0] + 1) if marked else DISTINCT_WORDS
            return " ".join(words[: rng.randint(low, max(low, len(words) - 2))])
        if roll < 0.75:
            return first.replace("“", '"').replace("”", '"').replace("’", "'")
        if roll < 0.85:
            return f"{head} … {second}"
        if roll < 0.9:
            return f"{head} [...] {second}"
        if roll < 0.95:
            return first.replace(" ", "\n", 1).replace(" ", "  ", 2)
        return f"{first} {second}"

    def fill_sources(self) -> None:
        rng = self.rng
        claims: dict[int, list[list[str]]] = defaultdict(list)
        for stance in self.stances:
            for ev in stance.evidence:
                sentences = self.claim(ev)
                ev.quote = self.quote_of(sentences)
                claims[ev.source].append(sentences)
        for source in self.sources:
            own = claims.get(source.index, [])
            size = len(source.headline)
            paragraphs: list[list[str]] = []
            pending = list(own)
            while size < TARGET_BYTES or pending:
                paragraph: list[str] = []
                for _ in range(rng.randint(2, 4)):
                    if pending and rng.random() < 0.5:
                        paragraph.extend(pending.pop())
                    else:
                        paragraph.append(self.filler())
                paragraphs.append(paragraph)
                size += sum(len(s) + 1 for s in paragraph)
            source.paragraphs = paragraphs

    def filler(self) -> str:
        rng = self.rng
        capital, country, _ = rng.choice(CAPITALS)
        return rng.choice(FILLER).format(
            capital=capital,
            country=country[0].upper() + country[1:],
            verb=rng.choice(VERBS_PAST),
            adj=rng.choice(ADJECTIVES),
            noun=rng.choice(NOUNS),
            topic=_lower(rng.choice(TOPICS)),
            ordinal=rng.choice(ORDINALS),
            weekday=rng.choice(WEEKDAYS),
            number=rng.randint(2, 900),
            years=rng.randint(2, 20),
        )

    def date_stances(self) -> None:
        """Date each stance: histories get distinct explicit days; a cell's first may take its evidence's."""
        rng = self.rng
        used: dict[tuple[int, int], set[str]] = defaultdict(set)
        for stance in self.stances:
            for ev in stance.evidence:
                source = self.sources[ev.source]
                if rng.random() < 0.1:
                    ev.said_on = (source.earliest - dt.timedelta(days=rng.randint(0, 5))).isoformat()
            cell = (stance.party, stance.issue)
            # As the loader picks the newest: by (latest, earliest) day of each evidence item's date.
            dates = [
                (
                    self.sources[ev.source].latest,
                    self.sources[ev.source].earliest,
                    self.sources[ev.source].published,
                )
                for ev in stance.evidence
            ]
            newest_latest = max(latest for latest, _, _ in dates)
            newest_text = max(dates, key=lambda d: (d[0], d[1]))[2]
            if not used[cell] and rng.random() < 0.5 and all(ev.said_on is None for ev in stance.evidence):
                # No as_of: the loader takes the newest evidence date, which a later stance must not reuse.
                used[cell].add(newest_text)
                continue
            day = newest_latest + dt.timedelta(days=rng.randint(0, 20))
            while day.isoformat() in used[cell]:
                day += dt.timedelta(days=1)
            stance.as_of = day.isoformat()
            used[cell].add(stance.as_of)

    # --- writing --------------------------------------------------------------------------------------------

    def source_text(self, source: _Source) -> str:
        rng = self.rng
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES).replace('’', '')}"
        lines = [source.headline, "", f"By {name} | Stancemap Synthetic News", ""]
        for paragraph in source.paragraphs:
            lines.extend([" ".join(paragraph), ""])
        year = source.latest.year
        lines.extend(line.format(year=year) for line in BOILERPLATE_FOOTER)
        return "\n".join(lines) + "\n"

    def write(self, root: Path) -> None:
        seeds = root / "seeds"
        stances_dir = root / "positions" / "stances"
        seeds.mkdir(parents=True)
        stances_dir.mkdir(parents=True)
        out = ["# Synthetic sources generated by benchmarks/generate.py; do not edit by hand.", "sources:"]
        for source in self.sources:
            data = self.source_text(source).encode("utf-8")
            (seeds / source.file).write_bytes(data)
            out += [
                f"  - id: {source.sid}",
                f"    file: {source.file}",
                f"    sha256: {hashlib.sha256(data).hexdigest()}",
                f"    headline: {yaml_string(source.headline)}",
                "    outlet: Stancemap Synthetic News",
                "    syndication: [Stancemap Synthetic News]",
                f"    published: {source.published}",
                f"    published_basis: {yaml_string('The dateline of the synthetic article')}",
                f"    url: https://example.org/news/{source.sid}",
            ]
            if source.copy_of:
                out.append(f"    copy_of: {source.copy_of}")
            out.append("")
        (seeds / "sources.yaml").write_text("\n".join(out), encoding="utf-8")
        self.write_parties(root / "positions" / "parties.yaml")
        self.write_issues(root / "positions" / "issues.yaml")
        self.write_stances(stances_dir)
        self.write_events(root / "positions" / "events.yaml")

    def write_parties(self, path: Path) -> None:
        out = ["# Synthetic parties: European capitals, then invented names.", "parties:"]
        for party in self.parties:
            aliases = ", ".join(yaml_scalar(a) for a in party["aliases"])  # type: ignore[attr-defined]
            out += [
                f"  - id: {party['id']}",
                f"    name: {yaml_scalar(str(party['name']))}",
                f"    aliases: [{aliases}]",
            ]
            out.append("    speakers:")
            for name, role in party["speakers"]:  # type: ignore[attr-defined]
                out += [f"      - name: {yaml_scalar(name)}", f"        role: {yaml_scalar(role)}"]
            out.append("")
        path.write_text("\n".join(out), encoding="utf-8")

    def write_issues(self, path: Path) -> None:
        out = ["issues:"]
        for issue in self.issues:
            keywords = ", ".join(yaml_scalar(k) for k in issue["keywords"])  # type: ignore[attr-defined]
            out += [
                f"  - id: {issue['id']}",
                f"    title: {yaml_scalar(str(issue['title']))}",
                f"    proposition: {yaml_string(str(issue['proposition']))}",
                f"    keywords: [{keywords}]",
            ]
            if "quantity" in issue:
                unit, short = issue["quantity"]  # type: ignore[misc]
                out.append(f"    quantity: {{unit: {unit}, short: {yaml_string(short)}}}")
            out.append("")
        path.write_text("\n".join(out), encoding="utf-8")

    def write_stances(self, folder: Path) -> None:
        by_issue: dict[int, list[_Stance]] = defaultdict(list)
        for stance in self.stances:
            by_issue[stance.issue].append(stance)
        for index, stances in sorted(by_issue.items()):
            issue = self.issues[index]
            out = [f"issue: {issue['id']}", "stances:"]
            for stance in stances:
                party = self.parties[stance.party]
                title = str(issue["title"])
                out += [
                    f"  - party: {party['id']}",
                    f"    level: {stance.level}",
                    f"    summary: {LEVEL_VERBS[stance.level]} the {_lower(title)} terms",
                ]
                if stance.quantity is not None:
                    out.append(f"    quantity: {stance.quantity:g}")
                if stance.red_line:
                    out.append("    red_line: true")
                if stance.conditions:
                    out.append(f"    conditions: [{', '.join(stance.conditions)}]")
                if stance.as_of:
                    out.append(f"    as_of: {stance.as_of}")
                out.append("    evidence:")
                for ev in stance.evidence:
                    name, role = ev.speaker
                    how = "quoted" if ev.kind in ("direct", "partial") else "reported"
                    out += [
                        f"      - source: {self.sources[ev.source].sid}",
                        f"        quote: {yaml_string(ev.quote)}",
                        f"        speaker: {{name: {yaml_scalar(name)}, role: {yaml_scalar(role)}}}",
                        f"        kind: {ev.kind}" + (f"  # {how}" if ev.comment else ""),
                    ]
                    if ev.said_on:
                        out.append(f"        said_on: {ev.said_on}")
                if stance.note:
                    out.append(f"    note: {stance.note}")
                out.append("")
            (folder / f"{issue['id']}.yaml").write_text("\n".join(out), encoding="utf-8")

    def write_events(self, path: Path) -> None:
        rng = self.rng
        out = ["events:"]
        for index in range(self.scale.events):
            source = self.sources[index % len(self.sources)]
            paragraph = rng.choice(source.paragraphs)
            quote = rng.choice(paragraph)
            out += [
                f"  - id: event-{index:05d}",
                f"    date: {yaml_string(source.published)}",
                f"    title: {yaml_string('Reported in ' + source.headline)}",
                f"    kind: {rng.choice(['talks', 'summit', 'plan', 'statement'])}",
                f"    source: {source.sid}",
                f"    quote: {yaml_string(quote)}",
                "",
            ]
        path.write_text("\n".join(out), encoding="utf-8")


def generate(root: Path, scale: Scale | str, *, seed: int = 0) -> Scale:
    """Write a data root (seeds/ and positions/) at `scale` into the empty or missing folder `root`."""
    chosen = SCALES[scale] if isinstance(scale, str) else scale
    root = Path(root)
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f"{root} is not empty; generate into a new folder")
    gen = _Generator(chosen, seed)
    gen.make_parties()
    gen.make_issues()
    gen.make_sources()
    gen.make_stances()
    gen.fill_sources()
    gen.date_stances()
    gen.write(root)
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__)
    parser.add_argument("scale", choices=sorted(SCALES))
    parser.add_argument("root", type=Path, help="an empty or missing folder to write the data root into")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    scale = generate(args.root, args.scale, seed=args.seed)
    print(f"{args.root}: {scale}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
