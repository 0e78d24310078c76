"""The `ksyun` source: Kingsoft Cloud through its official SDKs (`kingsoftcloud-sdk-python`, `ks3sdk`), or the
native export file (a JSON object: API action name -> the list of raw response bodies, its pages).

The only module that imports the SDKs, lazily, when a live observation starts. It lists every project (IAM)
first, then pages through each list API per region and hands the pages to `ksyun_mapping`, which serves the
export file too. Calls are retried with tenacity on throttling, 5xx, network errors and malformed bodies;
an API that still fails (or that the credentials may not call) marks its kinds failed, never zero.
Credentials are never printed, logged or reported: every message leaving this module is redacted.
"""

from __future__ import annotations

import json
import logging
import re
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from reconciler.base.errors import InputError, Problem
from reconciler.base.jsonio import load_json_object
from reconciler.core.observation import Observation, ResourceKind, SourceReport
from reconciler.dates.clock import CONTRACT_TZ
from reconciler.sources.base import CollectedSource, Setting, SourceRequest, SourceSpec, number_setting
from reconciler.sources.ksyun.mapping import (
    API_BY_ACTION,
    APIS,
    KIND_ACTIONS,
    KINDS,
    KS3_BUCKETS,
    KS3_USAGE,
    MAX_PROJECTS_PER_CALL,
    PROJECTS,
    Api,
    Malformed,
    Page,
    body_error,
    export_gap,
    first_request,
    items_of,
    map_pages,
    next_request,
    total_of,
)
from reconciler.sources.ksyun.tables import Tables, load_tables

NAME: Final = "ksyun"
RETRYABLE_CODE: Final = re.compile(
    r"throttl|limitexceeded|toomany|frequen|serviceunavailable|servicetimeout|internal_failure|internalerror",
    re.IGNORECASE,
)
MAX_PAGES: Final = 10_000
"""A listing longer than this is treated as a paging loop (10^6 items at 100 per page)."""

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
    Setting("tables", "JSON file overriding the mapping tables (families, states, volume tiers)", "KSYUN_TABLES"),
    Setting("timeout", "Seconds per HTTP request", None, "30"),
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
        raise InputError.single(WHERE, f"{NAME}.scheme", f"expected https or http, found {scheme!r}")
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


# --- one call, retried ---------------------------------------------------------------------------------------


class CallFailed(Exception):
    """A call that failed; `retryable` says whether another attempt may succeed, `network` that the host did
    not answer at all (refused, reset, timed out)."""

    def __init__(self, reason: str, retryable: bool, network: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.network = network


def _decode(text: str, status: int | None) -> CallFailed:
    """The failure an error response stands for (its `Error.Code` decides whether to retry)."""
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    error = body_error(body) if isinstance(body, dict) else None
    where = f"HTTP {status}" if status is not None else "HTTP 200"
    if error is None:
        retry = status is None or status == 429 or status >= 500
        return CallFailed(f"{where} with a body that is not an API error: {text[:200]!r}", retry)
    retry = (status is not None and (status == 429 or status >= 500)) or bool(RETRYABLE_CODE.search(error.code))
    return CallFailed(f"{where} {error}", retry)


class _HttpStatus(Exception):
    def __init__(self, status: int, body: str) -> None:
        super().__init__(status)
        self.status = status
        self.body = body


@dataclass
class _Sdk:
    """The ksyun SDK's classes, imported on first use (the SDK silences all warnings on import: undone)."""

    client_class: Any
    credential: Any
    profile: Any
    http_profile: Any
    sdk_exception: type[Exception]


_SDK: _Sdk | None = None


def _sdk() -> _Sdk:
    global _SDK  # noqa: PLW0603 - imported once per process
    if _SDK is None:
        with warnings.catch_warnings():  # restores the filters the SDK resets on import
            from ksyun.common import credential
            from ksyun.common.common_client import CommonClient
            from ksyun.common.exception.ksyun_sdk_exception import KsyunSDKException
            from ksyun.common.profile.client_profile import ClientProfile
            from ksyun.common.profile.http_profile import HttpProfile

        class StatusClient(CommonClient):  # type: ignore[misc]
            """CommonClient that keeps the HTTP status of a failed call (the SDK drops it)."""

            def _check_status(self, resp_inter: Any) -> None:
                if resp_inter.status != 200:
                    raise _HttpStatus(int(resp_inter.status), str(resp_inter.data))

        _SDK = _Sdk(StatusClient, credential.Credential, ClientProfile, HttpProfile, KsyunSDKException)
    return _SDK


def _wait(options: Options) -> Any:
    """Exponential backoff from `retry_wait`, capped at `retry_wait_max`, with up to `retry_wait` of jitter."""
    from tenacity import wait_exponential_jitter

    return wait_exponential_jitter(multiplier=options.retry_wait, max=options.retry_wait_max, jitter=options.retry_wait)


class LiveApi:
    """Calls through the SDK: one client per (service, version, region), each call retried by tenacity."""

    def __init__(self, options: Options, credentials: Credentials) -> None:
        self.options = options
        self.credentials = credentials
        self._clients: dict[tuple[str, str, str, str], Any] = {}
        self.calls = 0
        self._unreachable: dict[str, str] = {}
        """Hosts that did not answer any attempt of a call, and why: later calls to them are not tried (an
        unreachable endpoint would otherwise cost every API its whole series of retries)."""

    def host(self, api: Api) -> str:
        return self.options.endpoint or f"{api.service}.{self.options.domain}"

    def _client(self, api: Api, region: str) -> Any:
        key = (api.service, api.version, region, api.method)
        if key not in self._clients:
            sdk = _sdk()
            http = sdk.http_profile(
                protocol=self.options.scheme,
                endpoint=self.options.endpoint,
                reqMethod=api.method,
                reqTimeout=self.options.timeout,
                rootDomain=self.options.domain,
            )
            try:
                cred = sdk.credential(self.credentials.access_key, self.credentials.secret_key)
            except sdk.sdk_exception as exc:
                raise InputError.single(WHERE, f"{NAME}.access_key", self.credentials.redact(str(exc))) from None
            self._clients[key] = sdk.client_class(api.service, api.version, cred, region, sdk.profile(httpProfile=http))
        return self._clients[key]

    def _once(self, api: Api, region: str, params: Mapping[str, Any]) -> dict[str, Any]:
        client = self._client(api, region)
        self.calls += 1
        try:
            text = client.call(api.action, dict(params))
        except _HttpStatus as exc:
            raise _decode(exc.body, exc.status) from None
        except _sdk().sdk_exception as exc:
            code = getattr(exc, "code", None)
            message = getattr(exc, "message", None) or str(exc)
            # ClientNetworkError: connection refused, reset, timeout: worth another attempt
            network = code == "ClientNetworkError"
            raise CallFailed(f"{code or 'SDK error'}: {message}", network, network) from None
        try:
            body = json.loads(text)
        except ValueError:
            raise CallFailed(f"HTTP 200 with a body that is not JSON: {text[:200]!r}", True) from None
        if not isinstance(body, dict):
            raise CallFailed("HTTP 200 with a body that is not a JSON object", True)
        error = body_error(body)
        if error is not None:  # an Error inside a 200: `call()` does not check for it
            raise CallFailed(f"HTTP 200 {error}", bool(RETRYABLE_CODE.search(error.code)))
        return body

    def call(self, api: Api, region: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """The body of one successful call; CallFailed (reason redacted) once attempts are spent."""
        from tenacity import Retrying, retry_if_exception, stop_after_attempt

        host = self.host(api)
        if host in self._unreachable:
            reason = f"{api.service} {api.action} in {region}: not tried, {host} did not answer earlier in this run"
            raise CallFailed(f"{reason} ({self._unreachable[host]})", False, True)
        retrying = Retrying(
            stop=stop_after_attempt(self.options.attempts),
            wait=_wait(self.options),
            retry=retry_if_exception(lambda exc: isinstance(exc, CallFailed) and exc.retryable),
            reraise=True,
        )
        try:
            body: dict[str, Any] = retrying(self._once, api, region, params)
        except CallFailed as exc:
            attempts = retrying.statistics.get("attempt_number", 1)
            reason = f"{api.service} {api.action} in {region}: {exc.reason}"
            if exc.retryable:
                reason += f" (after {attempts} attempts)"
            if exc.network:
                self._unreachable[host] = self.credentials.redact(exc.reason)
            raise CallFailed(self.credentials.redact(reason), exc.retryable, exc.network) from None
        return body

    def listing(self, api: Api, region: str, base: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        """Every page of one listing; CallFailed when it ends short of the total its pages tell."""
        request: dict[str, Any] | None = {**base, **first_request(api, self.options.page_size)}
        seen = 0
        total: int | None = None
        for _ in range(MAX_PAGES):
            if request is None:
                if total is not None and seen < total:
                    reason = f"{api.action} in {region}: the listing ended at {seen} of the {total} items it told"
                    raise CallFailed(reason, False)
                return
            body = self.call(api, region, request)
            try:
                seen += len(items_of(api, body))
                following = next_request(api, request, body, seen)
            except Malformed as exc:
                raise CallFailed(self.credentials.redact(f"{api.action} in {region}: {exc}"), False) from None
            total = total_of(api, body)
            yield body
            request = following
        raise CallFailed(f"{api.action} in {region}: more than {MAX_PAGES} pages, stopped", False)


# --- live observation ----------------------------------------------------------------------------------------


def _project_ids(live: LiveApi, region: str) -> list[int]:
    body = live.call(PROJECTS, region, {})
    try:
        projects = items_of(PROJECTS, body)
    except Malformed as exc:
        raise CallFailed(f"iam {PROJECTS.action}: {exc}", False) from None
    total = body.get("ListProjectResult", {}).get("Total")
    if isinstance(total, int) and total > len(projects):
        raise CallFailed(f"iam {PROJECTS.action}: {len(projects)} of {total} projects listed", False)
    ids = {0}  # the default project, whether or not IAM lists it
    for index, project in enumerate(projects):
        try:
            ids.add(int(project["ProjectId"]))
        except (KeyError, TypeError, ValueError):
            raise CallFailed(f"iam {PROJECTS.action}: ProjectList[{index}].ProjectId is not a number", False) from None
    return sorted(ids)


def _project_params(ids: Sequence[int]) -> list[dict[str, Any]]:
    """`ProjectId.1..N` (1-based, as the API documents; the SDK's own list flattening is 0-based)."""
    chunks = [ids[i : i + MAX_PROJECTS_PER_CALL] for i in range(0, len(ids), MAX_PROJECTS_PER_CALL)]
    return [{f"ProjectId.{n}": pid for n, pid in enumerate(chunk, start=1)} for chunk in chunks]


@dataclass
class Pages:
    """What was fetched or read: pages per action, actions that failed (with why), KS3 bucket names."""

    pages: dict[str, list[Page]]
    failed: dict[str, str]
    buckets: list[tuple[str, str | None]]
    bucket_list_read: bool = False


class _Redacting(logging.Filter):
    """Rewrites a library's log records with the credentials removed (ks3sdk logs its `KSS AK:sig` header at
    INFO; urllib3 and the ksyun SDK log request lines that carry `Accesskey` at DEBUG)."""

    def __init__(self, credentials: Credentials) -> None:
        super().__init__()
        self.credentials = credentials

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.credentials.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


LIBRARY_LOGGERS: Final = ("ks3", "ksyun", "ksyun_sdk_common", "urllib3", "requests")


@contextmanager
def _redacted_logs(credentials: Credentials) -> Iterator[None]:
    """While observing, every logger of the client libraries redacts the credentials from its records."""
    _sdk()  # create the SDK's loggers before listing them
    with warnings.catch_warnings():
        import ks3.http  # noqa: F401 - its loggers too
    redacting = _Redacting(credentials)
    names = [
        name
        for name in logging.root.manager.loggerDict
        if any(name == prefix or name.startswith(prefix + ".") for prefix in LIBRARY_LOGGERS)
    ]
    loggers = [logging.getLogger(name) for name in names]
    for logger in loggers:
        logger.addFilter(redacting)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(redacting)


def fetch_live(options: Options, credentials: Credentials) -> Pages:
    with _redacted_logs(credentials):
        return _fetch_live(options, credentials)


def _fetch_live(options: Options, credentials: Credentials) -> Pages:
    live = LiveApi(options, credentials)
    fetched = Pages({}, {}, [])
    try:
        projects: list[int] | None = _project_ids(live, options.regions[0])
    except CallFailed as exc:
        projects = None
        project_failure = f"projects could not be listed, so not every project was observed: {exc.reason}"
    for api in APIS:
        if projects is None and api.project_scoped:
            fetched.failed[api.action] = project_failure
            continue
        fetched.pages.setdefault(api.action, [])
        for region in options.regions:
            scopes = _project_params(projects or [0]) if api.project_scoped else [{}]
            try:
                for scope in scopes:
                    fetched.pages[api.action].extend((region, body) for body in live.listing(api, region, scope))
            except CallFailed as exc:
                fetched.failed[api.action] = exc.reason
                break
    if options.ks3_endpoint:
        _fetch_ks3(live, options, credentials, fetched)
    return fetched


def _fetch_ks3(live: LiveApi, options: Options, credentials: Credentials, fetched: Pages) -> None:
    """Bucket names from KS3 (ks3sdk), then their usage from ks3bill QueryKs3Data (the ksyun SDK, GET)."""
    from tenacity import Retrying, retry_if_exception_type, stop_after_attempt

    with warnings.catch_warnings():
        from ks3.connection import Connection
        from ks3.utils import RetryPolicy, StopAfterAttempt
    host, _, port = options.ks3_endpoint.partition(":") if options.ks3_endpoint else ("", "", "")
    secure = options.scheme == "https"
    connection = Connection(
        credentials.access_key,
        credentials.secret_key,
        host=host,
        port=int(port) if port else (443 if secure else 80),
        is_secure=secure,
        timeout=options.timeout,
        retry_policy=RetryPolicy(stop_strategy=StopAfterAttempt(1)),  # tenacity retries, visibly
        dns_cache_time=0,
    )
    retrying = Retrying(
        stop=stop_after_attempt(options.attempts),
        wait=_wait(options),
        retry=retry_if_exception_type(Exception),
        reraise=True,
    )
    try:
        buckets = retrying(connection.get_all_buckets)
        fetched.buckets = sorted((str(b.name), getattr(b, "region", None) or None) for b in buckets)
        fetched.bucket_list_read = True
    except Exception as exc:
        fetched.failed[KS3_BUCKETS] = credentials.redact(f"KS3 ListBuckets: {type(exc).__name__}: {exc}")[:500]
        return
    now = datetime.now(CONTRACT_TZ)
    start = now.replace(day=1, hour=0, minute=0)
    fetched.pages["QueryKs3Data"] = []
    names = [name for name, _ in fetched.buckets]
    for i in range(0, len(names), 5):  # at most five buckets per call
        params = {
            "StartTime": start.strftime("%Y%m%d%H%M"),
            "EndTime": now.strftime("%Y%m%d%H%M"),
            "DateType": "Day",
            "Bucketname": ",".join(names[i : i + 5]),
        }
        try:
            body = live.call(KS3_USAGE, options.regions[0], params)
        except CallFailed as exc:
            fetched.failed["QueryKs3Data"] = exc.reason
            return
        fetched.pages["QueryKs3Data"].append((None, body))


# --- native export file --------------------------------------------------------------------------------------


def read_export(paths: Sequence[Path]) -> Pages:
    """The pages of every action in the export files (later files add pages). InputError on bad structure.
    An action whose pages hold an error response, or whose listings in any file are not complete (see
    `export_gap`), is failed."""
    read = Pages({}, {}, [])
    known = {api.action: api for api in (*APIS, PROJECTS, KS3_USAGE)}
    per_file: dict[str, list[tuple[str, list[Any]]]] = {}
    for path in paths:
        name = str(path)
        raw = load_json_object(path, "an object mapping API action names to lists of pages")
        problems = []
        for action, pages in raw.items():
            if action not in known and action != KS3_BUCKETS:
                names = ", ".join(sorted([*known, KS3_BUCKETS]))
                problems.append(Problem(action, f"not an API action the ksyun source reads (it reads: {names})"))
            elif not isinstance(pages, list):
                problems.append(Problem(action, "expected a list of response bodies (pages)"))
            elif action == KS3_BUCKETS:
                _read_bucket_pages(pages, read, problems, action)
            else:
                for index, page in enumerate(pages):
                    if not isinstance(page, dict):
                        problems.append(Problem(f"{action}[{index}]", "expected a JSON object (a response body)"))
                read.pages.setdefault(action, []).extend((None, page) for page in pages)
                per_file.setdefault(action, []).append((name, pages))
        if problems:
            raise InputError(name, problems)
    for action, pages in read.pages.items():
        api = known[action]
        if api is PROJECTS:
            continue
        errors = [f"page {i}: {err}" for i, (_, body) in enumerate(pages) if (err := body_error(body)) is not None]
        if errors:
            read.failed[action] = f"the export of {action} holds error responses ({'; '.join(errors[:3])})"
            continue
        gaps = []
        for name, bodies in per_file[action]:
            try:
                gap = export_gap(api, bodies)
            except Malformed:
                break  # reported with its path by map_pages
            if gap is not None:
                where = f" in {name}" if len(paths) > 1 else ""
                gaps.append(f"the export of {action}{where} is not complete: {gap}")
        if gaps:
            read.failed[action] = "; ".join(gaps)
    return read


def _read_bucket_pages(pages: list[Any], read: Pages, problems: list[Problem], action: str) -> None:
    """KS3 answers ListBuckets in XML: the export holds the XML text of each answer."""
    read.bucket_list_read = True
    for index, page in enumerate(pages):
        if not isinstance(page, str):
            problems.append(Problem(f"{action}[{index}]", "expected the XML text of a ListBuckets answer"))
            continue
        try:
            root = ET.fromstring(page)
        except ET.ParseError as exc:
            problems.append(Problem(f"{action}[{index}]", f"not XML: {exc}"))
            continue
        for bucket in root.iter():
            if bucket.tag.rsplit("}", 1)[-1] != "Bucket":
                continue
            fields = {child.tag.rsplit("}", 1)[-1]: (child.text or "").strip() for child in bucket}
            if not fields.get("Name"):
                problems.append(Problem(f"{action}[{index}].Bucket.Name", "required field is missing"))
                continue
            read.buckets.append((fields["Name"], fields.get("Region") or None))


# --- the source ----------------------------------------------------------------------------------------------


def observe(
    fetched: Pages, tables: Tables, on_malformed: Callable[[Malformed], str]
) -> tuple[list[Any], dict[ResourceKind, str], frozenset[ResourceKind]]:
    """Resources, failed kinds and covered kinds from the fetched pages (one rule for live and file).
    `on_malformed` raises (a file: InputError) or returns the reason the action's kinds failed (live)."""
    covers: set[ResourceKind] = set()
    failed: dict[ResourceKind, list[str]] = {}
    available = set(fetched.pages) | set(fetched.failed) | ({KS3_BUCKETS} if fetched.bucket_list_read else set())
    for kind, actions in KIND_ACTIONS.items():
        present = [action for action in actions if action in available]
        if not present:
            continue  # not observed at all (an export without these actions; KS3 without an endpoint)
        covers.add(kind)
        reasons = [fetched.failed[action] for action in actions if action in fetched.failed]
        missing = [action for action in actions if action not in available]
        if missing:
            reasons.append(f"not observed: {', '.join(missing)} missing")
        if reasons:
            failed[kind] = reasons
    resources: list[Any] = []
    for action, pages in fetched.pages.items():
        if action in fetched.failed or action == PROJECTS.action:
            continue
        try:
            mapped = map_pages({action: pages}, tables, fetched.buckets)
        except Malformed as exc:
            reason = on_malformed(exc)
            for kind in API_BY_ACTION[action].kinds:
                failed.setdefault(kind, []).append(reason)
            continue
        resources.extend(mapped.resources)
        for kind, reasons in mapped.failed.items():
            failed.setdefault(kind, []).extend(reasons)
    kinds_failed = {kind: "; ".join(dict.fromkeys(reasons)) for kind, reasons in failed.items() if kind in covers}
    return resources, kinds_failed, frozenset(covers)


class KsyunSource(CollectedSource):
    def __init__(self, request: SourceRequest) -> None:
        super().__init__()
        self.request = request
        defaults = {setting.key: setting.default for setting in SETTINGS if setting.default is not None}
        self.options = options_of(defaults | dict(request.settings))  # checked up front, live or from files

    def collect(self) -> Observation:
        settings = self.request.settings
        table_path = settings.get("tables")
        tables = load_tables(Path(table_path) if table_path else None)
        if self.request.from_files:
            now = self.request.now or datetime.now(CONTRACT_TZ)  # the pages carry no time: the check's moment
            fetched = read_export(self.request.from_files)
            files = ", ".join(str(path) for path in self.request.from_files)
            detail = f"export {files}; tables: {tables.origin}"

            def malformed(exc: Malformed) -> str:
                raise InputError.single(files, exc.path, exc.reason)

        else:
            now = datetime.now(CONTRACT_TZ)  # live: when it observed, not the check's --now (maybe another day)
            options = self.options
            credentials = credentials_of(settings)
            fetched = fetch_live(options, credentials)
            where = options.endpoint or options.domain
            detail = f"live {where}, regions {', '.join(options.regions)}; tables: {tables.origin}"

            def malformed(exc: Malformed) -> str:
                return credentials.redact(f"a response is not of the documented shape: {exc}")

        resources, failed, covers = observe(fetched, tables, malformed)
        report = SourceReport(name=NAME, covers=covers, detail=detail, failed=failed, resource_count=len(resources))
        return Observation(observed_at=now, sources=(report,), resources=resources)


def _open(request: SourceRequest) -> KsyunSource:
    return KsyunSource(request)


SPEC: Final = SourceSpec(
    name=NAME,
    summary="Kingsoft Cloud: KEC instances, EBS and local volumes, snapshots, EIPs and shared bandwidth, SLBs, "
    "KS3 buckets (official SDKs; every project, every listed region).",
    kinds=KINDS,
    native_file="JSON object: API action name (e.g. DescribeInstances) -> list of raw response bodies (pages); "
    "ListBuckets -> list of KS3 XML answers",
    open=_open,
    settings=SETTINGS,
)
