"""`reconciler sources`: every source, what it observes, what `--from-file` reads, and its settings.

Secret settings are shown only as set or not set; their values never appear.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from reconciler.sources.base import Setting, SourceSpec


def _state(setting: Setting, environ: Mapping[str, str]) -> str:
    if setting.env is None:
        return "default" if setting.default is not None else "unset"
    if environ.get(setting.env):
        return "set in the environment"
    return "default" if setting.default is not None else "unset"


def sources_json(specs: Mapping[str, SourceSpec], environ: Mapping[str, str]) -> str:
    listed: list[dict[str, Any]] = [
        {
            "name": spec.name,
            "summary": spec.summary,
            "kinds": list(spec.kinds),
            "live": spec.live,
            "native_file": spec.native_file,
            "settings": [
                {
                    "key": setting.key,
                    "help": setting.help,
                    "env": setting.env,
                    "default": setting.default,
                    "secret": setting.secret,
                    "state": _state(setting, environ),
                }
                for setting in spec.settings
            ],
        }
        for spec in specs.values()
    ]
    return json.dumps({"sources": listed}, ensure_ascii=False, indent=2) + "\n"


def sources_text(specs: Mapping[str, SourceSpec], environ: Mapping[str, str]) -> str:
    lines: list[str] = []
    for spec in specs.values():
        mode = "live API or --from-file" if spec.live else "--from-file only"
        lines += [f"{spec.name}  ({mode})", f"  {spec.summary}", f"  kinds: {', '.join(spec.kinds)}"]
        lines.append(f"  --from-file: {spec.native_file}")
        for setting in spec.settings:
            origin = f"env {setting.env}" if setting.env else "no env"
            secret = ", secret" if setting.secret else ""
            state = _state(setting, environ)
            if setting.default is None:
                described = f"{origin}{secret}; {state}"
            elif state == "default":
                described = f"{origin}{secret}; default {setting.default} in use"
            else:
                described = f"{origin}, default {setting.default}{secret}; {state}"
            lines.append(f"  --source-option {spec.name}.{setting.key}=...  ({described})")
            lines.append(f"      {setting.help}")
        lines.append("")
    return "\n".join(lines)
