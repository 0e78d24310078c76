// Command pulumi-resource-ksyun is a Pulumi resource provider plugin for tests: the resource types of the
// test Terraform provider (package ksyun) under the type tokens and property names a bridged Kingsoft Cloud
// provider has (ksyun:index/instance:Instance, instanceType, ...). It speaks the engine's gRPC protocol like a
// bridged provider: Check keeps the inputs (with an empty __defaults list), Diff compares inputs and asks for a
// replacement where Terraform would (force-new attributes), a preview of a create or update reports every
// computed attribute the program leaves unset as unknown, and create fills them in. It calls no cloud API.
//
// Built by scripts/build-test-providers.sh; the engine tests put it on PATH, where the engine finds it as the
// plugin of package ksyun.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"contract-reconciler.invalid/tools/ksyun-test-providers/ksyun"
)

// version is set at build time (-ldflags "-X main.version=...").
var version = "0.1.0"

const defaultsKey = "__defaults"

func main() {
	if err := provider.Main(ksyun.Package, func(*provider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return &server{generator: ksyun.NewGenerator()}, nil
	}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

type server struct {
	pulumirpc.UnimplementedResourceProviderServer
	generator *ksyun.Generator
}

var marshal = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, SkipNulls: true}

func unmarshal(s *structpb.Struct) (resource.PropertyMap, error) {
	if s == nil {
		return resource.PropertyMap{}, nil
	}
	return plugin.UnmarshalProperties(s, marshal)
}

func lookup(token string) (*ksyun.Resource, error) {
	r, ok := ksyun.ByToken(token)
	if !ok {
		return nil, fmt.Errorf("unknown resource type %s (this test provider serves: %s)", token, tokens())
	}
	return r, nil
}

func tokens() string {
	names := ""
	for i, r := range ksyun.Resources {
		if i > 0 {
			names += ", "
		}
		names += ksyun.Token(r.Type)
	}
	return names
}

// decoded is a property map read against a schema: known values by Terraform name, the names whose value is
// unknown, and the properties the schema does not have.
type decoded struct {
	known      ksyun.Values
	unknown    map[string]bool
	unexpected []string
}

func decode(r *ksyun.Resource, props resource.PropertyMap) decoded {
	d := decoded{known: ksyun.Values{}, unknown: map[string]bool{}}
	byName := map[resource.PropertyKey]ksyun.Attribute{}
	for _, a := range r.Attributes {
		byName[resource.PropertyKey(a.PulumiName())] = a
	}
	for key, value := range props {
		a, ok := byName[key]
		if !ok {
			if len(key) < 2 || key[:2] != "__" {
				d.unexpected = append(d.unexpected, string(key))
			}
			continue
		}
		if known, isKnown := plain(a, value); !isKnown {
			d.unknown[a.Name] = true
		} else if known != nil {
			d.known[a.Name] = known
		}
	}
	sort.Strings(d.unexpected)
	return d
}

// plain converts a property value to the Values form of its attribute's type; (nil, true) is null, (nil,
// false) unknown. A value of the wrong type is kept as is, for Check to refuse.
func plain(a ksyun.Attribute, v resource.PropertyValue) (any, bool) {
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	if v.IsOutput() {
		if !v.OutputValue().Known {
			return nil, false
		}
		v = v.OutputValue().Element
	}
	switch {
	case v.IsComputed():
		return nil, false
	case v.IsNull():
		return nil, true
	}
	switch a.Type {
	case ksyun.String:
		if v.IsString() {
			return v.StringValue(), true
		}
	case ksyun.Int:
		if v.IsNumber() && v.NumberValue() == float64(int64(v.NumberValue())) {
			return int64(v.NumberValue()), true
		}
	case ksyun.Bool:
		if v.IsBool() {
			return v.BoolValue(), true
		}
	case ksyun.StringMap:
		if v.IsObject() {
			m := map[string]string{}
			for k, e := range v.ObjectValue() {
				if e.ContainsUnknowns() {
					return nil, false
				}
				if !e.IsString() {
					return v.Mappable(), true
				}
				m[string(k)] = e.StringValue()
			}
			return m, true
		}
	case ksyun.StringSet:
		if v.IsArray() {
			var l []string
			for _, e := range v.ArrayValue() {
				if e.ContainsUnknowns() {
					return nil, false
				}
				if !e.IsString() {
					return v.Mappable(), true
				}
				l = append(l, e.StringValue())
			}
			sort.Strings(l)
			return l, true
		}
	}
	return v.Mappable(), true
}

func property(a ksyun.Attribute, value any) resource.PropertyValue {
	var v resource.PropertyValue
	switch x := value.(type) {
	case string:
		v = resource.NewStringProperty(x)
	case int64:
		v = resource.NewNumberProperty(float64(x))
	case bool:
		v = resource.NewBoolProperty(x)
	case map[string]string:
		m := resource.PropertyMap{}
		for k, e := range x {
			m[resource.PropertyKey(k)] = resource.NewStringProperty(e)
		}
		v = resource.NewObjectProperty(m)
	case []string:
		l := make([]resource.PropertyValue, 0, len(x))
		for _, e := range x {
			l = append(l, resource.NewStringProperty(e))
		}
		v = resource.NewArrayProperty(l)
	default:
		v = resource.NewPropertyValue(x)
	}
	if a.Sensitive {
		return resource.MakeSecret(v)
	}
	return v
}

// encode writes known values and unknowns back as properties (nulls omitted), with the resource id as the
// bridge writes it among the outputs ("" for unknown until created).
func encode(r *ksyun.Resource, known ksyun.Values, unknown map[string]bool, id string) (*structpb.Struct, error) {
	props := resource.PropertyMap{"id": resource.NewStringProperty(id)}
	if id == "" {
		props["id"] = resource.MakeComputed(resource.NewStringProperty(""))
	}
	for _, a := range r.Attributes {
		key := resource.PropertyKey(a.PulumiName())
		if unknown[a.Name] {
			props[key] = resource.MakeComputed(resource.NewStringProperty(""))
		} else if value, ok := known[a.Name]; ok && value != nil {
			props[key] = property(a, value)
		}
	}
	return plugin.MarshalProperties(props, marshal)
}

func (s *server) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (s *server) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (s *server) DiffConfig(context.Context, *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
}

func (s *server) Configure(context.Context, *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true, AcceptResources: true}, nil
}

func (s *server) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	r, err := lookup(req.GetType())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	d := decode(r, news)
	var failures []*pulumirpc.CheckFailure
	for _, name := range d.unexpected {
		failures = append(failures, &pulumirpc.CheckFailure{Property: name, Reason: "not a property of " + req.GetType()})
	}
	for _, p := range r.Check(d.known, d.unknown) {
		a, _ := r.Attribute(p.Attribute)
		failures = append(failures, &pulumirpc.CheckFailure{Property: a.PulumiName(), Reason: p.Reason})
	}
	for _, a := range r.Attributes {
		if a.Computed && !a.Optional && !a.Required && (d.known[a.Name] != nil || d.unknown[a.Name]) {
			failures = append(failures, &pulumirpc.CheckFailure{Property: a.PulumiName(), Reason: "is an output only"})
		}
	}
	inputs := news.Copy()
	inputs[defaultsKey] = resource.NewArrayProperty([]resource.PropertyValue{})
	marshaled, err := plugin.MarshalProperties(inputs, marshal)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CheckResponse{Inputs: marshaled, Failures: failures}, nil
}

func (s *server) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	r, err := lookup(req.GetType())
	if err != nil {
		return nil, err
	}
	oldProps := req.GetOldInputs()
	if oldProps == nil || len(oldProps.GetFields()) == 0 {
		oldProps = req.GetOlds()
	}
	olds, err := unmarshal(oldProps)
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	before, after := decode(r, olds), decode(r, news)
	ignored := map[string]bool{}
	for _, name := range req.GetIgnoreChanges() {
		ignored[name] = true
	}
	resp := &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE, HasDetailedDiff: true,
		DetailedDiff: map[string]*pulumirpc.PropertyDiff{}}
	for _, a := range r.Attributes {
		key := a.PulumiName()
		if (!a.Optional && !a.Required) || ignored[key] {
			continue
		}
		old, had := before.known[a.Name]
		if !had && a.Default != nil {
			old, had = a.Default, true
		}
		value, has := after.known[a.Name]
		if !has && a.Default != nil && !after.unknown[a.Name] {
			value, has = a.Default, true
		}
		var kind pulumirpc.PropertyDiff_Kind
		switch {
		case after.unknown[a.Name]:
			kind = pulumirpc.PropertyDiff_UPDATE
		case !has && a.Computed:
			continue // unset: the provider keeps the value it chose
		case has && had:
			if reflect.DeepEqual(old, value) {
				continue
			}
			kind = pulumirpc.PropertyDiff_UPDATE
		case has:
			kind = pulumirpc.PropertyDiff_ADD
		case had:
			kind = pulumirpc.PropertyDiff_DELETE
		default:
			continue
		}
		if a.ForceNew {
			kind++ // ADD -> ADD_REPLACE, DELETE -> DELETE_REPLACE, UPDATE -> UPDATE_REPLACE
			resp.Replaces = append(resp.Replaces, key)
		}
		resp.Changes = pulumirpc.DiffResponse_DIFF_SOME
		resp.Diffs = append(resp.Diffs, key)
		resp.DetailedDiff[key] = &pulumirpc.PropertyDiff{Kind: kind, InputDiff: true}
	}
	return resp, nil
}

func (s *server) Create(_ context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	r, err := lookup(req.GetType())
	if err != nil {
		return nil, err
	}
	props, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	d := decode(r, props)
	if req.GetPreview() {
		known := r.WithDefaults(d.known)
		for _, a := range r.Attributes {
			if a.Computed && known[a.Name] == nil {
				d.unknown[a.Name] = true
			}
		}
		out, err := encode(r, known, d.unknown, "")
		return &pulumirpc.CreateResponse{Properties: out}, err
	}
	id, values, err := r.Create(d.known, s.generator)
	if err != nil {
		return nil, fmt.Errorf("creating %s: %w", req.GetUrn(), err)
	}
	out, err := encode(r, values, nil, id)
	return &pulumirpc.CreateResponse{Id: id, Properties: out}, err
}

func (s *server) Update(_ context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	r, err := lookup(req.GetType())
	if err != nil {
		return nil, err
	}
	olds, err := unmarshal(req.GetOlds())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	prior, planned := decode(r, olds), decode(r, news)
	if req.GetPreview() {
		known := r.WithDefaults(planned.known)
		for _, a := range r.Attributes {
			if a.Computed && known[a.Name] == nil && !planned.unknown[a.Name] {
				known[a.Name] = prior.known[a.Name]
			}
		}
		out, err := encode(r, known, planned.unknown, req.GetId())
		return &pulumirpc.UpdateResponse{Properties: out}, err
	}
	values, err := r.Update(prior.known, planned.known)
	if err != nil {
		return nil, fmt.Errorf("updating %s: %w", req.GetUrn(), err)
	}
	out, err := encode(r, values, nil, req.GetId())
	return &pulumirpc.UpdateResponse{Properties: out}, err
}

// Read reports the resource as recorded: nothing changes behind the test provider's back.
func (s *server) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	if _, err := lookup(req.GetType()); err != nil {
		return nil, err
	}
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: req.GetInputs()}, nil
}

func (s *server) Delete(context.Context, *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// GetSchema describes the package (`pulumi package get-schema ksyun`): each resource's token and properties.
func (s *server) GetSchema(context.Context, *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	resources := map[string]any{}
	for _, r := range ksyun.Resources {
		inputs, outputs := map[string]any{}, map[string]any{}
		var requiredInputs, required []string
		for _, a := range r.Attributes {
			spec := map[string]any{"description": a.Description}
			switch a.Type {
			case ksyun.String:
				spec["type"] = "string"
			case ksyun.Int:
				spec["type"] = "integer"
			case ksyun.Bool:
				spec["type"] = "boolean"
			case ksyun.StringMap:
				spec["type"], spec["additionalProperties"] = "object", map[string]string{"type": "string"}
			case ksyun.StringSet:
				spec["type"], spec["items"] = "array", map[string]string{"type": "string"}
			}
			if a.Sensitive {
				spec["secret"] = true
			}
			outputs[a.PulumiName()] = spec
			if a.Optional || a.Required {
				inputs[a.PulumiName()] = spec
			}
			if a.Required {
				requiredInputs = append(requiredInputs, a.PulumiName())
			}
			if a.Required || a.Computed || a.Default != nil {
				required = append(required, a.PulumiName())
			}
		}
		resources[ksyun.Token(r.Type)] = map[string]any{
			"description": r.Description, "inputProperties": inputs, "properties": outputs,
			"requiredInputs": requiredInputs, "required": required,
		}
	}
	schema, err := json.Marshal(map[string]any{
		"name": ksyun.Package, "version": version, "resources": resources,
		"description": "Test provider mimicking the bridged Kingsoft Cloud provider (contract-reconciler tests).",
	})
	return &pulumirpc.GetSchemaResponse{Schema: string(schema)}, err
}
