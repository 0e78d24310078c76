"""Tell each contract's targets what changed: events from the latest outcomes against what each target was told,
claimed in the history before sending (so a retry, or a second pod, never sends one twice), sent, and recorded
as sent or failed (a failed one is tried again by the next run). `dry_run` renders and sends nothing.

Called by `reconciler fleet check --notify` and `reconciler fleet notify`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from reconciler.base.formats import Lang
from reconciler.base.messages import to_json
from reconciler.fleet.channels import HttpPost, Outgoing, outgoing
from reconciler.fleet.events import Event, changes
from reconciler.fleet.load import Fleet
from reconciler.fleet.model import Target
from reconciler.fleet.outcomes import Outcome
from reconciler.fleet.senders import SendFailed, Sent, SmtpLogin, deliver
from reconciler.history.store import History

Result = Literal["sent", "failed", "skipped", "dry-run"]


@dataclass(frozen=True)
class Delivered:
    """What became of one event for one target."""

    event: Event
    result: Result
    detail: str
    preview: Outgoing | None = None


@dataclass
class NotifyReport:
    delivered: list[Delivered] = field(default_factory=list)

    def count(self, result: Result) -> int:
        return sum(1 for d in self.delivered if d.result == result)

    @property
    def ok(self) -> bool:
        return self.count("failed") == 0


Sender = Callable[[Outgoing, Target, SmtpLogin | None], Sent]


def notify(
    fleet: Fleet,
    outcomes: Sequence[Outcome],
    store: History,
    environ: Mapping[str, str],
    clock: Callable[[], datetime],
    *,
    dry_run: bool = False,
    send: Sender | None = None,
) -> NotifyReport:
    """Send every change of `outcomes` (each contract's latest) to its targets; what became of each."""
    by_name = {c.name: c for c in fleet.contracts}
    report = NotifyReport()
    sender = send or (lambda item, target, smtp: deliver(item, target.kind, fleet.file.delivery, smtp))
    for outcome in sorted(outcomes, key=lambda o: o.contract):
        contract = by_name.get(outcome.contract)
        if contract is None:
            continue
        lang: Lang = "zh" if fleet.lang_of(contract) == "zh" else "en"
        for name, target in fleet.targets_of(contract):
            told = store.delivered_states(outcome.contract, name)
            for event in changes(outcome, name, told, fleet.file.defaults.period_ending_days):
                link = report_link(fleet, outcome.contract)
                target_lang: Lang = target.lang if target.kind != "email" else lang
                report.delivered.append(
                    _one(fleet, event, name, target, target_lang, link, store, environ, clock, dry_run, sender)
                )
    return report


def report_link(fleet: Fleet, contract: str) -> str | None:
    """The contract's status page on the published overview site (`fleet report`), when the fleet says where."""
    base = fleet.file.report_url
    if not base:
        return None
    return base.rstrip("/") + f"/contracts/{contract}/status.html"


def _one(
    fleet: Fleet,
    event: Event,
    name: str,
    target: Target,
    lang: Lang,
    link: str | None,
    store: History,
    environ: Mapping[str, str],
    clock: Callable[[], datetime],
    dry_run: bool,
    sender: Sender,
) -> Delivered:
    url = target.url or (environ.get(target.url_env, "") if target.url_env else "")
    secret = environ.get(target.secret_env) if target.secret_env else None
    if dry_run:
        preview = outgoing(
            event, target.kind, lang, link, clock(), url=url or "(unset)", secret=secret, to=tuple(target.to)
        )
        return Delivered(event, "dry-run", "not sent (--dry-run)", preview)
    claimed = store.claim_delivery(
        {
            "key": event.key,
            "contract": event.contract,
            "target": name,
            "subject": event.subject,
            "previous_state": event.previous,
            "state": event.state,
            "outcome_id": event.outcome_id,
            "event": to_json(event.message),
            "claimed_at": clock().isoformat(),
        }
    )
    if not claimed:
        return Delivered(event, "skipped", "sent already, or being sent by another run")
    problem = _missing(target, url, secret, environ, fleet)
    if problem is not None:
        store.finish_delivery(event.key, "failed", 0, clock(), problem)
        return Delivered(event, "failed", problem)
    smtp = None
    if target.kind == "email" and fleet.file.smtp is not None:
        server = fleet.file.smtp
        smtp = SmtpLogin(
            server,
            environ.get(server.username_env) if server.username_env else None,
            environ.get(server.password_env) if server.password_env else None,
        )
    item = outgoing(event, target.kind, lang, link, clock(), url=url, secret=secret, to=tuple(target.to))
    try:
        sent = sender(item, target, smtp)
    except SendFailed as exc:
        store.finish_delivery(event.key, "failed", 0, clock(), str(exc))
        return Delivered(event, "failed", str(exc))
    store.finish_delivery(event.key, "sent", sent.attempts, clock(), sent.detail)
    return Delivered(event, "sent", sent.detail, item if isinstance(item, HttpPost) else None)


def _missing(target: Target, url: str, secret: str | None, environ: Mapping[str, str], fleet: Fleet) -> str | None:
    if target.kind == "email":
        return None if fleet.file.smtp is not None else "no smtp server in the fleet file"
    if not url:
        return f"the variable {target.url_env} is not set"
    if target.secret_env and not secret:
        return f"the variable {target.secret_env} is not set"
    return None
