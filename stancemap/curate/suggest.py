"""Curation assistant: propose stance stubs from a new document, one per party × issue, quoting it verbatim.

How it reads a document:

- Sentences: body lines (boilerplate and repeated paragraphs dropped as for sources), lines joined where a
  line break is a soft wrap, then split after ``.``, ``!``, ``?`` or ``…`` (and any closing quote) when the
  next word starts with a capital letter, a digit or an opening quote. A period after a known abbreviation
  (``Jan.``, ``Gen.``, ``Mr.``), an initial (``J.``) or a dotted abbreviation (``U.S.``) does not end a
  sentence, so two sentences may be merged but one is never cut: every quote is a substring of the text.
- Parties: a party is named by a speaker (``speakers`` and their aliases in positions/parties.yaml, plus
  people the article itself introduces with a party's name and a role, as in "Kremlin spokesman Dmitry
  Peskov"), or as an actor: a party alias or bloc-member alias not right after a preposition ("in Ukraine",
  "for Ukraine" and "by the U.S. Congress" are not counted), and an adjective ("Russian", "European") only
  before a word for people ("European leaders", not "Russian drones"). "he said" resolves to the speaker
  named first in the closest of the three sentences before.
- Issues: an issue's ``keywords``, case-insensitive, whole words, with common endings (deploy → deployment).
- Score: 2 per distinct keyword (up to 3), 3 for a speaker of the party named in the sentence (1 when
  resolved from "he said"), 2 for a stance verb, 1 for quotation marks.
- Level guess: the stance verb closest after a mention of the party (else the first in the sentence), read as
  rejects (rejects, refused, won't, never, unacceptable, ruled out), opposes (opposes, against, pushing
  back), conditional (only once/if/after, provided, unless, in exchange for), demands (demands, insists,
  must, requires, seeks, calls for, urges) or supports (supports, ready, prepared, proposed, backs, agreed,
  accepts); "conditional" when there is none. The verb says how the party stands on *something*; whether
  that is for or against the issue's proposition is for the curator to judge, so the level is a guess.
- Kind guess: readout when the sentence says "readout"; direct when it opens with a quotation that covers
  most of it; partial when it has a quoted fragment; else paraphrase.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from stancemap.check.quotes import check_quote, fragments, normalize
from stancemap.model.dataset import Dataset
from stancemap.model.sourcetext import SourceText, parse_source_text
from stancemap.yamlio.write import yaml_string

SOURCE_PLACEHOLDER = "<id to fill>"
DEFAULT_TOP = 12
DEFAULT_LEVEL = "conditional"

OPENING_QUOTES = '“„«"'
QUOTE_MARKS = frozenset('"“”„«»')


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Lower-case words (without their period) after which a period does not end a sentence.
ABBREVIATIONS = _words(
    """mr mrs ms dr prof gen lt col maj capt sgt adm cmdr sen rep gov pres st jr sr rev hon
    jan feb mar apr jun jul aug sep sept oct nov dec no nos vs etc inc corp ltd co mt ft approx est dept
    univ e.g i.e"""
)
PREPOSITIONS = _words(
    """in into to from for of with by on onto at against toward towards across over about than between among
    inside within without near via under beside around through"""
)
DETERMINERS = _words("the a an its their his her our this that these those")
# Words that make up a role before or after a name ("Kremlin spokesman Dmitry Peskov").
ROLE_WORDS = _words(
    """spokesman spokeswoman spokesperson president prime minister ministry foreign defence defense
    secretary state envoy special aide adviser advisor chief negotiator ambassador chancellor general gen
    lt col deputy official press leader premier senator sen representative rep commander head speaker
    policy security national vice first lawmaker diplomat secretary-general top senior interior"""
)
ADJECTIVE_ENDINGS = ("ian", "ean", "can", "ish", "ench", "man")
ACTOR_NOUNS = _words(
    """leaders leader officials official government authorities allies negotiators negotiator delegation
    side diplomats diplomat lawmakers parliament ministry president minister envoy spokesman spokeswoman
    spokesperson presidency administration team counterparts partners"""
)
STOP_NAMES = _words(
    """the a an in on at but and as after before if when while so this that these those he she it they we
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december"""
)
_NAME_TOKEN = r"[A-Z][a-zà-ÿ]+(?:[-'’][A-Za-zà-ÿ]+)*"
_CAPITAL_RUN = re.compile(rf"{_NAME_TOKEN}(?:\s+{_NAME_TOKEN})*")
_TERMINATOR = re.compile(r"[.!?…]+[\"'”’»)\]]*")
_PRONOUN_SAID = re.compile(
    r"\b(?:he|she)\s+(?:\w+\s+)?(?:said|says|added|adds|told|tells|noted|notes|stressed|stresses|insisted"
    r"|insists|warned|warns|wrote|writes|argued|argues|emphasi[sz]ed|demanded|demands|rejected|rejects)\b"
    r"|\b(?:said|added|told|wrote)\s+(?:he|she)\b",
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
            r"|rule[sd]? out|ruling out|non-negotiable|not negotiable|cannot accept|can't accept",
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
            r"|call(?:s|ed)? for|press(?:es|ed)? for|urg(?:e|es|ed|ing)|maximalist",
        ),
        (
            "supports",
            r"support(?:s|ed|ing)?|ready|willing|prepared|propos(?:e|es|ed|al)|back(?:s|ed|ing)"
            r"|welcom(?:e|es|ed)|agree(?:s|d)?|accept(?:s|ed)?|endors(?:e|es|ed)|open to|commit(?:s|ted)? to",
        ),
    )
)


@dataclass(frozen=True)
class Sentence:
    """One sentence: ``[start, end)`` into the document text, and the block (paragraph) it is in."""

    index: int
    start: int
    end: int
    text: str
    block: int


@dataclass(frozen=True)
class Mention:
    party: str
    start: int  # offset in the sentence
    speaker: str | None  # the speaker's name for a speaker mention, None for a party alias


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


@dataclass
class _Lexicon:
    """The patterns that name parties and issues, from the data plus the people the document introduces."""

    aliases: list[tuple[str, re.Pattern[str]]]  # (party, pattern)
    speakers: list[tuple[str, str, re.Pattern[str]]]  # (party, name to show, pattern)
    issues: dict[str, list[tuple[str, re.Pattern[str]]]]  # issue -> (keyword, pattern)
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
    return _Lexicon(aliases, speakers, issues, words)


def _soft_wrap(before: str, after: str, gap: str) -> bool:
    """True when a single line break between two lines only wraps one paragraph."""
    if gap.count("\n") != 1 or re.search(r"[.!?:;\"”’)\]]$", before):
        return False
    return after[:1].islower() or before.endswith((",", "-")) or (len(before) >= 60 and after[:1].isalpha())


def _blocks(source: SourceText) -> list[tuple[int, int]]:
    """Spans of body text, consecutive lines joined where the break is a soft wrap."""
    blocks: list[tuple[int, int]] = []
    previous: int | None = None
    for index, paragraph in enumerate(source.paragraphs):
        if paragraph.kind != "body":
            previous = None
            continue
        if previous is not None:
            last = source.paragraphs[previous]
            gap = source.text[last.end : paragraph.start]
            if _soft_wrap(source.paragraph_text(previous), source.paragraph_text(index), gap):
                blocks[-1] = (blocks[-1][0], paragraph.end)
                previous = index
                continue
        blocks.append((paragraph.start, paragraph.end))
        previous = index
    return blocks


def _ends_sentence(text: str, match: re.Match[str]) -> bool:
    """Whether the terminator `match` in `text` ends a sentence (see the module docstring)."""
    rest = text[match.end() :]
    if not rest[:1].isspace():
        return False
    following = rest.lstrip()
    following = following.lstrip(OPENING_QUOTES + "‘'([")
    if not following or not (following[0].isupper() or following[0].isdigit()):
        return False
    if match.group() != ".":
        return True
    word = text[: match.start()].rsplit(None, 1)[-1] if text[: match.start()].strip() else ""
    word = word.lstrip(OPENING_QUOTES + "‘'([")
    if word.lower() in ABBREVIATIONS or re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word):
        return False
    return not re.fullmatch(r"[A-Z]", word)


def split_sentences(text: str) -> list[Sentence]:
    """The body sentences of a document, each an exact substring of `text`."""
    source = parse_source_text(text)
    sentences: list[Sentence] = []
    for block, (start, end) in enumerate(_blocks(source)):
        chunk = text[start:end]
        cut = 0
        for match in _TERMINATOR.finditer(chunk):
            if _ends_sentence(chunk, match):
                sentences.append(_sentence(text, start + cut, start + match.end(), block, len(sentences)))
                cut = match.end()
        if chunk[cut:].strip():
            sentences.append(_sentence(text, start + cut, end, block, len(sentences)))
    return sentences


def _sentence(text: str, start: int, end: int, block: int, index: int) -> Sentence:
    raw = text[start:end]
    lead = len(raw) - len(raw.lstrip())
    start, end = start + lead, start + len(raw.rstrip())
    return Sentence(index, start, end, text[start:end], block)


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
    if words and words[-1] in PREPOSITIONS:
        return False
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
            found.append(Mention(party, match.start(), shown))
            taken.append(match.span())
    for party, pattern in lexicon.aliases:
        for match in pattern.finditer(sentence.text):
            inside_speaker = any(a <= match.start() < b for a, b in taken)
            if not inside_speaker and _is_actor(sentence.text, match):
                found.append(Mention(party, match.start(), None))
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


def _curated(data: Dataset) -> list[tuple[str, str, list[str], str]]:
    """(party, issue, normalised quote fragments, origin) of every evidence item in the data."""
    return [
        (record.party, record.issue, [normalize(f) for f in fragments(ev.quote)], str(record.origin))
        for record in data.stances
        for ev in record.stance.evidence
    ]


def candidates(text: str, data: Dataset) -> list[Candidate]:
    """Every (sentence, party, issue) proposal in `text`, best first (ties in document order)."""
    lexicon = _lexicon(data)
    sentences = split_sentences(text)
    _discover_speakers(sentences, lexicon)
    source = parse_source_text(text)
    curated = _curated(data)
    found: list[Candidate] = []
    for sentence in sentences:
        issues = {
            iid: tuple(kw for kw, pattern in patterns if pattern.search(sentence.text))
            for iid, patterns in lexicon.issues.items()
        }
        issues = {iid: hits for iid, hits in issues.items() if hits}
        if not issues:
            continue
        mentions = _mentions(sentence, lexicon)
        pronoun = _pronoun_speaker(sentences, sentence.index, lexicon)
        parties = list(dict.fromkeys([m.party for m in mentions] + ([pronoun.party] if pronoun else [])))
        # The same check validate makes, evidence floor included, so every proposed quote would verify.
        if not parties or check_quote(sentence.text, source)[1] is None:
            continue
        folded = normalize(sentence.text)
        kind, kind_why = _kind(sentence.text)
        for party in parties:
            own = [m for m in mentions if m.party == party]
            named = next((m for m in own if m.speaker), None)
            speaker_mention = named or (pronoun if pronoun and pronoun.party == party else None)
            if speaker_mention is None:
                speaker_mention = _earlier_speaker(sentences, sentence, party, lexicon)
            speaker = (speaker_mention and speaker_mention.speaker) or data.parties[party].name
            level, cue = _level(sentence.text, [m.start for m in own] or [0])
            for issue, hits in issues.items():
                reasons = [f"{len(hits)} keyword{'s' * (len(hits) > 1)} ({', '.join(hits)})"]
                score = 2 * min(len(hits), 3)
                if named:
                    score += 3
                    reasons.append(f"names {named.speaker}")
                elif speaker_mention is pronoun and pronoun is not None:
                    score += 1
                    reasons.append(f"'he/she said' after {pronoun.speaker}")
                if cue:
                    score += 2
                    reasons.append(f"stance verb '{cue}'")
                if kind in ("direct", "partial"):
                    score += 1
                    reasons.append("quotation marks")
                where = tuple(
                    origin
                    for p, i, parts, origin in curated
                    if p == party and i == issue and parts and all(part in folded for part in parts)
                )
                found.append(
                    Candidate(
                        sentence=sentence,
                        party=party,
                        issue=issue,
                        keywords=hits,
                        speaker=speaker,
                        speaker_named=named is not None,
                        kind=kind,
                        kind_why=kind_why,
                        level=level,
                        cue=cue,
                        score=score,
                        reasons=tuple(reasons),
                        curated=where,
                    )
                )
    return sorted(found, key=lambda c: (-c.score, c.sentence.index))


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


def suggest(text: str, data: Dataset, *, top: int = DEFAULT_TOP) -> list[Candidate]:
    """The `top` best proposals."""
    return candidates(text, data)[:top]


def _comment(text: str) -> str:
    """Text safe for a YAML comment: one line."""
    return " ".join(re.sub(r"[\r\n\x85\u2028\u2029]", " ", text).split())


def render_yaml(found: Iterable[Candidate], data: Dataset, *, label: str, total: int | None = None) -> str:
    """Stance stubs grouped by issue, then party, as YAML ready to paste under `stances:`."""
    found = list(found)
    lines = [
        f"# Stance stubs suggested by `python -m stancemap suggest` for {_comment(label)}",
        f"# ({len(found)} proposals" + (f" of {total})." if total is not None else ")."),
        "# Everything below is a guess. For each stance: check the level against the issue's proposition,",
        "# write the summary, set `source` to the document's id (add it first with `python -m stancemap",
        "# add-source`), keep the best evidence, paste it under `stances:` in the issue's file and run",
        "# `python -m stancemap validate`.",
    ]
    if not found:
        lines.append("# No sentence names both a tracked party and an issue keyword.")
        return "\n".join(lines) + "\n"
    groups: dict[str, dict[str, list[Candidate]]] = {}
    for candidate in found:
        groups.setdefault(candidate.issue, {}).setdefault(candidate.party, []).append(candidate)
    for issue, parties in groups.items():
        proposition = data.issues[issue].proposition
        lines.append("")
        lines.append(f"{issue}:  # positions/stances/{issue}.yaml")
        lines.append(f"  # proposition: {_comment(proposition)}")
        for party, items in parties.items():
            best = items[0]
            why = f"from '{best.cue}'" if best.cue else "no stance verb found; mid-scale default"
            lines.append(f"  - party: {party}")
            lines.append(
                f"    level: {best.level}  # GUESS {_comment(why)}; check it against the proposition"
            )
            lines.append("    # summary: <write one neutral line>")
            lines.append("    evidence:")
            for item in items:
                lines.append(f"      - source: {SOURCE_PLACEHOLDER}")
                lines.append(f"        quote: {yaml_string(item.sentence.text)}")
                lines.append(f"        speaker: {{name: {yaml_string(item.speaker)}}}")
                lines.append(f"        kind: {item.kind}  # GUESS: {_comment(item.kind_why)}")
                lines.append(f"        # score {item.score}: {_comment('; '.join(item.reasons))}")
                if item.curated:
                    lines.append(f"        # already evidence at {_comment(', '.join(item.curated))}")
    return "\n".join(lines) + "\n"
