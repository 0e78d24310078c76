"""The ksyun source's native export file: API action name -> the list of raw response bodies (its pages).

Read by `source` for `--from-file`; every listing of every file is checked for what it claims (`paging.export_gap`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reconciler.base.errors import InputError, Problem
from reconciler.base.jsonio import load_json_object
from reconciler.base.messages import joined, message
from reconciler.base.recognize import refuse_other_format
from reconciler.base.text import printable
from reconciler.sources.ksyun.mapping import (
    API_BY_ACTION,
    KS3_BUCKETS,
    PROJECTS,
    REFERENCE_APIS,
    Malformed,
    Pages,
    body_error,
)
from reconciler.sources.ksyun.paging import export_gap

# --- native export file --------------------------------------------------------------------------------------


def read_export(paths: Sequence[Path]) -> Pages:
    """The pages of every action in the export files (later files add pages). InputError on bad structure.
    An action whose pages hold an error response is failed; one whose listings in any file are not whole
    (see `export_gap`) is incomplete: its pages count, more items may exist."""
    read = Pages({}, {}, [])
    known = dict(API_BY_ACTION)
    per_file: dict[str, list[tuple[str, list[Any]]]] = {}
    for path in paths:
        name = str(path)
        raw = load_json_object(path, "an object mapping API action names to lists of pages")
        if any(action not in known and action != KS3_BUCKETS for action in raw):
            refuse_other_format(raw, name, "ksyun", "ksyun")
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
        if api is PROJECTS or api in REFERENCE_APIS:
            continue  # read for what they tell, not listings of resources
        errors = [
            message("page_error", page=i, error=str(err))
            for i, (_, body) in enumerate(pages)
            if (err := body_error(body)) is not None
        ]
        if errors:
            read.failed[action] = message("export_errors", action=action, errors=errors[:3])
            continue
        gaps = []
        for name, bodies in per_file[action]:
            listing = (
                message("listing_export_file", action=action, file=name)
                if len(paths) > 1
                else message("listing_export", action=action)
            )
            try:
                gap = export_gap(api, bodies, listing)
            except Malformed:
                break  # reported with its path by map_pages
            if gap is not None:
                gaps.append(gap)
        whole = joined(gaps)
        if whole is not None:
            read.incomplete[action] = whole
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
            region = fields.get("Region")
            read.buckets.append((printable(fields["Name"]), printable(region) if region else None))
