"""Curation assistant: propose stance stubs from a new document, one per party × issue, quoting it verbatim.

How it reads a document (measured by ``python -m benchmarks.suggest_eval``):

- Sentences: see stancemap.curate.sentences; every quote is a substring of the text. The proposals are
  written out as YAML stubs or JSON by stancemap.curate.stubs.
- Who is cited: "according to X", ", X said/told/added…" and "X said …" at the start, X resolved to a known
  speaker, to a party's role holder ("the Ukrainian president"), to a new person ("Foreign Minister Sergei
  Lavrov", who joins the party the sentence is about) or kept as written ("two people familiar with the
  text"). A sentence opening a quotation that a later sentence closes is cited as that one is; "he said"
  is the speaker named first in the closest of the three sentences before. The cited source is the speaker.
- Parties: named by a speaker (``speakers`` in positions/parties.yaml, people the article introduces with a
  party and a role, as in "Kremlin spokesman Dmitry Peskov", and the cited), or as an actor: a party or
  bloc-member alias not right after a preposition ("in Ukraine", "by the U.S. Congress") or a verb taking an
  object ("pushed Ukraine to", "asked Trump for"); an adjective ("Russian") or a possessive ("Russia's") only
  before a word for people or, for a possessive, a stance ("European leaders", "Russia's demands", not
  "Russian drones" or "Russia's invasion"). A sentence naming no party takes those of the closer of the
  two sentences before that names one, marked as inferred.
- Issues: an issue's ``keywords``, case-insensitive, whole words, with common endings (deploy → deployment);
  a keyword inside a longer keyword of another issue does not count ("NATO" in "NATO troops"). A number in
  an issue's ``quantity`` unit ("30, 40 or 50 years", "15-year", "$800 billion") counts too, and its largest
  value is the stub's quantity guess ("half a century" and "a decade" give values, not issues).
- Score: 2 per distinct keyword (up to 3) or for a quantity, 3 when the cited or named speaker is the
  party's (1 when the cited source is someone else's), 2 for stance words, 1 for quotation marks, −2 for
  an inferred party. Proposals scoring under MIN_SCORE are dropped.
- Level guess: a condition in the sentence (only once/if/after, provided, unless, in exchange for, but not
  while, could accept) makes it conditional. Else the stance words closest after a mention of the party
  (else the first): rejects (rejects, refused, won't, never, unacceptable, ruled out), opposes (opposes,
  against, pushing back), demands (demands, insists, must, wants, needs, has to, asked … for, pushed … to,
  non-negotiable, not up for discussion, only … can) or supports (supports, ready, prepared, proposed,
  backs, offers, aims to, contributes, agreed, accepts). When the words point the other way from the
  party's recorded stance on the issue, the recorded level is kept: the words are then most likely about
  the opposite of the proposition ("won't cede Crimea" on "Crimea stays under Russian control"). With no
  stance words: the recorded level, else "supports". It stays a guess for the curator to check.
- Kind guess: readout when the sentence says "readout"; direct when it opens with a quotation that covers
  most of it; partial when it has a quoted fragment; else paraphrase.
- Already known: a proposal whose quote is already evidence for the cell says where; a sentence nearly
  identical (rapidfuzz ratio ≥ SAME_SENTENCE_RATIO) to one of a source in the data names that source's story,
  so a syndicated copy is not taken for new corroboration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from stancemap.check.quotes import find_quote, fragments, normalize, quote_defects
from stancemap.curate.sentences import OPENING_QUOTES, Sentence, split_sentences, word_set
from stancemap.derive.matrix import current
from stancemap.model.dataset import Dataset
from stancemap.model.sourcetext import parse_source_text

DEFAULT_TOP = 0  # all
DEFAULT_LEVEL = "supports"
# A sentence of at least this many characters, this similar (rapidfuzz ratio, 0-100) to a sentence of a
# source in the data, is the same sentence: syndicated copies differ by spelling and small edits.
SAME_SENTENCE_MIN = 40
# Proposals scoring less are dropped: one keyword and nothing else (no speaker, no stance verb).
MIN_SCORE = 3
SAME_SENTENCE_RATIO = 90

QUOTE_MARKS = frozenset('"“”„«»')


PREPOSITIONS = word_set(
    """in into to from for of with by on onto at against toward towards across over about than between among
    inside within without near via under beside around through"""
)
DETERMINERS = word_set("the a an its their his her our this that these those")
# Verbs whose next noun is their object: "pushed Ukraine to", "asked Trump for", "deter Russia from".
OBJECT_VERBS = word_set(
    """ask asks asked urge urges urged push pushes pushed press presses pressed tell tells told meet meets met
    attack attacks attacked invade invades invaded deter deters deterred expect expects expected want wants
    wanted help helps helped allow allows allowed let lets convince convinced persuade persuaded warn warns
    warned accuse accuses accused blame blames blamed thank thanks thanked invite invites invited"""
)
# Words that make up a role before or after a name ("Kremlin spokesman Dmitry Peskov").
ROLE_WORDS = word_set(
    """spokesman spokeswoman spokesperson president prime minister ministry foreign defence defense
    secretary state envoy special aide adviser advisor chief negotiator ambassador chancellor general gen
    lt col deputy official press leader premier senator sen representative rep commander head speaker
    policy security national vice first lawmaker diplomat secretary-general top senior interior"""
)
ADJECTIVE_ENDINGS = ("ian", "ean", "can", "ish", "ench", "man")
ACTOR_NOUNS = word_set(
    """leaders leader officials official government authorities allies negotiators negotiator delegation
    side diplomats diplomat lawmakers parliament ministry president minister envoy spokesman spokeswoman
    spokesperson presidency administration team counterparts partners"""
)
STANCE_NOUNS = word_set(
    """demand demands position positions proposal proposals plan plans offer offers refusal insistence
    rejection call calls condition conditions terms request requests stance red line lines"""
)
STOP_NAMES = word_set(
    """the a an in on at but and as after before if when while so this that these those he she it they we
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december"""
)
_NAME_TOKEN = r"[A-Z][a-zà-ÿ]+(?:[-'’][A-Za-zà-ÿ]+)*"
_CAPITAL_RUN = re.compile(rf"{_NAME_TOKEN}(?:\s+{_NAME_TOKEN})*")
_PRONOUN_SAID = re.compile(
    r"\b(?:he|she)\s+(?:\w+\s+)?(?:said|says|added|adds|told|tells|noted|notes|stressed|stresses|insisted"
    r"|insists|warned|warns|wrote|writes|argued|argues|emphasi[sz]ed|demanded|demands|rejected|rejects)\b"
    r"|\b(?:said|added|told|wrote)\s+(?:he|she)\b",
    re.IGNORECASE,
)
_VERBS = (
    r"said|says|told|tells|added|adds|wrote|writes|noted|notes|stressed|stresses|warned|warns|insisted|insists"
    r"|reported|reports|stated|states|announced|announces|explained|argued|emphasi[sz]ed"
)
_WHO = r"(?P<who>[^,;:“”\"()]{2,80}?)"
# "according to Rustem Umerov, the chief negotiator", "according to a readout from Downing Street".
_ACCORDING_TO = re.compile(r"\baccording to\s+(?P<who>[^,;:“”\"()]+?)(?=\s*(?:[,;:.”\"]|$))", re.IGNORECASE)
# ", Kremlin aide Yuri Ushakov said", ",” Zelenskyy told reporters", "(AP) — Ukrainian President X said".
_SAID_AFTER = re.compile(
    rf"(?:[,”\"]\s+|\s[-—–]\s+){_WHO}\s+(?:also\s+|earlier\s+|has\s+|had\s+)?(?:{_VERBS})\b"
)
# "Peskov said …", "U.S. Secretary of State Marco Rubio said …" at the start of the sentence.
_SAID_BEFORE = re.compile(rf"^[“\"]?{_WHO}\s+(?:also\s+|earlier\s+|has\s+|had\s+)?(?:{_VERBS})\b")
# Lower-case words a cited source may start with: "two people familiar with the text said".
_CITED_DETERMINERS = word_set("a an the two three four five several some one both many most other")
# "The U.S. has not said", "Russia would never say": no one is cited.
_NOT_CITED_ENDS = word_set("not never has had have did does would will could")
_PRONOUNS = word_set("he she they it we i which who that and but as while when if this")
# A condition in the sentence makes the level conditional whatever else it says.
_CONDITION = re.compile(
    r"\b(?:only (?:once|if|after|when|with)|provided (?:that )?|on condition that|conditional on"
    r"|depend(?:s|ed|ing)? on|could (?:accept|agree to|support|live with)|unless|in exchange for"
    r"|in return for|but not while|not until)\b",
    re.IGNORECASE,
)
# Curly apostrophes read as straight ones for the stance verbs (won’t); one character each, offsets kept.
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})

# (level, pattern) for the level guess; see the module docstring.
CUES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (level, re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE))
    for level, pattern in (
        (
            "rejects",
            r"reject(?:s|ed|ing)?|refus(?:e|es|ed|ing)|won't|will not|would not|never|unacceptable"
            r"|rule[sd]? out|ruling out|cannot accept|can't accept",
        ),
        ("opposes", r"oppos(?:e|es|ed|ing)|against|object(?:s|ed)? to|resist(?:s|ed)?|push(?:ing|ed)? back"),
        (
            "conditional",
            r"only (?:once|if|after|when|with)|provided|on condition|conditional on|depend(?:s|ed)? on"
            r"|unless|in exchange for|in return for",
        ),
        (
            "demands",
            r"demand(?:s|ed|ing)?|insist(?:s|ed|ing)?|must|requir(?:e|es|ed|ing)|seek(?:s|ing)?|sought"
            r"|call(?:s|ed)? for|press(?:es|ed)? for|urg(?:e|es|ed|ing)|maximalist|wants?|wanted"
            r"|needs?|needed|ha(?:s|ve) to|ask(?:s|ed)? (?:\w+ ){0,2}for|push(?:es|ed)? (?:\w+ )?to"
            r"|non-negotiable|not negotiable"
            r"|not (?:up )?for (?:discussion|negotiation)|not a subject for negotiation"
            r"|only (?:[\w-]+ ){1,3}(?:can|could|will)",
        ),
        (
            "supports",
            r"support(?:s|ed|ing)?|ready|willing|prepared|propos(?:e|es|ed|al)|back(?:s|ed|ing)"
            r"|welcom(?:e|es|ed)|agree(?:s|d)?|accept(?:s|ed)?|endors(?:e|es|ed)|open to|commit(?:s|ted)? to"
            r"|offer(?:s|ed|ing)?|aim(?:s|ed)? to|contribut(?:e|es|ed|ing)|hop(?:e|es|ed) to"
            r"|work(?:s|ing)? (?:on|to)",
        ),
    )
)


@dataclass(frozen=True)
class Mention:
    party: str
    start: int  # offset in the sentence
    speaker: str | None  # the speaker's name for a speaker mention, None for a party alias
    text: str = ""  # as the sentence writes it, with a word for people after it ("the US side")


@dataclass(frozen=True)
class Candidate:
    """One proposed piece of evidence: a sentence for one party on one issue, with guesses and a score."""

    sentence: Sentence
    party: str
    issue: str
    keywords: tuple[str, ...]
    speaker: str
    speaker_named: bool
    kind: str
    kind_why: str
    level: str
    cue: str | None
    score: int
    reasons: tuple[str, ...]
    curated: tuple[str, ...] = ()  # where this sentence is already evidence for this party × issue
    same_story: tuple[str, ...] = ()  # stories in the data with a near-identical sentence
    quantity: QuantityGuess | None = None  # a number in the issue's unit
    party_inferred: bool = False  # the party is named only in the sentence before
    verb_level: str = DEFAULT_LEVEL  # the level the sentence's own words read as
    level_why: str = ""  # where the level guess comes from


@dataclass(frozen=True)
class QuantityGuess:
    value: float
    text: str


@dataclass
class _Lexicon:
    """The patterns that name parties and issues, from the data plus the people the document introduces."""

    aliases: list[tuple[str, re.Pattern[str]]]  # (party, pattern)
    speakers: list[tuple[str, str, re.Pattern[str]]]  # (party, name to show, pattern)
    issues: dict[str, list[tuple[str, re.Pattern[str]]]]  # issue -> (keyword, pattern)
    roles: dict[str, list[tuple[str, str | None]]]  # party -> (speaker, role)
    alias_words: set[str] = field(default_factory=set)  # lower-case single-word aliases


def _word_pattern(words: str, *, endings: bool = False, flags: int = 0) -> re.Pattern[str]:
    """`words` as whole words (any whitespace between them), optionally with common word endings."""
    body = r"\s+".join(re.escape(w) for w in words.split())
    tail = r"(?:s|es|ed|d|ing|ment|ments)?" if endings and words[-1:].isalpha() else r"(?:['’]s)?"
    return re.compile(rf"(?<![\w.]){body}{tail}(?!\w)", flags)


def _lexicon(data: Dataset) -> _Lexicon:
    aliases: list[tuple[str, re.Pattern[str]]] = []
    speakers: list[tuple[str, str, re.Pattern[str]]] = []
    words: set[str] = set()
    for pid, party in data.parties.items():
        names = [party.name, *party.aliases]
        for member in party.members:
            names += [member.name, *member.aliases]
        for name in dict.fromkeys(names):
            aliases.append((pid, _word_pattern(name)))
            words.update(w.lower() for w in name.split())
        for person in party.speakers:
            for name in dict.fromkeys([person.name, *person.aliases]):
                # An alias that is not part of the name (Downing Street for Starmer) is shown as written.
                shown = person.name if name in person.name else name
                speakers.append((pid, shown, _word_pattern(name)))
    issues = {
        iid: [(kw, _word_pattern(kw, endings=True, flags=re.IGNORECASE)) for kw in issue.keywords]
        for iid, issue in data.issues.items()
    }
    roles = {pid: [(p.name, p.role) for p in party.speakers] for pid, party in data.parties.items()}
    return _Lexicon(aliases, speakers, issues, roles, words)


def _discover_speakers(sentences: list[Sentence], lexicon: _Lexicon) -> None:
    """Add people the document introduces with a party alias and a role, e.g. 'Kremlin spokesman X Y'."""
    known = {name for _, name, _ in lexicon.speakers}
    found: dict[str, str] = {}
    for sentence in sentences:
        for run in _CAPITAL_RUN.finditer(sentence.text):
            tokens = run.group().split()
            lead = 0
            while lead < len(tokens) and _role_or_alias(tokens[lead], lexicon):
                lead += 1
            name_tokens = tokens[lead:]
            if not 2 <= len(name_tokens) <= 3 or any(_role_or_alias(t, lexicon) for t in name_tokens):
                continue
            name = " ".join(name_tokens)
            if name in known or name in found:
                continue
            # The role must sit right against the name: "Kremlin spokesman Dmitry Peskov", or after it
            # between commas: "Dmitry Peskov, the Kremlin's spokesman,".
            before = _role_phrase(sentence.text[: run.start()].split()[::-1], lexicon)[::-1] + tokens[:lead]
            after = re.match(r",\s+([^,.;]{1,60})[,.;]", sentence.text[run.end() :])
            contexts = [before]
            if after and len(_role_phrase(after.group(1).split(), lexicon)) == len(after.group(1).split()):
                contexts.append(after.group(1).split())
            for context in contexts:
                party = _party_with_role(context, lexicon)
                if party is not None:
                    found[name] = party
                    break
    for name, party in found.items():
        lexicon.speakers.append((party, name, _word_pattern(name)))
        surname = name.split()[-1]
        if surname.lower() not in lexicon.alias_words:
            lexicon.speakers.append((party, name, _word_pattern(surname)))


def _role_or_alias(token: str, lexicon: _Lexicon) -> bool:
    word = re.sub(r"['’]s$", "", token).lower()
    return word in ROLE_WORDS or word in lexicon.alias_words or word in STOP_NAMES


def _role_phrase(words: list[str], lexicon: _Lexicon) -> list[str]:
    """The leading words that can make up a role (role words, party aliases, 'the', 'of'), in order."""
    taken = []
    for word in words:
        bare = re.sub(r"['’]s$", "", word.strip(",")).lower()
        if bare in ROLE_WORDS or bare in lexicon.alias_words or bare in ("the", "of", "a"):
            taken.append(word)
        else:
            break
    return taken


def _party_with_role(words: list[str], lexicon: _Lexicon) -> str | None:
    """The party whose alias appears among `words` together with a role word, or None."""
    bare = {re.sub(r"['’]s$", "", w.strip(",")).lower() for w in words}
    if not bare & ROLE_WORDS:
        return None
    context = " ".join(words)
    for party, pattern in lexicon.aliases:
        if pattern.search(context):
            return party
    return None


def _is_actor(text: str, match: re.Match[str]) -> bool:
    """Whether a party alias names an actor (see the module docstring)."""
    words = re.findall(r"[\w'’-]+", text[: match.start()].lower())
    while words and words[-1] in DETERMINERS:
        words.pop()
    if words and (words[-1] in PREPOSITIONS or words[-1] in OBJECT_VERBS):
        return False
    # "Russia's invasion", "Ukraine's neutrality": a possessive names an actor only before a word for people
    # or for a stance ("Russia's demands").
    if match.group()[-2:] in ("'s", "’s"):
        next_words = re.findall(r"[\w-]+", text[match.end() :])[:2]  # "Russia's (maximalist) demands"
        return any(word.lower() in ACTOR_NOUNS | STANCE_NOUNS for word in next_words)
    # "Russian drones", "a European force": an adjective names an actor only before a word for people.
    if match.group().lower().endswith(ADJECTIVE_ENDINGS) and " " not in match.group():
        following = re.match(r"\s+([\w-]+)", text[match.end() :])
        return bool(following and following.group(1).lower() in ACTOR_NOUNS)
    return True


def _mentions(sentence: Sentence, lexicon: _Lexicon) -> list[Mention]:
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for party, shown, pattern in lexicon.speakers:
        for match in pattern.finditer(sentence.text):
            taken.append(match.span())
            before = re.findall(r"[\w'’-]+", sentence.text[: match.start()].lower())
            if not (before and before[-1] in OBJECT_VERBS):
                found.append(Mention(party, match.start(), shown))
    for party, pattern in lexicon.aliases:
        for match in pattern.finditer(sentence.text):
            inside_speaker = any(a <= match.start() < b for a, b in taken)
            if not inside_speaker and _is_actor(sentence.text, match):
                noun = re.match(r"\s+([\w-]+)", sentence.text[match.end() :])
                written = match.group() + (noun.group() if noun and noun.group(1) in ACTOR_NOUNS else "")
                found.append(Mention(party, match.start(), None, written))
    return sorted(found, key=lambda m: m.start)


def _kind(text: str) -> tuple[str, str]:
    """The evidence kind guess and why."""
    if re.search(r"\breadout\b", text, re.IGNORECASE):
        return "readout", "the sentence cites a readout"
    if not QUOTE_MARKS.intersection(text):
        return "paraphrase", "no quotation marks"
    inside, quoted, straight_open = 0, False, False
    for char in text:
        if char in "“„«" or (char == '"' and not straight_open):
            quoted, straight_open = True, char == '"'
        elif char in "”»" or (char == '"' and straight_open):
            quoted, straight_open = False, False
        elif quoted:
            inside += 1
    if text.lstrip()[:1] in OPENING_QUOTES and inside >= len(text) / 2:
        return "direct", "the speaker's words in quotation marks"
    return "partial", "a quoted fragment inside reporter's text"


def _level(text: str, named_at: list[int]) -> tuple[str, str | None]:
    """The level guess and its verb: the stance verb closest after a mention of the party, else the first."""
    folded = text.translate(_APOSTROPHES)
    cues = sorted(
        ((m.start(), level, m.group()) for level, pattern in CUES for m in pattern.finditer(folded)),
        key=lambda c: c[0],
    )
    if not cues:
        return DEFAULT_LEVEL, None
    following = [(cue[0] - at, cue) for at in named_at for cue in cues if cue[0] >= at]
    chosen = min(following, key=lambda pair: pair[0])[1] if following else cues[0]
    return chosen[1], chosen[2]


def _pronoun_speaker(sentences: list[Sentence], index: int, lexicon: _Lexicon) -> Mention | None:
    """For 'he said': the speaker named first (usually the subject) in the 3 sentences before."""
    if not _PRONOUN_SAID.search(sentences[index].text):
        return None
    for back in range(index - 1, max(index - 4, -1), -1):
        named = [m for m in _mentions(sentences[back], lexicon) if m.speaker]
        if named:
            return named[0]
    return None


@dataclass(frozen=True)
class Attribution:
    """Whom a sentence cites ("X said", "according to X"): a name to show, and the party when known."""

    name: str
    party: str | None
    start: int  # where the cited words begin in the sentence
    end: int
    person: bool = False  # a person's name the lexicon did not know


def _attribution(sentence: Sentence, lexicon: _Lexicon) -> Attribution | None:
    """The source the sentence cites, from "according to X", ", X said" or "X said …" (in that order)."""
    text = sentence.text.translate(_APOSTROPHES)
    for pattern in (_ACCORDING_TO, _SAID_AFTER, _SAID_BEFORE):
        found = list(pattern.finditer(text))
        if not found:
            continue
        match = found[-1] if pattern is not _SAID_BEFORE else found[0]
        who = match.group("who").strip()
        first = who.split()[0]
        if who.lower() in _PRONOUNS or len(who.split()) > 9 or who.split()[-1].lower() in _NOT_CITED_ENDS:
            continue
        if not (first[0].isupper() or first[0].isdigit() or first.lower() in _CITED_DETERMINERS):
            continue
        at = match.start("who")
        return _resolve(who, at, lexicon)
    return None


def _resolve(who: str, at: int, lexicon: _Lexicon) -> Attribution:
    """The speaker `who` names: a known speaker, a party's role holder, a new person, or as written."""
    end = at + len(who)
    for party, shown, pattern in lexicon.speakers:
        if pattern.search(who):
            return Attribution(shown, party, at, end)
    parties = [party for party, pattern in lexicon.aliases if pattern.search(who)]
    words = {w.lower() for w in re.findall(r"[\w-]+", who)}
    # "the Ukrainian president": the party's speaker whose role is that word.
    for party in dict.fromkeys(parties):
        for person in lexicon.roles.get(party, ()):
            if person[1] and set(person[1].lower().split()) <= words:
                return Attribution(person[0], party, at, end)
    for run in _CAPITAL_RUN.finditer(who):
        tokens = run.group().split()
        while tokens and _role_or_alias(tokens[0], lexicon):
            tokens.pop(0)
        if 2 <= len(tokens) <= 3 and not any(_role_or_alias(token, lexicon) for token in tokens):
            return Attribution(" ".join(tokens), parties[0] if parties else None, at, end, person=True)
    name = re.sub(r"^(?:a|an)\s+(?=readout|statement)", "", who)
    return Attribution(name, parties[0] if parties else None, at, end)


def _discover_cited(sentences: list[Sentence], lexicon: _Lexicon) -> None:
    """People cited with no party in their role ("Foreign Minister Sergei Lavrov said") join the party the
    sentence is about: the first actor named outside the citation."""
    known = {name for _, name, _ in lexicon.speakers}
    for sentence in sentences:
        cited = _attribution(sentence, lexicon)
        if cited is None or not cited.person or cited.name in known:
            continue
        party = cited.party
        if party is None:
            actors = [m for m in _mentions(sentence, lexicon) if not cited.start <= m.start < cited.end]
            party = actors[0].party if actors else None
        if party is None:
            continue
        known.add(cited.name)
        lexicon.speakers.append((party, cited.name, _word_pattern(cited.name)))
        surname = cited.name.split()[-1]
        if surname.lower() not in lexicon.alias_words:
            lexicon.speakers.append((party, cited.name, _word_pattern(surname)))


def _quotation_ends(sentences: list[Sentence]) -> dict[int, int]:
    """For a sentence opening a quotation it does not close: the later one (same paragraph) that does."""
    ends: dict[int, int] = {}
    for sentence in sentences:
        opened = sum(sentence.text.count(c) for c in "“«") - sum(sentence.text.count(c) for c in "”»")
        if opened <= 0:
            continue
        for later in sentences[sentence.index + 1 : sentence.index + 4]:
            if later.block != sentence.block:
                break
            if any(c in later.text for c in "”»"):
                ends[sentence.index] = later.index
                break
    return ends


def _issue_hits(text: str, lexicon: _Lexicon) -> dict[str, tuple[str, ...]]:
    """Issue -> keywords found; a keyword inside a longer keyword of another issue ("NATO" in "NATO
    troops") does not count for its own issue."""
    matches = [
        (m.start(), m.end(), iid, keyword)
        for iid, patterns in lexicon.issues.items()
        for keyword, pattern in patterns
        for m in pattern.finditer(text)
    ]
    kept: dict[str, list[str]] = {}
    for start, end, iid, keyword in matches:
        inside = any(
            other != iid and s <= start and end <= e and (e - s) > (end - start) for s, e, other, _ in matches
        )
        if not inside and keyword not in kept.setdefault(iid, []):
            kept[iid].append(keyword)
    return {iid: tuple(words) for iid, words in kept.items() if words}


_NUMBER = r"\d+(?:[.,]\d+)?"
_QUANTITY = re.compile(
    rf"(?P<currency>[$€£])?\s?(?P<numbers>{_NUMBER}(?:(?:\s*,\s*|\s+(?:or|and|to)\s+|\s?[-–]\s?){_NUMBER})*)"
    r"(?:-|\s+)(?P<unit>[a-z]+)\b"
)
# Spelled-out amounts that sources use for durations.
_WORD_QUANTITIES = {"half a century": (50, "year"), "a century": (100, "year"), "a decade": (10, "year")}


def _quantities(text: str, *, spelled: bool = True) -> list[tuple[str, QuantityGuess]]:
    """(unit, quantity) for each number with a unit: "30, 40 or 50 years", "$800 billion", "15-year"; a
    list counts as its largest number. `spelled`: also "half a century", "a decade"."""
    found = []
    for match in _QUANTITY.finditer(text):
        numbers = [float(n.replace(",", "")) for n in re.findall(_NUMBER, match.group("numbers"))]
        unit = match.group("unit").removesuffix("s")
        found.append((unit, QuantityGuess(max(numbers), match.group().strip())))
    for words, (value, unit) in _WORD_QUANTITIES.items() if spelled else ():
        if re.search(rf"\b{words}\b", text, re.IGNORECASE):
            found.append((unit, QuantityGuess(value, words)))
    return found


def _issue_quantity(data: Dataset, issue: str, text: str, *, spelled: bool = True) -> QuantityGuess | None:
    """The sentence's number in the issue's unit (matched on the unit's first word: years, billion)."""
    unit = data.issues[issue].quantity
    if unit is None:
        return None
    head = unit.unit.split()[0].lower().removesuffix("s")
    return next((q for u, q in _quantities(text, spelled=spelled) if u == head), None)


def _curated(data: Dataset) -> dict[tuple[str, str], list[tuple[list[str], str]]]:
    """(party, issue) -> (normalised quote fragments, origin) of each evidence item (built once per data)."""

    def build() -> dict[tuple[str, str], list[tuple[list[str], str]]]:
        cells: dict[tuple[str, str], list[tuple[list[str], str]]] = {}
        for record in data.stances:
            for ev in record.stance.evidence:
                parts = [normalize(f) for f in fragments(ev.quote)]
                cells.setdefault((record.party, record.issue), []).append((parts, str(record.origin)))
        return cells

    return data.derived("suggest-curated", build)


def _story_sentences(data: Dataset) -> tuple[list[str], list[str]]:
    """Every body sentence of every source, normalised, and the source each is from (built once per data)."""

    def build() -> tuple[list[str], list[str]]:
        texts, owners = [], []
        for source_id, source in data.texts.items():
            for sentence in split_sentences(source.text):
                if len(sentence.text) >= SAME_SENTENCE_MIN:
                    texts.append(normalize(sentence.text))
                    owners.append(source_id)
        return texts, owners

    return data.derived("suggest-story-sentences", build)


def _same_stories(sentences: list[Sentence], data: Dataset, exclude: str | None) -> list[tuple[str, ...]]:
    """Per sentence, the stories (original source ids) in the data with a near-identical sentence."""
    texts, owners = _story_sentences(data)
    folded = [normalize(s.text) for s in sentences]
    long = [i for i, text in enumerate(folded) if len(text) >= SAME_SENTENCE_MIN]
    found: list[tuple[str, ...]] = [() for _ in sentences]
    if not long or not texts:
        return found
    # One matrix of ratios (0 below the cutoff) is far faster than a search per sentence.
    scores = process.cdist(
        [folded[i] for i in long], texts, scorer=fuzz.ratio, score_cutoff=SAME_SENTENCE_RATIO, dtype=np.uint8
    )
    for row, i in enumerate(long):
        hits = np.flatnonzero(scores[row])
        stories = [data.story_of(owners[j]) for j in hits if owners[j] != exclude]
        found[i] = tuple(dict.fromkeys(stories))
    return found


def _recorded_levels(data: Dataset) -> dict[tuple[str, str], tuple[str, str]]:
    """(party, issue) -> (current level, where it is recorded)."""
    return data.derived(
        "suggest-recorded-levels",
        lambda: {key: (r.stance.level, str(r.origin)) for key, r in current(data).items()},
    )


# For or against the proposition; "conditional" is neither.
_DIRECTION = {"demands": 1, "supports": 1, "conditional": 0, "opposes": -1, "rejects": -1}


@dataclass(frozen=True)
class LevelGuess:
    level: str
    cue: str | None  # the sentence's stance words (a condition or a verb), if any
    why: str
    verb_level: str  # what the sentence's own words read as, before the recorded stance is considered


def _guess_level(text: str, named_at: list[int], recorded: tuple[str, str] | None) -> LevelGuess:
    """A condition in the sentence; else the stance verb, unless it points the other way from the party's
    recorded stance on the issue (then the verb is most likely about the opposite of the proposition, as
    "won't cede Crimea" on "Crimea stays under Russian control"); else the recorded stance; else a default."""
    verb, cue = _level(text, named_at)
    verb_level = verb if cue else DEFAULT_LEVEL
    condition = _CONDITION.search(text.translate(_APOSTROPHES))
    if condition:
        return LevelGuess("conditional", condition.group(), f"from '{condition.group()}'", verb_level)
    if cue and (recorded is None or _DIRECTION[verb] * _DIRECTION[recorded[0]] >= 0):
        return LevelGuess(verb, cue, f"from '{cue}'", verb_level)
    if recorded is not None:
        reads = f" ('{cue}' alone would read {verb})" if cue else ""
        return LevelGuess(recorded[0], cue, f"as recorded at {recorded[1]}{reads}", verb_level)
    return LevelGuess(DEFAULT_LEVEL, None, "no stance verb found; default", verb_level)


def candidates(
    text: str, data: Dataset, *, source_id: str | None = None, min_score: int = MIN_SCORE
) -> list[Candidate]:
    """Every (sentence, party, issue) proposal in `text`, best first (ties in document order).

    `source_id`: the document's own id when it is already a source, so it is not its own syndicated copy
    (found by comparing texts when not given).
    """
    lexicon = _lexicon(data)
    source = parse_source_text(text)
    if source_id is None:  # the document may already be a source: then it is not a copy of itself
        source_id = next((sid for sid, known in data.texts.items() if known.text == source.text), None)
    sentences = split_sentences(text)
    _discover_speakers(sentences, lexicon)
    _discover_cited(sentences, lexicon)
    curated = _curated(data)
    recorded = _recorded_levels(data)
    cited = [_attribution(s, lexicon) for s in sentences]
    closing = _quotation_ends(sentences)
    actors = [_mentions(s, lexicon) for s in sentences]
    stories = _same_stories(sentences, data, source_id)
    found: list[Candidate] = []
    for sentence in sentences:
        issues = _issue_hits(sentence.text, lexicon)
        for iid in data.issues:
            if iid not in issues and _issue_quantity(data, iid, sentence.text, spelled=False):
                issues[iid] = ()
        if not issues or quote_defects(sentence.text) or find_quote(sentence.text, source) is None:
            continue
        mentions = actors[sentence.index]
        attribution = cited[sentence.index]
        if attribution is None and sentence.index in closing:
            attribution = cited[closing[sentence.index]]
        pronoun = _pronoun_speaker(sentences, sentence.index, lexicon) if attribution is None else None
        if pronoun is not None:
            attribution = Attribution(pronoun.speaker or "", pronoun.party, 0, 0)
        parties = [m.party for m in mentions] + (
            [attribution.party] if attribution and attribution.party else []
        )
        inferred = False
        if not parties:
            parties, inferred = _context_parties(sentence, actors), True
        if not parties:
            continue
        folded = normalize(sentence.text)
        kind, kind_why = _kind(sentence.text)
        story = stories[sentence.index]
        for party in dict.fromkeys(parties):
            own = [m for m in mentions if m.party == party]
            named = next((m for m in own if m.speaker), None)
            if attribution is not None:
                speaker, speaker_why = attribution.name, "cited"
            elif named is not None:
                speaker, speaker_why = named.speaker or "", "named"
            else:
                earlier = _earlier_speaker(sentences, sentence, party, lexicon)
                # No person: the party as the sentence names it ("Kyiv", "the US side").
                written = next((m.text for m in own if m.text), data.parties[party].name)
                speaker = earlier.speaker if earlier and earlier.speaker else written
                speaker_why = "earlier" if earlier else "party"
            for issue, hits in issues.items():
                guess = _guess_level(
                    sentence.text, [m.start for m in own] or [0], recorded.get((party, issue))
                )
                quantity = _issue_quantity(data, issue, sentence.text)
                score, reasons = _score(hits, quantity, named, attribution, party, guess, kind, inferred)
                where = tuple(
                    origin
                    for parts, origin in curated.get((party, issue), ())
                    if parts and all(part in folded for part in parts)
                )
                found.append(
                    Candidate(
                        sentence=sentence,
                        party=party,
                        issue=issue,
                        keywords=hits,
                        speaker=speaker,
                        speaker_named=speaker_why in ("cited", "named"),
                        kind=kind,
                        kind_why=kind_why,
                        level=guess.level,
                        cue=guess.cue,
                        level_why=guess.why,
                        score=score,
                        reasons=tuple(reasons),
                        curated=where,
                        same_story=story,
                        quantity=quantity,
                        party_inferred=inferred,
                        verb_level=guess.verb_level,
                    )
                )
    kept = [c for c in found if c.score >= min_score]
    return sorted(kept, key=lambda c: (-c.score, c.sentence.index))


def _score(
    hits: tuple[str, ...],
    quantity: QuantityGuess | None,
    named: Mention | None,
    attribution: Attribution | None,
    party: str,
    guess: LevelGuess,
    kind: str,
    inferred: bool,
) -> tuple[int, list[str]]:
    """The ranking score and its reasons (see the module docstring)."""
    reasons = [f"{len(hits)} keyword{'s' * (len(hits) > 1)} ({', '.join(hits)})"] if hits else []
    score = 2 * min(len(hits), 3)
    if quantity is not None:
        score += 2
        reasons.append(f"quantity '{quantity.text}'")
    if attribution is not None and attribution.party == party:
        score += 3
        reasons.append(f"cites {attribution.name}")
    elif named is not None:
        score += 3
        reasons.append(f"names {named.speaker}")
    elif attribution is not None:
        score += 1
        reasons.append(f"cites {attribution.name}")
    if guess.cue:
        score += 2
        reasons.append(f"stance words '{guess.cue}'")
    if kind in ("direct", "partial"):
        score += 1
        reasons.append("quotation marks")
    if inferred:
        score -= 2
        reasons.append("party from the sentence before")
    return score, reasons


def _context_parties(sentence: Sentence, actors: list[list[Mention]]) -> list[str]:
    """For a sentence naming no party: the parties of the closer of the two sentences before naming one."""
    for back in range(sentence.index - 1, max(sentence.index - 3, -1), -1):
        if actors[back]:
            return list(dict.fromkeys(m.party for m in actors[back]))
    return []


def _earlier_speaker(
    sentences: list[Sentence], sentence: Sentence, party: str, lexicon: _Lexicon
) -> Mention | None:
    """The speaker of `party` named last before `sentence` in the same paragraph."""
    for other in reversed(sentences[: sentence.index]):
        if other.block != sentence.block:
            return None
        named = [m for m in _mentions(other, lexicon) if m.speaker and m.party == party]
        if named:
            return named[-1]
    return None


def suggest(
    text: str, data: Dataset, *, top: int = DEFAULT_TOP, source_id: str | None = None
) -> list[Candidate]:
    """The `top` best proposals (all of them when `top` is 0)."""
    found = candidates(text, data, source_id=source_id)
    return found[:top] if top else found
