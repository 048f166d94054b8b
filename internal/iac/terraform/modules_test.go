package terraform

import (
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/model"
)

// TestModuleTree: a root module in envs/prod calling local modules by ../../modules/x,
// with inputs from locals, variables (terraform.tfvars, *.auto.tfvars), another
// module's output, count and for_each; a layer uploaded through aws_s3_object; a
// registry module and a missing one noted; bare relative paths read against the
// working folder.
func TestModuleTree(t *testing.T) {
	root, _ := filepath.Abs("testdata/modtree")
	app, err := Load(root, filepath.Join(root, "envs/prod"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range app.Functions {
		names = append(names, f.Name)
	}
	sort.Strings(names)
	want := []string{
		`module.api.aws_lambda_function.this["billing"]`,
		`module.api.aws_lambda_function.this["orders"]`,
		`module.workers[0].aws_lambda_function.bare`,
		`module.workers[0].aws_lambda_function.w`,
		`module.workers[1].aws_lambda_function.bare`,
		`module.workers[1].aws_lambda_function.w`,
	}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("functions = %q, want %q", names, want)
	}
	shared := layer(t, app, "module.shared.aws_lambda_layer_version.this")
	if got := files(t, shared.Content); !reflect.DeepEqual(got, []string{"python/shared_util.py=modules/shared/layer/python/shared_util.py"}) {
		t.Errorf("shared layer files = %v (via aws_s3_object.layer and its archive_file)", got)
	}
	orders := fn(t, app, `module.api.aws_lambda_function.this["orders"]`)
	if orders.Handler != "orders.handler" || orders.Runtime != "python3.12" || orders.Unchecked != "" {
		t.Errorf("orders = %q %q unchecked %q", orders.Handler, orders.Runtime, orders.Unchecked)
	}
	if orders.Pos != (model.Pos{File: "modules/api/main.tf", Line: 13, Col: 1}) || orders.RuntimePos.Line != 17 {
		t.Errorf("orders positions = %v, runtime %v", orders.Pos, orders.RuntimePos)
	}
	if got := files(t, orders.Code); !reflect.DeepEqual(got, []string{"billing.py=modules/api/src/billing.py", "orders.py=modules/api/src/orders.py"}) {
		t.Errorf("orders files = %v", got)
	}
	if len(orders.Layers) != 1 || orders.Layers[0].Layer != shared {
		t.Errorf("orders layers = %+v, want the shared module's layer", orders.Layers)
	}
	w1 := fn(t, app, `module.workers[1].aws_lambda_function.w`)
	if got := files(t, w1.Code); !reflect.DeepEqual(got, []string{"worker.py=modules/worker/worker.py"}) {
		t.Errorf("worker files = %v", got)
	}
	bare := fn(t, app, `module.workers[0].aws_lambda_function.bare`)
	if bare.Code != nil || !strings.Contains(bare.Unchecked, "source_dir envs/prod/src does not exist") {
		t.Errorf("bare: code %v, unchecked %q (a bare path is relative to the working folder)", bare.Code, bare.Unchecked)
	}
	vpc := noteAt(t, app, "LK109", model.Info, "envs/prod/main.tf", 33)
	if !strings.Contains(vpc.Message, `module vpc comes from "terraform-aws-modules/vpc/aws"`) {
		t.Errorf("vpc note = %q", vpc.Message)
	}
	gone := noteAt(t, app, "LK109", model.Info, "envs/prod/main.tf", 38)
	if !strings.Contains(gone.Message, "modules/gone does not exist") {
		t.Errorf("gone note = %q", gone.Message)
	}
	if len(app.Notes) != 2 {
		t.Errorf("notes:\n%s", notesText(app))
	}
}
