"""A local Kingsoft Cloud API emulator: a real threaded HTTP server on 127.0.0.1 speaking what the official SDKs
send (form POST, JSON POST with Action/Version in the query, GET), routed by Service/Action, with each list
API's own paging style, project scoping, error bodies, KS3 ListBuckets (XML, `KSS` auth) and fault injection.

Written from the API documentation independently of the source under test (its own paging code), so a
paging or scoping mistake in the source shows up as a wrong sum. `answer` is the list APIs' reply without HTTP:
the fault suite builds native exports from it (a faithful export is what the API answers, page after page).

Paging faults (the listing checks' cases): a server ignoring the position asked (`Marker`, `NextToken`,
`PageNumber`), pages overlapping the one before, pages coming back short, totals changing between pages or
understating the truth. Transport faults: a reply slower than the timeout, a reply trickled a byte at a time,
a connection that never answers.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

# action -> (service, paging style, items key, total key or None, project scoped)
LISTS: dict[str, tuple[str, str, str, str | None, bool]] = {
    "DescribeInstances": ("kec", "marker", "InstancesSet", "InstanceCount", True),
    "DescribeLocalVolumes": ("kec", "marker", "LocalVolumeSet", "LocalVolumeCount", False),
    "DescribeLocalVolumeSnapshots": ("kec", "marker", "LocalVolumeSnapshotSet", "LocalVolumeSnapshotCount", False),
    "DescribeVolumes": ("ebs", "marker-short", "Volumes", None, False),
    "DescribeSnapshots": ("ebs", "page", "Snapshots", None, False),
    "DescribeAddresses": ("eip", "token", "AddressesSet", None, True),
    "DescribeBandWidthShares": ("bws", "token", "BandWidthShareSet", None, True),
    "DescribeLoadBalancers": ("slb", "token", "LoadBalancerDescriptions", "TotalCount", True),
}
DEFAULT_PAGE = {"marker": 10, "marker-short": 10, "page": 10, "token": 10, "numbered": 10}
TABLE_LISTS: dict[str, tuple[str, str, str, str | None, bool]] = {
    # what the API reports of instance types and families (read by `reconciler tables init`); not paged
    "DescribeInstanceTypeConfigs": ("kec", "none", "InstanceTypeConfigSet", None, False),
    "DescribeInstanceFamilys": ("kec", "none", "InstanceFamilySet", None, False),
    # listings that count only when the tables say so: remote access (vpc, epc) and WAF (trade)
    "DescribeVpnGateways": ("vpc", "token", "VpnGatewaySet", None, True),
    "DescribeVpnTunnels": ("vpc", "token", "VpnTunnelSet", None, False),
    "DescribeRemoteManagements": ("epc", "none", "RemoteManagementSet", None, False),
    # trade QueryInstances: a JSON body, `page` (from 1) and `size`, `Data.RetResponse` and `Data.Total`;
    # `productGroup` filters, `status` defaults to 2 (opened), as the SDK's documentation says
    "QueryInstances": ("trade", "numbered", "Data.RetResponse", "Data.Total", False),
}
"""List APIs beside the resource listings of LISTS (kept apart: the listing fault suites page through LISTS)."""
JSON_ACTIONS = frozenset({"QueryInstances"})
"""Actions that take a JSON body: the real API refuses a form body (the trap `json_body` avoids)."""


@dataclass
class Fault:
    """What to do instead of answering, for the next `times` calls of `action` ("*" = any), after letting the
    first `skip` of them through.

    Kinds: "status", "error200", "malformed", "lowercase", "notobject", "echo" (error replies); "slow" (answer
    after `delay`), "trickle" (answer one byte every `delay` seconds), "hang" (never answer); "lastpage" (no
    NextToken: the listing cut short), "ignore_position" (the first page, whatever position was asked),
    "overlap" (the page starts `shift` items early), "short" (the page's last item left out, paging on as if it
    were there), "total" (the total told is off by `shift`)."""

    action: str
    kind: str
    times: int = 1
    status: int = 503
    code: str = "ServiceUnavailable"
    delay: float = 0.0
    skip: int = 0
    shift: int = 1


@dataclass
class World:
    """The account the emulator serves: items per list action, projects, buckets and their usage."""

    items: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    projects: list[int] = field(default_factory=list)
    buckets: list[dict[str, str]] = field(default_factory=list)
    usage: dict[str, dict[str, str]] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopped: threading.Event = field(default_factory=threading.Event)
    """Set when the server stops: trickling and hanging replies end."""
    in_flight: int = 0
    most_in_flight: int = 0
    """The most API requests being answered at once."""
    latency: float = 0.0
    """Seconds every request waits before it is answered (a remote API's round trip; bench/live.py)."""

    def take_fault(self, action: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.times > 0 and fault.action in (action, "*"):
                    if fault.skip > 0:
                        fault.skip -= 1
                        continue
                    fault.times -= 1
                    return fault
        return None


def _indexed(params: dict[str, str], prefix: str) -> list[str]:
    """`Prefix.N` values for any integer N, in the order of N."""
    found = []
    for key, value in params.items():
        match = re.fullmatch(re.escape(prefix) + r"\.(\d+)", key)
        if match:
            found.append((int(match[1]), value))
    return [value for _, value in sorted(found)]


PAGE_FAULTS = ("lastpage", "ignore_position", "overlap", "short", "total")


def answer(world: World, action: str, params: dict[str, str], fault: Fault | None = None) -> dict[str, Any]:
    """The body a list API answers to `params` (project scoping, its own paging style), altered by a page
    fault. No HTTP: the server's reply, and the pages of the native exports the fault suite builds."""
    _service, style, key, total_key, scoped = LISTS.get(action) or TABLE_LISTS[action]
    items = world.items.get(action, [])
    if scoped:
        wanted = {int(p) for p in _indexed(params, "ProjectId")} or {0}
        items = [item for item in items if int(item.get("ProjectId", 0)) in wanted]
    if style == "none":
        return {"RequestId": f"r-{action}", key: items}
    if style == "numbered":
        return _numbered(action, items, params)
    kind = fault.kind if fault is not None else None
    shift = fault.shift if fault is not None else 0
    body: dict[str, Any] = {"RequestId": f"r-{action}"}
    size = int(params.get("PageSize" if style == "page" else "MaxResults", DEFAULT_PAGE[style]))
    if style in ("marker", "marker-short"):
        start = int(params.get("Marker", 0))
    elif style == "page":
        number = int(params.get("PageNumber", 1))
        start = (number - 1) * size
    else:  # token: in practice a 1-based offset
        start = int(params.get("NextToken") or 1) - 1
    begin = 0 if kind == "ignore_position" else max(0, start - shift) if kind == "overlap" else start
    page = items[begin : begin + size]
    if kind == "short" and page:
        page = page[:-1]
    body[key] = page
    more = start + size < len(items)
    if style in ("marker", "marker-short"):
        body["Marker"] = start
    elif style == "page":
        body["Page"] = {"pageNumber": number, "pageSize": size, "hasNext": more}
    elif more and kind != "lastpage":
        body["NextToken"] = str(start + size + 1)
    if total_key:
        body[total_key] = len(items) + (shift if kind == "total" else 0)
    return body


def _numbered(action: str, items: list[dict[str, Any]], params: dict[str, str]) -> dict[str, Any]:
    """trade QueryInstances: the items of the product group asked (all without one) in the status asked (2,
    opened, by default), page `page` of `size`."""
    if params.get("productGroup"):
        items = [item for item in items if str(item.get("productGroup")) == params["productGroup"]]
    status = params.get("status") or "2"
    items = [item for item in items if str(item.get("status")) == status]
    size = int(params.get("size") or DEFAULT_PAGE["numbered"])
    number = int(params.get("page") or 1)
    page = items[(number - 1) * size : number * size]
    return {"RequestId": f"r-{action}", "Data": {"RetResponse": page, "Total": len(items)}}


def native_export(world: World, page_size: int) -> dict[str, list[Any]]:
    """The ksyun source's native export of `world`: each list API paged as it answers, page after page (marker
    paging until a page shorter than asked, and until an empty one where it tells no total; page numbers while
    `hasNext`; NextToken while one comes back). Project scoping aside: every item is in project 0's listing."""
    export: dict[str, list[Any]] = {"GetAccountAllProjectList": [{"ListProjectResult": {"ProjectList": []}}]}
    for action, (_service, style, key, total_key, _scoped) in LISTS.items():
        pages: list[dict[str, Any]] = []
        params = {"MaxResults": str(page_size), "PageSize": str(page_size)}
        while True:
            if style.startswith("marker"):
                params["Marker"] = str(sum(len(page[key]) for page in pages))
            elif style == "page":
                params["PageNumber"] = str(len(pages) + 1)
            body = answer(world, action, dict(params))
            pages.append(body)
            if style.startswith("marker") and (not body[key] or (total_key and len(body[key]) < page_size)):
                break
            if style == "page" and not body["Page"]["hasNext"]:
                break
            if style == "token":
                if "NextToken" not in body:
                    break
                params["NextToken"] = body["NextToken"]
        export[action] = pages
    return export


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    fault: Fault | None = None
    """The fault this request is answered with, if any."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _handle(self) -> None:
        world = self.server.world
        url = urlsplit(self.path)
        params = dict(parse_qsl(url.query, keep_blank_values=True))
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        content_type = self.headers.get("Content-Type", "")
        if raw and "json" in content_type:
            params.update({k: str(v) for k, v in json.loads(raw).items()})
        elif raw:
            params.update(parse_qsl(raw.decode(), keep_blank_values=True))
        auth = self.headers.get("Authorization", "")
        with world.lock:
            world.requests.append({"path": url.path, "params": params, "auth": auth, "host": self.headers["Host"]})
        if world.latency:
            time.sleep(world.latency)
        if auth.startswith("KSS "):
            self._ks3(url.path)
            return
        if not auth:
            self._error(403, "MissingAuthenticationToken", "no Authorization header")
            return
        action = params.get("Action", "")
        with world.lock:
            world.in_flight += 1
            world.most_in_flight = max(world.most_in_flight, world.in_flight)
        try:
            self._answer(world, action, params)
        finally:
            with world.lock:
                world.in_flight -= 1

    def _answer(self, world: World, action: str, params: dict[str, str]) -> None:
        fault = world.take_fault(action)
        if fault is not None and self._fault(fault):
            return
        self.fault = fault
        if action == "GetAccountAllProjectList":
            projects = [{"ProjectId": pid, "ProjectName": f"p{pid}"} for pid in world.projects]
            body = {"ListProjectResult": {"Total": len(projects), "ProjectList": projects}}
            self._json(200, {"RequestId": "r-iam", **body})
        elif action == "QueryKs3Data":
            names = [n for n in params.get("Bucketname", "").split(",") if n]
            if len(names) > 5:
                self._error(400, "InvalidParameter", "at most 5 buckets")
                return
            rows = [{"BucketName": n, **world.usage[n]} for n in names if n in world.usage]
            self._json(200, {"RequestId": "r-ks3bill", "Data": {"Buckets": rows}})
        elif action in JSON_ACTIONS and "json" not in self.headers.get("Content-Type", ""):
            self._error(400, "InvalidParameter", f"{action} expects a JSON body")
        elif action in LISTS or action in TABLE_LISTS:
            self._json(200, answer(world, action, params, fault))
        else:
            self._error(400, "InvalidAction", f"unknown action {action!r}")

    def _fault(self, fault: Fault) -> bool:
        """Answer in the fault's way and say so (True), or let the request be answered, perhaps altered."""
        if fault.kind == "slow":
            time.sleep(fault.delay)
            return False  # then answer normally (the client has given up by then)
        if fault.kind == "hang":
            self.server.world.stopped.wait()
            return True
        if fault.kind in ("trickle", *PAGE_FAULTS):
            return False  # answered below: trickled, or a page altered
        if fault.kind == "status":
            self._error(fault.status, fault.code, "injected")
        elif fault.kind == "error200":
            self._json(200, {"RequestId": "r-f", "Error": {"Type": "Sender", "Code": fault.code, "Message": "inj"}})
        elif fault.kind == "lowercase":
            self._json(fault.status, {"requestid": "r-f", "error": {"code": fault.code, "message": "injected"}})
        elif fault.kind == "malformed":
            self._send(200, b"<html>gateway hiccup</html>", "text/html")
        elif fault.kind == "echo":  # a careless service quoting the request in its error message
            quoted = f"bad request from {self.server.world.requests[-1]['params'].get('Accesskey')}: {self.headers}"
            self._error(400, "InvalidParameter", quoted)
        elif fault.kind == "notobject":
            self._json(200, ["not", "an", "object"])
        return True

    def _ks3(self, path: str) -> None:
        world = self.server.world
        fault = world.take_fault("ListBuckets")
        if fault is not None and fault.kind == "status":
            self._send(fault.status, b"<Error><Code>ServiceUnavailable</Code></Error>", "application/xml")
            return
        if path not in ("", "/"):
            self._send(404, b"<Error><Code>NoSuchBucket</Code></Error>", "application/xml")
            return
        rows = "".join(
            f"<Bucket><Name>{b['Name']}</Name><Region>{b['Region']}</Region><Type>NORMAL</Type>"
            f"<CreationDate>2025-01-01T00:00:00.000Z</CreationDate></Bucket>"
            for b in world.buckets
        )
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Owner><ID>1</ID>'
            f"<DisplayName>a</DisplayName></Owner><Buckets>{rows}</Buckets></ListAllMyBucketsResult>"
        )
        self._send(200, xml.encode(), "application/xml")

    def _error(self, status: int, code: str, message: str) -> None:
        self._json(status, {"RequestId": "r-err", "Error": {"Type": "Sender", "Code": code, "Message": message}})

    def _json(self, status: int, body: Any) -> None:
        self._send(status, json.dumps(body).encode(), "application/json")

    def _send(self, status: int, data: bytes, content_type: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.fault is not None and self.fault.kind == "trickle":
                self._trickle(data, self.fault.delay)
            else:
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a slow reply beyond its timeout)

    def _trickle(self, data: bytes, delay: float) -> None:
        """The body a byte at a time, `delay` seconds apart, each byte sent at once; stops with the server."""
        self.wfile.flush()
        for index in range(len(data)):
            if self.server.world.stopped.wait(delay):
                return
            self.wfile.write(data[index : index + 1])
            self.wfile.flush()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, world: World) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.world = world

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (a trickled or hung reply past its deadline) is no error of the emulator's."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def running(world: World) -> Iterator[str]:
    """Serve `world` on 127.0.0.1; yields "127.0.0.1:PORT"."""
    server = _Server(world)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        world.stopped.set()
        server.shutdown()
        server.server_close()
        thread.join()
