"""The sentences the core writes into its results (warnings, reasons, exposure formulas), one template each.

The core formats these templates in English: they are part of the JSON outputs and of the history, and stay
exactly as they are there. Each template has a key; the report layer recognises a sentence by its template
(`report.messages`) and words it in the reader's language from the key and the values it carries. Pure.
"""

from __future__ import annotations

from typing import Any

TEMPLATES: dict[str, str] = {
    # reconcile
    "service_not_started": "the service period starts on {start}: nothing is due yet, shortfalls show as pending",
    "service_ended": (
        "the service period ended on {end}: nothing is due or entitled any more, so line items show ended and "
        "the check passes; the Art. 14.3 switch-over (migration and handover, free of charge) runs until "
        "{switch_over_end}"
    ),
    "service_ended_switch_over_over": (
        "the service period ended on {end}: nothing is due or entitled any more, so line items show ended and "
        "the check passes; the Art. 14.3 switch-over ended on {switch_over_end}"
    ),
    "ended_item": "the service period ended on {end}: nothing is due or entitled; the supply is shown as observed",
    "repeated_ids": (
        "{count} resource(s) of {line_item} are listed more than once in the observation and were counted each "
        "time (e.g. {sample}): check the export"
    ),
    "observed_after_now": (
        "the observation was made at {observed_at}, after this check's now ({now}): it describes a later moment"
    ),
    "stale_observation": (
        "the observation was made at {observed_at}, {hours} hours before this check's now: supply may have "
        "changed since"
    ),
    "source_failed": "a source failed while observing {kind}: {failures}",
    "listing_incomplete": "the listing of {kind} may be incomplete: {reasons}",
    # what an unknown status may still be (the first and last of the possible statuses)
    "outcome_short_pending": "not met, not over; possibly short (below due)",
    "outcome_short_met": "not over; possibly short",
    "outcome_short_over": "possibly short, possibly over",
    "outcome_pending_met": "not short, not over; possibly pending",
    "outcome_pending_over": "not short; possibly pending, possibly over",
    "outcome_met_over": "not short; possibly over",
    "not_observed": "no chosen source observes resources of kind {kind}",
    # sources: listings checked for what they claim (sources.listings)
    "listing_twice_on_page": "{listing}: page {page} holds {sample} more than once",
    "listing_repeats": (
        "{listing}: {count} of the {items} item(s) on page {page} were on earlier pages already (e.g. {sample}): "
        "pages repeat or overlap"
    ),
    "listing_total_changed": "{listing}: page {page} tells a total of {total} where the pages before it told {before}",
    "listing_short_page": "{listing}: page {page} came back short ({count} of {size} items) though the listing went on",
    "listing_over_total": "{listing}: {distinct} distinct items, more than the total of {total} its pages tell",
    "listing_under_total": "{listing}: ended at {distinct} distinct items of the {total} its pages tell",
    "listing_same_token": (
        "{listing}: page {page} gave back the {position} {token} it was asked with: the listing does not advance"
    ),
    "listing_no_end": "{listing}: its last page points to a next one",
    "listing_no_page": "{listing}: holds no page, not even an empty one",
    "listing_end_unconfirmed": (
        "{listing}: its last page is short ({count} items) and no empty page follows it: the API tells no total, "
        "so only an empty page shows that the listing ended"
    ),
    "listing_too_long": "{listing}: more than {pages} pages, stopped",
    "listing_unplaced": "{listing}: page {page} does not echo its {position}, so its listings cannot be told apart",
    "listing_pages_missing": (
        "{listing}: page {page} is at {position} {at} where {expected} comes next: pages are missing"
    ),
    "listing_starts_late": "{listing}: page {page} is at {position} {at}: the pages before it are missing",
    "listing_read_again": "{listing}: read again from the first page",
    "listing_twice": "{listing}: {sample} listed more than once",
    "listing_partial": "{listing}: its metadata says more items follow ({what}): it is one page of a longer list",
    # sources: deadlines
    "request_deadline": "no complete answer within {seconds} s (setting {setting})",
    "source_deadline": "the source's deadline of {seconds} s (setting {setting}) passed before {what} finished",
    "pending_expansions": "short only of expansions still inside their deadline",
    "pending_not_started": "the service period has not started",
    # attestations (core.attestations)
    "attestation_expiring": (
        "the attestation {id} of {line_item} ({quantity}, by {attested_by}) expires on {valid_until}, in {days} "
        "day(s): renew it, or the line item becomes unknown"
    ),
    "attestation_expired": (
        "the attestation {id} of {line_item} ({quantity}, by {attested_by}) expired on {valid_until}: renew it"
    ),
    "attestation_not_yet": (
        "the attestation {id} of {line_item} is dated {attested_at}, after this check's now: not counted"
    ),
    "attestation_unknown": (
        "{line_item} is attested, but {ids} expired: what it attested is not known any more (no upper bound)"
    ),
    "attestation_disagrees": (
        "{line_item} is observed as {observed} but attested as {attested} ({ids}): the observed figure counts; "
        "check the attestation or the source"
    ),
    # replay
    "no_ids": "reported from recorded run #{id}: the history keeps evidence counts, not the resources' ids",
    # acceptance
    "period_not_over": "the period is not over: this report covers it up to {as_of}",
    "days_without_runs": "{missing} of {days} days have no recorded run: nothing is known of them",
    # periods
    "no_holiday_data": (
        "no statutory holiday data for {year}: weekends only; pass --calendar FILE (holiday data covers {known})"
    ),
    # periods: why a last day moved (Art. 203); the holiday template with both names comes before the one with
    # a single name, and the supplied calendar's before both, so each reason is read back by its own template
    "extended_saturday": (
        "{day} is a Saturday (weekly rest day); extended to the first working day after the rest, {last_day}"
    ),
    "extended_sunday": (
        "{day} is a Sunday (weekly rest day); extended to the first working day after the rest, {last_day}"
    ),
    "extended_supplied": (
        "{day} is a statutory holiday (per {source}); extended to the first working day after the rest, {last_day}"
    ),
    "extended_holiday": (
        "{day} is a statutory holiday ({name}, {name_zh}); extended to the first working day after the rest, {last_day}"
    ),
    "extended_holiday_unnamed": (
        "{day} is a statutory holiday ({name}); extended to the first working day after the rest, {last_day}"
    ),
    # obligations: how a date of the contract calendar is read (the moved reading before the unmoved one)
    "note_funds_after_start": (
        "If the funds are released after the service start, the payment falls due {days} working days after the "
        "release; funds released before the start are read as counting from the start."
    ),
    "note_civil_code_moved": (
        "Civil Code reading: {start} is not counted (Art. 201), so {months} months end on {end}, moved to {moved} "
        "(Art. 203)."
    ),
    "note_civil_code": "Civil Code reading: {start} is not counted (Art. 201), so {months} months end on {end}.",
    "note_first_day_counted": (
        "Alternative reading: the contract's own service period counts its first day ({start}), which puts the "
        "end of {months} months at {alternative} 24:00, a day earlier than {end}; see docs/deadlines.md. Which "
        "reading applies is for the parties."
    ),
    "note_counted_from_mark": "Counted from {day}, the last day of the {months} months under the Civil Code.",
    "note_mark_not_moved": (
        "Without the Art. 203 move of the {months}-month mark (it is a condition, not a time limit to act), the "
        "earliest date would be {day}."
    ),
    "note_payment_first_day_counted": (
        "Alternative reading (the service period counts its first day): {months} months end on {alternative}, and "
        "the earliest payment date is {day}."
    ),
    "note_failed_earlier": (
        "A failed acceptance on an earlier day gives an earlier date: {days} natural days after that day."
    ),
    "note_counted_back": (
        "Counted back from the end of the service period; not moved for rest days, since a later day would leave "
        "less than {months} months."
    ),
    "note_switch_over": (
        "Counted from the day the service period ends (that day not counted, Art. 201); taking the first day of "
        "the switch-over as the event instead would give one day later."
    ),
    # exposure
    "delay_formula": "contract total x rate x days = {total} x {rate} x {days}",
    "expansion_formula": "fee / service months x coefficient = {fee} / {months} x {coefficient}",
    "no_notice": "no written notice of the management unit recorded (notice_at): cannot apply yet",
    "delivered_late": "delivered late, at {at}, after the written notice",
    "late_amount_unknown": "whether within the notice's time limit is not recorded, so no amount is counted",
    "overdue_after_notice": "overdue since {due_at} and still not delivered after the written notice",
    "fee_reading": (
        "fee = the contract total (信息系统云服务费, the whole annual service fee), so fee / service months is the "
        "contract's monthly fee"
    ),
    "day_rule": (
        "days of delay = whole days started since the first run of the current unbroken streak of runs showing the "
        "line item short below its baseline (the current run if none; runs that could not observe it neither break "
        "nor extend the streak): floor((now - first) / 24 h) + 1"
    ),
    "delay_since": "supplied {supplied} < baseline {baseline} since the run of {first} at the latest",
    "termination": "the delay has reached {days} days: the client may terminate (Art. {clause})",
    "delay_days_once": (
        "Art. 12.3 charges each day of the service's delay once: these days already count with the longest "
        "delay, {line_item} ({days} day(s))"
    ),
    "one_event": (
        "Art. {one_event}: one event with {heavier} on {line_item}, the heavier rule ({heavier}, {amount} CNY) "
        "counts, not this one"
    ),
}
"""Key -> English template; the report layer's Chinese wording of each key is in `report.labels`."""

JOINER = "; "
"""Several sentences in one text (a reason with its readings) are joined by this."""


def message(key: str, **values: Any) -> str:
    """The English sentence of `key` with `values` filled in, e.g. message("no_ids", id=9)."""
    return TEMPLATES[key].format(**values)
