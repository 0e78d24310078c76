package ksyun

// What creating and updating a resource does in the test providers: check the planned values against the
// schema, apply defaults, and fill every computed attribute the configuration left unset with a value of the
// shape the real provider reports (ids, addresses, states, timestamps). Nothing is called or stored elsewhere:
// Terraform's state or Pulumi's checkpoint is the only record.

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"time"
)

// Values maps attribute names to values: string, int64, bool, map[string]string or []string. An absent name
// is null (or, where a caller says so, unknown).
type Values map[string]any

// Generator makes the values a create fills in: random ids and addresses, and the time of creation.
type Generator struct {
	Now func() time.Time
}

// NewGenerator returns a generator using the wall clock.
func NewGenerator() *Generator { return &Generator{Now: time.Now} }

func (g *Generator) random() [16]byte {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("reading random bytes: %v", err))
	}
	return b
}

// UUID returns a random version-4 UUID, the shape of Kingsoft Cloud resource ids.
func (g *Generator) UUID() string {
	b := g.random()
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// PrivateIP returns a random address in 10.0.0.0/8.
func (g *Generator) PrivateIP() string {
	b := g.random()
	return fmt.Sprintf("10.%d.%d.%d", b[0], b[1], 1+b[2]%254)
}

// PublicIP returns a random address in 198.18.0.0/15 (reserved for testing; never routed).
func (g *Generator) PublicIP() string {
	b := g.random()
	return fmt.Sprintf("198.%d.%d.%d", 18+b[0]%2, b[1], 1+b[2]%254)
}

// Digits returns n random decimal digits.
func (g *Generator) Digits(n int) string {
	var sb strings.Builder
	for sb.Len() < n {
		b := g.random()
		sb.WriteString(fmt.Sprintf("%d", binary.BigEndian.Uint64(b[:8])%1e9))
	}
	return sb.String()[:n]
}

// CreateTime returns the time now as the Kingsoft API writes it (China Standard Time, no zone).
func (g *Generator) CreateTime() string {
	return g.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02 15:04:05")
}

// Problem is an attribute whose value the schema refuses.
type Problem struct {
	Attribute string
	Reason    string
}

func (p Problem) Error() string { return p.Attribute + ": " + p.Reason }

// Check returns the problems of the values known so far (`known`: attribute name -> value; unknown values are
// absent and are not checked). Required attributes must be present unless `unknown` lists them.
func (r *Resource) Check(known Values, unknown map[string]bool) []Problem {
	var problems []Problem
	names := make([]string, 0, len(known))
	for name := range known {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if _, ok := r.Attribute(name); !ok && name != "id" {
			problems = append(problems, Problem{name, "unsupported attribute of " + r.Type})
		}
	}
	for _, a := range r.Attributes {
		value, present := known[a.Name]
		if !present || value == nil {
			if a.Required && !unknown[a.Name] {
				problems = append(problems, Problem{a.Name, "required attribute is missing"})
			}
			continue
		}
		if reason := a.refuses(value); reason != "" {
			problems = append(problems, Problem{a.Name, reason})
		}
	}
	return problems
}

func (a Attribute) refuses(value any) string {
	switch a.Type {
	case String:
		s, ok := value.(string)
		if !ok {
			return fmt.Sprintf("expected a string, found %T", value)
		}
		if len(a.OneOf) > 0 && !contains(a.OneOf, s) {
			return fmt.Sprintf("expected one of %s, found %q", strings.Join(a.OneOf, ", "), s)
		}
	case Int:
		n, ok := value.(int64)
		if !ok {
			return fmt.Sprintf("expected a whole number, found %T", value)
		}
		if a.Max > 0 && (n < a.Min || n > a.Max) {
			return fmt.Sprintf("expected a number from %d to %d, found %d", a.Min, a.Max, n)
		}
	case Bool:
		if _, ok := value.(bool); !ok {
			return fmt.Sprintf("expected true or false, found %T", value)
		}
	case StringMap:
		if _, ok := value.(map[string]string); !ok {
			return fmt.Sprintf("expected a map of strings, found %T", value)
		}
	case StringSet:
		if _, ok := value.([]string); !ok {
			return fmt.Sprintf("expected a set of strings, found %T", value)
		}
	}
	return ""
}

func contains(values []string, s string) bool {
	for _, v := range values {
		if v == s {
			return true
		}
	}
	return false
}

// WithDefaults returns the values with the default of every attribute left unset.
func (r *Resource) WithDefaults(values Values) Values {
	out := Values{}
	for name, value := range values {
		out[name] = value
	}
	for _, a := range r.Attributes {
		if v, ok := out[a.Name]; (!ok || v == nil) && a.Default != nil {
			out[a.Name] = a.Default
		}
	}
	return out
}

// Create returns the id and every attribute of a new resource: the planned values (defaults applied), and
// each computed attribute they leave unset filled as the real provider would report it after creation.
func (r *Resource) Create(planned Values, g *Generator) (string, Values, error) {
	planned = r.WithDefaults(planned)
	if problems := r.Check(planned, nil); len(problems) > 0 {
		return "", nil, problems[0]
	}
	id := g.UUID()
	filled := Values{}
	if r.fill != nil {
		var err error
		if filled, err = r.fill(id, planned, g); err != nil {
			return "", nil, err
		}
	}
	if value, ok := filled["id"].(string); ok {
		id = value
	}
	out := Values{}
	for _, a := range r.Attributes {
		if v, ok := planned[a.Name]; ok && v != nil {
			out[a.Name] = v
		} else if a.Computed {
			out[a.Name] = filled[a.Name]
		}
	}
	return id, out, nil
}

// Update returns every attribute after an update in place: the planned values (defaults applied), and each
// computed attribute they leave unset kept from the prior state (computed values do not change on update).
func (r *Resource) Update(prior, planned Values) (Values, error) {
	planned = r.WithDefaults(planned)
	if problems := r.Check(planned, nil); len(problems) > 0 {
		return nil, problems[0]
	}
	out := Values{}
	for _, a := range r.Attributes {
		if v, ok := planned[a.Name]; ok && v != nil {
			out[a.Name] = v
		} else if a.Computed {
			out[a.Name] = prior[a.Name]
		}
	}
	return out, nil
}

func short(id string) string { return strings.SplitN(id, "-", 2)[0] }

func fillInstance(id string, p Values, g *Generator) (Values, error) {
	out := Values{
		"instance_status":      "active",
		"instance_name":        "ksc_instance-" + short(id),
		"data_disk_gb":         int64(0),
		"private_ip_address":   g.PrivateIP(),
		"project_id":           int64(0),
		"host_name":            "ksc-" + short(id),
		"instance_password":    "",
		"instance_id":          id,
		"network_interface_id": g.UUID(),
	}
	if p["instance_type"] == nil {
		// The real provider reads the type of an instance made from an instance model (launch template) back
		// from the API; the test provider's models are named model-<instance type>.
		model, _ := p["model_id"].(string)
		if !strings.HasPrefix(model, "model-") {
			return nil, Problem{"instance_type", fmt.Sprintf(
				"not set, and model_id %q names no instance type (the test provider's models are model-<type>)", model)}
		}
		out["instance_type"] = strings.TrimPrefix(model, "model-")
	}
	return out, nil
}

func fillVolume(_ string, _ Values, g *Generator) (Values, error) {
	return Values{
		"volume_status":   "available",
		"create_time":     g.CreateTime(),
		"volume_category": "data",
		"instance_id":     "",
	}, nil
}

func fillEip(id string, _ Values, g *Generator) (Values, error) {
	return Values{
		"line_id":              g.UUID(),
		"instance_id":          "",
		"state":                "disassociate",
		"instance_type":        "",
		"public_ip":            g.PublicIP(),
		"allocation_id":        id,
		"create_time":          g.CreateTime(),
		"network_interface_id": "",
		"internet_gateway_id":  "",
		"band_width_share_id":  "",
		"is_band_width_share":  "false",
	}, nil
}

func fillBws(id string, _ Values, _ *Generator) (Values, error) {
	return Values{"band_width_share_name": "ksc_bws-" + short(id)}, nil
}

func fillBwsAssociate(_ string, p Values, _ *Generator) (Values, error) {
	// The real provider reads the EIP's bandwidth inside the share back from the API; the test provider does
	// not look the share up and reports none.
	return Values{
		"id":         fmt.Sprintf("%v:%v", p["band_width_share_id"], p["allocation_id"]),
		"band_width": int64(0),
	}, nil
}

func fillLb(id string, p Values, g *Generator) (Values, error) {
	public := ""
	if p["type"] == "public" {
		public = g.PublicIP()
	}
	return Values{
		"load_balancer_name":    "ksc_lb-" + short(id),
		"subnet_id":             "",
		"private_ip_address":    g.PrivateIP(),
		"project_id":            int64(0),
		"public_ip":             public,
		"load_balancer_id":      id,
		"state":                 "associate",
		"create_time":           g.CreateTime(),
		"is_waf":                false,
		"access_logs_enabled":   false,
		"access_logs_s3_bucket": "",
	}, nil
}

func fillBucket(_ string, p Values, g *Generator) (Values, error) {
	name, _ := p["bucket"].(string)
	if name == "" {
		name = "ks3-bucket-" + g.Digits(26)
	}
	return Values{"id": name, "bucket": name}, nil
}

func fillCreated(_ string, _ Values, g *Generator) (Values, error) {
	return Values{"create_time": g.CreateTime()}, nil
}

func fillSubnet(id string, p Values, g *Generator) (Values, error) {
	cidr, _ := p["cidr_block"].(string)
	prefix, err := netip.ParsePrefix(cidr)
	if err != nil {
		return nil, Problem{"cidr_block", fmt.Sprintf("not a CIDR block: %q", cidr)}
	}
	return Values{
		"availability_zone": "cn-beijing-6a",
		"subnet_name":       "ksc_subnet-" + short(id),
		"gateway_ip":        prefix.Masked().Addr().Next().String(),
		"dns1":              "198.18.254.41",
		"dns2":              "198.18.254.40",
		"subnet_id":         id,
		"create_time":       g.CreateTime(),
	}, nil
}
