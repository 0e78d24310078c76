"""Live observation of Kingsoft Cloud through its official SDKs (kingsoftcloud-sdk-python, ks3sdk).

The only module that imports the SDKs, lazily, when a live observation starts. It lists every project (IAM)
first, then reads the listings (each list API in each region and chunk of projects; KS3) side by side, at most
`concurrency` at once, each paged in order and checked page by page (`sources.listings`): a listing that
contradicts itself is read again from its first page once, then reported incomplete. Calls are retried with
tenacity on throttling, 5xx, network errors and malformed bodies; an API that still fails (or that the
credentials may not call) is reported failed, never zero. Each request has a deadline for its whole answer
(`timeout`), the source one for everything (`deadline`). Credentials never leave this module unredacted (the
libraries' own logs included).
"""

from __future__ import annotations

import json
import logging
import re
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Final, TypeVar

from reconciler.base.errors import InputError
from reconciler.base.jsonio import parse_json
from reconciler.base.messages import Message, combined, message, plain_text, redacted
from reconciler.base.text import printable
from reconciler.dates.clock import CONTRACT_TZ
from reconciler.sources.deadline import Deadline, TimedOut, call_within
from reconciler.sources.ksyun.mapping import (
    APIS,
    KS3_BUCKETS,
    KS3_USAGE,
    MAX_PROJECTS_PER_CALL,
    PROJECTS,
    REFERENCE_APIS,
    Api,
    Malformed,
    Pages,
    body_error,
    ids_of,
    items_of,
    total_of,
)
from reconciler.sources.ksyun.paging import SameToken, asked, first_request, next_request, same_token
from reconciler.sources.ksyun.settings import NAME, WHERE, Credentials, Options
from reconciler.sources.listings import Inconsistent, ListingCheck

T = TypeVar("T")

RETRYABLE_CODE: Final = re.compile(
    r"throttl|limitexceeded|toomany|frequen|serviceunavailable|servicetimeout|internal_failure|internalerror",
    re.IGNORECASE,
)
UNREACHABLE: Final = re.compile(
    r"NewConnectionError|ConnectTimeout|Connection refused|NameResolution|Failed to resolve|Name or service not known",
    re.IGNORECASE,
)
"""The SDK's network errors that say the host could not be connected to (not a slow or broken answer)."""
LIST_BUCKETS: Final = plain_text("KS3 ListBuckets")
MAX_PAGES: Final = 10_000
"""A listing longer than this is treated as a paging loop (10^6 items at 100 per page)."""


# --- one call, retried ---------------------------------------------------------------------------------------


class CallFailed(Exception):
    """A call that failed; `retryable` says whether another attempt may succeed, `network` that the host could
    not be connected to at all (refused, no route, connection timed out, name not resolved)."""

    def __init__(self, reason: Message, retryable: bool, network: bool = False) -> None:
        super().__init__(str(reason))
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
    shown = str(status) if status is not None else "200"
    if error is None:
        retry = status is None or status == 429 or status >= 500
        return CallFailed(message("http_not_api_error", status=shown, body=repr(text[:200])), retry)
    retry = (status is not None and (status == 429 or status >= 500)) or bool(RETRYABLE_CODE.search(error.code))
    return CallFailed(message("http_error", status=shown, error=str(error)), retry)


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
    """Calls through the SDK, each retried by tenacity within the request's and the source's deadlines.
    Safe to use from several threads (one SDK client per call: the SDK's clients keep per-call state)."""

    def __init__(self, options: Options, credentials: Credentials, deadline: Deadline) -> None:
        self.options = options
        self.credentials = credentials
        self.deadline = deadline
        self._lock = threading.Lock()
        self._unreachable: dict[str, Message] = {}
        """Hosts that did not answer any attempt of a call, and why: later calls to them are not tried (an
        unreachable endpoint would otherwise cost every API its whole series of retries)."""

    def host(self, api: Api) -> str:
        return self.options.endpoint or f"{api.service}.{self.options.domain}"

    def _client(self, api: Api, region: str) -> Any:
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
        return sdk.client_class(api.service, api.version, cred, region, sdk.profile(httpProfile=http))

    def within_deadlines(self, what: Message, call: Callable[..., T], *args: Any) -> T:
        """`call(*args)` waited for until the request's deadline (`timeout`) or the source's, whichever comes
        first. CallFailed when it did not return: retryable if only the request's deadline passed."""
        remaining = self.deadline.remaining()
        if remaining <= 0:
            raise CallFailed(self.deadline.reason(what), False)
        seconds = min(self.options.timeout, remaining)
        try:
            return call_within(seconds, call, *args)
        except TimedOut:
            if seconds < self.options.timeout:
                raise CallFailed(self.deadline.reason(what), False) from None
            reason = message(
                "request_deadline", seconds=Decimal(f"{self.options.timeout:g}"), setting=f"{NAME}.timeout"
            )
            raise CallFailed(reason, True) from None

    def _once(self, api: Api, region: str, params: Mapping[str, Any]) -> dict[str, Any]:
        client = self._client(api, region)
        try:
            what = message("listing_api", action=api.action, region=region)
            extra = ({"IsPostJson": True},) if api.json_body else ()  # trade QueryInstances takes a JSON body
            text = self.within_deadlines(what, client.call, api.action, dict(params), *extra)
        except _HttpStatus as exc:
            raise _decode(exc.body, exc.status) from None
        except _sdk().sdk_exception as exc:
            code = getattr(exc, "code", None)
            message_text = getattr(exc, "message", None) or str(exc)
            # ClientNetworkError: connection refused, reset, timeout: worth another attempt; a host that could
            # not be connected to at all is not asked again in this run
            retry = code == "ClientNetworkError"
            unreachable = retry and bool(UNREACHABLE.search(message_text))
            reason = (
                message("api_error", code=code, text=message_text) if code else message("sdk_error", text=message_text)
            )
            raise CallFailed(reason, retry, unreachable) from None
        try:  # bounded, exact and printable as every JSON read (base.jsonio)
            body = parse_json(text, "reply")
        except InputError as exc:
            why = exc.problems[0].reason if exc.problems else "not JSON"
            raise CallFailed(message("body_unreadable", reason=why, body=repr(text[:200])), True) from None
        if not isinstance(body, dict):
            raise CallFailed(message("body_not_object"), True)
        error = body_error(body)
        if error is not None:  # an Error inside a 200: `call()` does not check for it
            raise CallFailed(
                message("http_error", status="200", error=str(error)), bool(RETRYABLE_CODE.search(error.code))
            )
        return body

    def retrying(self) -> Any:
        """Tenacity's loop for one call: `attempts` at most, and none whose wait would pass the deadline."""
        from tenacity import Retrying, retry_if_exception, stop_after_attempt, stop_before_delay

        return Retrying(
            stop=stop_after_attempt(self.options.attempts) | stop_before_delay(self.deadline.remaining()),
            wait=_wait(self.options),
            retry=retry_if_exception(lambda exc: isinstance(exc, CallFailed) and exc.retryable),
            reraise=True,
        )

    def call(self, api: Api, region: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """The body of one successful call; CallFailed (reason redacted) once attempts or time are spent."""
        host = self.host(api)
        named = message("call_named", service=api.service, action=api.action, region=region)
        with self._lock:
            unreachable = self._unreachable.get(host)
        if unreachable is not None:
            raise CallFailed(message("not_tried", call=named, host=host, reason=unreachable), False, True)
        retrying = self.retrying()
        try:
            body: dict[str, Any] = retrying(self._once, api, region, params)
        except CallFailed as exc:
            attempts = retrying.statistics.get("attempt_number", 1)
            reason = message("call_failed", call=named, reason=exc.reason)
            if exc.retryable:
                reason = message("after_attempts", reason=reason, attempts=attempts)
                if self.deadline.passed():
                    what = message("listing_api", action=api.action, region=region)
                    reason = combined([reason, self.deadline.reason(what)])
            if exc.network:
                with self._lock:
                    self._unreachable.setdefault(host, redacted(exc.reason, self.credentials.redact))
            raise CallFailed(redacted(reason, self.credentials.redact), exc.retryable, exc.network) from None
        return body

    def listing(self, api: Api, region: str, base: Mapping[str, Any]) -> Listing:
        """Every page of one listing, checked page by page; one that contradicts itself is read again from its
        first page, and if it does again, the read that saw more items is kept, incomplete. CallFailed when a
        call fails."""
        label = message("listing_api", action=api.action, region=region)
        first = self._read(api, region, base, label)
        if first.incomplete is None:
            return first
        second = self._read(api, region, base, label)
        if second.incomplete is None:
            return second
        kept = second if second.distinct >= first.distinct else first
        again = message("listing_read_again", listing=label)
        reason = message("sentences", parts=[first.incomplete, again, second.incomplete])  # each read says its own
        return Listing(kept.pages, kept.distinct, redacted(reason, self.credentials.redact))

    def _read(self, api: Api, region: str, base: Mapping[str, Any], label: Message) -> Listing:
        """One read of a listing from its first page, up to the first page that breaks a rule."""
        request: dict[str, Any] = {**base, **first_request(api, self.options.page_size)}
        check = ListingCheck(label)
        pages: list[dict[str, Any]] = []
        for number in range(1, MAX_PAGES + 1):
            body = self.call(api, region, request)
            pages.append(body)
            try:
                check.page(ids_of(api, items_of(api, body)), total_of(api, body), asked(api, request))
                following = next_request(api, request, body)
                if following is None:
                    check.end()
                    return Listing(pages, check.distinct)
            except Inconsistent as exc:
                return Listing(pages, check.distinct, exc.reason)
            except SameToken as exc:
                return Listing(pages, check.distinct, same_token(label, number, exc.token))
            except Malformed as exc:
                detail = message("response_malformed", detail=self.credentials.redact(str(exc)))
                raise CallFailed(message("call_failed", call=label, reason=detail), False) from None
            request = following
        return Listing(pages, check.distinct, message("listing_too_long", listing=label, pages=MAX_PAGES))


@dataclass
class Listing:
    """The pages of one listing as read; `incomplete` says why they may not be all of it."""

    pages: list[dict[str, Any]]
    distinct: int
    incomplete: Message | None = None


# --- live observation ----------------------------------------------------------------------------------------


def _project_ids(live: LiveApi, region: str) -> list[int]:
    body = live.call(PROJECTS, region, {})
    call = plain_text(f"iam {PROJECTS.action}")
    try:
        projects = items_of(PROJECTS, body)
    except Malformed as exc:
        reason = message("response_malformed", detail=str(exc))
        raise CallFailed(message("call_failed", call=call, reason=reason), False) from None
    total = body.get("ListProjectResult", {}).get("Total")
    if isinstance(total, int) and total > len(projects):
        reason = message("projects_partial", listed=len(projects), total=total)
        raise CallFailed(message("call_failed", call=call, reason=reason), False)
    ids = {0}  # the default project, whether or not IAM lists it
    for index, project in enumerate(projects):
        try:
            ids.add(int(project["ProjectId"]))
        except (KeyError, TypeError, ValueError):
            reason = message("field_not_number", path=f"ProjectList[{index}].ProjectId")
            raise CallFailed(message("call_failed", call=call, reason=reason), False) from None
    return sorted(ids)


def _project_params(ids: Sequence[int]) -> list[dict[str, Any]]:
    """`ProjectId.1..N` (1-based, as the API documents; the SDK's own list flattening is 0-based)."""
    chunks = [ids[i : i + MAX_PROJECTS_PER_CALL] for i in range(0, len(ids), MAX_PROJECTS_PER_CALL)]
    return [{f"ProjectId.{n}": pid for n, pid in enumerate(chunk, start=1)} for chunk in chunks]


@dataclass
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


def fetch_live(
    options: Options, credentials: Credentials, apis: Sequence[Api] = APIS, waf_groups: Sequence[str] = ()
) -> Pages:
    """The pages of every listing of `apis` (default: the resource listings) in every region; trade
    QueryInstances once per product group of `waf_groups`."""
    with _redacted_logs(credentials):
        return _fetch_live(options, credentials, apis, waf_groups)


@dataclass(frozen=True)
class _Job:
    """One listing to read: an API in a region for a chunk of projects (`scope`)."""

    api: Api
    region: str
    scope: Mapping[str, Any] = field(default_factory=dict)


def _fetch_live(options: Options, credentials: Credentials, apis: Sequence[Api], waf_groups: Sequence[str]) -> Pages:
    deadline = Deadline(options.deadline, f"{NAME}.deadline")
    live = LiveApi(options, credentials, deadline)
    fetched = Pages({}, {}, [])
    try:
        projects: list[int] | None = _project_ids(live, options.regions[0])
    except CallFailed as exc:
        projects = None
        project_failure = message("projects_failed", reason=exc.reason)
    jobs: list[_Job] = []
    for api in apis:
        if projects is None and api.project_scoped:
            fetched.failed[api.action] = project_failure
            continue
        scopes = _project_params(projects or [0]) if api.project_scoped else [{}]
        if api.paging == "numbered":  # trade QueryInstances: one listing per product group asked
            scopes = [{"productGroup": int(group)} for group in waf_groups] or [{}]
        regions = options.regions if api.regional else options.regions[:1]
        jobs += [_Job(api, region, scope) for region in regions for scope in scopes]

    def read(job: _Job) -> Listing | CallFailed:
        try:
            return live.listing(job.api, job.region, job.scope)
        except CallFailed as exc:
            return exc

    # the listings side by side; their results are put together in the jobs' order, whatever order they end in
    with ThreadPoolExecutor(max_workers=options.concurrency, thread_name_prefix="ksyun-listing") as pool:
        ks3 = pool.submit(_fetch_ks3, live, options, credentials) if options.ks3_endpoint else None
        results = list(pool.map(read, jobs))
    for job, result in zip(jobs, results, strict=True):
        action = job.api.action
        fetched.pages.setdefault(action, [])
        if isinstance(result, CallFailed):
            fetched.failed.setdefault(action, result.reason)
            continue
        fetched.pages[action].extend((job.region, body) for body in result.pages)
        if result.incomplete is not None:
            before = fetched.incomplete.get(action)
            fetched.incomplete[action] = result.incomplete if before is None else combined([before, result.incomplete])
    if ks3 is not None:
        ks3.result().merge_into(fetched)
    return fetched


@dataclass
class _Ks3:
    """What KS3 and ks3bill answered: bucket names (None when not listed) and usage pages, or why not."""

    buckets: list[tuple[str, str | None]] | None = None
    usage: list[dict[str, Any]] = field(default_factory=list)
    failed: dict[str, Message] = field(default_factory=dict)

    def merge_into(self, fetched: Pages) -> None:
        fetched.failed.update(self.failed)
        if self.buckets is None:
            return
        fetched.buckets = self.buckets
        fetched.bucket_list_read = True
        if "QueryKs3Data" not in self.failed:
            fetched.pages["QueryKs3Data"] = [(None, body) for body in self.usage]


def _fetch_ks3(live: LiveApi, options: Options, credentials: Credentials) -> _Ks3:
    """Bucket names from KS3 (ks3sdk), then their usage from ks3bill QueryKs3Data (the ksyun SDK, GET)."""
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
    answered = _Ks3()

    def list_buckets() -> Any:
        try:
            return live.within_deadlines(LIST_BUCKETS, connection.get_all_buckets)
        except CallFailed:
            raise
        except Exception as exc:  # ks3sdk raises its own errors and the transport's: retried alike
            raise CallFailed(message("api_error", code=type(exc).__name__, text=str(exc)[:500]), True) from exc

    retrying = live.retrying()
    try:
        buckets = retrying(list_buckets)
    except CallFailed as exc:
        answered.failed[KS3_BUCKETS] = redacted(
            message("call_failed", call=LIST_BUCKETS, reason=exc.reason), credentials.redact
        )
        return answered
    answered.buckets = sorted(  # names from KS3's XML, printable as every text read (base.text)
        (printable(str(b.name)), printable(str(region)) if (region := getattr(b, "region", None)) else None)
        for b in buckets
    )
    now = datetime.now(CONTRACT_TZ)
    start = now.replace(day=1, hour=0, minute=0)
    names = [name for name, _ in answered.buckets]
    for i in range(0, len(names), 5):  # at most five buckets per call
        params = {
            "StartTime": start.strftime("%Y%m%d%H%M"),
            "EndTime": now.strftime("%Y%m%d%H%M"),
            "DateType": "Day",
            "Bucketname": ",".join(names[i : i + 5]),
        }
        try:
            answered.usage.append(live.call(KS3_USAGE, options.regions[0], params))
        except CallFailed as exc:
            answered.failed["QueryKs3Data"] = exc.reason
            break
    return answered


def fetch_reference(options: Options, credentials: Credentials) -> Pages:
    """What the API reports of instance types and families in each region (`mapping.REFERENCE_APIS`), for
    `reconciler tables init`. An action that fails is recorded in `failed`: the scaffold then says so."""
    with _redacted_logs(credentials):
        live = LiveApi(options, credentials, Deadline(options.deadline, f"{NAME}.deadline"))
        fetched = Pages({}, {}, [])
        for api in REFERENCE_APIS:
            fetched.pages[api.action] = []
            for region in options.regions:
                try:
                    fetched.pages[api.action].append((region, live.call(api, region, {})))
                except CallFailed as exc:
                    fetched.failed[api.action] = exc.reason
                    break
        return fetched
