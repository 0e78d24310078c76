"""How each Kingsoft list API pages, and whether the pages of a listing make a whole one, live and in an export.

Called by `live` (the request after each page) and `export` (the listings a file holds, each checked). The
checks themselves are `reconciler.sources.listings`; this module knows the APIs' three paging styles. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reconciler.base.messages import Message, message
from reconciler.sources.ksyun.mapping import PAGE_SIZE, Api, ids_of, int_or_none, items_of, total_of
from reconciler.sources.listings import Inconsistent, ListingCheck

POSITION = {"marker": "Marker", "page": "page number", "token": "NextToken", "numbered": "page"}
"""What a page's position in its listing is called, per paging style."""


class SameToken(Exception):
    """A NextToken paging that does not advance: the page gave back the token it was asked with."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.token = token


def first_request(api: Api, page_size: int = PAGE_SIZE) -> dict[str, Any]:
    if api.paging == "marker":
        return {"MaxResults": page_size, "Marker": 0}
    if api.paging == "page":
        return {"PageNumber": 1, "PageSize": page_size}
    if api.paging == "token":
        return {"MaxResults": page_size}
    if api.paging == "numbered":  # trade QueryInstances: page from 1, size
        return {"page": 1, "size": page_size}
    return {}


def asked(api: Api, request: Mapping[str, Any]) -> int | None:
    """How many items `request` asked for."""
    if api.paging in ("marker", "token"):
        return int(request["MaxResults"])
    if api.paging == "page":
        return int(request["PageSize"])
    if api.paging == "numbered":
        return int(request["size"])
    return None


def next_request(api: Api, request: Mapping[str, Any], body: Mapping[str, Any]) -> dict[str, Any] | None:
    """The request for the page after `body` (the answer to `request`), or None when the API says the listing
    ended. SameToken when a token paging would not advance (the same NextToken back).

    - Marker paging ends on a page shorter than asked. A full page is always followed by another, even when the
      total is reached: a total that understates the truth shows in the next page. Without a total
      (`DescribeVolumes`) a short page does not say why it is short: the next Marker is asked too, and only an
      empty page ends the listing.
    - Page numbers end when `Page.hasNext` is not true; NextToken paging when no NextToken comes back.
    Pages that come back short and yet are followed by more are the listing check's to catch."""
    count = len(items_of(api, body))
    if api.paging == "marker":
        if count < int(request["MaxResults"]) and (api.total_key is not None or count == 0):
            return None
        return {**request, "Marker": int(request["Marker"]) + count}
    if api.paging == "page":
        page = body.get("Page")
        has_next = page.get("hasNext", page.get("HasNext")) if isinstance(page, Mapping) else None
        if has_next in (True, "true", "True"):
            return {**request, "PageNumber": int(request["PageNumber"]) + 1}
        return None
    if api.paging == "numbered":  # no position echoed; a page shorter than asked is the last
        if count < int(request["size"]):
            return None
        total = total_of(api, body)
        if total is not None and int(request["page"]) * int(request["size"]) >= total:
            return None
        return {**request, "page": int(request["page"]) + 1}
    if api.paging == "token":
        token = body.get("NextToken")
        if token in (None, "", 0, "0"):
            return None
        if str(token) == str(request.get("NextToken", "")):
            raise SameToken(str(token))
        return {**request, "NextToken": str(token)}
    return None


def same_token(listing: Message, page: int, token: str) -> Message:
    """The sentence for a NextToken that came back unchanged."""
    return message("listing_same_token", listing=listing, page=page, position="NextToken", token=repr(token))


def export_gap(api: Api, bodies: Sequence[Any], listing: Message) -> Message | None:
    """Why the pages of `api` read from one export file are not whole listings, or None when they are.

    A file may hold several listings one after another (one per region, per project chunk). A listing starts
    at the file's first page and at every page echoing `Marker` 0 (marker paging) or page number 1 (page
    paging); token paging echoes nothing, so a new listing starts after a page without a NextToken. Pages that
    cannot be placed (no position echoed, a gap) make the file's listings incomplete, as does any listing
    that breaks a rule of `ListingCheck` or whose last page does not end it: it points to a next one, or
    (marker paging without a total, `DescribeVolumes`) it is not an empty page. `listing` names the pages in
    the sentences (e.g. "the export of DescribeInstances"). Malformed from a page's item list."""
    if api.paging == "none":
        return None
    if not bodies:  # even an empty listing has a page
        return message("listing_no_page", listing=listing)
    listings: list[list[Mapping[str, Any]]] = []
    reason = _split(api, bodies, listing, listings)
    if reason is not None:
        return reason
    for index, pages in enumerate(listings):
        label = (
            message("listing_part", listing=listing, index=index + 1, count=len(listings))
            if len(listings) > 1
            else listing
        )
        check = ListingCheck(label)
        request: dict[str, Any] = first_request(api)
        following: dict[str, Any] | None = None
        try:
            for number, body in enumerate(pages, start=1):
                check.page(ids_of(api, items_of(api, body)), total_of(api, body))
                if api.paging == "numbered":  # the page size asked is not in the page: the total decides
                    following = None if number == len(pages) and _numbered_end(api, pages) else {}
                    continue
                try:
                    following = next_request(api, request, body)
                except SameToken as exc:
                    return same_token(label, number, exc.token)
                request = following or first_request(api)
            check.end()
        except Inconsistent as exc:
            return exc.reason
        last = len(items_of(api, pages[-1]))
        if api.paging == "marker" and api.total_key is None and last:
            return message("listing_end_unconfirmed", listing=label, count=last)
        if api.paging != "marker" and following is not None:
            return message("listing_no_end", listing=label)
    return None


def _split(
    api: Api, bodies: Sequence[Any], listing: Message, listings: list[list[Mapping[str, Any]]]
) -> Message | None:
    """The file's pages split into listings (appended to `listings`), or why they cannot be placed."""
    seen = 0  # items of the current listing (marker paging), or its pages (page paging)
    ended = True  # token paging: the page before ended its listing
    token: str | None = None
    for number, body in enumerate(bodies):
        count = len(items_of(api, body))
        if api.paging in ("marker", "page"):
            what, first = ("Marker", 0) if api.paging == "marker" else ("PageNumber", 1)
            position = _position(api, body)
            if position is None:
                if listings:
                    return message("listing_unplaced", listing=listing, page=number + 1, position=what)
                position = first
            if position == first:
                listings.append([])
                seen = 0
            elif not listings:
                return message("listing_starts_late", listing=listing, page=number + 1, position=what, at=str(position))
            else:
                expected = seen if api.paging == "marker" else len(listings[-1]) + 1
                if position != expected:
                    return message(
                        "listing_pages_missing",
                        listing=listing,
                        page=number + 1,
                        position=what,
                        at=str(position),
                        expected=str(expected),
                    )
            listings[-1].append(body)
            seen += count
        elif api.paging == "numbered":  # nothing echoed: a listing ends at its total or on an empty page
            if ended:
                listings.append([])
            listings[-1].append(body)
            ended = _numbered_end(api, listings[-1])
        else:
            if ended:
                listings.append([])
                token = None
            listings[-1].append(body)
            request = {**first_request(api), **({"NextToken": token} if token else {})}
            try:
                following = next_request(api, request, body)
            except SameToken:  # the same NextToken back: the listing goes on, and its check names it
                ended = False
                continue
            ended = following is None
            token = None if following is None else following.get("NextToken")
    return None


def _numbered_end(api: Api, pages: Sequence[Mapping[str, Any]]) -> bool:
    """Whether page-numbered pages make a whole listing: an empty last page, or the items reach the total."""
    if not pages or not items_of(api, pages[-1]):
        return True
    total = total_of(api, pages[-1])
    return total is not None and sum(len(items_of(api, page)) for page in pages) >= total


def _position(api: Api, body: Mapping[str, Any]) -> int | None:
    """Where a page says it is in its listing: the echoed Marker (items before it) or its page number."""
    if api.paging == "marker":
        return int_or_none(body.get("Marker"))
    page = body.get("Page")
    if not isinstance(page, Mapping):
        return None
    return int_or_none(page.get("pageNumber", page.get("PageNumber")))
