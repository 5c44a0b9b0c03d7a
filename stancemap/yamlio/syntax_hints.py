"""What a YAML syntax error means in words a curator can act on, with the commonest fixes."""

from __future__ import annotations

import yaml

# Parser texts are short; a hostile file must not put a long one into a message.
_MAX_PARSER_TEXT = 100


def syntax_message(exc: yaml.MarkedYAMLError, text: str) -> str:
    """The problem message for a parser error in `text`: what the parser said, where it started, a fix."""
    mark = exc.problem_mark or exc.context_mark
    problem = (exc.problem or exc.context or "invalid YAML")[:_MAX_PARSER_TEXT]
    context = ""
    opened = exc.context_mark
    if exc.context and opened is not None and mark is not None and opened.line != mark.line:
        context = f", {exc.context[:_MAX_PARSER_TEXT]} that starts at line {opened.line + 1}"
    return f"YAML syntax error: {problem}{context}; {_hint(exc, mark, text)}"


def _hint(exc: yaml.MarkedYAMLError, mark: yaml.Mark | None, text: str) -> str:
    """How to fix the commonest causes of a parser error."""
    problem = (exc.problem or "").lower()
    context = (exc.context or "").lower()
    if "tab" in problem or (mark is not None and _tab_near(text, mark)):
        return "indent with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return (
            "a value contains ': ', or this line is indented deeper than the one above; "
            "put the value in quotes or fix the indentation"
        )
    if "block sequence entries" in problem:
        return "'- ' starts a list item here; put the value in quotes or fix the indentation"
    if "escape" in problem:
        return "in double quotes a backslash starts an escape; write \\\\ or use single quotes"
    if "end of stream" in problem and "quoted" in context:
        return "a quoted value is never closed; add the closing quote"
    if "flow" in context:
        return "a '[' or '{' is never closed; close it, or put the value in quotes if the bracket is text"
    if "alias" in context or "anchor" in context or "cannot start any token" in problem:
        return "a value starts with a character YAML reserves (@ ` % * & !); put the value in quotes"
    if "expected key" in problem or "block end" in problem or "'-' indicator" in problem:
        return "this line is not lined up with the keys or items above it; fix its indentation"
    if "expected ':'" in problem:
        return "a key lacks ': ' after it, or a quote is left open; check this line and the one above"
    return "check the indentation and quoting on this line and the one above"


def _tab_near(text: str, mark: yaml.Mark) -> bool:
    """Whether the line at a mark has a tab in its indentation or right at the mark."""
    lines = text.splitlines()
    if not 0 <= mark.line < len(lines):
        return False
    line = lines[mark.line]
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    return "\t" in indent or line[mark.column : mark.column + 1] == "\t"
