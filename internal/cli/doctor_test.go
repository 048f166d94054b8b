package cli

import (
	"fmt"
	"strconv"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/layerkit/layerkit/internal/live/awsfake"
)

// fakes holds the AWS fake each script started (the fake runs in the test process;
// layerkit, run by exec, reaches it through AWS_ENDPOINT_URL).
var fakes sync.Map // *testscript.TestScript → *awsfake.Fake or *awsfake.Multi

// caller is what both fakes answer.
type caller interface {
	Calls(string) int
	URL() string
	Close()
}

// cmdAWSFake is the testscript command
//
//	awsfake start SCENARIO     start the fake with a scenario, point AWS_* at it
//	awsfake start-org SCENARIO start an organisation (awsfake.Multi: accounts × regions, STS)
//	awsfake throttle OP N      the next N calls of OP answer 429
//	awsfake truncate NAME N    the next N downloads of NAME stop half way (-1: all)
//	awsfake corrupt NAME       NAME downloads with bytes that do not match CodeSha256
//	awsfake calls OP N         OP was called N times (OP: GetFunction, Download:layer:utils, ...)
func cmdAWSFake(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 0 {
		ts.Fatalf("usage: awsfake start|throttle|truncate|corrupt|calls ...")
	}
	if args[0] == "start" || args[0] == "start-org" {
		if len(args) != 2 {
			ts.Fatalf("usage: awsfake start|start-org SCENARIO")
		}
		var f caller
		if args[0] == "start" {
			seed, ok := scenarios[args[1]]
			if !ok {
				ts.Fatalf("no scenario %q", args[1])
			}
			one := awsfake.New()
			seed(one)
			f = one
		} else {
			seed, ok := orgScenarios[args[1]]
			if !ok {
				ts.Fatalf("no scenario %q", args[1])
			}
			m := awsfake.NewMulti()
			seed(m)
			f = m
		}
		fakes.Store(ts, f)
		ts.Defer(func() { f.Close(); fakes.Delete(ts) })
		for k, v := range map[string]string{
			"AWS_ENDPOINT_URL": f.URL(), "AWS_REGION": "us-east-1",
			"AWS_ACCESS_KEY_ID": "AKIDFAKEDOCTOR", "AWS_SECRET_ACCESS_KEY": "fake-secret-key-do-not-print",
			"AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
			"AWS_EC2_METADATA_DISABLED": "true", "LAYERKIT_CACHE_DIR": ts.MkAbs("cache"),
		} {
			ts.Setenv(k, v)
		}
		return
	}
	v, ok := fakes.Load(ts)
	if !ok {
		ts.Fatalf("awsfake start first")
	}
	if args[0] == "calls" && len(args) == 3 {
		got, want := v.(caller).Calls(args[1]), 0
		n, err := strconv.Atoi(args[2])
		ts.Check(err)
		want = n
		if (got == want) == neg {
			ts.Fatalf("%s called %d times, want %s%d", args[1], got, map[bool]string{true: "not ", false: ""}[neg], want)
		}
		return
	}
	f, ok := v.(*awsfake.Fake)
	if !ok {
		ts.Fatalf("awsfake %s: not on an organisation", args[0])
	}
	num := func(s string) int {
		n, err := strconv.Atoi(s)
		ts.Check(err)
		return n
	}
	switch {
	case args[0] == "throttle" && len(args) == 3:
		f.Throttle(args[1], num(args[2]))
	case args[0] == "truncate" && len(args) == 3:
		f.Truncate(args[1], num(args[2]))
	case args[0] == "corrupt" && len(args) == 2:
		f.Corrupt(args[1])
	default:
		ts.Fatalf("awsfake: bad arguments %q", args)
	}
}

var scenarios = map[string]func(*awsfake.Fake){
	// shop: a stack "shop" with a function importing a module its layer has inside a
	// package (LK101), a layer two versions behind (LK501), a deleted layer version
	// (LK502), a cross-account layer the caller may not read (LK105), a container
	// image function, and a secret in an environment variable.
	"shop": func(f *awsfake.Fake) {
		utils := f.AddLayer(awsfake.LayerSpec{Name: "utils", Runtimes: []string{"python3.12"}, Files: map[string]string{
			"python/layer_utils/__init__.py": "", "python/layer_utils/aws_utils.py": "def read_object(): pass\n"}})
		f.AddLayer(awsfake.LayerSpec{Name: "utils", Files: map[string]string{"python/layer_utils/__init__.py": "# 2\n"}})
		f.AddLayer(awsfake.LayerSpec{Name: "utils", Files: map[string]string{"python/layer_utils/__init__.py": "# 3\n"}})
		old := f.AddLayer(awsfake.LayerSpec{Name: "legacy-deps", Files: map[string]string{"python/legacy.py": ""}})
		f.AddLayer(awsfake.LayerSpec{Name: "legacy-deps", Files: map[string]string{"python/legacy.py": "# 2\n"}})
		f.DeleteLayerVersion(old)
		vendor := f.AddLayer(awsfake.LayerSpec{Name: "vendor-sdk", Account: "999999999999", Files: map[string]string{"python/vendor_sdk.py": ""}})
		f.Deny(vendor)
		f.AddFunction(awsfake.FunctionSpec{Name: "shop-Orders-1A2B", Runtime: "python3.12", Handler: "app.handler", Layers: []string{utils},
			Files: map[string]string{"app.py": "from aws_utils import read_object\n\n\ndef handler(event, context):\n    return read_object()\n"},
			Env:   map[string]string{"DB_PASSWORD": "hunter2-super-secret"},
			Tags:  map[string]string{"aws:cloudformation:logical-id": "OrdersFunction", "aws:cloudformation:stack-name": "shop"}})
		f.AddFunction(awsfake.FunctionSpec{Name: "shop-Healthy-3C4D", Runtime: "python3.12", Handler: "app.handler", Arch: "arm64", Layers: []string{utils},
			Files: map[string]string{"app.py": "from layer_utils.aws_utils import read_object\n\n\ndef handler(event, context):\n    return read_object()\n"}})
		f.AddFunction(awsfake.FunctionSpec{Name: "shop-Legacy-5E6F", Runtime: "python3.12", Handler: "app.handler", Layers: []string{old, vendor},
			Files: map[string]string{"app.py": "import legacy\nimport vendor_sdk\n\n\ndef handler(event, context):\n    pass\n"}})
		f.AddFunction(awsfake.FunctionSpec{Name: "shop-Renderer-7A8B", Image: true})
		f.AddStack("shop", []awsfake.StackResource{
			{LogicalID: "OrdersFunction", PhysicalID: "shop-Orders-1A2B", Type: "AWS::Lambda::Function"},
			{LogicalID: "HealthyFunction", PhysicalID: "shop-Healthy-3C4D", Type: "AWS::Lambda::Function"},
			{LogicalID: "LegacyFunction", PhysicalID: "shop-Legacy-5E6F", Type: "AWS::Lambda::Function"},
			{LogicalID: "RendererFunction", PhysicalID: "shop-Renderer-7A8B", Type: "AWS::Lambda::Function"},
			{LogicalID: "UtilsLayer", PhysicalID: utils, Type: "AWS::Lambda::LayerVersion"},
			{LogicalID: "OrdersRole", PhysicalID: "shop-OrdersRole-XYZ", Type: "AWS::IAM::Role"},
		})
	},
	// fleet: 60 functions sharing two layers, listed over pages of 50.
	"fleet": func(f *awsfake.Fake) {
		a := f.AddLayer(awsfake.LayerSpec{Name: "common", Files: map[string]string{"python/common.py": ""}})
		b := f.AddLayer(awsfake.LayerSpec{Name: "deps", Files: map[string]string{"python/deps/__init__.py": ""}})
		for i := 0; i < 60; i++ {
			f.AddFunction(awsfake.FunctionSpec{Name: fmt.Sprintf("fleet-%02d", i), Runtime: "python3.12", Handler: "app.handler",
				Layers: []string{a, b}, Files: map[string]string{"app.py": fmt.Sprintf("import common\nimport deps\n# %d\n\n\ndef handler(e, c):\n    pass\n", i)}})
		}
	},
}

var orgScenarios = map[string]func(*awsfake.Multi){
	// org: two member accounts (roles audit in 111111111111 and 222222222222) in two
	// regions each; a layer published by a shared-services account (333333333333) in
	// both regions, used by every function; one function per account and region, and
	// in 222222222222/eu-west-1 one that imports what no layer has.
	"org": func(m *awsfake.Multi) {
		for _, acct := range []string{"111111111111", "222222222222"} {
			m.AllowRole("arn:aws:iam::" + acct + ":role/audit")
			for _, region := range []string{"us-east-1", "eu-west-1"} {
				f := m.Fake(acct, region)
				shared := f.AddLayer(awsfake.LayerSpec{Name: "shared", Account: "333333333333",
					Files: map[string]string{"python/shared_utils.py": "def f(): pass\n"}})
				f.AddFunction(awsfake.FunctionSpec{Name: "orders", Runtime: "python3.12", Handler: "app.handler", Layers: []string{shared},
					Files: map[string]string{"app.py": "import shared_utils\n\n\ndef handler(e, c):\n    pass\n"}})
				if acct == "222222222222" && region == "eu-west-1" {
					f.AddFunction(awsfake.FunctionSpec{Name: "billing", Runtime: "python3.12", Handler: "app.handler", Layers: []string{shared},
						Files: map[string]string{"app.py": "import billing_utils\n\n\ndef handler(e, c):\n    pass\n"}})
				}
			}
		}
	},
}
