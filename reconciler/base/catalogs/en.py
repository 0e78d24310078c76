"""The English catalog: every message key's template and the English vocabulary. Read by `base.messages`."""

from __future__ import annotations

from typing import Final

MESSAGES: Final[dict[str, str]] = {
    "sentences": "{parts}",
    "service_not_started": "the service period starts on {start}: nothing is due yet, shortfalls show as pending",
    "repeated_ids": (
        "{count:resource|resources} of {line_item} listed more than once in the observation and counted each "
        "time (e.g. {sample}): check the export"
    ),
    "observed_after_now": (
        "the observation was made at {observed_at}, after this check's time ({now}): it describes a later moment"
    ),
    "stale_observation": (
        "the observation was made at {observed_at}, {hours:hour|hours} before this check's time: supply may have "
        "changed since"
    ),
    "source_failed": "a source failed while observing {kind}: {failures}",
    "source_error": "{source}: {reason}",
    "observed_twice": (
        "{count:resource was|resources were} observed by more than one source and counted once, as the first "
        "source given saw them (e.g. {sample})"
    ),
    "contract_discrepancy": "contract {subject}: {detail}",
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
    "listing_incomplete": "the listing of {kind} may be incomplete: {reasons}",
    "outcome_short_pending": "not met, not over; possibly short (below due)",
    "outcome_short_met": "not over; possibly short",
    "outcome_short_over": "possibly short, possibly over",
    "outcome_pending_met": "not short, not over; possibly pending",
    "outcome_pending_over": "not short; possibly pending, possibly over",
    "outcome_met_over": "not short; possibly over",
    "not_observed": "no chosen source observes {kind}",
    "listing_twice_on_page": "{listing}: page {page} holds {sample} more than once",
    "listing_repeats": (
        "{listing}: {count} of the {items} item(s) on page {page} were on earlier pages already (e.g. {sample}): "
        "pages repeat or overlap"
    ),
    "listing_total_changed": "{listing}: page {page} tells a total of {total} where the pages before it told {before}",
    "listing_short_page": (
        "{listing}: page {page} came back short ({count} of {size:item|items}) though the listing went on"
    ),
    "listing_over_total": "{listing}: {distinct} distinct items, more than the total of {total} its pages tell",
    "listing_under_total": "{listing}: ended at {distinct} distinct items of the {total} its pages tell",
    "listing_same_token": (
        "{listing}: page {page} gave back the {position} {token} it was asked with: the listing does not advance"
    ),
    "listing_no_end": "{listing}: its last page points to a next one",
    "listing_no_page": "{listing}: holds no page, not even an empty one",
    "listing_end_unconfirmed": (
        "{listing}: its last page is short ({count:item|items}) and no empty page follows it: the API tells no total, "
        "so only an empty page shows that the listing ended"
    ),
    "listing_too_long": "{listing}: more than {pages:page|pages}, stopped",
    "listing_unplaced": "{listing}: page {page} does not echo its {position}, so its listings cannot be told apart",
    "listing_pages_missing": (
        "{listing}: page {page} is at {position} {at} where {expected} comes next: pages are missing"
    ),
    "listing_starts_late": "{listing}: page {page} is at {position} {at}: the pages before it are missing",
    "listing_read_again": "{listing}: read again from the first page",
    "listing_twice": "{listing}: {sample} listed more than once",
    "calendar_example": (
        "{file} says it is an EXAMPLE, not the {year} holiday schedule: deadlines computed with it are not the "
        "contract's; use a calendar file of the published schedule"
    ),
    "looks_like": "this looks like {what}, not {expected}; {hint}",
    "format_kubectl": "a {tool} export (`{command}`)",
    "format_pulumi_export": "a {tool} stack export (`{command}`)",
    "format_pulumi_preview": "a {tool} preview (`{command}`)",
    "format_terraform": "{tool} output (`{command}`)",
    "format_ksyun": "a Kingsoft Cloud export (API action -> pages)",
    "format_observation": "a normalized observation ({tag})",
    "format_contract": "a contract file",
    "format_tables": "a tables file",
    "format_pulumi_tables": "a tables file of the {sources} sources",
    "format_attestations": "an attestations file",
    "use_source": "use {option}",
    "use_option": "give it as {option}",
    "use_tables": "give it as the source's tables: {option}",
    "listing_partial": "{listing}: its metadata says more items follow ({what}): it is one page of a longer list",
    "listing_api": "{action} in {region}",
    "listing_export": "the export of {action}",
    "listing_export_file": "the export of {action} in {file}",
    "listing_part": "{listing} (listing {index} of {count})",
    "listing_objects": "listing {plural}",
    "listing_file": "the export {file}",
    "listing_state": "the state {document}",
    "call_named": "{service} {action} in {region}",
    "call_failed": "{call}: {reason}",
    "after_attempts": "{reason} (after {attempts:attempt|attempts})",
    "not_tried": "{call}: not tried, {host} did not answer earlier in this run ({reason})",
    "api_error": "{code}: {text}",
    "sdk_error": "SDK error: {text}",
    "http_error": "HTTP {status} {error}",
    "http_not_api_error": "HTTP {status} with a body that is not an API error: {body}",
    "body_unreadable": "HTTP 200 with a body that cannot be read ({reason}): {body}",
    "body_not_object": "HTTP 200 with a body that is not a JSON object",
    "response_malformed": "a response is not of the documented shape: {detail}",
    "projects_failed": "projects could not be listed, so not every project was observed: {reason}",
    "projects_partial": "{listed} of {total} projects listed",
    "field_not_number": "{path} is not a number",
    "export_errors": "the export of {action} holds error responses ({errors})",
    "page_error": "page {page}: {error}",
    "actions_missing": "not observed: {actions} missing",
    "object_malformed": "the API server returned a malformed {kind}: {detail}",
    "items_not_objects": "{listing}: the reply's items are not a list of objects",
    "continue_expired": "{listing}: the continue token expired (410 Gone) {times:time|times} in a row",
    "continue_looping": (
        "{listing}: still a continue token after {pages} pages ({items} items), stopped: the API server may be looping"
    ),
    "list_failed": "{listing} failed ({status})",
    "list_failed_attempts": "{listing} failed after {attempts:attempt|attempts} ({status})",
    "list_failed_after": "{listing} failed after {attempts:attempt|attempts}: {reason}",
    "list_forbidden": "the credentials may not list {plural} ({status})",
    "server_said": "{reason}: {text}",
    "cannot_connect": "cannot connect to the API server",
    "transport_error": "{error}",
    "reply_not_utf8": "{listing}: the reply is not UTF-8 JSON",
    "reply_unreadable": "{listing}: the reply cannot be read ({reason})",
    "reply_not_list": "{listing}: the reply is not a list object",
    "cli_not_found": "the pulumi CLI was not found (setting {setting})",
    "cli_cannot_run": "cannot run the pulumi CLI {cli}: {error}",
    "cli_failed": "{command} failed (exit {code}): {stderr}",
    "detail_ksyun_export": "export {files}; tables: {tables}",
    "detail_ksyun_live": "live {endpoint}, regions {regions}; tables: {tables}",
    "detail_kubectl_export": "kubectl export {files}",
    "detail_kubectl_kinds_missing": "holds no list or object of the kinds {kinds}: not observed",
    "detail_cluster": "cluster {host} ({where})",
    "cluster_in_cluster": "in-cluster service account",
    "cluster_context": "context {context}",
    "cluster_current_context": "current context",
    "detail_pulumi_export": "pulumi stack export {files}",
    "detail_pulumi_stack": "pulumi stack export --stack {stack}",
    "detail_pulumi_export_plan": "pulumi stack export {files} after the change of {plan}",
    "detail_pulumi_stack_plan": "pulumi stack export --stack {stack} after the change of {plan}",
    "detail_terraform": "{command} {files}",
    "terraform_plan": "{file} (plan)",
    "terraform_prior": "{file} (prior state)",
    "terraform_state": "{file} (state)",
    "attributes_unknown": "{kind} counted with attributes unknown (bounds): {reasons}",
    "ksyun_field_family": "instance family",
    "ksyun_field_state": "instance state",
    "ksyun_field_volume_type": "volume type",
    "ksyun_not_in_tables": "{count} with {field} '{value}' not in the ksyun tables ({samples})",
    "ksyun_blank_in_tables": "{count} with {field} '{value}' blank ({blank}) in the ksyun tables ({samples})",
    "ks3_no_usage": "{count} bucket(s) listed by KS3 have no usage data ({samples}): size unknown",
    "k8s_clock_unknown": (
        "CPU clock unknown for nodes of instance types not in the instance-type table ({groups}): they may count "
        "toward vCPU (bounds); Kubernetes does not report clocks: add them to the tables file (setting {setting})"
    ),
    "k8s_tier_unknown": (
        "tier unknown for PersistentVolumes of storage classes not in the storage-class map ({groups}): they may "
        "count toward either tier (bounds); map them with {option}"
    ),
    "k8s_node_memory": "node memory: {rules}",
    "k8s_memory_from_table": "{count} from the instance-type table",
    "k8s_memory_rounded": "{count} rounded up to a standard size",
    "k8s_class_ignored": "PersistentVolumes of class {storage_class} ignored as configured: {held}",
    "k8s_lbs_pending": "LoadBalancer Services not yet provisioned (no ingress): {held}",
    "pulumi_types_unresolved": (
        "vCPU, memory, CPU clock or architecture unknown for instance types not (fully) in the instance-type table "
        "({groups}): counted as unknown (bounds); add them to the tables file (setting {setting})"
    ),
    "pulumi_states_unknown": "instance states not in the state map, counted as unknown (bounds): {groups}",
    "pulumi_volume_types_unknown": (
        "tier unknown for volume types not in the volume-type map ({groups}): counted as unknown"
    ),
    "pulumi_unknown_until_apply": (
        "planned resources with values unknown until apply, counted as unknown (bounds): {groups}"
    ),
    "evidence_documented_default": "{doc} ({section})",
    "evidence_naming_rule": "naming rule: the class name holds the word standard or performance ({doc})",
    "evidence_memory_rounding": "capacity rounded up to the next standard memory size ({doc}, Units)",
    "planned_bandwidth_unknown": (
        "planned bandwidth unknown until apply ({groups}): what is certain counts, more may come"
    ),
    "request_deadline": "no complete answer within {seconds} s (setting {setting})",
    "source_deadline": "the source's deadline of {seconds} s (setting {setting}) passed before {what} finished",
    "pending_expansions": "short only of expansions still inside their deadline",
    "pending_not_started": "the service period has not started",
    # attestations
    "attestation_expiring": (
        "the attestation {id} of {line_item} ({quantity} {unit}, by {attested_by}) is valid until {valid_until}, "
        "{days:day|days} from now: renew it, or the line item becomes unknown"
    ),
    "attestation_expired": (
        "the attestation {id} of {line_item} ({quantity} {unit}, by {attested_by}) expired at {valid_until}: renew it"
    ),
    "attestation_not_yet": (
        "the attestation {id} of {line_item} is dated {attested_at}, after this check's time: not counted"
    ),
    "attestation_unknown": (
        "{line_item} is attested, but {ids} expired: what it attested is not known any more (no upper bound); "
        "renew it: a new entry with a new valid_until in the attestations file, by the person who attests "
        "(docs/operations.md, step 6)"
    ),
    "attestation_disagrees": (
        "{line_item} is observed as {observed} but attested as {attested} ({ids}): the observed figure counts; "
        "check the attestation or the source"
    ),
    "supply_exact": "{quantity}",
    "supply_between": "{lower}–{upper}",
    "supply_at_least": "at least {lower}",
    "attestation_line": (
        "{id} {line_item}: {quantity} {unit} attested by {attested_by}, evidence: {evidence}, attested "
        "{attested_at}, valid until {valid_until}: {state}"
    ),
    "attestation_state_valid": "valid, counted",
    "attestation_state_expiring": "valid, counted, expiring soon",
    "attestation_state_expired": "expired: unknown until renewed",
    "attestation_state_not_yet": "not yet valid at this check",
    "attestation_state_observed": "not counted: a source observes the line item",
    "attested_supply": "{id}: {quantity} by {attested_by} ({evidence}), valid until {valid_until}",
    "basis_entry": (
        "{source} {entry}: {values}; evidence: {evidence} ({origin}); {resources:resource|resources}; for {line_items}"
    ),
    "no_evidence": "none given",
    "built_in": "built-in",
    # reconciler tables init / check
    "tables_scaffolded": "{source} tables from {origin}, written to {output}:",
    "tables_not_complete": "{kind} not observed completely ({reason}): keys may be missing",
    "tables_action_failed": "{action} could not be read ({reason})",
    "tables_to_fill": "To fill: {entries:entry|entries}, each with its evidence; then: {command}",
    "tables_nothing_to_fill": "Nothing left blank; review the evidence, then: {command}",
    "tables_blank": "to fill: {fields}",
    "tables_not_listed": "not listed ({reason})",
    "tables_checked": "{file}: {source} tables, {counts}",
    "tables_still_blank": "{count} still to fill:",
    "tables_complete": "complete: every entry filled, each with its evidence",
    "tables_carried": "Carried over from {file}: every entry as it was filled; new: {new:entry|entries} ({keys})",
    "tables_carried_nothing_new": "Carried over from {file}: every entry as it was filled; nothing new",
    "tables_new_mark": "new",
    "plan_gate": "Plan gate: {verdict} (exit {code})",
    "plan_gate_short": "the plan would leave {line_items} short",
    "plan_gate_maybe_short": "cannot judge {line_items}, which may be short (see above)",
    "plan_gate_ok": "no line item would be short",
    "plan_gate_causes": "{line_item}: the change leaves less of it in {causes}",
    "plan_resource_removed": "{name} (removed)",
    "plan_resource_reduced": "{name} ({before} -> {after})",
    "plan_not_a_delay": (
        "this check reads a planned change: no Art. 12.3 delay is counted, since a change not yet applied delays "
        "nothing"
    ),
    "set_aside_arch": "not {required} (is {arch})",
    "set_aside_clock": "clock {ghz} GHz below {minimum} GHz",
    "set_aside_state": "state {state}",
    "set_aside_no_state": "no state counts",
    "no_ids": "reported from recorded run #{id}: the history keeps evidence counts, not the resources' ids",
    "period_not_over": "the period is not over: this report covers it up to {as_of}",
    "days_without_runs": "{missing} of {days:day|days} have no recorded run: nothing is known of them",
    "date_out_of_range": (
        "{value} is outside the dates a contract can mean: from {first}-01-01 to {last}-12-31, Beijing time"
    ),
    "no_holiday_data": (
        "no statutory holiday data for {year}: weekends only; pass --calendar FILE (holiday data covers {first}-{last})"
    ),
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
        "{day} is a statutory holiday ({holiday}); extended to the first working day after the rest, {last_day}"
    ),
    "period_natural_days": "{days:natural day|natural days}",
    "period_working_days": "{days:working day|working days}",
    "period_working_days_before": "{days:working day|working days} before",
    "period_months": "{months:month|months}",
    "rule_civil_code": "Civil Code rule (Art. 201-203)",
    "rule_calendar_days": "calendar-days rule (no rest-day extension)",
    "ob_service_start": "The service period begins (it runs from {start} 00:00 to {end} 24:00, Asia/Shanghai)",
    "ob_service_end": "The service period ends (it runs from {start} 00:00 to {end} 24:00, Asia/Shanghai)",
    "ob_payment": "Client pays {percent}% of the fee (CNY {amount}): {condition}",
    "ob_nine_months": "{months} months of the service period have passed (condition of the second payment)",
    "ob_acceptance": (
        "The client carries out acceptance of the provider's service within 15 working days after the service "
        "period ends"
    ),
    "ob_re_acceptance": "If acceptance fails, the provider rectifies within 15 days and resubmits for acceptance",
    "ob_exit_request": (
        "If the provider wants to exit during the service period, it must apply to the client at least 3 months "
        "before the service period ends (latest day)"
    ),
    "ob_switch_over": (
        "If the contract is not renewed (or ends early), the provider supports migration and switch-over free of "
        "charge for a switch-over period of 2 months: its end"
    ),
    "ob_project_lead": (
        "The provider notifies the client 5 working days in advance of changing its project lead, and changes the "
        "lead only with the client's written consent"
    ),
    "ob_migration": (
        "Within 10 days after the client's request to move systems out, the provider completes its part of the "
        "migration"
    ),
    "ob_return_material": (
        "Within 5 days of receiving the client's written notice, the provider returns all documents and material "
        "containing confidential information"
    ),
    "ob_change_notice": (
        "A party whose address, telephone, bank account or other contract details change notifies the other in "
        "writing within 20 days of the change"
    ),
    "ob_expansion": "Expansion within {days} natural days: {line_item} +{quantity} {unit} ({expansion})",
    "anchor_fixed": "a date named by the contract",
    "anchor_funds_released": "funds released (earliest: service start {start})",
    "anchor_service_start": "service start {start}",
    "anchor_months_and_funds": "{months} months served and funds released (earliest: {day})",
    "anchor_acceptance_and_funds": "acceptance passed and funds released (earliest: service end {end})",
    "anchor_service_end": "the service period ends {end}",
    "anchor_service_end_at": "the service period ends {end}",
    "anchor_acceptance_failed": "acceptance failed (taken on the last day for acceptance, {day})",
    "anchor_expansion_requested": "expansion requested {at}",
    "anchor_project_lead": "the change of project lead",
    "anchor_migration_request": "the client's migration request",
    "anchor_written_notice": "receipt of the client's written notice",
    "anchor_change_day": "the day of the change",
    "cond_funds_first": (
        "the day the funds are released is unknown: the earliest date, counted from the service start, is shown"
    ),
    "cond_funds_second": (
        "the day the funds are released is unknown: the earliest date, counted from the day {months} months are "
        "served, is shown"
    ),
    "cond_funds_final": (
        "the days of acceptance and of the funds' release are unknown: the earliest date, counted from the end of "
        "the service period, is shown"
    ),
    "cond_acceptance_fails": (
        "only if acceptance fails; the day it fails is unknown, so it is taken as the last day for acceptance"
    ),
    "cond_exit": "only if the provider wants to exit",
    "cond_not_renewed": (
        "only if the contract is not renewed (after an early termination it runs from the termination instead)"
    ),
    "cond_project_lead": "only if the provider changes its project lead",
    "cond_migration": "only if the management unit orders the provider out",
    "cond_client_asks": "only if the client asks",
    "cond_details_change": "only if such details change",
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
    "exposure_disclaimer": (
        "Indicative figure from the contract's clauses and this tool's observations, not a legal conclusion or a "
        "claim: cause, notice, force majeure and the parties' agreement decide whether and how a clause applies."
    ),
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
    "termination": "the delay has reached {days:day|days}: the client may terminate ({clause})",
    "delay_days_once": (
        "Art. 12.3 charges each day of the service's delay once: these days already count with the longest "
        "delay, {line_item} ({days:day|days})"
    ),
    "one_event": (
        "{one_event}: one event with {heavier} on {line_item}, the heavier rule ({heavier}, {amount} CNY) counts, "
        "not this one"
    ),
    "expansion_outside_period": (
        "expansion {expansion} is requested at {at}, outside the service period ({opens} to {closes}, Asia/Shanghai)"
    ),
    "expansion_notice_before_request": (
        "expansion {expansion}: the written notice ({notice}) is before the request ({requested})"
    ),
    "expansion_notice_early": (
        "expansion {expansion}: the written notice ({notice}) is before the 7-day deadline ({due_at}); Annex 3 "
        "item 4 reads as a notice after a missed one"
    ),
    "cap_term": "{expansion}: {quantity} x {price} x {months} = {value}",
    "supplement_cap": ("expansions are worth {used} CNY ({terms}); the cap of {clause} is {cap}, headroom {headroom}"),
    "expansion_value_rule": (
        "quantity x unit price x service months remaining, counted from the service month in which the expansion "
        "is requested (that month counts in full) to the end of the service period; rounded half up to the fen"
    ),
    "period_mismatch": "{months:month|months} from {start} end on {expected}, but the period ends on {end}",
    "billing_months": "{line_item} is billed for {billed:month|months}, the service period has {months}",
    "line_total_rounded": "{price} x {quantity} x {months} = {exact} exactly; the contract states {stated}",
    "line_total_wrong": (
        "{price} x {quantity} x {months} = {exact}, which rounds to {rounded}; the contract states {stated} "
        "(difference {difference})"
    ),
    "total_mismatch": (
        "the stated line totals add up to {stated_sum} and the unrounded line products to {exact_sum}; the "
        "contract total is {total}"
    ),
    "percent_sum": "the instalments' percentages add up to {percent}%, not 100%",
    "instalment_rounded": "{percent}% of {total} = {exact}; the contract states {stated}",
    "instalment_wrong": "{percent}% of {total} = {exact}, which rounds to {rounded}; the contract states {stated}",
    "instalment_sum": "the instalments add up to {paid}; the contract total is {total}",
    "words_unreadable": (
        "the amount in words {words} cannot be read as a number; the figures say {figures}; the figures agree with "
        "the arithmetic and are the ones used"
    ),
    "words_mismatch": (
        "the amount in words {words} reads {reads}; the figures say {figures} (in words: {expected}); the figures "
        "agree with the arithmetic and are the ones used"
    ),
    "cause_expansion_outside": (
        "requested_at mistyped (check the year and the UTC offset), or the request is not under this contract"
    ),
    "cause_notice_or_request": "notice_at or requested_at mistyped",
    "cause_notice_early": "notice_at mistyped, or an early reminder recorded as the notice",
    "cause_cap_exceeded": "the expansions exceed the cap on supplementary agreements (Art. 20.2)",
    "cause_value_rule": "value rule: {rule}",
    "cause_period": "the start, the end or the number of months is mistyped",
    "cause_billing_months": (
        "billing months mistyped, or the line covers part of the period (record it as an expansion)"
    ),
    "cause_rounding": "rounding to the fen (0.01 CNY), half up",
    "cause_transposed": "transposed digits in the stated total",
    "cause_decimal_point": "misplaced decimal point in the stated total",
    "cause_months_of_line": "the stated total is {months} month(s) of this line, not {billed}",
    "cause_implied_price": "the stated total implies a unit price of {implied}, not {price}",
    "cause_line_mistyped": "unit price, quantity or total mistyped",
    "cause_total_rounds_sum": "the total rounds the unrounded sum instead of adding the rounded line totals",
    "cause_total_cuts_sum": "the total cuts the unrounded sum {exact} to the fen (not rounded half up)",
    "cause_line_twice": "line {line_item} counted twice or left out",
    "cause_total_mistyped": "a line total or the total is mistyped",
    "cause_percent": "a percentage is mistyped or an instalment is missing",
    "cause_instalment_mistyped": "the amount or the percentage is mistyped",
    "cause_each_rounded": "each instalment rounded separately",
    "cause_not_numeral": "a character in the words is not a capital numeral",
    "cause_leading_numeral": "the leading numeral {numeral} is missing from the words",
    "cause_words_disagree": "words and figures disagree",
    "likely_causes": "{causes}",
    # fleet notifications
    "notice_subject": "Contract capacity: {contract}",
    "notice_item_short": (
        "{contract}: {line_item} is short: at most {supplied} {unit} supplied of {due} due, "
        "a shortfall worth {value} CNY a month"
    ),
    "notice_item_resolved": "{contract}: {line_item} is no longer short",
    "notice_expansion_at_risk": (
        "{contract}: expansion {expansion} ({quantity} {unit} of {line_item}) is at risk: due {due_at}, {left} left"
    ),
    "notice_expansion_overdue": (
        "{contract}: expansion {expansion} ({quantity} {unit} of {line_item}) is overdue since {due_at}"
    ),
    "notice_expansion_fulfilled": "{contract}: expansion {expansion} of {line_item} was delivered at {at}",
    "notice_source_failing": "{contract}: the source {source} failed: {reasons}",
    "notice_source_recovered": "{contract}: the source {source} observes again",
    "notice_check_failing": "{contract}: the contract could not be checked: {reason}",
    "notice_check_recovered": "{contract}: the contract is checked again",
    "notice_period_ending": "{contract}: the service period ends on {end}: {days:day|days} left",
    "notice_period_ended": "{contract}: the service period ended on {end}",
    "notice_report": "Report: {url}",
    "ov_ok": "Every line item is supplied as the contract requires.",
    "ov_not_started": "The service period starts on {start}: nothing is due yet.",
    "ov_ended": "The service period ended on {end}: nothing is due any more.",
    "ov_banner_short": "{count:line item is|line items are} short of what is due, worth {value} CNY a month",
    "ov_banner_short_range": (
        "{count:line item is|line items are} short of what is due, worth {value} to {most} CNY a month"
    ),
    "ov_banner_pending": "{count:line item awaits|line items await} an expansion still inside its deadline",
    "ov_banner_over": "{count:line item is|line items are} over the contract, worth {value} CNY a month",
    "ov_banner_unknown": "{count:line item cannot|line items cannot} be decided",
    "ov_banner_not_observed": "{count:line item is|line items are} not observed by any source",
    "ov_banner_at_risk": "{count:expansion falls|expansions fall} due within 48 hours (by {due})",
    "ov_banner_overdue": "{count:expansion is|expansions are} overdue",
    "ov_short": (
        "{item}: {quantity} {unit} short of what is due ({supplied} supplied, {due} due), worth {value} CNY a month"
    ),
    "ov_short_range": (
        "{item}: {least} to {most} {unit} short of what is due, worth {value} to {value_most} CNY a month"
    ),
    "ov_over": (
        "{item}: {quantity} {unit} over the contract ({supplied} supplied, {entitled} entitled), worth {value} CNY "
        "a month"
    ),
    "ov_over_range": "{item}: {least} to {most} {unit} over the contract, worth {value} to {value_most} CNY a month",
    "ov_over_at_least": "{item}: at least {least} {unit} over the contract, worth at least {value} CNY a month",
    "ov_expansion_open": (
        "{item}: the expansion by {quantity} {unit} requested {requested} is due by {due} ({left} left)"
    ),
    "ov_expansion_at_risk": (
        "{item}: the expansion by {quantity} {unit} requested {requested} is due by {due}, only {left} left"
    ),
    "ov_expansion_overdue": (
        "{item}: the expansion by {quantity} {unit} requested {requested} was due by {due} and is not delivered"
    ),
    "ov_expansion_late": (
        "{item}: the expansion by {quantity} {unit} requested {requested} was delivered late, on {at} (due by {due})"
    ),
    "ov_expansion_on_time": (
        "{item}: the expansion by {quantity} {unit} requested {requested} was delivered on time, on {at}"
    ),
    "ov_expansion_due": "{item}: the expansion by {quantity} {unit} requested {requested} is due by {due}",
    "ov_unknown": "{item} cannot be decided: {cause}; {outcome}. To resolve: {resolve}",
    "ov_not_observed": (
        "{item}: no chosen data source observes {kind}. To resolve: add a source that does (see the sources guide)"
    ),
    "ov_cause_failed": "a data source could not list {kind}",
    "ov_cause_incomplete": "the listing of {kind} may be incomplete",
    "ov_cause_attributes": "the {attributes} of {count:resource is|resources are} not known",
    "ov_cause_other": "what was observed does not decide it",
    "ov_cause_attestation": "the written attestation of its supply has expired",
    "ov_resolve_attestation": "have the supply attested again, or add a data source that observes it",
    "ov_resolve_failed": (
        "check the data source named in the notes (its access and credentials) and run the check again"
    ),
    "ov_resolve_incomplete": (
        "run the check again; if the listing stays incomplete, ask the provider why its pages do not add up"
    ),
    "ov_resolve_attributes": "add the missing instance or volume types to the source's tables file",
    "ov_resolve_failed_past": (
        "check the data source named under Incidents so that later checks succeed; recorded checks stay undecided"
    ),
    "ov_changes": "Since the check of {previous}: {changes}.",
    "ov_changes_none": "Nothing changed since the check of {previous}.",
    "ov_change_status": "{item} {before} → {after}",
    "ov_change_figures": "{item} still {status}, its figures changed",
    "ov_first_run": "This is the first recorded check: there is nothing earlier to compare with.",
    "ov_no_history": "No earlier check was read, so what changed cannot be shown.",
    "ov_exposure": "Indicative penalties under the contract: {amount} CNY (for a conversation, not a claim).",
    "ov_termination": (
        "{item} has been below the contract's baseline for {days:day|days}: the client may terminate (Art. 12.3)."
    ),
    "ov_period_ok": "Every line item was supplied as the contract requires on every day with a recorded check.",
    "ov_period_banner_short": "{count:line item was|line items were} short on {days:day|days}",
    "ov_period_banner_over": "{count:line item was|line items were} over the contract on {days:day|days}",
    "ov_period_banner_unknown": "{days:day was|days were} undecided for some line item",
    "ov_period_banner_no_run": "{days:day has|days have} no recorded check",
    "ov_period_banner_late": "{count:expansion was|expansions were} late or not delivered",
    "ov_period_short": (
        "{item}: short on {days:day|days} ({runs} of {total} checks), at worst {gap} {unit} below the "
        "entitlement, worth {value} CNY a month"
    ),
    "ov_period_over": "{item}: over the contract on {days:day|days}, by up to {quantity} {unit} ({value} CNY a month)",
    "ov_period_unknown": "{item}: undecided on {days:day|days}: {cause}. To resolve: {resolve}",
    "ov_cause_failed_runs": "a data source could not list {kinds} during {runs:check|checks}",
    "ov_kind": "{kind}",
    "ov_period_no_run": (
        "No check was recorded on {days:day|days} ({ranges}): nothing is known of them. To resolve: make sure "
        "the nightly check runs every day"
    ),
    "ov_day": "{day}",
    "ov_day_range": "{first} – {last}",
    "ov_more": "{count} more",
    "ov_exposure_accrued": (
        "Indicative penalties accrued in the period: {amount} CNY (for a conversation, not a claim)."
    ),
    "ov_period_changes": "At the end of the period, compared with the last check before it ({previous}): {changes}.",
    "ov_period_no_change": (
        "At the end of the period every line item stands as at the last check before it ({previous})."
    ),
}

TERMS: Final[dict[str, str]] = {
    "join": "; ",
    "or_join": "; or ",
    "list_join": ", ",
    "clause": "Art. {clause}",
    "annex_clause": "Annex {annex} item {item}",
    "subject_sep": ".",
    "subject.total": "total",
    "subject.payment_schedule": "payment_schedule",
    "subject.expansions": "expansions",
    "subject.supplement_cap": "supplement_cap",
    "subject.service_period": "service_period",
    "instalment.first": "first",
    "instalment.second": "second",
    "instalment.final": "final",
    "line_item.compute.vcpu": "compute.vcpu",
    "line_item.compute.memory": "compute.memory",
    "line_item.storage.standard": "storage.standard",
    "line_item.storage.performance": "storage.performance",
    "line_item.storage.object": "storage.object",
    "line_item.backup.host": "backup.host",
    "line_item.network.bandwidth": "network.bandwidth",
    "line_item.network.public_ip": "network.public_ip",
    "line_item.network.load_balancer": "network.load_balancer",
    "line_item.network.remote_access": "network.remote_access",
    "line_item.security.waf": "security.waf",
    "kind.vm": "VMs",
    "kind.volume": "volumes",
    "kind.bucket": "object storage buckets",
    "kind.backup": "host backups",
    "kind.bandwidth": "internet links",
    "kind.public_ip": "public IPs",
    "kind.load_balancer": "load balancers",
    "kind.remote_access_account": "remote-access accounts",
    "kind.waf": "WAF instances",
    "vm_state.running": "running",
    "vm_state.stopped": "stopped",
    "vm_state.terminated": "terminated",
    "unit.vCPU": "vCPU",
    "unit.GB": "GB",
    "unit.TB": "TB",
    "unit.Mbps": "Mbps",
    "unit.IP": "IP",
    "unit.instance": "instance",
    "unit.account": "account",
    "item.compute.vcpu": "vCPU",
    "item.compute.memory": "Memory",
    "item.storage.standard": "Standard storage",
    "item.storage.performance": "Performance storage",
    "item.storage.object": "Object storage",
    "item.backup.host": "Host backup",
    "item.network.bandwidth": "Internet bandwidth",
    "item.network.public_ip": "Public IP addresses",
    "item.network.load_balancer": "Load balancing",
    "item.network.remote_access": "Remote access",
    "item.security.waf": "WAF protection",
    "status.met": "met",
    "status.pending": "pending",
    "status.short": "short",
    "status.over": "over",
    "status.unknown": "unknown",
    "status.not_observed": "not observed",
    "status.ended": "ended",
    "tier.standard": "standard",
    "tier.performance": "performance",
    "attribute.arch": "architecture",
    "attribute.cpu_ghz": "CPU clock",
    "attribute.state": "state",
    "attribute.tier": "storage tier",
    "attribute.vcpu": "vCPU count",
    "attribute.memory_gb": "memory size",
    "attribute.size_gb": "size",
    "attribute.mbps": "bandwidth",
}
