"""Live observation of Kingsoft Cloud through its official SDKs (kingsoftcloud-sdk-python, ks3sdk).

The only module that imports the SDKs, lazily, when a live observation starts. It lists every project (IAM)
first, then pages through each list API per region. Calls are retried with tenacity on throttling, 5xx, network
errors and malformed bodies; an API that still fails (or that the credentials may not call) is reported failed,
never zero. Credentials never leave this module unredacted (the libraries' own logs included).
"""

from __future__ import annotations

import json
import logging
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from reconciler.base.errors import InputError
from reconciler.dates.clock import CONTRACT_TZ
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
    first_request,
    items_of,
    next_request,
    total_of,
)
from reconciler.sources.ksyun.settings import NAME, WHERE, Credentials, Options

RETRYABLE_CODE: Final = re.compile(
    r"throttl|limitexceeded|toomany|frequen|serviceunavailable|servicetimeout|internal_failure|internalerror",
    re.IGNORECASE,
)
MAX_PAGES: Final = 10_000
"""A listing longer than this is treated as a paging loop (10^6 items at 100 per page)."""


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


def fetch_reference(options: Options, credentials: Credentials) -> Pages:
    """What the API reports of instance types and families in each region (`mapping.REFERENCE_APIS`), for
    `reconciler tables init`. An action that fails is recorded in `failed`: the scaffold then says so."""
    with _redacted_logs(credentials):
        live = LiveApi(options, credentials)
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
