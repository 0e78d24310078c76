package main

import (
	"testing"

	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func TestPluginInfoAndDiscovery(t *testing.T) {
	saved := version.Version
	version.Version = "v3.274.1" // set with -X at build time
	t.Cleanup(func() { version.Version = saved })
	client := startHost(t, "/nonexistent/pulumi-language-python-exec")
	ctx := testContext(t)

	info, err := client.GetPluginInfo(ctx, &emptypb.Empty{})
	if err != nil || info.GetVersion() != "3.274.1" {
		t.Errorf("GetPluginInfo = %v, %v; want version 3.274.1", info, err)
	}
	// Provider plugins are loaded on demand: discovery reports none.
	packages, err := client.GetRequiredPackages(ctx, &pulumirpc.GetRequiredPackagesRequest{})
	if err != nil || len(packages.GetPackages()) != 0 {
		t.Errorf("GetRequiredPackages = %v, %v; want none", packages, err)
	}
	plugins, err := client.GetRequiredPlugins(ctx, &pulumirpc.GetRequiredPluginsRequest{})
	if err != nil || len(plugins.GetPlugins()) != 0 {
		t.Errorf("GetRequiredPlugins = %v, %v; want none", plugins, err)
	}
	if _, err := client.Cancel(ctx, &emptypb.Empty{}); err != nil {
		t.Errorf("Cancel: %v", err)
	}
	if _, err := client.GenerateProject(ctx, &pulumirpc.GenerateProjectRequest{}); err == nil {
		t.Error("GenerateProject succeeded; code generation is not implemented")
	}
}
