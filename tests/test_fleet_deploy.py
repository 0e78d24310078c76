"""The fleet on Kubernetes: the Kustomize base renders (`kubectl kustomize`) into objects the official client's
models accept, the Indexed Job's shard count agrees everywhere, the example fleet file follows the published schema,
and the image's install step (the Dockerfile's own script) and entrypoint run in a fresh virtualenv with the Job's
environment, checking its shard and pushing its metrics.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.fleet_support import NOW, ROOT, generate_fleet

BASE = ROOT / "deploy" / "kubernetes" / "base"


def rendered(folder: Path) -> list[dict[str, Any]]:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.fail("kubectl is missing (its `kustomize` renders the manifests): install kubectl")
    done = subprocess.run([kubectl, "kustomize", str(folder)], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


@pytest.fixture(scope="module")
def objects() -> list[dict[str, Any]]:
    return rendered(BASE)


def model_of(doc: dict[str, Any]) -> Any:
    """The document deserialized into the kubernetes client's model of its kind (as the client reads a reply)."""
    from kubernetes.client import ApiClient

    version = doc["apiVersion"].rpartition("/")[2]
    prefix = "V1" if version == "v1" else version.capitalize()
    return ApiClient().deserialize(json.dumps(doc), f"{prefix}{doc['kind']}", "application/json")


def test_the_base_renders_into_the_clients_models(objects: list[dict[str, Any]]) -> None:
    kinds = sorted(f"{o['kind']}/{o['metadata']['name']}" for o in objects)
    assert kinds == [
        "ClusterRole/contract-reconciler-observer", "ClusterRoleBinding/contract-reconciler-observer",
        "ConfigMap/" + next(o["metadata"]["name"] for o in objects if o["kind"] == "ConfigMap"),
        "CronJob/reconciler-fleet", "Deployment/reconciler-exporter", "Namespace/reconciler",
        "Service/reconciler-exporter", "ServiceAccount/reconciler",
    ]  # fmt: skip
    for doc in objects:
        model = model_of(doc)
        assert model.kind == doc["kind"]
        if doc["kind"] not in ("Namespace", "ClusterRole", "ClusterRoleBinding"):
            assert model.metadata.namespace == "reconciler"


def test_the_cronjob_runs_an_indexed_job_of_agreeing_shards(objects: list[dict[str, Any]]) -> None:
    cron = model_of(next(o for o in objects if o["kind"] == "CronJob"))
    job = cron.spec.job_template.spec
    assert (cron.spec.schedule, cron.spec.time_zone, cron.spec.concurrency_policy) == (
        "0 2 * * *", "Asia/Shanghai", "Forbid",
    )  # fmt: skip
    assert job.completion_mode == "Indexed"
    container = job.template.spec.containers[0]
    shard = container.args[container.args.index("--shard") + 1]
    assert shard == f"$(JOB_COMPLETION_INDEX)/{job.completions}"
    assert job.parallelism == job.completions
    assert container.image == "registry.example.gov.cn/reconciler/contract-reconciler:0.1.0"
    env = {e.name: e for e in container.env}
    assert env["RECONCILER_HISTORY"].value_from.secret_key_ref.name == "reconciler-history"
    assert {s.secret_ref.name for s in container.env_from} == {"reconciler-ksyun", "reconciler-notify"}
    rule = job.pod_failure_policy.rules[0]
    assert (rule.action, rule.on_exit_codes.values) == ("FailIndex", [1, 2, 3])  # results are not retried
    assert container.resources.requests["memory"] == "256Mi"
    assert job.template.spec.service_account_name == "reconciler"


def test_the_example_fleet_and_a_generated_one_follow_the_published_schema(tmp_path: Path) -> None:
    schema = json.loads((ROOT / "schemas" / "fleet.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(json.loads((BASE / "fleet.json").read_text(encoding="utf-8")), schema)
    jsonschema.validate(json.loads(generate_fleet(tmp_path, 3).read_text(encoding="utf-8")), schema)


def test_the_alert_rules_name_metrics_the_fleet_exposes() -> None:
    from reconciler.fleet import metrics

    rules = rendered(ROOT / "deploy" / "kubernetes" / "monitoring")[0]["spec"]["groups"][0]["rules"]
    alerts = {rule["alert"]: rule for rule in rules}
    assert alerts["ContractLineItemShortForADay"]["for"] == "24h"
    source = Path(metrics.__file__).read_text(encoding="utf-8")
    for rule in rules:
        for name in re.findall(r"reconciler_[a-z_]+", rule["expr"]):
            assert f'"{name.removeprefix("reconciler_")}"' in source, name


@pytest.fixture
def pushgateway() -> Iterator[tuple[str, list[tuple[str, bytes]]]]:
    """A stand-in Pushgateway on 127.0.0.1: keeps each PUT (path, body)."""
    pushed: list[tuple[str, bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_PUT(self) -> None:
            pushed.append((self.path, self.rfile.read(int(self.headers.get("Content-Length", "0")))))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", pushed
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.slow
def test_the_images_install_step_and_entrypoint_run_a_shard_with_the_jobs_environment(
    objects: list[dict[str, Any]], tmp_path: Path, pushgateway: tuple[str, list[tuple[str, bytes]]]
) -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:\d+\.\d+\.\d+-slim-\w+ AS build$", dockerfile, re.M)  # a pinned release
    assert "RUN sh deploy/image/install.sh /opt/reconciler /src" in dockerfile
    entrypoint = json.loads(re.search(r"^ENTRYPOINT (.*)$", dockerfile, re.M).group(1))  # type: ignore[union-attr]
    prefix = tmp_path / "opt-reconciler"
    install = subprocess.run(["sh", str(ROOT / "deploy" / "image" / "install.sh"), str(prefix), str(ROOT)],
                             capture_output=True, text=True, timeout=600, check=False)  # fmt: skip
    assert install.returncode == 0, install.stderr[-2000:]
    program = [entrypoint[0].replace("/opt/reconciler", str(prefix))]

    fleet = generate_fleet(tmp_path / "etc", 8, broken=None, failing_every=0)
    cron = next(o for o in objects if o["kind"] == "CronJob")
    job = cron["spec"]["jobTemplate"]["spec"]
    container = job["template"]["spec"]["containers"][0]
    url, pushed = pushgateway
    secrets = {"RECONCILER_HISTORY": f"sqlite:///{tmp_path / 'history.sqlite'}"}
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "JOB_COMPLETION_INDEX": "1"}
    for item in container["env"]:
        if "value" in item:
            env[item["name"]] = item["value"]
        elif "secretKeyRef" in item["valueFrom"]:
            env[item["name"]] = secrets[item["name"]]
        else:  # the downward API: the Job's name
            env[item["name"]] = "reconciler-fleet-29467800"
    env["RECONCILER_PUSHGATEWAY"] = url  # the cluster's Pushgateway, here on 127.0.0.1
    args = [re.sub(r"\$\((\w+)\)", lambda m: env[m.group(1)], arg) for arg in container["args"]]
    args[args.index("/etc/reconciler/fleet.json")] = str(fleet)
    done = subprocess.run([*program, *args, "--now", NOW, "--format", "json"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    report = json.loads(done.stdout)
    assert report["shard"] == f"1/{job['completions']}"
    assert report["batch"] == "reconciler-fleet-29467800"
    from reconciler.fleet.shards import shard_of

    expected = [f"agency-{n:03d}" for n in range(1, 9) if shard_of(f"agency-{n:03d}", job["completions"]) == 1]
    assert [c["name"] for c in report["contracts"]] == expected
    assert [path for path, _ in pushed] == ["/metrics/job/reconciler_fleet/shard/1_of_4"]
    assert b"reconciler_contract_exit_code" in pushed[0][1]
    assert sys.executable not in done.stderr
