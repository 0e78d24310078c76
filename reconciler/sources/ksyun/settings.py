"""The ksyun source's settings and credentials: endpoints, regions, paging, retries, timeouts, key files.

Read by `source` (checked up front, live or from files) and `live`. Credentials are redacted from every message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from reconciler.base.errors import InputError, Problem
from reconciler.base.jsonio import load_json_object
from reconciler.sources.base import Setting, number_setting

NAME: Final = "ksyun"
SETTINGS: Final = (
    Setting("regions", "Regions to observe, comma-separated", "KSYUN_REGIONS", "cn-beijing-6"),
    Setting("access_key", "Access key id", "KSYUN_ACCESS_KEY", secret=True),
    Setting("secret_key", "Secret access key", "KSYUN_SECRET_KEY", secret=True),
    Setting(
        "credentials_file",
        'JSON file {"access_key": ..., "secret_key": ...}, used when the keys are not set',
        "KSYUN_CREDENTIALS_FILE",
    ),
    Setting("domain", "API root domain (private cloud / KingStack: its own domain)", "KSYUN_DOMAIN", "api.ksyun.com"),
    Setting("endpoint", "host[:port] for every API service (overrides domain), e.g. a gateway", "KSYUN_ENDPOINT"),
    Setting("scheme", "https or http", "KSYUN_SCHEME", "https"),
    Setting("ks3_endpoint", "KS3 host[:port]; empty: buckets are not observed", "KSYUN_KS3_ENDPOINT"),
    Setting(
        "tables",
        "JSON file overriding the mapping tables (families, states, volume tiers)",
        "KSYUN_TABLES",
        path="file",
    ),
    Setting("timeout", "Seconds for each HTTP request, from sending it to the last byte of the answer", None, "30"),
    Setting("deadline", "Seconds for the whole source: listings not finished by then are unknown", None, "600"),
    Setting("concurrency", "Listings (API x region x project chunk) read at the same time", None, "4"),
    Setting("attempts", "Attempts per call (throttling, 5xx, network errors, malformed bodies)", None, "5"),
    Setting("retry_wait", "First wait between attempts in seconds (doubles, with jitter)", None, "1"),
    Setting("retry_wait_max", "Longest wait between attempts in seconds", None, "30"),
    Setting("page_size", "Items per page requested", None, "100"),
)
WHERE: Final = "<ksyun settings>"


# --- settings and credentials --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    regions: tuple[str, ...]
    domain: str
    endpoint: str | None
    scheme: str
    ks3_endpoint: str | None
    timeout: float
    deadline: float
    concurrency: int
    attempts: int
    retry_wait: float
    retry_wait_max: float
    page_size: int


def options_of(settings: Mapping[str, str]) -> Options:
    regions = tuple(r.strip() for r in settings.get("regions", "").split(",") if r.strip())
    if not regions:
        raise InputError.single(WHERE, f"{NAME}.regions", "name at least one region, e.g. cn-beijing-6")
    scheme = settings.get("scheme", "https")
    if scheme not in ("https", "http"):
        raise InputError.single(
            WHERE,
            f"{NAME}.scheme",
            f"expected https or http, found {scheme!r} (from --source-option {NAME}.scheme, else KSYUN_SCHEME)",
        )
    endpoint = settings.get("endpoint") or None
    if endpoint is not None and "://" in endpoint:
        # The SDK would send the scheme in the Host header; the scheme has its own setting.
        raise InputError.single(WHERE, f"{NAME}.endpoint", "give host[:port] without a scheme (see ksyun.scheme)")
    return Options(
        regions=regions,
        domain=settings.get("domain") or "api.ksyun.com",
        endpoint=endpoint,
        scheme=scheme,
        ks3_endpoint=settings.get("ks3_endpoint") or None,
        timeout=number_setting(NAME, settings, "timeout", 0.001),
        deadline=number_setting(NAME, settings, "deadline", 0.001),
        concurrency=number_setting(NAME, settings, "concurrency", 1, integer=True),
        attempts=number_setting(NAME, settings, "attempts", 1, integer=True),
        retry_wait=number_setting(NAME, settings, "retry_wait", 0),
        retry_wait_max=number_setting(NAME, settings, "retry_wait_max", 0),
        page_size=number_setting(NAME, settings, "page_size", 5, integer=True),
    )


@dataclass(frozen=True)
class Credentials:
    access_key: str
    secret_key: str

    def __repr__(self) -> str:  # never show the values, even in a traceback
        return "Credentials(<redacted>)"

    def redact(self, text: str) -> str:
        for value in (self.secret_key, self.access_key):
            if value:
                text = text.replace(value, "<redacted>")
        return text


def credentials_of(settings: Mapping[str, str]) -> Credentials:
    access, secret = settings.get("access_key", ""), settings.get("secret_key", "")
    if access and secret:
        return Credentials(access, secret)
    path = settings.get("credentials_file")
    if not path:
        raise InputError.single(
            WHERE,
            f"{NAME}.access_key",
            "no credentials: set KSYUN_ACCESS_KEY and KSYUN_SECRET_KEY, or ksyun.credentials_file",
        )
    # the messages give the position and the parser's reason, never the file's text (it holds a secret)
    raw = load_json_object(Path(path), "an object with access_key and secret_key")
    problems = [
        Problem(key, "required: a non-empty string without spaces")
        for key in ("access_key", "secret_key")
        if not isinstance(raw.get(key), str) or not raw[key] or raw[key].strip() != raw[key]
    ]
    if problems:
        raise InputError(path, problems)
    return Credentials(raw["access_key"], raw["secret_key"])
