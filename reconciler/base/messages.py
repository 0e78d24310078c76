"""Sentences as data: every sentence the core, the contract checks, the dates and the reports' builders produce.

A `Message` is a stable key and typed values (quantities and money as Decimal, days as dates, instants and
deadlines as datetimes, durations as seconds, line items by id, names in both languages, nested messages),
never a pre-rendered string. `KEYS` declares every key and the kind of each of its values; `message(key, ...)`
checks the values against it. `say(message, lang)` renders one from the language's catalog
(`reconciler.base.catalogs`) with the figures written by `reconciler.base.formats`. In JSON (the output and the
history) a message is {"key", "values", "text"}: the values in their JSON form and the English text beside them
for readers of the JSON; reading it back restores the typed values from `KEYS` (a key this version does not know
is kept as its text). Nothing anywhere parses the text. Called by every layer that writes a sentence and by
every face.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Any, Final, NamedTuple

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from reconciler.base import formats
from reconciler.base.catalogs import en, zh
from reconciler.base.formats import Lang


class Kind(StrEnum):
    """What a value is, which fixes its Python type, its JSON form and how each language writes it."""

    INT = "int"  # a count: 3, 1,000
    YEAR = "year"  # a year, never grouped: 2027
    QUANTITY = "quantity"  # Decimal, a quantity in a line item's unit: 52,116, 4.648
    MONEY = "money"  # Decimal, CNY to the fen, without the unit: 1,383,011.77
    FIGURE = "figure"  # Decimal as it is (a rate, a coefficient, an exact product): 0.02
    DATE = "date"  # a calendar day
    INSTANT = "instant"  # an aware datetime, written in Beijing time
    DEADLINE = "deadline"  # an aware datetime that ends a period: a day's 24:00
    DURATION = "duration"  # seconds
    LINE_ITEM = "line_item"  # a line item id: the id in English, its short name in Chinese
    LINE_ITEMS = "line_items"  # several line items, each as LINE_ITEM, joined as a list
    ITEM = "item"  # a line item id, named for the contract owner: its plain name in every language
    STATUS = "status"  # a line item's status (met, short, ...), as a word
    ATTRIBUTES = "attributes"  # resource attributes a source could not tell (cpu_ghz, tier, ...), named
    STATED = "stated"  # what a table entry states, (attribute, value) pairs: the file's words in English, named in zh
    RESOURCE_KIND = "resource_kind"  # vm, volume, ...: named in each language
    VM_STATE = "vm_state"  # running, stopped, terminated
    UNIT = "unit"  # a line item's unit
    CLAUSE = "clause"  # a clause of the contract: 12.3, annex3.4
    SUBJECT = "subject"  # what a contract check is about: total, payment_schedule.final, expansions.EXP-1
    TEXT = "text"  # text from outside, shown as it is: an id, a file name, a provider's error
    NAMES = "names"  # a name in both languages (a holiday, a condition of the contract)
    IDS = "ids"  # resource ids, shown as they are
    MESSAGE = "message"  # a nested message
    MESSAGES = "messages"  # several sentences, joined
    ALTERNATIVES = "alternatives"  # several sentences, any of which may hold ("...; or ...")


class Names(NamedTuple):
    """A name in both languages."""

    en: str
    zh: str


_K = Kind
KEYS: Final[dict[str, dict[str, Kind]]] = {
    # a sentence this version does not know (read from a newer or older JSON): its English text
    "text": {"text": _K.TEXT},
    # several sentences given as one (a reason and the readings that go with it): see `joined`
    "sentences": {"parts": _K.MESSAGES},
    # reconcile: warnings and the reasons of a status
    "service_not_started": {"start": _K.DATE},
    "service_ended": {"end": _K.DATE, "switch_over_end": _K.DATE},
    "service_ended_switch_over_over": {"end": _K.DATE, "switch_over_end": _K.DATE},
    "ended_item": {"end": _K.DATE},
    "repeated_ids": {"count": _K.INT, "line_item": _K.LINE_ITEM, "sample": _K.IDS},
    "observed_after_now": {"observed_at": _K.INSTANT, "now": _K.INSTANT},
    "stale_observation": {"observed_at": _K.INSTANT, "hours": _K.INT},
    "source_failed": {"kind": _K.RESOURCE_KIND, "failures": _K.MESSAGES},
    "source_error": {"source": _K.TEXT, "reason": _K.MESSAGE},
    "observed_twice": {"count": _K.INT, "sample": _K.IDS},
    "contract_discrepancy": {"subject": _K.SUBJECT, "detail": _K.MESSAGE},
    "listing_incomplete": {"kind": _K.RESOURCE_KIND, "reasons": _K.MESSAGES},
    # what an unknown status may still be (the first and last of the possible statuses)
    "outcome_short_pending": {},
    "outcome_short_met": {},
    "outcome_short_over": {},
    "outcome_pending_met": {},
    "outcome_pending_over": {},
    "outcome_met_over": {},
    "not_observed": {"kind": _K.RESOURCE_KIND},
    # sources: listings checked for what they claim (sources.listings); `listing` names the call or the file
    "listing_twice_on_page": {"listing": _K.MESSAGE, "page": _K.INT, "sample": _K.TEXT},
    "listing_repeats": {"listing": _K.MESSAGE, "count": _K.INT, "items": _K.INT, "page": _K.INT, "sample": _K.TEXT},
    "listing_total_changed": {"listing": _K.MESSAGE, "page": _K.INT, "total": _K.INT, "before": _K.INT},
    "listing_short_page": {"listing": _K.MESSAGE, "page": _K.INT, "count": _K.INT, "size": _K.INT},
    "listing_over_total": {"listing": _K.MESSAGE, "distinct": _K.INT, "total": _K.INT},
    "listing_under_total": {"listing": _K.MESSAGE, "distinct": _K.INT, "total": _K.INT},
    "listing_same_token": {"listing": _K.MESSAGE, "page": _K.INT, "position": _K.TEXT, "token": _K.TEXT},
    "listing_no_end": {"listing": _K.MESSAGE},
    "listing_no_page": {"listing": _K.MESSAGE},
    "listing_end_unconfirmed": {"listing": _K.MESSAGE, "count": _K.INT},
    "listing_too_long": {"listing": _K.MESSAGE, "pages": _K.INT},
    "listing_unplaced": {"listing": _K.MESSAGE, "page": _K.INT, "position": _K.TEXT},
    "listing_pages_missing": {
        "listing": _K.MESSAGE,
        "page": _K.INT,
        "position": _K.TEXT,
        "at": _K.TEXT,
        "expected": _K.TEXT,
    },
    "listing_starts_late": {"listing": _K.MESSAGE, "page": _K.INT, "position": _K.TEXT, "at": _K.TEXT},
    "listing_read_again": {"listing": _K.MESSAGE},
    "listing_twice": {"listing": _K.MESSAGE, "sample": _K.TEXT},
    "listing_partial": {"listing": _K.MESSAGE, "what": _K.TEXT},
    # an input file of another format than the option it was given to (base.recognize)
    "calendar_example": {"file": _K.TEXT, "year": _K.YEAR},
    "looks_like": {"what": _K.MESSAGE, "expected": _K.MESSAGE, "hint": _K.MESSAGE},
    "format_kubectl": {"tool": _K.TEXT, "command": _K.TEXT},
    "format_pulumi_export": {"tool": _K.TEXT, "command": _K.TEXT},
    "format_pulumi_preview": {"tool": _K.TEXT, "command": _K.TEXT},
    "format_terraform": {"tool": _K.TEXT, "command": _K.TEXT},
    "format_ksyun": {},
    "format_observation": {"tag": _K.TEXT},
    "format_contract": {},
    "format_tables": {},
    "format_pulumi_tables": {"sources": _K.TEXT},
    "format_attestations": {},
    "use_source": {"option": _K.TEXT},
    "use_option": {"option": _K.TEXT},
    "use_tables": {"option": _K.TEXT},
    # sources: deadlines
    "request_deadline": {"seconds": _K.FIGURE, "setting": _K.TEXT},
    "source_deadline": {"seconds": _K.FIGURE, "setting": _K.TEXT, "what": _K.MESSAGE},
    # sources: what a listing is (the `listing` of the sentences above)
    "listing_api": {"action": _K.TEXT, "region": _K.TEXT},
    "listing_export": {"action": _K.TEXT},
    "listing_export_file": {"action": _K.TEXT, "file": _K.TEXT},
    "listing_part": {"listing": _K.MESSAGE, "index": _K.INT, "count": _K.INT},
    "listing_objects": {"plural": _K.TEXT},
    "listing_file": {"file": _K.TEXT},
    "listing_state": {"document": _K.TEXT},
    "call_named": {"service": _K.TEXT, "action": _K.TEXT, "region": _K.TEXT},
    # sources: why a call or a listing failed (a provider's own words are TEXT values, quoted as they are)
    "call_failed": {"call": _K.MESSAGE, "reason": _K.MESSAGE},
    "after_attempts": {"reason": _K.MESSAGE, "attempts": _K.INT},
    "not_tried": {"call": _K.MESSAGE, "host": _K.TEXT, "reason": _K.MESSAGE},
    "api_error": {"code": _K.TEXT, "text": _K.TEXT},
    "sdk_error": {"text": _K.TEXT},
    "http_error": {"status": _K.TEXT, "error": _K.TEXT},
    "http_not_api_error": {"status": _K.TEXT, "body": _K.TEXT},
    "body_unreadable": {"reason": _K.TEXT, "body": _K.TEXT},
    "body_not_object": {},
    "response_malformed": {"detail": _K.TEXT},
    "projects_failed": {"reason": _K.MESSAGE},
    "projects_partial": {"listed": _K.INT, "total": _K.INT},
    "field_not_number": {"path": _K.TEXT},
    "export_errors": {"action": _K.TEXT, "errors": _K.MESSAGES},
    "page_error": {"page": _K.INT, "error": _K.TEXT},
    "actions_missing": {"actions": _K.TEXT},
    "object_malformed": {"kind": _K.TEXT, "detail": _K.TEXT},
    "items_not_objects": {"listing": _K.MESSAGE},
    "continue_expired": {"listing": _K.MESSAGE, "times": _K.INT},
    "continue_looping": {"listing": _K.MESSAGE, "pages": _K.INT, "items": _K.INT},
    "list_failed": {"listing": _K.MESSAGE, "status": _K.TEXT},
    "list_failed_attempts": {"listing": _K.MESSAGE, "attempts": _K.INT, "status": _K.TEXT},
    "list_failed_after": {"listing": _K.MESSAGE, "attempts": _K.INT, "reason": _K.MESSAGE},
    "list_forbidden": {"plural": _K.TEXT, "status": _K.TEXT},
    "server_said": {"reason": _K.MESSAGE, "text": _K.TEXT},
    "cannot_connect": {},
    "transport_error": {"error": _K.TEXT},
    "reply_not_utf8": {"listing": _K.MESSAGE},
    "reply_unreadable": {"listing": _K.MESSAGE, "reason": _K.TEXT},
    "reply_not_list": {"listing": _K.MESSAGE},
    "cli_not_found": {"setting": _K.TEXT},
    "cli_cannot_run": {"cli": _K.TEXT, "error": _K.TEXT},
    "cli_failed": {"command": _K.TEXT, "code": _K.INT, "stderr": _K.TEXT},
    "planned_bandwidth_unknown": {"groups": _K.TEXT},
    "pending_expansions": {},
    "pending_not_started": {},
    # sources: what each source read (SourceReport.detail) and what its tables could not decide
    "detail_ksyun_export": {"files": _K.TEXT, "tables": _K.MESSAGE},
    "detail_ksyun_live": {"endpoint": _K.TEXT, "regions": _K.TEXT, "tables": _K.MESSAGE},
    "detail_kubectl_export": {"files": _K.TEXT},
    "detail_kubectl_kinds_missing": {"kinds": _K.TEXT},
    "detail_cluster": {"host": _K.TEXT, "where": _K.MESSAGE},
    "cluster_in_cluster": {},
    "cluster_context": {"context": _K.TEXT},
    "cluster_current_context": {},
    "detail_pulumi_export": {"files": _K.TEXT},
    "detail_pulumi_stack": {"stack": _K.TEXT},
    "detail_pulumi_export_plan": {"files": _K.TEXT, "plan": _K.TEXT},
    "detail_pulumi_stack_plan": {"stack": _K.TEXT, "plan": _K.TEXT},
    "detail_terraform": {"command": _K.TEXT, "files": _K.MESSAGES},
    "terraform_plan": {"file": _K.TEXT},
    "terraform_prior": {"file": _K.TEXT},
    "terraform_state": {"file": _K.TEXT},
    "attributes_unknown": {"kind": _K.RESOURCE_KIND, "reasons": _K.MESSAGES},
    "ksyun_field_family": {},
    "ksyun_field_state": {},
    "ksyun_field_volume_type": {},
    "ksyun_not_in_tables": {"count": _K.INT, "field": _K.MESSAGE, "value": _K.TEXT, "samples": _K.TEXT},
    "ksyun_blank_in_tables": {
        "count": _K.INT,
        "field": _K.MESSAGE,
        "value": _K.TEXT,
        "blank": _K.TEXT,
        "samples": _K.TEXT,
    },
    "ks3_no_usage": {"count": _K.INT, "samples": _K.TEXT},
    "k8s_clock_unknown": {"groups": _K.TEXT, "setting": _K.TEXT},
    "k8s_tier_unknown": {"groups": _K.TEXT, "option": _K.TEXT},
    "k8s_node_memory": {"rules": _K.MESSAGES},
    "k8s_memory_from_table": {"count": _K.INT},
    "k8s_memory_rounded": {"count": _K.INT},
    "k8s_class_ignored": {"storage_class": _K.TEXT, "held": _K.TEXT},
    "k8s_lbs_pending": {"held": _K.TEXT},
    "pulumi_types_unresolved": {"groups": _K.TEXT, "setting": _K.TEXT},
    "pulumi_states_unknown": {"groups": _K.TEXT},
    "pulumi_volume_types_unknown": {"groups": _K.TEXT},
    "pulumi_unknown_until_apply": {"groups": _K.TEXT},
    "evidence_memory_rounding": {"doc": _K.TEXT},
    "evidence_naming_rule": {"doc": _K.TEXT},
    "evidence_documented_default": {"doc": _K.TEXT, "section": _K.TEXT},
    # attestations (core.attestations): warnings at the check's now, and the reason of attested supply
    "attestation_expiring": {
        "id": _K.TEXT,
        "line_item": _K.LINE_ITEM,
        "quantity": _K.QUANTITY,
        "unit": _K.UNIT,
        "attested_by": _K.TEXT,
        "valid_until": _K.DEADLINE,
        "days": _K.INT,
    },
    "attestation_expired": {
        "id": _K.TEXT,
        "line_item": _K.LINE_ITEM,
        "quantity": _K.QUANTITY,
        "unit": _K.UNIT,
        "attested_by": _K.TEXT,
        "valid_until": _K.DEADLINE,
    },
    "attestation_not_yet": {"id": _K.TEXT, "line_item": _K.LINE_ITEM, "attested_at": _K.INSTANT},
    "attestation_unknown": {"line_item": _K.LINE_ITEM, "ids": _K.IDS},
    "attestation_disagrees": {
        "line_item": _K.LINE_ITEM,
        "observed": _K.MESSAGE,
        "attested": _K.QUANTITY,
        "ids": _K.IDS,
    },
    # the observed supply of a line item, as `attestation_disagrees` quotes it
    "supply_exact": {"quantity": _K.QUANTITY},
    "supply_between": {"lower": _K.QUANTITY, "upper": _K.QUANTITY},
    "supply_at_least": {"lower": _K.QUANTITY},
    # provenance: what each attestation given to a check states and its state at now; the Pulumi outputs'
    # `attested_by`; the table entries the figures rest on (report.text)
    "attestation_line": {
        "id": _K.TEXT,
        "line_item": _K.LINE_ITEM,
        "quantity": _K.QUANTITY,
        "unit": _K.UNIT,
        "attested_by": _K.TEXT,
        "evidence": _K.TEXT,
        "attested_at": _K.INSTANT,
        "valid_until": _K.DEADLINE,
        "state": _K.MESSAGE,
    },
    "attestation_state_valid": {},
    "attestation_state_expiring": {},
    "attestation_state_expired": {},
    "attestation_state_not_yet": {},
    "attestation_state_observed": {},
    "attested_supply": {
        "id": _K.TEXT,
        "quantity": _K.QUANTITY,
        "attested_by": _K.TEXT,
        "evidence": _K.TEXT,
        "valid_until": _K.DEADLINE,
    },
    "basis_entry": {
        "source": _K.TEXT,
        "entry": _K.TEXT,
        "values": _K.STATED,
        "evidence": _K.MESSAGE,
        "origin": _K.MESSAGE,
        "resources": _K.INT,
        "line_items": _K.LINE_ITEMS,
    },
    "no_evidence": {},
    "built_in": {},
    # reconciler tables init / check (app.tables_command)
    "tables_scaffolded": {"source": _K.TEXT, "origin": _K.TEXT, "output": _K.TEXT},
    "tables_not_complete": {"kind": _K.RESOURCE_KIND, "reason": _K.TEXT},
    "tables_action_failed": {"action": _K.TEXT, "reason": _K.TEXT},
    "tables_to_fill": {"entries": _K.INT, "command": _K.TEXT},
    "tables_nothing_to_fill": {"command": _K.TEXT},
    "tables_blank": {"fields": _K.TEXT},
    "tables_not_listed": {"reason": _K.TEXT},
    "tables_checked": {"file": _K.TEXT, "source": _K.TEXT, "counts": _K.TEXT},
    "tables_still_blank": {"count": _K.INT},
    "tables_complete": {},
    "tables_carried": {"file": _K.TEXT, "new": _K.INT, "keys": _K.IDS},
    "tables_carried_nothing_new": {"file": _K.TEXT},
    "tables_new_mark": {},
    # check --plan-gate (app.cli) and what a planned change takes (core.plan_causes)
    "plan_gate": {"verdict": _K.MESSAGE, "code": _K.INT},
    "plan_gate_short": {"line_items": _K.LINE_ITEMS},
    "plan_gate_maybe_short": {"line_items": _K.LINE_ITEMS},
    "plan_gate_ok": {},
    "plan_gate_causes": {"line_item": _K.LINE_ITEM, "causes": _K.MESSAGES},
    "plan_resource_removed": {"name": _K.TEXT},
    "plan_resource_reduced": {"name": _K.TEXT, "before": _K.QUANTITY, "after": _K.QUANTITY},
    "plan_not_a_delay": {},
    # meters: why resources were set aside
    "set_aside_arch": {"arch": _K.TEXT, "required": _K.TEXT},
    "set_aside_clock": {"ghz": _K.FIGURE, "minimum": _K.FIGURE},
    "set_aside_state": {"state": _K.VM_STATE},
    "set_aside_no_state": {},
    # replay, acceptance reports
    "no_ids": {"id": _K.INT},
    "period_not_over": {"as_of": _K.INSTANT},
    "days_without_runs": {"missing": _K.INT, "days": _K.INT},
    # clock: the dates a contract can mean
    "date_out_of_range": {"value": _K.TEXT, "first": _K.YEAR, "last": _K.YEAR},
    # periods
    "no_holiday_data": {"year": _K.YEAR, "first": _K.YEAR, "last": _K.YEAR},
    "extended_saturday": {"day": _K.DATE, "last_day": _K.DATE},
    "extended_sunday": {"day": _K.DATE, "last_day": _K.DATE},
    "extended_supplied": {"day": _K.DATE, "source": _K.TEXT, "last_day": _K.DATE},
    "extended_holiday": {"day": _K.DATE, "holiday": _K.NAMES, "last_day": _K.DATE},
    "period_natural_days": {"days": _K.INT},
    "period_working_days": {"days": _K.INT},
    "period_working_days_before": {"days": _K.INT},
    "period_months": {"months": _K.INT},
    "rule_civil_code": {},
    "rule_calendar_days": {},
    # obligations: what each is, what it runs from, when it applies, how its date is read
    "ob_service_start": {"start": _K.DATE, "end": _K.DATE},
    "ob_service_end": {"start": _K.DATE, "end": _K.DATE},
    "ob_payment": {"percent": _K.FIGURE, "amount": _K.MONEY, "condition": _K.NAMES},
    "ob_nine_months": {"months": _K.INT},
    "ob_acceptance": {},
    "ob_re_acceptance": {},
    "ob_exit_request": {},
    "ob_switch_over": {},
    "ob_project_lead": {},
    "ob_migration": {},
    "ob_return_material": {},
    "ob_change_notice": {},
    "ob_expansion": {
        "days": _K.INT,
        "line_item": _K.LINE_ITEM,
        "quantity": _K.QUANTITY,
        "unit": _K.UNIT,
        "expansion": _K.TEXT,
    },
    "anchor_fixed": {},
    "anchor_funds_released": {"start": _K.DATE},
    "anchor_service_start": {"start": _K.DATE},
    "anchor_months_and_funds": {"months": _K.INT, "day": _K.DATE},
    "anchor_acceptance_and_funds": {"end": _K.DATE},
    "anchor_service_end": {"end": _K.DATE},
    "anchor_service_end_at": {"end": _K.DEADLINE},
    "anchor_acceptance_failed": {"day": _K.DATE},
    "anchor_expansion_requested": {"at": _K.INSTANT},
    "anchor_project_lead": {},
    "anchor_migration_request": {},
    "anchor_written_notice": {},
    "anchor_change_day": {},
    "cond_funds_first": {},
    "cond_funds_second": {"months": _K.INT},
    "cond_funds_final": {},
    "cond_acceptance_fails": {},
    "cond_exit": {},
    "cond_not_renewed": {},
    "cond_project_lead": {},
    "cond_migration": {},
    "cond_client_asks": {},
    "cond_details_change": {},
    "note_funds_after_start": {"days": _K.INT},
    "note_civil_code_moved": {"start": _K.DATE, "months": _K.INT, "end": _K.DATE, "moved": _K.DATE},
    "note_civil_code": {"start": _K.DATE, "months": _K.INT, "end": _K.DATE},
    "note_first_day_counted": {"start": _K.DATE, "months": _K.INT, "alternative": _K.DATE, "end": _K.DATE},
    "note_counted_from_mark": {"day": _K.DATE, "months": _K.INT},
    "note_mark_not_moved": {"months": _K.INT, "day": _K.DATE},
    "note_payment_first_day_counted": {"months": _K.INT, "alternative": _K.DATE, "day": _K.DATE},
    "note_failed_earlier": {"days": _K.INT},
    "note_counted_back": {"months": _K.INT},
    "note_switch_over": {},
    # exposure
    "exposure_disclaimer": {},
    "delay_formula": {"total": _K.MONEY, "rate": _K.FIGURE, "days": _K.INT},
    "expansion_formula": {"fee": _K.MONEY, "months": _K.INT, "coefficient": _K.FIGURE},
    "no_notice": {},
    "delivered_late": {"at": _K.INSTANT},
    "late_amount_unknown": {},
    "overdue_after_notice": {"due_at": _K.DEADLINE},
    "fee_reading": {},
    "day_rule": {},
    "delay_since": {"supplied": _K.QUANTITY, "baseline": _K.QUANTITY, "first": _K.INSTANT},
    "termination": {"days": _K.INT, "clause": _K.CLAUSE},
    "delay_days_once": {"line_item": _K.LINE_ITEM, "days": _K.INT},
    "one_event": {"one_event": _K.CLAUSE, "heavier": _K.CLAUSE, "line_item": _K.LINE_ITEM, "amount": _K.MONEY},
    # the first screen of every report (report.overview): what is wrong, how much, by when, in plain words
    "ov_ok": {},
    "ov_not_started": {"start": _K.DATE},
    "ov_ended": {"end": _K.DATE},
    "ov_banner_short": {"count": _K.INT, "value": _K.MONEY},
    "ov_banner_short_range": {"count": _K.INT, "value": _K.MONEY, "most": _K.MONEY},
    "ov_banner_pending": {"count": _K.INT},
    "ov_banner_over": {"count": _K.INT, "value": _K.MONEY},
    "ov_banner_unknown": {"count": _K.INT},
    "ov_banner_not_observed": {"count": _K.INT},
    "ov_banner_at_risk": {"count": _K.INT, "due": _K.DEADLINE},
    "ov_banner_overdue": {"count": _K.INT},
    "ov_short": {
        "item": _K.ITEM,
        "quantity": _K.QUANTITY,
        "unit": _K.UNIT,
        "supplied": _K.QUANTITY,
        "due": _K.QUANTITY,
        "value": _K.MONEY,
    },
    "ov_short_range": {
        "item": _K.ITEM,
        "least": _K.QUANTITY,
        "most": _K.QUANTITY,
        "unit": _K.UNIT,
        "value": _K.MONEY,
        "value_most": _K.MONEY,
    },
    "ov_over": {
        "item": _K.ITEM,
        "quantity": _K.QUANTITY,
        "unit": _K.UNIT,
        "supplied": _K.QUANTITY,
        "entitled": _K.QUANTITY,
        "value": _K.MONEY,
    },
    "ov_over_range": {
        "item": _K.ITEM,
        "least": _K.QUANTITY,
        "most": _K.QUANTITY,
        "unit": _K.UNIT,
        "value": _K.MONEY,
        "value_most": _K.MONEY,
    },
    "ov_over_at_least": {"item": _K.ITEM, "least": _K.QUANTITY, "unit": _K.UNIT, "value": _K.MONEY},
    "ov_expansion_open": {
        "item": _K.ITEM,
        "quantity": _K.QUANTITY,
        "unit": _K.UNIT,
        "requested": _K.INSTANT,
        "due": _K.DEADLINE,
        "left": _K.DURATION,
    },
    "ov_expansion_at_risk": {
        "item": _K.ITEM,
        "quantity": _K.QUANTITY,
        "unit": _K.UNIT,
        "requested": _K.INSTANT,
        "due": _K.DEADLINE,
        "left": _K.DURATION,
    },
    "ov_expansion_overdue": {
        "item": _K.ITEM,
        "quantity": _K.QUANTITY,
        "unit": _K.UNIT,
        "requested": _K.INSTANT,
        "due": _K.DEADLINE,
    },
    "ov_expansion_late": {
        "item": _K.ITEM,
        "quantity": _K.QUANTITY,
        "unit": _K.UNIT,
        "requested": _K.INSTANT,
        "due": _K.DEADLINE,
        "at": _K.INSTANT,
    },
    "ov_expansion_on_time": {
        "item": _K.ITEM,
        "quantity": _K.QUANTITY,
        "unit": _K.UNIT,
        "requested": _K.INSTANT,
        "at": _K.INSTANT,
    },
    "ov_expansion_due": {
        "item": _K.ITEM,
        "quantity": _K.QUANTITY,
        "unit": _K.UNIT,
        "requested": _K.INSTANT,
        "due": _K.DEADLINE,
    },
    "ov_unknown": {"item": _K.ITEM, "cause": _K.MESSAGE, "outcome": _K.MESSAGE, "resolve": _K.MESSAGE},
    "ov_not_observed": {"item": _K.ITEM, "kind": _K.RESOURCE_KIND},
    "ov_cause_failed": {"kind": _K.RESOURCE_KIND},
    "ov_cause_incomplete": {"kind": _K.RESOURCE_KIND},
    "ov_cause_attributes": {"count": _K.INT, "attributes": _K.ATTRIBUTES},
    "ov_cause_other": {},
    "ov_cause_attestation": {},
    "ov_resolve_attestation": {},
    "ov_resolve_failed": {},
    "ov_resolve_incomplete": {},
    "ov_resolve_attributes": {},
    "ov_resolve_failed_past": {},
    "ov_changes": {"previous": _K.INSTANT, "changes": _K.MESSAGES},
    "ov_changes_none": {"previous": _K.INSTANT},
    "ov_change_status": {"item": _K.ITEM, "before": _K.STATUS, "after": _K.STATUS},
    "ov_change_figures": {"item": _K.ITEM, "status": _K.STATUS},
    "ov_first_run": {},
    "ov_no_history": {},
    "ov_exposure": {"amount": _K.MONEY},
    "ov_termination": {"item": _K.ITEM, "days": _K.INT},
    "ov_period_ok": {},
    "ov_period_banner_short": {"count": _K.INT, "days": _K.INT},
    "ov_period_banner_over": {"count": _K.INT, "days": _K.INT},
    "ov_period_banner_unknown": {"days": _K.INT},
    "ov_period_banner_no_run": {"days": _K.INT},
    "ov_period_banner_late": {"count": _K.INT},
    "ov_period_short": {
        "item": _K.ITEM,
        "days": _K.INT,
        "runs": _K.INT,
        "total": _K.INT,
        "gap": _K.QUANTITY,
        "unit": _K.UNIT,
        "value": _K.MONEY,
    },
    "ov_period_over": {"item": _K.ITEM, "days": _K.INT, "quantity": _K.QUANTITY, "unit": _K.UNIT, "value": _K.MONEY},
    "ov_period_unknown": {"item": _K.ITEM, "days": _K.INT, "cause": _K.MESSAGE, "resolve": _K.MESSAGE},
    "ov_cause_failed_runs": {"kinds": _K.MESSAGES, "runs": _K.INT},
    "ov_kind": {"kind": _K.RESOURCE_KIND},
    "ov_period_no_run": {"days": _K.INT, "ranges": _K.MESSAGES},
    "ov_day": {"day": _K.DATE},
    "ov_day_range": {"first": _K.DATE, "last": _K.DATE},
    "ov_more": {"count": _K.INT},
    "ov_exposure_accrued": {"amount": _K.MONEY},
    "ov_period_changes": {"previous": _K.INSTANT, "changes": _K.MESSAGES},
    "ov_period_no_change": {"previous": _K.INSTANT},
    # contract checks: discrepancies and their likely causes
    "expansion_outside_period": {"expansion": _K.TEXT, "at": _K.INSTANT, "opens": _K.INSTANT, "closes": _K.DEADLINE},
    "expansion_notice_before_request": {"expansion": _K.TEXT, "notice": _K.INSTANT, "requested": _K.INSTANT},
    "expansion_notice_early": {"expansion": _K.TEXT, "notice": _K.INSTANT, "due_at": _K.DEADLINE},
    "cap_term": {
        "expansion": _K.TEXT,
        "quantity": _K.QUANTITY,
        "price": _K.FIGURE,
        "months": _K.INT,
        "value": _K.MONEY,
    },
    "supplement_cap": {
        "used": _K.MONEY,
        "terms": _K.MESSAGES,
        "clause": _K.CLAUSE,
        "cap": _K.MONEY,
        "headroom": _K.MONEY,
    },
    "expansion_value_rule": {},
    "period_mismatch": {"months": _K.INT, "start": _K.DATE, "expected": _K.DATE, "end": _K.DATE},
    "billing_months": {"line_item": _K.LINE_ITEM, "billed": _K.INT, "months": _K.INT},
    "line_total_rounded": {
        "price": _K.FIGURE,
        "quantity": _K.FIGURE,
        "months": _K.INT,
        "exact": _K.FIGURE,
        "stated": _K.MONEY,
    },
    "line_total_wrong": {
        "price": _K.FIGURE,
        "quantity": _K.FIGURE,
        "months": _K.INT,
        "exact": _K.FIGURE,
        "rounded": _K.MONEY,
        "stated": _K.MONEY,
        "difference": _K.MONEY,
    },
    "total_mismatch": {"stated_sum": _K.MONEY, "exact_sum": _K.FIGURE, "total": _K.MONEY},
    "percent_sum": {"percent": _K.FIGURE},
    "instalment_rounded": {"percent": _K.FIGURE, "total": _K.MONEY, "exact": _K.FIGURE, "stated": _K.MONEY},
    "instalment_wrong": {
        "percent": _K.FIGURE,
        "total": _K.MONEY,
        "exact": _K.FIGURE,
        "rounded": _K.MONEY,
        "stated": _K.MONEY,
    },
    "instalment_sum": {"paid": _K.MONEY, "total": _K.MONEY},
    "words_unreadable": {"words": _K.TEXT, "figures": _K.MONEY},
    "words_mismatch": {"words": _K.TEXT, "reads": _K.MONEY, "figures": _K.MONEY, "expected": _K.TEXT},
    "cause_expansion_outside": {},
    "cause_notice_or_request": {},
    "cause_notice_early": {},
    "cause_cap_exceeded": {},
    "cause_value_rule": {"rule": _K.MESSAGE},
    "cause_period": {},
    "cause_billing_months": {},
    "cause_rounding": {},
    "cause_transposed": {},
    "cause_decimal_point": {},
    "cause_months_of_line": {"months": _K.FIGURE, "billed": _K.INT},
    "cause_implied_price": {"implied": _K.FIGURE, "price": _K.FIGURE},
    "cause_line_mistyped": {},
    "cause_total_rounds_sum": {},
    "cause_total_cuts_sum": {"exact": _K.FIGURE},
    "cause_line_twice": {"line_item": _K.LINE_ITEM},
    "cause_total_mistyped": {},
    "cause_percent": {},
    "cause_instalment_mistyped": {},
    "cause_each_rounded": {},
    "cause_not_numeral": {},
    "cause_leading_numeral": {"numeral": _K.TEXT},
    "cause_words_disagree": {},
    "likely_causes": {"causes": _K.ALTERNATIVES},
    # fleet notifications: one per change of state of a contract (fleet.events)
    "notice_subject": {"contract": _K.NAMES},
    "notice_item_short": {
        "contract": _K.NAMES,
        "line_item": _K.LINE_ITEM,
        "supplied": _K.QUANTITY,
        "due": _K.QUANTITY,
        "unit": _K.UNIT,
        "value": _K.MONEY,
    },
    "notice_item_resolved": {"contract": _K.NAMES, "line_item": _K.LINE_ITEM},
    "notice_expansion_at_risk": {
        "contract": _K.NAMES,
        "expansion": _K.TEXT,
        "line_item": _K.LINE_ITEM,
        "quantity": _K.QUANTITY,
        "unit": _K.UNIT,
        "due_at": _K.DEADLINE,
        "left": _K.DURATION,
    },
    "notice_expansion_overdue": {
        "contract": _K.NAMES,
        "expansion": _K.TEXT,
        "line_item": _K.LINE_ITEM,
        "quantity": _K.QUANTITY,
        "unit": _K.UNIT,
        "due_at": _K.DEADLINE,
    },
    "notice_expansion_fulfilled": {
        "contract": _K.NAMES,
        "expansion": _K.TEXT,
        "line_item": _K.LINE_ITEM,
        "at": _K.INSTANT,
    },
    "notice_source_failing": {"contract": _K.NAMES, "source": _K.TEXT, "reasons": _K.MESSAGES},
    "notice_source_recovered": {"contract": _K.NAMES, "source": _K.TEXT},
    "notice_check_failing": {"contract": _K.NAMES, "reason": _K.TEXT},
    "notice_check_recovered": {"contract": _K.NAMES},
    "notice_period_ending": {"contract": _K.NAMES, "end": _K.DATE, "days": _K.INT},
    "notice_period_ended": {"contract": _K.NAMES, "end": _K.DATE},
    "notice_report": {"url": _K.TEXT},
}
"""Every message key and the kind of each of its values; each catalog words every key with every value."""

_TYPES: Final[dict[Kind, tuple[type, ...]]] = {
    Kind.INT: (int,),
    Kind.YEAR: (int,),
    Kind.QUANTITY: (Decimal, int),
    Kind.MONEY: (Decimal, int),
    Kind.FIGURE: (Decimal, int),
    Kind.DATE: (date,),
    Kind.INSTANT: (datetime,),
    Kind.DEADLINE: (datetime,),
    Kind.DURATION: (int,),
    Kind.LINE_ITEM: (str,),
    Kind.LINE_ITEMS: (tuple, list),
    Kind.ITEM: (str,),
    Kind.STATUS: (str,),
    Kind.RESOURCE_KIND: (str,),
    Kind.VM_STATE: (str,),
    Kind.UNIT: (str,),
    Kind.CLAUSE: (str,),
    Kind.SUBJECT: (str,),
    Kind.TEXT: (str,),
    Kind.NAMES: (Names,),
    Kind.IDS: (tuple, list),
    Kind.ATTRIBUTES: (tuple, list),
    Kind.STATED: (),  # checked below
    Kind.MESSAGE: (),  # Message, checked below
    Kind.MESSAGES: (tuple, list),
    Kind.ALTERNATIVES: (tuple, list),
}


@dataclass(frozen=True, slots=True)
class Message:
    """A sentence as data: its key (`KEYS`) and typed values. Build one with `message(key, ...)`."""

    key: str
    values: Mapping[str, Any]

    def __hash__(self) -> int:
        return hash((self.key, tuple(sorted((k, repr(v)) for k, v in self.values.items()))))

    def text(self, lang: Lang = "en") -> str:
        """The sentence in `lang`."""
        return say(self, lang)

    def __str__(self) -> str:
        return say(self, "en")

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            _validate, serialization=core_schema.plain_serializer_function_ser_schema(to_json, when_used="json")
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "object",
            "description": "a sentence as data: a stable key, its typed values in JSON form, and the English text",
            "properties": {
                "key": {"type": "string", "description": "one of reconciler.base.messages.KEYS"},
                "values": {"type": "object"},
                "text": {"type": "string"},
            },
            "required": ["key", "values", "text"],
            "additionalProperties": False,
        }


def message(key: str, **values: Any) -> Message:
    """The message `key` with `values`, checked against `KEYS`: message("no_ids", id=9).

    Enums are kept by their value, lists as tuples. Raises KeyError for an unknown key and TypeError for a
    missing, extra or mistyped value: a sentence is never built wrong.
    """
    spec = KEYS[key]
    if set(values) != set(spec):
        raise TypeError(f"message {key!r} takes {sorted(spec)}, got {sorted(values)}")
    checked: dict[str, Any] = {}
    for name, kind in spec.items():
        value = values[name]
        if isinstance(value, Enum):
            value = value.value
        if kind is Kind.MESSAGE:
            ok = isinstance(value, Message)
        elif kind in (Kind.MESSAGES, Kind.ALTERNATIVES):
            value = tuple(value)
            ok = all(isinstance(v, Message) for v in value)
        elif kind in (Kind.IDS, Kind.ATTRIBUTES):
            value = tuple(str(v) for v in value)
            ok = True
        elif kind is Kind.STATED:
            value = tuple((str(name), str(stated)) for name, stated in dict(value).items())
            ok = True
        elif kind is Kind.LINE_ITEMS:
            value = tuple(v.value if isinstance(v, Enum) else v for v in value)
            ok = all(isinstance(v, str) for v in value)
        else:
            allowed = _TYPES[kind]
            ok = isinstance(value, allowed) and not isinstance(value, bool)
            if kind in (Kind.INSTANT, Kind.DEADLINE):
                ok = ok and value.tzinfo is not None
            elif kind is Kind.DATE:
                ok = ok and not isinstance(value, datetime)
        if not ok:
            raise TypeError(f"message {key!r}: {name} must be a {kind.value}, got {value!r}")
        checked[name] = value
    return Message(key, checked)


def joined(messages: Sequence[Message]) -> Message | None:
    """Several sentences as one message ("a; b" / "a；b"), the one itself when alone, None when there are none."""
    if not messages:
        return None
    if len(messages) == 1:
        return messages[0]
    return message("sentences", parts=messages)


def combined(messages: Sequence[Message]) -> Message:
    """Several reasons as one message, each once and in order (a source's reasons for one kind). ValueError
    when there is none."""
    whole = joined(list(dict.fromkeys(messages)))
    if whole is None:
        raise ValueError("no reason to combine")
    return whole


def redacted(msg: Message, redact: Callable[[str], str]) -> Message:
    """The message with `redact` applied to every text from outside it quotes (TEXT and IDS values, nested
    messages included): a source's reasons pass through its credential redaction this way."""
    kinds = KEYS.get(msg.key, {})
    values: dict[str, Any] = {}
    for name, value in msg.values.items():
        kind = kinds.get(name, Kind.TEXT)
        if kind is Kind.TEXT:
            values[name] = redact(value)
        elif kind is Kind.IDS:
            values[name] = tuple(redact(v) for v in value)
        elif kind is Kind.MESSAGE:
            values[name] = redacted(value, redact)
        elif kind in (Kind.MESSAGES, Kind.ALTERNATIVES):
            values[name] = tuple(redacted(v, redact) for v in value)
        else:
            values[name] = value
    return Message(msg.key, values)


def plain_text(text: str) -> Message:
    """Text that is not one of ours (a provider's error, an older history's sentence), shown as it is."""
    return Message("text", {"text": text})


# -- rendering -------------------------------------------------------------------------------------------------


class Catalog(NamedTuple):
    """One language's catalog: a template per message key, and its vocabulary."""

    MESSAGES: Mapping[str, str]
    TERMS: Mapping[str, str]


CATALOGS: Final[dict[Lang, Catalog]] = {"en": Catalog(en.MESSAGES, en.TERMS), "zh": Catalog(zh.MESSAGES, zh.TERMS)}
_FIELD: Final = re.compile(r"\{(\w+)(?::([^{}]*))?\}")


def say(msg: Message, lang: Lang) -> str:
    """The message in `lang`, from its catalog, with every value written as that language writes it."""
    catalog = CATALOGS[lang]
    template = catalog.MESSAGES.get(msg.key)
    if template is None:  # only "text" may lack a catalog entry: it is shown as it is
        return str(msg.values.get("text", msg.key))
    kinds = KEYS[msg.key]

    def fill(match: re.Match[str]) -> str:
        name, plural = match.group(1), match.group(2)
        shown = _value(kinds[name], msg.values[name], lang)
        if plural is not None:  # {days:day|days}: the number and its noun
            one, _, many = plural.partition("|")
            return f"{shown} {one if msg.values[name] == 1 else many}"
        return shown

    return _FIELD.sub(fill, template)


def say_all(messages: Sequence[Message], lang: Lang) -> str:
    """Several sentences in one text: "a; b" / "a；b"."""
    return CATALOGS[lang].TERMS["join"].join(say(m, lang) for m in messages)


def term(name: str, lang: Lang) -> str:
    """One word of the catalog's vocabulary (a line item's short name, a resource kind...)."""
    return CATALOGS[lang].TERMS[name]


def line_item_name(item: str, lang: Lang) -> str:
    """A line item as sentences name it: its id in English, its short name in Chinese."""
    return CATALOGS[lang].TERMS[f"line_item.{item}"]


def clause_name(clause: str, lang: Lang) -> str:
    """A clause: Art. 12.3 / 第12.3条; Annex 3 item 4 / 附件3第4项."""
    terms = CATALOGS[lang].TERMS
    annex = re.fullmatch(r"annex(\d+)\.(\d+)", clause)
    if annex is not None:
        return terms["annex_clause"].format(annex=annex.group(1), item=annex.group(2))
    return terms["clause"].format(clause=clause)


def subject_name(subject: str, lang: Lang) -> str:
    """What a contract check is about: a line item, an instalment, an expansion, the total, in `lang`."""
    terms = CATALOGS[lang].TERMS
    head, _, rest = subject.partition(".")
    if f"line_item.{subject}" in terms:
        return terms[f"line_item.{subject}"]
    if f"subject.{head}" in terms:
        rest = terms.get(f"instalment.{rest}", rest) if head == "payment_schedule" else rest
        return terms[f"subject.{head}"] + (f"{terms['subject_sep']}{rest}" if rest else "")
    return subject


def _value(kind: Kind, value: Any, lang: Lang) -> str:
    return _WRITERS[kind](value, lang)


_STATED_VALUES: Final = {"state": "vm_state", "tier": "tier"}
"""The attributes whose values a catalog names (the others, a clock or an architecture, are written as they are)."""


def _stated(pairs: Sequence[tuple[str, str]], lang: Lang) -> str:
    """`state running, ...` in English (the tables file's own words); each attribute and value named in Chinese."""
    terms = CATALOGS[lang].TERMS
    if lang == "en":
        return terms["list_join"].join(f"{name} {value}" for name, value in pairs)
    return terms["list_join"].join(
        f"{terms.get(f'attribute.{name}', name)} {terms.get(f'{_STATED_VALUES.get(name, name)}.{value}', value)}"
        for name, value in pairs
    )


def _terms(prefix: str) -> Callable[[Any, Lang], str]:
    def write(value: Any, lang: Lang) -> str:
        return CATALOGS[lang].TERMS.get(f"{prefix}.{value}", str(value))

    return write


_WRITERS: Final[dict[Kind, Callable[[Any, Lang], str]]] = {
    Kind.INT: formats.number,
    Kind.YEAR: lambda v, lang: str(v),
    Kind.QUANTITY: formats.number,
    Kind.MONEY: formats.money,
    Kind.FIGURE: lambda v, lang: formats.plain(v),
    Kind.DATE: formats.day,
    Kind.INSTANT: formats.instant,
    Kind.DEADLINE: formats.deadline,
    Kind.DURATION: formats.duration,
    Kind.LINE_ITEM: line_item_name,
    Kind.LINE_ITEMS: lambda v, lang: CATALOGS[lang].TERMS["list_join"].join(line_item_name(i, lang) for i in v),
    Kind.ITEM: _terms("item"),
    Kind.STATUS: _terms("status"),
    Kind.ATTRIBUTES: lambda v, lang: (
        CATALOGS[lang].TERMS["list_join"].join(CATALOGS[lang].TERMS.get(f"attribute.{a}", a) for a in v)
    ),
    Kind.STATED: _stated,
    Kind.RESOURCE_KIND: _terms("kind"),
    Kind.VM_STATE: _terms("vm_state"),
    Kind.UNIT: _terms("unit"),
    Kind.CLAUSE: clause_name,
    Kind.SUBJECT: subject_name,
    Kind.TEXT: lambda v, lang: str(v),
    Kind.NAMES: lambda v, lang: v.zh if lang == "zh" else v.en,
    Kind.IDS: lambda v, lang: ", ".join(v),
    Kind.MESSAGE: say,
    Kind.MESSAGES: say_all,
    Kind.ALTERNATIVES: lambda v, lang: CATALOGS[lang].TERMS["or_join"].join(say(m, lang) for m in v),
}


# -- JSON ------------------------------------------------------------------------------------------------------


def to_json(msg: Message) -> dict[str, Any]:
    """{"key", "values", "text"}: the values in their JSON form (Decimal and instants as strings, dates
    YYYY-MM-DD, durations in seconds, names as {"en", "zh"}, messages nested) and the English text."""
    kinds = KEYS.get(msg.key, {})
    values = {name: _json_value(kinds.get(name, Kind.TEXT), value) for name, value in msg.values.items()}
    return {"key": msg.key, "values": values, "text": say(msg, "en")}


def _json_value(kind: Kind, value: Any) -> Any:
    if kind in (Kind.QUANTITY, Kind.MONEY, Kind.FIGURE):
        return formats.plain(value) if kind is not Kind.MONEY else str(value)
    if kind in (Kind.DATE, Kind.INSTANT, Kind.DEADLINE):
        return value.isoformat()
    if kind is Kind.NAMES:
        return {"en": value.en, "zh": value.zh}
    if kind in (Kind.IDS, Kind.LINE_ITEMS, Kind.ATTRIBUTES):
        return list(value)
    if kind is Kind.STATED:
        return dict(value)
    if kind is Kind.MESSAGE:
        return to_json(value)
    if kind in (Kind.MESSAGES, Kind.ALTERNATIVES):
        return [to_json(m) for m in value]
    return value


def from_json(data: Any) -> Message:
    """A message from its JSON form, its values typed again from `KEYS`. A key this version does not know
    (or values that do not fit it) is kept as its English text. Raises ValueError for anything else."""
    if isinstance(data, str):
        return plain_text(data)
    if not isinstance(data, Mapping) or not isinstance(data.get("key"), str):
        raise ValueError(f"expected a message {{key, values, text}}, got {data!r}")
    spec = KEYS.get(data["key"])
    values = data.get("values") or {}
    if spec is None or not isinstance(values, Mapping) or set(values) != set(spec):
        return plain_text(str(data.get("text", data["key"])))
    try:
        return message(data["key"], **{name: _typed(spec[name], value) for name, value in values.items()})
    except (TypeError, ValueError, ArithmeticError, KeyError):
        return plain_text(str(data.get("text", data["key"])))


def _typed(kind: Kind, value: Any) -> Any:
    if kind in (Kind.QUANTITY, Kind.MONEY, Kind.FIGURE):
        return Decimal(str(value))
    if kind is Kind.DATE:
        return date.fromisoformat(value)
    if kind in (Kind.INSTANT, Kind.DEADLINE):
        return datetime.fromisoformat(value)
    if kind is Kind.NAMES:
        return Names(en=str(value["en"]), zh=str(value["zh"]))
    if kind is Kind.MESSAGE:
        return from_json(value)
    if kind in (Kind.MESSAGES, Kind.ALTERNATIVES):
        return tuple(from_json(v) for v in value)
    if kind is Kind.STATED and not isinstance(value, Mapping):
        raise ValueError(f"expected an object of stated values, got {value!r}")
    if kind is Kind.LINE_ITEMS and not isinstance(value, list):
        raise ValueError(f"expected a list of line items, got {value!r}")
    if kind in (Kind.INT, Kind.YEAR, Kind.DURATION) and not isinstance(value, int):
        raise ValueError(f"expected a whole number, got {value!r}")
    return value


def _validate(value: Any) -> Message:
    return value if isinstance(value, Message) else from_json(value)
