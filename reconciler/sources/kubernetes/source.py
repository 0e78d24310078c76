"""The `kubernetes` source: a cluster's Nodes (VMs), PersistentVolumes (volumes) and LoadBalancer Services,
live through the official `kubernetes` client or from `kubectl get ... -o json` exports.

Registered in reconciler/sources/__init__.py; opened by a check. The only module that imports the client,
and only when it observes live. The three lists are read side by side (at most `concurrency` at once), each
paginated in order (limit/continue, restarted on 410 Gone) and checked page by page (`sources.listings`: an
object twice, a `remainingItemCount` that does not add up; read again once, then incomplete), each request
retried by tenacity (the client's own urllib3 retries are off, so every 429/5xx/timeout is seen and bounded
here) within its deadline (`timeout`, for the whole reply) and the source's (`deadline`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, stop_before_delay

from reconciler.base.errors import InputError, Problem
from reconciler.base.jsonio import json_object, load_json_object, parse_json
from reconciler.base.messages import Message, combined, message
from reconciler.core.observation import Observation
from reconciler.sources.base import (
    CollectedSource,
    Setting,
    SourceRequest,
    SourceSpec,
    TablesSupport,
    number_setting,
    parse_covers,
)
from reconciler.sources.deadline import Deadline, TimedOut, call_within
from reconciler.sources.kubernetes.export import read_export
from reconciler.sources.kubernetes.mapping import (
    DEFAULT_LB_ID_ANNOTATION,
    KIND_OF_OBJECT,
    KINDS,
    PLURAL,
    ClusterInventory,
    ObjectError,
    object_name,
)
from reconciler.sources.kubernetes.scaffold import ScaffoldInventory, scaffold
from reconciler.sources.kubernetes.tables import KubernetesTables, blank_problems, load_tables, tables_from
from reconciler.sources.listings import Inconsistent, ListingCheck

NAME: Final = "kubernetes"
MAX_RESTARTS: Final = 3
"""How often one list restarts from the first page after its continue token expired (410 Gone)."""
MAX_PAGES: Final = 10_000
"""Pages of one list (5 * 10^6 objects at the default limit): beyond it the server is taken to be looping."""

SETTINGS: Final = (
    Setting(
        "kubeconfig", "kubeconfig file(s) (default: $KUBECONFIG, else ~/.kube/config)", env="KUBECONFIG", path="files"
    ),
    Setting("context", "kubeconfig context (default: the file's current-context)", env="RECONCILER_K8S_CONTEXT"),
    Setting(
        "in_cluster",
        "auto|true|false: use the pod's service account (auto: inside a pod and no kubeconfig setting given)",
        default="auto",
    ),
    Setting(
        "tables",
        "JSON file extending the mapping tables: instance_types (cpu_ghz, memory_gib), storage_classes, "
        "memory_sizes_gib (docs/sources.md)",
        env="RECONCILER_K8S_TABLES",
        path="file",
    ),
    Setting("storage_classes", "StorageClass tiers: CLASS=standard|performance|ignore,... (extends tables)"),
    Setting(
        "lb_id_annotation",
        "Service annotation holding the cloud load balancer's id (used as the resource id; empty: none)",
        default=DEFAULT_LB_ID_ANNOTATION,
    ),
    Setting(
        "covers",
        "with --from-file: the kinds the export lists completely (vm,volume,load_balancer); "
        "default: the kinds the files hold a list or an object of",
    ),
    Setting("page_size", "items per list request (limit)", default="500"),
    Setting("timeout", "seconds for each request, from sending it to the last byte of the reply", default="30"),
    Setting("deadline", "seconds for the whole source: lists not finished by then are unknown", default="600"),
    Setting("concurrency", "lists (nodes, persistent volumes, services) read at the same time", default="3"),
    Setting("attempts", "attempts per request before its kind is reported unknown", default="5"),
    Setting("backoff", "seconds before the first retry (doubling each time)", default="1"),
    Setting("max_wait", "longest wait between attempts, in seconds (also caps Retry-After)", default="30"),
)


@dataclass(frozen=True)
class Limits:
    page_size: int
    timeout: float
    deadline: float
    concurrency: int
    attempts: int
    backoff: float
    max_wait: float


def limits(settings: Mapping[str, str]) -> Limits:
    return Limits(
        page_size=number_setting(NAME, settings, "page_size", 1, integer=True),
        timeout=number_setting(NAME, settings, "timeout", 0.001),
        deadline=number_setting(NAME, settings, "deadline", 0.001),
        concurrency=number_setting(NAME, settings, "concurrency", 1, integer=True),
        attempts=number_setting(NAME, settings, "attempts", 1, integer=True),
        backoff=number_setting(NAME, settings, "backoff", 0),
        max_wait=number_setting(NAME, settings, "max_wait", 0),
    )


class KubernetesSource(CollectedSource):
    """One cluster, observed live or from export files."""

    def __init__(self, request: SourceRequest) -> None:
        super().__init__()
        self.request = request
        settings = request.settings
        tables_path = settings.get("tables")
        self.tables: KubernetesTables = load_tables(
            Path(tables_path) if tables_path else None, settings.get("storage_classes")
        )
        self.lb_id_annotation = settings.get("lb_id_annotation") or None
        self.covers = parse_covers(NAME, settings.get("covers"), KINDS)
        self.limits = limits(settings)

    def _inventory(self) -> ClusterInventory:
        return ClusterInventory(self.tables, self.lb_id_annotation)

    def collect(self) -> Observation:
        if self.request.from_files:
            return self._from_files()
        observed_at = datetime.now(UTC)
        inventory = self._inventory()
        detail = LiveCluster(self.request.settings, self.limits).observe(inventory)
        report = inventory.report(NAME, detail)
        return Observation(observed_at=observed_at, sources=(report,), resources=inventory.resources())

    def _from_files(self) -> Observation:
        inventory = self._inventory()
        for path in self.request.from_files:
            read_export(path, inventory)
        detail = message("detail_kubectl_export", files=", ".join(str(p) for p in self.request.from_files))
        if self.covers is None:
            missing = sorted(set(KINDS) - inventory.covered())
            if missing:
                detail = combined([detail, message("detail_kubectl_kinds_missing", kinds=", ".join(missing))])
        report = inventory.report(f"{NAME}:{self.request.from_files[0]}", detail, self.covers)
        observed_at = self.request.now or datetime.fromtimestamp(self.request.from_files[0].stat().st_mtime, UTC)
        return Observation(observed_at=observed_at, sources=(report,), resources=inventory.resources())


def open_kubernetes(request: SourceRequest) -> KubernetesSource:
    return KubernetesSource(request)


def scaffold_tables(request: SourceRequest) -> dict[str, Any]:
    """The tables file to fill in for what the cluster (or its export) holds; the tables file in use (setting
    `tables`) is carried over."""
    source = KubernetesSource(request)
    tables_path = request.settings.get("tables")
    previous = (
        load_json_object(Path(tables_path), "a JSON object with instance_types, storage_classes")
        if tables_path
        else None
    )
    inventory = ScaffoldInventory(source.tables, source.lb_id_annotation)
    if request.from_files:
        for path in request.from_files:
            read_export(path, inventory)
        origin = "kubectl export " + ", ".join(str(p) for p in request.from_files)
    else:
        origin = LiveCluster(request.settings, source.limits).observe(inventory).text("en")  # the file keeps text
    moment = request.now or datetime.now(UTC)
    scaffolded: dict[str, Any] = {"from": origin, "at": moment.isoformat(), "tables": tables_path or "built-in"}
    if inventory.failed:
        scaffolded["not_complete"] = dict(sorted(inventory.failed.items()))
    return scaffold(inventory, previous, scaffolded)


def tables_blanks(raw: Any, name: str) -> list[Problem]:
    data = json_object(raw, name, "a JSON object with instance_types, storage_classes")
    tables_from(data, name)  # InputError when it is not a tables file
    return blank_problems(data)


SPEC: Final = SourceSpec(
    name=NAME,
    summary="A Kubernetes cluster: Nodes as VMs, PersistentVolumes by StorageClass tier, LoadBalancer Services.",
    kinds=KINDS,
    native_file="`kubectl get nodes,pv,svc -A -o json` output (a List, or NodeList/PersistentVolumeList/ServiceList, "
    "or one object); repeatable",
    open=open_kubernetes,
    settings=SETTINGS,
    tables=TablesSupport(scaffold=scaffold_tables, blanks=tables_blanks),
)


# -- live: the only code that touches the official client -------------------------------------------------


class ListFailed(Exception):
    """A list could not be read completely; `reason` is safe to show (no credentials, no headers)."""

    def __init__(self, reason: Message) -> None:
        super().__init__(str(reason))
        self.reason = reason


class LiveCluster:
    """The API server named by the kubeconfig (or the pod's service account), listed through the client."""

    def __init__(self, settings: Mapping[str, str], limits: Limits) -> None:
        self.settings = settings
        self.limits = limits

    def _client(self) -> tuple[Any, Message]:
        from kubernetes import client, config
        from kubernetes.config.config_exception import ConfigException

        configuration = client.Configuration()
        kubeconfig = self.settings.get("kubeconfig")
        in_cluster = self.settings.get("in_cluster", "auto").lower()
        if in_cluster not in {"auto", "true", "false"}:
            raise InputError.single(f"<setting {NAME}.in_cluster>", "in_cluster", "expected auto, true or false")
        use_pod = in_cluster == "true" or (
            in_cluster == "auto" and not kubeconfig and bool(os.environ.get("KUBERNETES_SERVICE_HOST"))
        )
        try:
            if use_pod:
                config.load_incluster_config(client_configuration=configuration)  # type: ignore[no-untyped-call]
                where = message("cluster_in_cluster")
            else:
                context = self.settings.get("context") or None
                config.load_kube_config(  # type: ignore[no-untyped-call]
                    config_file=kubeconfig or None,
                    context=context,
                    client_configuration=configuration,
                    persist_config=False,
                )
                where = message("cluster_context", context=context) if context else message("cluster_current_context")
        except (ConfigException, OSError, TypeError, ValueError) as exc:
            source = "<in-cluster configuration>" if use_pod else (kubeconfig or "<kubeconfig>")
            raise InputError.single(source, "", f"cannot configure the Kubernetes client: {_first_line(exc)}") from exc
        configuration.retries = False  # every retry is tenacity's, so each 429/5xx/timeout is seen and bounded
        return client.ApiClient(configuration), message("detail_cluster", host=str(configuration.host), where=where)

    def observe(self, inventory: ClusterInventory) -> Message:
        """List every kind into the inventory; a kind that cannot be listed completely is failed with why, one
        whose list contradicts itself (twice) is incomplete. The lists run side by side; their objects go into
        the inventory in a fixed order, whatever order they end in."""
        from kubernetes import client

        api_client, detail = self._client()
        deadline = Deadline(self.limits.deadline, f"{NAME}.deadline")
        with api_client:
            core = client.CoreV1Api(api_client)
            calls: dict[str, Callable[..., Any]] = {
                "Node": core.list_node,
                "PersistentVolume": core.list_persistent_volume,
                "Service": core.list_service_for_all_namespaces,
            }

            def read(kind: str) -> Listed | ListFailed:
                try:
                    return self._list_all(calls[kind], PLURAL[kind], deadline)
                except ListFailed as exc:
                    return exc

            workers = min(self.limits.concurrency, len(calls))
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kubernetes-list") as pool:
                results = dict(zip(calls, pool.map(read, calls), strict=True))
        for kind, listed in results.items():
            if isinstance(listed, ListFailed):
                inventory.fail(KIND_OF_OBJECT[kind], listed.reason)
                continue
            try:
                for item in listed.items:
                    inventory.add(item, kind)
            except ObjectError as exc:
                inventory.fail(KIND_OF_OBJECT[kind], message("object_malformed", kind=kind, detail=str(exc)))
                continue
            inventory.listed(kind)
            if listed.incomplete is not None:
                inventory.set_incomplete(KIND_OF_OBJECT[kind], listed.incomplete)
        return detail

    def _list_all(self, call: Callable[..., Any], plural: str, deadline: Deadline) -> Listed:
        """Every item of one list, checked page by page; one that contradicts itself is read again from its
        first page, and if it does again, the read that saw more objects is kept, incomplete."""
        first = self._read(call, plural, deadline)
        if first.incomplete is None:
            return first
        second = self._read(call, plural, deadline)
        if second.incomplete is None:
            return second
        kept = second if second.distinct >= first.distinct else first
        again = message("listing_read_again", listing=message("listing_objects", plural=plural))
        return Listed(
            kept.items, kept.distinct, message("sentences", parts=[first.incomplete, again, second.incomplete])
        )

    def _read(self, call: Callable[..., Any], plural: str, deadline: Deadline) -> Listed:
        """One read of a paginated list; restarts from the first page when the continue token expired.
        A list still handing out continue tokens after MAX_PAGES pages fails (a server that loops)."""
        from kubernetes.client.exceptions import ApiException

        listing = message("listing_objects", plural=plural)
        for _restart in range(MAX_RESTARTS + 1):
            items: list[dict[str, Any]] = []
            check = ListingCheck(listing, pages_may_be_short=True)  # the API server may send short pages
            token: str | None = None
            try:
                for _page in range(MAX_PAGES):
                    page = self._page(call, plural, token, deadline)
                    page_items = page.get("items")
                    if page_items is None:
                        page_items = []
                    if not isinstance(page_items, list) or not all(isinstance(i, dict) for i in page_items):
                        raise ListFailed(message("items_not_objects", listing=listing))
                    metadata = page.get("metadata")
                    metadata = metadata if isinstance(metadata, dict) else {}
                    remaining = _whole(metadata.get("remainingItemCount"))
                    told = None if remaining is None else len(items) + len(page_items) + remaining
                    items += page_items
                    token = metadata.get("continue") or None
                    try:
                        check.page(_names(page_items), told)
                        if not token:
                            check.end()
                    except Inconsistent as exc:
                        return Listed(items, check.distinct, exc.reason)
                    if not token:
                        return Listed(items, check.distinct)
                raise ListFailed(message("continue_looping", listing=listing, pages=MAX_PAGES, items=len(items)))
            except ApiException as exc:
                if exc.status != 410:
                    raise ListFailed(_api_reason(plural, exc, 1)) from exc
        raise ListFailed(message("continue_expired", listing=listing, times=MAX_RESTARTS + 1))

    def _page(self, call: Callable[..., Any], plural: str, token: str | None, deadline: Deadline) -> dict[str, Any]:
        """One page, retried on throttling, server errors, transport failures and replies not complete within
        `timeout`; 410 and other 4xx pass through. ListFailed at the source's deadline."""
        from kubernetes.client.exceptions import ApiException
        from urllib3.exceptions import HTTPError

        limits = self.limits
        listing = message("listing_objects", plural=plural)
        kwargs: dict[str, Any] = {"limit": limits.page_size, "_preload_content": False}
        kwargs["_request_timeout"] = (limits.timeout, limits.timeout)
        if token:
            kwargs["_continue"] = token

        def fetch() -> bytes:
            """The whole reply, its body read to the end, or TimedOut at the request's or source's deadline."""
            remaining = deadline.remaining()
            if remaining <= 0:
                raise ListFailed(deadline.reason(listing))
            data: bytes = call_within(min(limits.timeout, remaining), lambda: call(**kwargs).data)
            return data

        def transient(exc: BaseException) -> bool:
            if isinstance(exc, ApiException):
                return exc.status == 429 or (exc.status or 0) >= 500
            return isinstance(exc, HTTPError | TimedOut)

        def wait(state: RetryCallState) -> float:
            backoff: float = limits.backoff * 2 ** (state.attempt_number - 1)
            outcome = state.outcome
            exc = outcome.exception() if outcome is not None else None
            retry_after = _retry_after(exc)
            return min(limits.max_wait, max(backoff, retry_after or 0.0))

        retrying = Retrying(
            stop=stop_after_attempt(limits.attempts) | stop_before_delay(deadline.remaining()),
            wait=wait,
            retry=retry_if_exception(transient),
            reraise=True,
        )
        try:
            data = retrying(fetch)
        except ApiException as exc:
            if exc.status == 410:
                raise
            attempts = retrying.statistics.get("attempt_number", 1) if transient(exc) else 1
            raise ListFailed(_api_reason(plural, exc, attempts)) from exc
        except (HTTPError, TimedOut) as exc:
            if deadline.passed():
                raise ListFailed(deadline.reason(listing)) from exc
            attempts = retrying.statistics.get("attempt_number", 1)
            reason = _transport_reason(exc, limits.timeout)
            raise ListFailed(message("list_failed_after", listing=listing, attempts=attempts, reason=reason)) from exc
        try:  # bounded, exact and printable as every JSON read (base.jsonio)
            body = parse_json(bytes(data).decode("utf-8"), f"listing {plural}")
        except UnicodeDecodeError as exc:
            raise ListFailed(message("reply_not_utf8", listing=listing)) from exc
        except InputError as exc:
            why = exc.problems[0].reason if exc.problems else "not JSON"
            raise ListFailed(message("reply_unreadable", listing=listing, reason=why)) from exc
        if not isinstance(body, dict):
            raise ListFailed(message("reply_not_list", listing=listing))
        return body


@dataclass
class Listed:
    """The objects of one list as read; `incomplete` says why they may not be all of it."""

    items: list[dict[str, Any]]
    distinct: int
    incomplete: Message | None = None


def _whole(value: Any) -> int | None:
    """A count in a reply, or None where there is none (or what is there is not one)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _names(items: list[dict[str, Any]]) -> list[str]:
    """The objects' `namespace/name`s (objects without a name are left out: the mapping reports them)."""
    names = []
    for item in items:
        try:
            names.append(object_name(item))
        except ObjectError:
            continue
    return names


def _retry_after(exc: BaseException | None) -> float | None:
    headers = getattr(exc, "headers", None)
    if not headers:
        return None
    value = headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _api_reason(plural: str, exc: Any, attempts: int) -> Message:
    """Why a list failed, from the status and the API server's Status message (never headers or tokens)."""
    status = exc.status
    said = ""
    try:
        body = json.loads(exc.body) if exc.body else None
        if isinstance(body, dict) and isinstance(body.get("message"), str):
            said = body["message"][:300]
    except (ValueError, TypeError):
        pass
    what = f"HTTP {status} {exc.reason or ''}".strip()
    listing = message("listing_objects", plural=plural)
    if status in (401, 403):
        lead = message("list_forbidden", plural=plural, status=what)
    elif attempts > 1:
        lead = message("list_failed_attempts", listing=listing, attempts=attempts, status=what)
    else:
        lead = message("list_failed", listing=listing, status=what)
    return message("server_said", reason=lead, text=said) if said else lead


def _transport_reason(exc: Exception, timeout: float) -> Message:
    from urllib3.exceptions import MaxRetryError, NewConnectionError, ReadTimeoutError

    inner = exc.reason if isinstance(exc, MaxRetryError) and exc.reason is not None else exc
    if isinstance(inner, ReadTimeoutError | TimedOut):  # a socket read, or the whole reply, past `timeout`
        return message("request_deadline", seconds=Decimal(f"{timeout:g}"), setting=f"{NAME}.timeout")
    if isinstance(inner, NewConnectionError):
        return message("cannot_connect")
    return message("transport_error", error=type(inner).__name__)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__
