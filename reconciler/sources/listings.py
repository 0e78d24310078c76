"""Listings checked for what they claim: the pages of one listing, as they come, against each other.

Used by the live sources (ksyun, kubernetes) while they page, and by the export readers for every listing a
file holds. A listing is one paged read of one list (one API, one region, one chunk of projects). Pure.

The rules (docs/sources.md, "Listings checked for what they claim"):
- no item id twice in one listing: not on one page, not on two (a page that repeats or overlaps earlier ones,
  what a server ignoring its `Marker`/`NextToken` or offset paging over a changing list does);
- every page tells the same total (a total that shrinks or grows between pages);
- no page comes back short (fewer items than asked; in an export, than the listing's fullest page) and is
  followed by one that holds items;
- the distinct ids reach the total the pages tell, and do not pass it (a total that understates the truth).
A rule broken raises `Inconsistent` with the sentence saying which; the caller decides what follows (live:
read the listing again from the first page once, then report it incomplete; an export: incomplete).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from reconciler.base.messages import Message, message
from reconciler.sources.base import Held


class Inconsistent(Exception):
    """A listing whose pages contradict each other or the total they tell; `reason` is one sentence."""

    def __init__(self, reason: Message) -> None:
        super().__init__(str(reason))
        self.reason = reason


@dataclass
class ListingCheck:
    """The pages of one listing so far. Feed each page to `page` in order, then call `end` (both raise
    `Inconsistent`). `listing` names it in the sentences, e.g. "DescribeInstances in cn-beijing-6"."""

    listing: Message
    pages_may_be_short: bool = False
    """Kubernetes: a page may hold fewer items than asked and still be followed by more."""
    pages: int = 0
    ids: set[str] = field(default_factory=set)
    total: int | None = None
    fullest: int = 0
    """The most items any page held (an export's page size, as far as it shows)."""
    last: int = 0
    """The items of the latest page."""
    short: tuple[int, int, int] | None = None
    """The first page that came back short: (page number from 1, its items, the items asked for)."""

    @property
    def distinct(self) -> int:
        return len(self.ids)

    def page(self, ids: Sequence[str], total: int | None = None, asked: int | None = None) -> None:
        """One more page: its item ids in order, the total it tells (if its API tells one), and how many items
        were asked for (live; None in an export, where a page is short when it holds fewer items than another
        page of the listing). The page's ids are recorded even when it breaks a rule (they were seen)."""
        self.pages += 1
        number = self.pages
        problems: list[Message] = []
        if self.short is not None and ids:  # a page came back short, and yet the listing went on
            at, count, size = self.short
            problems.append(message("listing_short_page", listing=self.listing, page=at, count=count, size=size))
        elif (
            asked is None
            and not self.pages_may_be_short
            and ids
            and number > 1
            and self.last < max(self.fullest, len(ids))
        ):
            # an export: the page before this one held fewer items than another page of the listing
            size = max(self.fullest, len(ids))
            problems.append(
                message("listing_short_page", listing=self.listing, page=number - 1, count=self.last, size=size)
            )
        on_page: set[str] = set()
        twice, before = Held(), Held()
        for item in ids:
            if item in on_page:
                twice.add(item)
            elif item in self.ids:
                before.add(item)
            on_page.add(item)
        if twice.count:
            sample = twice.sample_text()
            problems.append(message("listing_twice_on_page", listing=self.listing, page=number, sample=sample))
        if before.count:
            problems.append(
                message(
                    "listing_repeats",
                    listing=self.listing,
                    count=before.count,
                    items=len(ids),
                    page=number,
                    sample=before.sample_text(),
                )
            )
        if total is not None:
            if self.total is not None and total != self.total:
                problems.append(
                    message("listing_total_changed", listing=self.listing, page=number, total=total, before=self.total)
                )
            self.total = total if self.total is None else self.total
        self.ids |= on_page
        self.fullest = max(self.fullest, len(ids))
        self.last = len(ids)
        if self.total is not None and len(self.ids) > self.total:
            problems.append(
                message("listing_over_total", listing=self.listing, distinct=len(self.ids), total=self.total)
            )
        if asked is not None and len(ids) < asked and self.short is None:
            self.short = (number, len(ids), asked)
        if problems:
            raise Inconsistent(problems[0])

    def end(self) -> None:
        """The listing ended (its last page said so): the distinct ids must have reached the total told."""
        if self.total is not None and len(self.ids) < self.total:
            raise Inconsistent(
                message("listing_under_total", listing=self.listing, distinct=len(self.ids), total=self.total)
            )
