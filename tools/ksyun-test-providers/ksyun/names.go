package ksyun

// Names of the same schemas in Pulumi, derived the way the Pulumi Terraform bridge (tfbridge) derives them for
// a bridged provider with every resource in the `index` module: the resource type loses the provider prefix
// and becomes `ksyun:index/<camelCase>:<PascalCase>`; attribute names become camelCase; a list or set attribute
// with a singular name is pluralized; the Terraform `id` is the Pulumi resource id, never a property.

import "strings"

// Package is the Pulumi package (and Terraform provider) name.
const Package = "ksyun"

// Token returns the Pulumi type token of a Terraform resource type: ksyun_bws_associate ->
// ksyun:index/bwsAssociate:BwsAssociate.
func Token(resourceType string) string {
	camel := camelCase(strings.TrimPrefix(resourceType, Package+"_"))
	return Package + ":index/" + camel + ":" + strings.ToUpper(camel[:1]) + camel[1:]
}

// ByToken returns the resource type of a Pulumi type token.
func ByToken(token string) (*Resource, bool) {
	for _, r := range Resources {
		if Token(r.Type) == token {
			return r, true
		}
	}
	return nil, false
}

// PulumiName returns the Pulumi property name of an attribute: security_group_id (a set) -> securityGroupIds.
func (a Attribute) PulumiName() string {
	name := camelCase(a.Name)
	if a.Type == StringSet && !strings.HasSuffix(name, "s") {
		name += "s"
	}
	return name
}

func camelCase(snake string) string {
	parts := strings.Split(snake, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}
