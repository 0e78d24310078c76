"""The core's sentences (warnings, reasons, formulas; `reconciler.base.messages`) in the reader's language.

A sentence reaches the renderers as the English text the JSON carries (also when read back from the history),
so it is recognised by its template and worded again from its key and values. Text that matches no template
(a source's own error, a contract discrepancy) is shown as it is.
"""

from __future__ import annotations

import re
from functools import cache

from reconciler.base.messages import JOINER, TEMPLATES
from reconciler.report.labels import Lang, message_words

_FIELD = re.compile(r"\{(\w+)\}")


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    patterns = []
    for key, template in TEMPLATES.items():
        parts, seen, last = [], set(), 0
        for match in _FIELD.finditer(template):
            parts.append(re.escape(template[last : match.start()]))
            name = match.group(1)
            parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
            seen.add(name)
            last = match.end()
        parts.append(re.escape(template[last:]))
        patterns.append((key, re.compile("".join(parts), re.DOTALL)))
    return tuple(patterns)


def parse(text: str) -> tuple[str, dict[str, str]] | None:
    """The key and the values of a core sentence, or None when `text` is not one."""
    for key, pattern in _patterns():
        match = pattern.fullmatch(text)
        if match is not None:
            return key, match.groupdict()
    return None


def say(text: str, lang: Lang) -> str:
    """`text` in `lang`: each sentence of it (joined by "; ") worded from its template, the rest unchanged."""
    if lang == "en":
        return text
    parts = text.split(JOINER)
    said: list[str] = []
    start = 0
    while start < len(parts):
        for end in range(len(parts), start, -1):  # the longest run of parts that is one sentence
            parsed = parse(JOINER.join(parts[start:end]))
            if parsed is not None:
                said.append(message_words(parsed[0], lang).format(**parsed[1]))
                start = end
                break
        else:
            said.append(parts[start])
            start += 1
    return "；".join(said)
