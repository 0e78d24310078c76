"""Notifications as their recipients meet them: one message per change of state (not per night), in the target's
language with a link to the report, signed as each vendor checks (local receivers verify the signatures), sent
once however often the job is retried, tried again after a transient failure and on the next run after a
permanent one, and `--dry-run` sending and recording nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reconciler.history.store import open_history
from tests.cli_runner import CliResult, run_cli
from tests.fleet_support import NOW, Receiver, generate_fleet, receiving, smtp_server

SECRETS = {"webhook": "whsec-1", "dingtalk": "SECding-1", "feishu": "feishu-1"}
NIGHT2 = "2026-11-26T09:00:00+08:00"


def targets(receiver: Receiver, smtp_port: int) -> dict[str, Any]:
    return {
        "hook": {"kind": "webhook", "url": receiver.url("webhook"), "secret_env": "T_WEBHOOK_SECRET", "lang": "en"},
        "ding": {"kind": "dingtalk", "url_env": "T_DING_URL", "secret_env": "T_DING_SECRET", "lang": "zh"},
        "wecom": {"kind": "wecom", "url_env": "T_WECOM_URL", "lang": "zh"},
        "feishu": {"kind": "feishu", "url_env": "T_FEISHU_URL", "secret_env": "T_FEISHU_SECRET", "lang": "zh"},
        "slack": {"kind": "slack", "url": receiver.url("slack"), "lang": "en"},
        "mail": {"kind": "email", "to": ["owner@example.gov.cn"], "lang": "zh"},
    }


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("T_WEBHOOK_SECRET", SECRETS["webhook"])
    monkeypatch.setenv("T_DING_SECRET", SECRETS["dingtalk"])
    monkeypatch.setenv("T_FEISHU_SECRET", SECRETS["feishu"])


def fleet_for(tmp_path: Path, receiver: Receiver, smtp_port: int, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Five contracts: agency-001 short (told to every target), agency-003 broken, agency-004 with an expansion
    at risk, agency-005 with a dead source; the others told to DingTalk."""
    monkeypatch.setenv("T_DING_URL", receiver.url("dingtalk", "?access_token=ding-token"))
    monkeypatch.setenv("T_WECOM_URL", receiver.url("wecom", "?key=wecom-key"))
    monkeypatch.setenv("T_FEISHU_URL", receiver.url("feishu"))
    fleet = generate_fleet(tmp_path, 5, broken=2, failing_every=5, targets=targets(receiver, smtp_port))
    data = json.loads(fleet.read_text(encoding="utf-8"))
    data["defaults"]["notify"] = ["ding"]
    data["contracts"][0]["notify"] = ["hook", "ding", "wecom", "feishu", "slack", "mail"]
    data["smtp"] = {"host": "127.0.0.1", "port": smtp_port, "security": "none", "sender": "reconciler@example.gov.cn"}
    data["delivery"] = {"attempts": 4, "deadline_seconds": 20, "timeout_seconds": 5, "first_wait_seconds": 0.01}
    fleet.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return fleet


def check(fleet: Path, history: str, now: str = NOW, *extra: str) -> CliResult:
    return run_cli("fleet", "check", fleet, "--history", history, "--now", now, "--workers", "1", "--notify", *extra)


def deliveries(history: str) -> list[dict[str, Any]]:
    with open_history(history, read_only=True) as store:
        return store.deliveries()


@pytest.mark.usefixtures("env")
def test_each_change_is_told_once_signed_and_worded_for_each_target(  # noqa: PLR0915 (one story, night by night)
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    history = f"sqlite:///{tmp_path / 'history.sqlite'}"
    with receiving(SECRETS) as receiver, smtp_server() as mailbox:
        fleet = fleet_for(tmp_path, receiver, mailbox.port, monkeypatch)
        first = check(fleet, history)
        assert first.exit_code == 2
        assert receiver.refused == []
        # agency-001 (8 vCPU short) is told to all six targets, once each
        for kind in ("webhook", "dingtalk", "wecom", "feishu", "slack"):
            told = [r for r in receiver.of(kind) if "agency-001" in r.body.decode() or "第1号" in r.body.decode()
                    or "No. 1 " in r.body.decode()]  # fmt: skip
            assert len(told) == 1, kind
        assert len(mailbox.messages) == 1
        # the others: DingTalk hears of agency-003's broken file, agency-004's expansion at risk, agency-005's
        # dead source (and its line items left unknown: no message, the source is the news)
        ding = [r.json()["text"]["content"] for r in receiver.of("dingtalk")]
        assert len(ding) == 4
        assert any("agency-003" in text and "合同无法核对" in text for text in ding)
        assert any("扩容 EXP-004" in text and "临近期限" in text for text in ding)
        assert any("数据来源 kubernetes 失败" in text for text in ding)
        short = next(text for text in ding if "第1号" in text)
        assert "计算服务-x86平台云主机服务 -vCPU" in short or "vCPU" in short
        assert "112.16 元" in short
        assert "报告：https://reconciler.example.gov.cn/fleet/contracts/agency-001/status.html" in short
        hook = receiver.of("webhook")[0]
        body = hook.json()
        assert (body["contract"], body["subject"], body["previous"], body["state"]) == (
            "agency-001", "item:compute.vcpu", "clear", "short",
        )  # fmt: skip
        assert body["message"]["key"] == "notice_item_short"
        assert "at most 1,224 vCPU supplied of 1,232 due" in body["text"]  # English for this target
        assert hook.headers["x-reconciler-delivery"] == body["delivery"]
        slack = receiver.of("slack")[0].json()["text"]
        assert "<https://reconciler.example.gov.cn/fleet/contracts/agency-001/status.html|Report:" in slack
        mail = mailbox.messages[0]
        assert mail["To"] == "owner@example.gov.cn"
        assert "合同容量" in str(mail["Subject"]) or "=?utf-8?" in str(mail["Subject"]).lower()
        assert "不足" in mail.get_payload(decode=True).decode("utf-8")
        sent = len(receiver.accepted)

        again = run_cli("fleet", "notify", fleet, "--history", history)  # a retried job: nothing is sent twice
        assert again.exit_code == 0, again.stdout
        assert "0 sent" in again.stdout
        second_run = check(fleet, history)  # the same night checked again: no change, no message
        assert len(receiver.accepted) == sent
        assert len(mailbox.messages) == 1
        assert "notifications: 0 sent" in second_run.stderr

        # night 2: agency-001 has its 8 vCPU: each of its targets hears it resolved, once
        observation = tmp_path / "contracts" / "agency-001" / "observation.json"
        data = json.loads(observation.read_text(encoding="utf-8"))
        data["resources"][0]["vcpu"] += 8
        observation.write_text(json.dumps(data), encoding="utf-8")
        check(fleet, history, NIGHT2)
        resolved = [r for r in receiver.of("webhook") if r.json()["state"] == "clear"]
        assert len(resolved) == 1
        assert resolved[0].json()["message"]["key"] == "notice_item_resolved"
        assert len(mailbox.messages) == 2
        assert len(receiver.accepted) == sent + 5
    rows = deliveries(history)
    assert {row["status"] for row in rows} == {"sent"}
    assert len({row["key"] for row in rows}) == len(rows) == sent + 5 + 2


@pytest.mark.usefixtures("env")
def test_a_transient_failure_is_tried_again_and_a_refusal_on_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    history = f"sqlite:///{tmp_path / 'history.sqlite'}"
    with receiving(SECRETS, fail_first={"wecom": 2}) as receiver, smtp_server() as mailbox:
        fleet = fleet_for(tmp_path, receiver, mailbox.port, monkeypatch)
        monkeypatch.setenv("T_DING_SECRET", "a-wrong-secret")  # DingTalk refuses the signature: not retried now
        result = check(fleet, history, NOW, "--only", "agency-001")
        assert len(receiver.of("wecom")) == 1  # 503, 503, then accepted
        assert receiver.of("dingtalk") == []
        assert any(kind == "dingtalk" and "310000" in why for kind, why in receiver.refused)
        assert "failed" in result.stderr
        rows = {row["target"]: row for row in deliveries(history)}
        assert (rows["wecom"]["status"], rows["wecom"]["attempts"]) == ("sent", 3)
        assert rows["ding"]["status"] == "failed"
        assert "code 310000" in rows["ding"]["detail"]
        assert "ding-token" not in rows["ding"]["detail"]  # the robot's token stays out of messages
        monkeypatch.setenv("T_DING_SECRET", SECRETS["dingtalk"])
        retry = run_cli("fleet", "notify", fleet, "--history", history, "--only", "agency-001")
        assert retry.exit_code == 0, retry.stdout
        assert "1 sent" in retry.stdout
        assert len(receiver.of("dingtalk")) == 1
        assert len(receiver.of("wecom")) == 1
    assert {row["status"] for row in deliveries(history)} == {"sent"}


@pytest.mark.usefixtures("env")
def test_dry_run_prints_what_would_be_sent_and_sends_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    history = f"sqlite:///{tmp_path / 'history.sqlite'}"
    with receiving(SECRETS) as receiver, smtp_server() as mailbox:
        fleet = fleet_for(tmp_path, receiver, mailbox.port, monkeypatch)
        run_cli("fleet", "check", fleet, "--history", history, "--now", NOW, "--workers", "1")
        dry = run_cli("fleet", "notify", fleet, "--history", history, "--dry-run")
        assert dry.exit_code == 0
        assert "agency-001 -> hook: item:compute.vcpu clear -> short: dry-run" in dry.stdout
        assert "不足部分每月价值 112.16 元" in dry.stdout
        assert "SECding-1" not in dry.stdout
        assert "ding-token" not in dry.stdout  # the robot URL holds its token: only bodies are shown
        assert receiver.accepted == []
        assert mailbox.messages == []
    assert deliveries(history) == []


def test_the_vendor_signatures_follow_their_published_rules() -> None:
    """DingTalk's and Feishu's signatures for a fixed timestamp and secret, computed by hand from their rules."""
    import base64
    import hashlib
    import hmac
    from urllib.parse import quote_plus

    from reconciler.fleet.channels import dingtalk_sign, feishu_sign, webhook_signature

    ding = hmac.new(b"SECabc", b"1700000000000\nSECabc", hashlib.sha256).digest()
    assert dingtalk_sign("1700000000000", "SECabc") == quote_plus(base64.b64encode(ding).decode())
    feishu = hmac.new(b"1700000000\nabc", b"", hashlib.sha256).digest()
    assert feishu_sign("1700000000", "abc") == base64.b64encode(feishu).decode()
    assert webhook_signature("k", b"{}") == "sha256=" + hmac.new(b"k", b"{}", hashlib.sha256).hexdigest()
