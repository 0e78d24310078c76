"""What `reconciler tables init` and `reconciler tables check` print: the keys a scaffold lists (with counts,
sample ids and what is left to fill) and a checked file's blanks, in English or Chinese.

Called by the CLI with plain data (the tables document; a checked file's problems as (field, reason) pairs).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

from reconciler.base.messages import message, say
from reconciler.report.labels import Lang, label

HEADER: Final = frozenset({"format", "version", "source", "scaffolded"})
INFO: Final = frozenset({"evidence", "observed", "reported"})
SAMPLE_KEYS: Final = ("sample_ids", "sample_names")
SHOWN: Final = 3
"""Sample ids shown per entry in the summary (the file keeps five)."""


def scaffold_text(
    document: Mapping[str, Any],
    output: str,
    blanks: Sequence[tuple[str, str]],
    lang: Lang,
    carried: tuple[str, Sequence[tuple[str, str]]] | None = None,
) -> str:
    """The keys the scaffold holds, table by table, and what is left to fill (`blanks`: (field, reason), as
    `tables check` names them). `carried`: the tables file carried over and the (table, key) entries it did not
    hold, each marked new."""
    new = set(carried[1]) if carried is not None else set()
    scaffolded = document.get("scaffolded") or {}
    lines = [
        say(
            message(
                "tables_scaffolded",
                source=str(document.get("source")),
                origin=str(scaffolded.get("from")),
                output=output,
            ),
            lang,
        )
    ]
    for kind, reason in (scaffolded.get("not_complete") or {}).items():
        lines.append("  ! " + say(message("tables_not_complete", kind=str(kind), reason=str(reason)), lang))
    for action, reason in (scaffolded.get("not_listed") or {}).items():
        lines.append("  ! " + say(message("tables_action_failed", action=str(action), reason=str(reason)), lang))
    for table, content in document.items():
        if table in HEADER or not isinstance(content, Mapping):
            continue
        lines.append(f"  {table} ({len(content)}):")
        for key, entry in content.items():
            if not isinstance(entry, Mapping):
                continue
            where = f"{table}.{key}"
            todo = [reason for field, reason in blanks if field in (where, f"{where}.evidence")]
            mark = f" [{say(message('tables_new_mark'), lang)}]" if (table, str(key)) in new else ""
            lines.append(f"    {key}{mark}: {_seen(entry, lang)}; {_state(entry, todo, lang)}")
    if carried is not None:
        file, added = carried
        news = [f"{table}.{key}" for table, key in added]
        lines.append(
            say(message("tables_carried", file=file, new=len(news), keys=news), lang)
            if news
            else say(message("tables_carried_nothing_new", file=file), lang)
        )
    if blanks:
        entries = len({field.rsplit(".evidence", 1)[0] for field, _ in blanks})
        lines.append(say(message("tables_to_fill", entries=entries, command=f"reconciler tables check {output}"), lang))
    else:
        lines.append(say(message("tables_nothing_to_fill", command=f"reconciler tables check {output}"), lang))
    return "\n".join(lines) + "\n"


def _seen(entry: Mapping[str, Any], lang: Lang) -> str:
    observed = entry.get("observed")
    if not isinstance(observed, Mapping):
        return "-"
    if isinstance(observed.get("not_listed"), str):
        return say(message("tables_not_listed", reason=observed["not_listed"]), lang)
    counts = [
        f"{name} {value}" for name, value in observed.items() if isinstance(value, int) and not isinstance(value, bool)
    ]
    samples: list[Any] = next((observed[key] for key in SAMPLE_KEYS if isinstance(observed.get(key), list)), [])
    text = ", ".join(counts) or "0"
    if samples:
        more = ", ..." if len(samples) > SHOWN else ""
        text += f" ({label('for_example', lang)} {', '.join(str(s) for s in samples[:SHOWN])}{more})"
    return text


def _state(entry: Mapping[str, Any], todo: Sequence[str], lang: Lang) -> str:
    stated = ", ".join(
        f"{name} {json.dumps(value) if isinstance(value, bool) else value}"
        for name, value in entry.items()
        if name not in INFO and value is not None
    )
    if todo:
        return "; ".join([*([stated] if stated else []), say(message("tables_blank", fields="; ".join(todo)), lang)])
    return f"{stated} ({label('tables_evidence', lang)}: {entry.get('evidence')})"


def check_text(
    file: str, source: str, entries: Mapping[str, int], blanks: Sequence[tuple[str, str]], lang: Lang
) -> str:
    counts = ", ".join(f"{count} {table}" for table, count in entries.items())
    lines = [say(message("tables_checked", file=file, source=source, counts=counts or "0"), lang)]
    if blanks:
        lines.append(say(message("tables_still_blank", count=len(blanks)), lang))
        lines += [f"  {file}: {where}: {reason}" for where, reason in blanks]
    else:
        lines.append(say(message("tables_complete"), lang))
    return "\n".join(lines) + "\n"


def check_json(file: str, source: str, entries: Mapping[str, int], blanks: Sequence[tuple[str, str]]) -> str:
    document = {
        "file": file,
        "source": source,
        "entries": dict(entries),
        "complete": not blanks,
        "blank": [{"field": where, "reason": reason} for where, reason in blanks],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
