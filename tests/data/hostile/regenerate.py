"""Writes the corpus files derived from the sample documents: `.venv/bin/python tests/data/hostile/regenerate.py`.

Run it when a sample document under tests/data changes; a case found by hand or by the property tests is added as
a file here (or a few lines below) and a row in cases.json. Not a test: tests/test_hostile_corpus.py reads the files.
"""

import copy
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
OUT = ROOT / "tests/data/hostile"


def w(name, text):
    (OUT / name).write_text(text, encoding="utf-8", errors="surrogatepass")


def wb(name, data):
    (OUT / name).write_bytes(data)


def dump(name, obj, ensure_ascii=True):
    w(name, json.dumps(obj, ensure_ascii=ensure_ascii, indent=1))


# generic
w("deep-arrays.json", '{"a": ' + "[" * 1000 + "]" * 1000 + "}")
w("deep-objects.json", '{"a": ' + '{"a": ' * 1000 + "1" + "}" * 1000 + "}")
w("deep-unclosed.json", '{"a": ' + "[" * 20000)
w("duplicate-member.json", '{"a": 1, "a": 2}')
w("nan.json", '{"a": NaN}')
wb("not-utf8.json", b'{"a": "\xff\xfe"}')
w("empty.json", "")
w("truncated.json", '{"a": [1, 2')

obs = json.loads((ROOT / "tests/data/observation-small.json").read_text())
obs_text = json.dumps(obs, indent=1)
# observation
w("obs-duplicate-resources.json", obs_text[:-1].rstrip() + ',\n "resources": ' + json.dumps(obs["resources"]) + "\n}")
first_vm = next(i for i, r in enumerate(obs["resources"]) if r["kind"] == "vm")
vm = obs["resources"][first_vm]
o = copy.deepcopy(obs)
o["resources"] = [vm]
t = json.dumps(o)
w("obs-duplicate-in-resource.json", t.replace(f'"vcpu": {vm["vcpu"]}', f'"vcpu": {vm["vcpu"]}, "vcpu": 4000'))
o = copy.deepcopy(obs)
o["resources"] = [{**vm, "tags": {"env": "prod"}}]
t = json.dumps(o)
w("obs-duplicate-in-unknown-field.json", t.replace('"env": "prod"', '"env": "prod", "env": "test"'))
for name, value in (("fullwidth", "５００"), ("underscore", "5_00"), ("exponent", "5e2"), ("spaces", " 500 ")):
    o = copy.deepcopy(obs)
    next(r for r in o["resources"] if r["kind"] == "bucket")["size_gb"] = value
    dump(f"obs-size-{name}.json", o, ensure_ascii=False)
o = copy.deepcopy(obs)
next(r for r in o["resources"] if r["kind"] == "bucket")["size_gb"] = True
dump("obs-size-bool.json", o)
for name, value in (("9999", "9999-12-31T23:59:59-12:00"), ("year-1", "0001-01-01T00:00:00+14:00")):
    o = copy.deepcopy(obs)
    o["observed_at"] = value
    dump(f"obs-observed-at-{name}.json", o)
o = copy.deepcopy(obs)
o["resources"].append({"id": "gpu-1", "kind": "gpu", "spec": json.loads("[" * 200 + "]" * 200)})
dump("obs-deep-in-resource.json", o)
o = copy.deepcopy(obs)
o["resources"][first_vm]["id"] = "vm-\ud800"
o["resources"].append({"id": "odd-\udc80\u001b[2J\u202e", "kind": "gpu\u0007"})
o["source"] = "exporter \u001b]0;title\u0007"
dump("obs-unprintable-text.json", o)

# contract
contract = json.loads((ROOT / "contract_inventory.json").read_text())


def cdump(name, mutate):
    c = copy.deepcopy(contract)
    mutate(c)
    dump(name, c, ensure_ascii=False)


cdump("contract-price-fullwidth.json", lambda c: c["line_items"][0].__setitem__("unit_price", "１４.０２"))
cdump("contract-quantity-underscore.json", lambda c: c["line_items"][0].__setitem__("quantity", "1_232"))
cdump("contract-months-string.json", lambda c: c["service_period"].__setitem__("months", "12"))
cdump("contract-start-year-1.json", lambda c: c["service_period"].__setitem__("start", "0001-01-01"))
cdump("contract-signed-9999.json", lambda c: c.__setitem__("signed_on", "9999-12-31"))
cdump(
    "contract-expansion-9999.json",
    lambda c: c.__setitem__(
        "expansions",
        [{"id": "x-1", "line_item": "compute.vcpu", "quantity": 64, "requested_at": "9999-12-31T23:59:59-12:00"}],
    ),
)
cdump("contract-title-unprintable.json", lambda c: c.__setitem__("title_en", "Cloud \ud800 \u001b[31mred\u202e"))
t = json.dumps(contract, ensure_ascii=False, indent=1)
w("contract-duplicate-total.json", t.replace('"total": ', '"total": 1, "total": ', 1))

# ksyun export
ks = json.loads((ROOT / "tests/data/ksyun/export.json").read_text())


def kdump(name, mutate):
    k = copy.deepcopy(ks)
    mutate(k)
    dump(name, k, ensure_ascii=False)


def first_volume(k):
    return k["DescribeVolumes"][0]["Volumes"][0]


kdump("ksyun-size-fullwidth.json", lambda k: first_volume(k).__setitem__("Size", "１００"))
kdump("ksyun-size-underscore.json", lambda k: first_volume(k).__setitem__("Size", "1_00"))
t = json.dumps(ks, ensure_ascii=False, indent=1)
w("ksyun-duplicate-volume-id.json", t.replace('"VolumeId": "v-1",', '"VolumeId": "v-1", "VolumeId": "v-9",', 1))
k = copy.deepcopy(ks)
k["DescribeInstances"][0]["InstancesSet"][0]["InstanceId"] = "i-\ud800\u001b[2J"
dump("ksyun-unprintable-id.json", k)
# kubectl
kc = json.loads((ROOT / "tests/data/kubernetes/cluster.json").read_text())
k = copy.deepcopy(kc)
k["items"][0]["status"]["capacity"]["memory"] = "１６Gi"
dump("kubectl-memory-fullwidth.json", k, ensure_ascii=False)
t = json.dumps(kc, indent=1)
w("kubectl-duplicate-kind.json", t.replace('"kind": "Node",', '"kind": "Node", "kind": "Service",', 1))
k = copy.deepcopy(kc)
k["items"][0]["metadata"]["name"] = "node-\ud800\u009b31m"
dump("kubectl-unprintable-name.json", k)
# pulumi
pu = json.loads((ROOT / "tests/data/pulumi/stack-prod.json").read_text())
p = copy.deepcopy(pu)
p["deployment"]["manifest"]["time"] = "9999-12-31T23:59:59-12:00"
dump("pulumi-manifest-9999.json", p)
p = copy.deepcopy(pu)
vol = next(r for r in p["deployment"]["resources"] if r["type"] == "ksyun:index/volume:Volume")
vol["outputs"]["size"] = "１００"
dump("pulumi-size-fullwidth.json", p, ensure_ascii=False)
t = json.dumps(pu, indent=1)
w("pulumi-duplicate-version.json", t.replace('"version": 3,', '"version": 3, "version": 4,', 1))
# tables
dump(
    "ksyun-tables-ghz-fullwidth.json", {"families": {"S6": {"cpu_ghz": "２.６", "arch": "x86_64"}}}, ensure_ascii=False
)
dump("kubernetes-tables-ghz-underscore.json", {"instance_types": {"S6": {"cpu_ghz": "2_6"}}})
dump(
    "pulumi-tables-vcpu-fullwidth.json",
    {"instance_types": {"S6.4B": {"vcpu": "４", "memory_gib": 8}}},
    ensure_ascii=False,
)
# calendars
dump("calendar-year-9999.json", {"year": 9999, "holidays": [], "workdays": []})
dump("calendar-date-fullwidth.json", {"year": 2027, "holidays": ["２０２７-01-01"], "workdays": []}, ensure_ascii=False)
k = copy.deepcopy(ks)
k["DescribeInstances"][0]["InstancesSet"][0]["InstanceConfigure"]["VCPU"] = 10**30
dump("ksyun-vcpu-huge.json", k)
w(
    "pulumi-tables-vcpu-huge.json",
    '{"instance_types": {"N3.2B": {"vcpu": 10000000000000000000000000000000000000000, "memory_gib": 4}}}\n',
)
tf = json.loads((ROOT / "tests/data/terraform/tenancy-state.json").read_text())
t = copy.deepcopy(tf)
vol = next(r for r in t["values"]["root_module"]["resources"] if r["type"] == "ksyun_volume")
vol["values"]["size"] = "１００"
dump("terraform-size-fullwidth.json", t, ensure_ascii=False)
t = copy.deepcopy(tf)
t["values"]["root_module"]["resources"][0]["address"] = "ksyun_bws.\ud800\u001b[2J"
dump("terraform-unprintable-address.json", t)
