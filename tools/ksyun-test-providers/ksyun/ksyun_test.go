package ksyun

import (
	"testing"
	"time"
)

func TestTokensAreTheBridgedProvidersNames(t *testing.T) {
	for resourceType, want := range map[string]string{
		"ksyun_instance":      "ksyun:index/instance:Instance",
		"ksyun_bws_associate": "ksyun:index/bwsAssociate:BwsAssociate",
		"ksyun_ks3_bucket":    "ksyun:index/ks3Bucket:Ks3Bucket",
		"ksyun_lb":            "ksyun:index/lb:Lb",
	} {
		if got := Token(resourceType); got != want {
			t.Errorf("Token(%q) = %q, want %q", resourceType, got, want)
		}
		if r, ok := ByToken(want); !ok || r.Type != resourceType {
			t.Errorf("ByToken(%q) does not find %s", want, resourceType)
		}
	}
	instance, _ := Lookup("ksyun_instance")
	for name, want := range map[string]string{
		"instance_type": "instanceType", "security_group_id": "securityGroupIds", "data_disk_gb": "dataDiskGb",
	} {
		a, _ := instance.Attribute(name)
		if got := a.PulumiName(); got != want {
			t.Errorf("PulumiName(%q) = %q, want %q", name, got, want)
		}
	}
}

func fixed() *Generator {
	return &Generator{Now: func() time.Time { return time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC) }}
}

func TestCreateFillsEveryComputedAttributeLeftUnset(t *testing.T) {
	eip, _ := Lookup("ksyun_eip")
	id, values, err := eip.Create(Values{"band_width": int64(50), "charge_type": "Daily"}, fixed())
	if err != nil {
		t.Fatal(err)
	}
	if values["allocation_id"] != id || values["public_ip"] == "" || values["band_width"] != int64(50) {
		t.Errorf("unexpected values %v (id %s)", values, id)
	}
	if values["create_time"] != "2026-11-24 18:00:00" || values["project_id"] != "0" {
		t.Errorf("create time or default wrong: %v", values)
	}
	for _, a := range eip.Attributes {
		if a.Computed && values[a.Name] == nil {
			t.Errorf("computed attribute %s left unset", a.Name)
		}
	}
}

func TestAnInstanceTakesItsTypeFromItsModel(t *testing.T) {
	instance, _ := Lookup("ksyun_instance")
	_, values, err := instance.Create(Values{"model_id": "model-S6.16C"}, fixed())
	if err != nil || values["instance_type"] != "S6.16C" || values["instance_status"] != "active" {
		t.Fatalf("values %v, error %v", values, err)
	}
	if _, _, err := instance.Create(Values{"image_id": "img-1"}, fixed()); err == nil {
		t.Error("an instance without type or model was created")
	}
}

func TestUpdateKeepsComputedValues(t *testing.T) {
	volume, _ := Lookup("ksyun_volume")
	_, prior, err := volume.Create(Values{"availability_zone": "cn-beijing-6a", "charge_type": "Daily"}, fixed())
	if err != nil {
		t.Fatal(err)
	}
	after, err := volume.Update(prior, Values{"availability_zone": "cn-beijing-6a", "charge_type": "Daily",
		"size": int64(200)})
	if err != nil {
		t.Fatal(err)
	}
	if after["size"] != int64(200) || after["create_time"] != prior["create_time"] || after["volume_type"] != "SSD3.0" {
		t.Errorf("after update: %v", after)
	}
}

func TestCheckNamesTheRefusedAttribute(t *testing.T) {
	volume, _ := Lookup("ksyun_volume")
	problems := volume.Check(Values{"size": int64(5), "volume_type": "SSD9", "availability_zone": "z"}, nil)
	want := []string{"size", "volume_type", "charge_type"}
	got := map[string]bool{}
	for _, p := range problems {
		got[p.Attribute] = true
	}
	for _, name := range want {
		if !got[name] {
			t.Errorf("no problem for %s in %v", name, problems)
		}
	}
	if problems := volume.Check(Values{"availability_zone": "z"}, map[string]bool{"charge_type": true}); len(problems) != 0 {
		t.Errorf("an unknown required value was refused: %v", problems)
	}
}
