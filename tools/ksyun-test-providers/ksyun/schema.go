// Package ksyun describes the resources of the test providers: a subset of the resource types of the Kingsoft
// Cloud Terraform provider (registry source kingsoftcloud/ksyun) that the contract reconciler maps, with the
// attribute names, types and required/optional/computed/force-new flags of the real provider's schemas.
//
// Used by cmd/terraform-provider-ksyun (served through terraform-plugin-framework) and by
// cmd/pulumi-resource-ksyun (the same schemas under the names the Pulumi Terraform bridge derives, see names.go).
// Nothing here talks to a cloud: creating a resource records its inputs and fills its computed attributes
// (values.go).
package ksyun

import "sort"

// Type is an attribute's value type.
type Type int

const (
	String Type = iota
	Int
	Bool
	StringMap
	StringSet
)

// Attribute is one top-level attribute of a resource schema. Nested blocks of the real provider (an instance's
// system_disk and data_disks, a bucket's cors_rule, ...) are left out: the reconciler does not read them.
type Attribute struct {
	Name     string
	Type     Type
	Required bool
	Optional bool
	// Computed: the provider fills it when the configuration leaves it unset; unknown until apply.
	Computed bool
	// ForceNew: a change replaces the resource.
	ForceNew  bool
	Sensitive bool
	// Default (string, int64 or bool) applies when the configuration leaves the attribute unset.
	Default any
	// OneOf lists the accepted values of a string attribute (none: any).
	OneOf []string
	// Min and Max bound an Int attribute when Max > 0.
	Min, Max    int64
	Description string
}

// Resource is one resource type.
type Resource struct {
	// Type is the Terraform resource type, e.g. ksyun_instance.
	Type        string
	Description string
	Attributes  []Attribute
	// fill returns the computed values a create sets (see values.go); nil: only the id.
	fill func(id string, planned Values, g *Generator) (Values, error)
}

// Attribute returns the named attribute.
func (r *Resource) Attribute(name string) (Attribute, bool) {
	for _, a := range r.Attributes {
		if a.Name == name {
			return a, true
		}
	}
	return Attribute{}, false
}

func str(name string) Attribute { return Attribute{Name: name, Type: String} }

func computed(a Attribute) Attribute {
	a.Computed = true
	return a
}

func optional(a Attribute) Attribute {
	a.Optional = true
	return a
}

func required(a Attribute) Attribute {
	a.Required = true
	return a
}

func forceNew(a Attribute) Attribute {
	a.ForceNew = true
	return a
}

func withDefault(a Attribute, value any) Attribute {
	a.Optional = true
	a.Default = value
	return a
}

func oneOf(a Attribute, values ...string) Attribute {
	a.OneOf = values
	return a
}

func typed(name string, t Type) Attribute { return Attribute{Name: name, Type: t} }

func tags() Attribute {
	return Attribute{Name: "tags", Type: StringMap, Optional: true, Description: "the tags of the resource"}
}

// ProviderAttributes are the provider configuration attributes mimicked (all optional; credentials are never
// used).
var ProviderAttributes = []Attribute{
	optional(str("access_key")),
	{Name: "secret_key", Type: String, Optional: true, Sensitive: true},
	optional(str("region")),
}

// Resources are the mimicked resource types, ordered by type.
var Resources = sortedResources([]*Resource{
	{
		Type:        "ksyun_instance",
		Description: "A KEC instance (virtual machine).",
		Attributes: []Attribute{
			optional(str("image_id")),
			forceNew(optional(str("model_id"))),
			computed(optional(str("instance_type"))),
			oneOf(computed(optional(str("instance_status"))), "active", "stopped"),
			computed(optional(str("instance_name"))),
			computed(optional(typed("data_disk_gb", Int))),
			optional(str("subnet_id")),
			optional(typed("security_group_id", StringSet)),
			optional(typed("key_id", StringSet)),
			optional(str("charge_type")),
			forceNew(optional(typed("purchase_time", Int))),
			computed(optional(str("private_ip_address"))),
			computed(optional(typed("project_id", Int))),
			computed(optional(str("host_name"))),
			{Name: "instance_password", Type: String, Optional: true, Computed: true, Sensitive: true},
			computed(str("instance_id")),
			computed(str("network_interface_id")),
			tags(),
		},
		fill: fillInstance,
	},
	{
		Type:        "ksyun_volume",
		Description: "An EBS volume (block storage).",
		Attributes: []Attribute{
			optional(str("volume_name")),
			oneOf(withDefault(str("volume_type"), "SSD3.0"),
				"SSD3.0", "EHDD", "ESSD_PL0", "ESSD_PL1", "ESSD_PL2", "ESSD_PL3", "ESSD_Entry", "ESSD_AutoPL"),
			optional(str("volume_desc")),
			{Name: "size", Type: Int, Optional: true, Default: int64(10), Min: 10, Max: 32000},
			withDefault(typed("online_resize", Bool), true),
			forceNew(required(str("availability_zone"))),
			oneOf(required(str("charge_type")), "HourlyInstantSettlement", "Daily"),
			withDefault(typed("project_id", Int), int64(0)),
			computed(str("volume_status")),
			computed(str("create_time")),
			computed(str("volume_category")),
			computed(str("instance_id")),
			forceNew(optional(str("snapshot_id"))),
			tags(),
		},
		fill: fillVolume,
	},
	{
		Type:        "ksyun_eip",
		Description: "An elastic IP address with its own bandwidth.",
		Attributes: []Attribute{
			forceNew(computed(optional(str("line_id")))),
			required(typed("band_width", Int)),
			forceNew(required(str("charge_type"))),
			{Name: "purchase_time", Type: Int, Optional: true, ForceNew: true, Min: 0, Max: 36},
			withDefault(str("project_id"), "0"),
			computed(str("instance_id")),
			computed(str("state")),
			computed(str("instance_type")),
			computed(str("public_ip")),
			computed(str("allocation_id")),
			computed(str("create_time")),
			computed(str("network_interface_id")),
			computed(str("internet_gateway_id")),
			computed(str("band_width_share_id")),
			computed(str("is_band_width_share")),
			tags(),
		},
		fill: fillEip,
	},
	{
		Type:        "ksyun_bws",
		Description: "A bandwidth share: one bandwidth for the EIPs associated with it.",
		Attributes: []Attribute{
			forceNew(required(str("line_id"))),
			computed(optional(str("band_width_share_name"))),
			{Name: "band_width", Type: Int, Required: true, Min: 1, Max: 15000},
			forceNew(required(str("charge_type"))),
			withDefault(str("project_id"), "0"),
			tags(),
		},
		fill: fillBws,
	},
	{
		Type:        "ksyun_bws_associate",
		Description: "An EIP's membership of a bandwidth share.",
		Attributes: []Attribute{
			forceNew(required(str("band_width_share_id"))),
			forceNew(required(str("allocation_id"))),
			computed(typed("band_width", Int)),
		},
		fill: fillBwsAssociate,
	},
	{
		Type:        "ksyun_lb",
		Description: "A server load balancer (SLB).",
		Attributes: []Attribute{
			forceNew(required(str("vpc_id"))),
			computed(optional(str("load_balancer_name"))),
			forceNew(oneOf(withDefault(str("type"), "public"), "public", "internal")),
			forceNew(computed(optional(str("subnet_id")))),
			forceNew(computed(optional(str("private_ip_address")))),
			computed(optional(typed("project_id", Int))),
			oneOf(withDefault(str("load_balancer_state"), "start"), "start", "stop"),
			forceNew(oneOf(withDefault(str("ip_version"), "ipv4"), "all", "ipv4", "ipv6")),
			computed(str("public_ip")),
			computed(str("load_balancer_id")),
			computed(str("state")),
			computed(str("create_time")),
			computed(typed("is_waf", Bool)),
			computed(optional(typed("access_logs_enabled", Bool))),
			computed(optional(str("access_logs_s3_bucket"))),
			tags(),
		},
		fill: fillLb,
	},
	{
		Type:        "ksyun_ks3_bucket",
		Description: "A KS3 bucket (object storage). Its usage is no attribute: a plan cannot say how much it holds.",
		Attributes: []Attribute{
			// The real provider defaults the name to a unique "ks3-bucket-..." id when it is not configured.
			forceNew(computed(optional(str("bucket")))),
			oneOf(withDefault(str("acl"), "private"), "private", "public-read", "public-read-write"),
			oneOf(withDefault(str("storage_class"), "NORMAL"), "NORMAL", "STANDARD_IA", "ARCHIVE", "DEEP_IA"),
			optional(str("policy")),
			tags(),
		},
		fill: fillBucket,
	},
	{
		Type:        "ksyun_vpc",
		Description: "A VPC (no capacity of its own).",
		Attributes: []Attribute{
			optional(str("vpc_name")),
			forceNew(optional(str("cidr_block"))),
			forceNew(withDefault(typed("is_default", Bool), false)),
			computed(str("create_time")),
			tags(),
		},
		fill: fillCreated,
	},
	{
		Type:        "ksyun_subnet",
		Description: "A subnet of a VPC (no capacity of its own).",
		Attributes: []Attribute{
			forceNew(computed(optional(str("availability_zone")))),
			computed(optional(str("subnet_name"))),
			forceNew(required(str("cidr_block"))),
			forceNew(oneOf(required(str("subnet_type")), "Reserve", "Normal", "Physical")),
			forceNew(required(str("vpc_id"))),
			forceNew(computed(optional(str("gateway_ip")))),
			computed(optional(str("dns1"))),
			computed(optional(str("dns2"))),
			computed(str("subnet_id")),
			computed(str("create_time")),
		},
		fill: fillSubnet,
	},
})

func sortedResources(resources []*Resource) []*Resource {
	sort.Slice(resources, func(i, j int) bool { return resources[i].Type < resources[j].Type })
	return resources
}

// Lookup returns the resource type named (Terraform name).
func Lookup(resourceType string) (*Resource, bool) {
	for _, r := range Resources {
		if r.Type == resourceType {
			return r, true
		}
	}
	return nil, false
}
