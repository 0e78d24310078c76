// Command terraform-provider-ksyun is a Terraform provider for tests, served as registry source
// kingsoftcloud/ksyun: the resource types of package ksyun with the real provider's attribute names, types and
// flags. Computed attributes the configuration leaves unset are unknown in a plan ("known after apply") and keep
// their value on update, as with the real (SDKv2) provider; force-new attributes replace the resource. Create
// fills computed attributes in (ksyun.Resource.Create); read, update and delete change nothing elsewhere.
//
// Built by scripts/build-test-providers.sh into a filesystem mirror that the engine tests name in their own CLI
// configuration (TF_CLI_CONFIG_FILE).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"math/big"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"contract-reconciler.invalid/tools/ksyun-test-providers/ksyun"
)

// version is set at build time (-ldflags "-X main.version=...").
var version = "0.1.0"

const address = "registry.terraform.io/kingsoftcloud/ksyun"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run with support for debuggers (TF_REATTACH_PROVIDERS)")
	flag.Parse()
	err := providerserver.Serve(context.Background(), func() provider.Provider { return &ksyunProvider{} },
		providerserver.ServeOpts{Address: address, Debug: debug})
	if err != nil {
		log.Fatal(err)
	}
}

type ksyunProvider struct{}

func (p *ksyunProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = ksyun.Package
	resp.Version = version
}

func (p *ksyunProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	attributes := map[string]pschema.Attribute{}
	for _, a := range ksyun.ProviderAttributes {
		attributes[a.Name] = pschema.StringAttribute{Optional: true, Sensitive: a.Sensitive, Description: a.Description}
	}
	resp.Schema = pschema.Schema{
		Description: "Test provider mimicking kingsoftcloud/ksyun (no cloud API is called).",
		Attributes:  attributes,
	}
}

func (p *ksyunProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *ksyunProvider) Resources(context.Context) []func() resource.Resource {
	var all []func() resource.Resource
	for _, r := range ksyun.Resources {
		all = append(all, func() resource.Resource { return &genericResource{def: r, generator: ksyun.NewGenerator()} })
	}
	return all
}

func (p *ksyunProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// genericResource serves one resource type from its description.
type genericResource struct {
	def       *ksyun.Resource
	generator *ksyun.Generator
}

func (r *genericResource) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = r.def.Type
}

func (r *genericResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attributes := map[string]schema.Attribute{
		"id": schema.StringAttribute{
			Computed:      true,
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
	}
	for _, a := range r.def.Attributes {
		attributes[a.Name] = frameworkAttribute(a)
	}
	resp.Schema = schema.Schema{Description: r.def.Description, Attributes: attributes}
}

// frameworkAttribute is the plugin-framework form of an attribute. A default makes the attribute computed too
// (the framework's rule); computed values are kept from the state on update (UseStateForUnknown), as SDKv2 does.
func frameworkAttribute(a ksyun.Attribute) schema.Attribute {
	computed := a.Computed || a.Default != nil
	keep := computed
	switch a.Type {
	case ksyun.Int:
		s := schema.Int64Attribute{Required: a.Required, Optional: a.Optional, Computed: computed,
			Sensitive: a.Sensitive, Description: a.Description}
		if d, ok := a.Default.(int64); ok {
			s.Default = int64default.StaticInt64(d)
		}
		if a.ForceNew {
			s.PlanModifiers = append(s.PlanModifiers, int64planmodifier.RequiresReplace())
		}
		if keep {
			s.PlanModifiers = append(s.PlanModifiers, int64planmodifier.UseStateForUnknown())
		}
		if a.Max > 0 {
			s.Validators = []validator.Int64{between{a.Min, a.Max}}
		}
		return s
	case ksyun.Bool:
		s := schema.BoolAttribute{Required: a.Required, Optional: a.Optional, Computed: computed,
			Sensitive: a.Sensitive, Description: a.Description}
		if d, ok := a.Default.(bool); ok {
			s.Default = booldefault.StaticBool(d)
		}
		if a.ForceNew {
			s.PlanModifiers = append(s.PlanModifiers, boolplanmodifier.RequiresReplace())
		}
		if keep {
			s.PlanModifiers = append(s.PlanModifiers, boolplanmodifier.UseStateForUnknown())
		}
		return s
	case ksyun.StringMap:
		s := schema.MapAttribute{ElementType: types.StringType, Required: a.Required, Optional: a.Optional,
			Computed: computed, Sensitive: a.Sensitive, Description: a.Description}
		if a.ForceNew {
			s.PlanModifiers = append(s.PlanModifiers, mapplanmodifier.RequiresReplace())
		}
		return s
	case ksyun.StringSet:
		s := schema.SetAttribute{ElementType: types.StringType, Required: a.Required, Optional: a.Optional,
			Computed: computed, Sensitive: a.Sensitive, Description: a.Description}
		if a.ForceNew {
			s.PlanModifiers = append(s.PlanModifiers, setplanmodifier.RequiresReplace())
		}
		return s
	default:
		s := schema.StringAttribute{Required: a.Required, Optional: a.Optional, Computed: computed,
			Sensitive: a.Sensitive, Description: a.Description}
		if d, ok := a.Default.(string); ok {
			s.Default = stringdefault.StaticString(d)
		}
		if a.ForceNew {
			s.PlanModifiers = append(s.PlanModifiers, stringplanmodifier.RequiresReplace())
		}
		if keep {
			s.PlanModifiers = append(s.PlanModifiers, stringplanmodifier.UseStateForUnknown())
		}
		if len(a.OneOf) > 0 {
			s.Validators = []validator.String{oneOf(a.OneOf)}
		}
		return s
	}
}

type oneOf []string

func (v oneOf) Description(context.Context) string             { return fmt.Sprintf("one of %q", []string(v)) }
func (v oneOf) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (v oneOf) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for _, allowed := range v {
		if req.ConfigValue.ValueString() == allowed {
			return
		}
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid value",
		fmt.Sprintf("expected %s, got %q", v.Description(ctx), req.ConfigValue.ValueString()))
}

type between struct{ min, max int64 }

func (v between) Description(context.Context) string {
	return fmt.Sprintf("a number from %d to %d", v.min, v.max)
}
func (v between) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (v between) ValidateInt64(ctx context.Context, req validator.Int64Request, resp *validator.Int64Response) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if n := req.ConfigValue.ValueInt64(); n < v.min || n > v.max {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid value",
			fmt.Sprintf("expected %s, got %d", v.Description(ctx), n))
	}
}

// values reads an object value (plan or state) into known values; unknown attributes are left out.
func (r *genericResource) values(raw tftypes.Value) (ksyun.Values, diag.Diagnostics) {
	var diags diag.Diagnostics
	var attrs map[string]tftypes.Value
	if err := raw.As(&attrs); err != nil {
		diags.AddError("Cannot read the plan", err.Error())
		return nil, diags
	}
	out := ksyun.Values{}
	for _, a := range r.def.Attributes {
		v, ok := attrs[a.Name]
		if !ok || !v.IsKnown() || v.IsNull() {
			continue
		}
		value, err := goValue(a.Type, v)
		if err != nil {
			diags.AddAttributeError(path.Root(a.Name), "Cannot read the value", err.Error())
			continue
		}
		out[a.Name] = value
	}
	return out, diags
}

func goValue(t ksyun.Type, v tftypes.Value) (any, error) {
	switch t {
	case ksyun.Int:
		var f big.Float
		if err := v.As(&f); err != nil {
			return nil, err
		}
		n, _ := f.Int64()
		return n, nil
	case ksyun.Bool:
		var b bool
		err := v.As(&b)
		return b, err
	case ksyun.StringMap:
		var m map[string]tftypes.Value
		if err := v.As(&m); err != nil {
			return nil, err
		}
		out := map[string]string{}
		for k, e := range m {
			var s string
			if err := e.As(&s); err != nil {
				return nil, err
			}
			out[k] = s
		}
		return out, nil
	case ksyun.StringSet:
		var l []tftypes.Value
		if err := v.As(&l); err != nil {
			return nil, err
		}
		out := []string{}
		for _, e := range l {
			var s string
			if err := e.As(&s); err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		sort.Strings(out)
		return out, nil
	default:
		var s string
		err := v.As(&s)
		return s, err
	}
}

func tfValue(t tftypes.Type, value any) tftypes.Value {
	if value == nil {
		return tftypes.NewValue(t, nil)
	}
	switch x := value.(type) {
	case int64:
		return tftypes.NewValue(t, new(big.Float).SetInt64(x))
	case map[string]string:
		m := map[string]tftypes.Value{}
		for k, e := range x {
			m[k] = tftypes.NewValue(tftypes.String, e)
		}
		return tftypes.NewValue(t, m)
	case []string:
		l := []tftypes.Value{}
		for _, e := range x {
			l = append(l, tftypes.NewValue(tftypes.String, e))
		}
		return tftypes.NewValue(t, l)
	default:
		return tftypes.NewValue(t, x)
	}
}

// object writes id and values as an object of the schema's type; attributes without a value are null.
func (r *genericResource) object(like tftypes.Value, id string, values ksyun.Values) tftypes.Value {
	objectType := like.Type().(tftypes.Object)
	attrs := map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.String, id)}
	for name, t := range objectType.AttributeTypes {
		if name != "id" {
			attrs[name] = tfValue(t, values[name])
		}
	}
	return tftypes.NewValue(objectType, attrs)
}

func (r *genericResource) Create(_ context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	planned, diags := r.values(req.Plan.Raw)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	id, values, err := r.def.Create(planned, r.generator)
	if err != nil {
		resp.Diagnostics.AddError("Cannot create "+r.def.Type, err.Error())
		return
	}
	resp.State.Raw = r.object(req.Plan.Raw, id, values)
}

// Read reports the resource as recorded: nothing changes behind the test provider's back.
func (r *genericResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (r *genericResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	prior, diags := r.values(req.State.Raw)
	resp.Diagnostics.Append(diags...)
	planned, diags := r.values(req.Plan.Raw)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	values, err := r.def.Update(prior, planned)
	if err != nil {
		resp.Diagnostics.AddError("Cannot update "+r.def.Type, err.Error())
		return
	}
	var id string
	if err := req.State.GetAttribute(context.Background(), path.Root("id"), &id); err != nil {
		resp.Diagnostics.Append(err...)
		return
	}
	resp.State.Raw = r.object(req.Plan.Raw, id, values)
}

func (r *genericResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
