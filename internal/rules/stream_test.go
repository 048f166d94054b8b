package rules

import (
	"reflect"
	"testing"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/tree"
)

// TestBatches: functions whose code can hold the same file share a batch (a fix for
// one asks the others); the rest fill batches of the size asked, in order.
func TestBatches(t *testing.T) {
	code := func(root string) *model.Code {
		return &model.Code{Tree: tree.NewMap(root, map[string]string{"app.py": ""})}
	}
	shared := &model.Layer{Name: "Shared", Content: code("layers/shared")}
	inside := &model.Layer{Name: "Inside", Content: code("svc/e/vendor")} // inside e's folder
	fn := func(name, root string, layers ...*model.Layer) *Function {
		f := &model.Function{Name: name}
		if root != "" {
			f.Code = code(root)
		}
		for _, l := range layers {
			f.Layers = append(f.Layers, model.LayerRef{Layer: l})
		}
		return &Function{Fn: f}
	}
	fns := []*Function{
		fn("a", "svc/a", shared), // 0
		fn("b", "svc/b", shared), // 1: a layer only shared: not tied to a
		fn("c", "svc/a/sub"),     // 2: inside a's folder
		fn("d", ""),              // 3: no code
		fn("e", "svc/e"),         // 4
		fn("f", "svc/f", inside), // 5: runs e's files through the layer
		fn("g", "app.zip"),       // 6
		fn("h", "app.zip:src"),   // 7: inside the zip g is
		fn("i", "svc/i"),         // 8
	}
	names := func(bs [][]*Function) [][]string {
		var out [][]string
		for _, b := range bs {
			var ns []string
			for _, f := range b {
				ns = append(ns, f.Fn.Name)
			}
			out = append(out, ns)
		}
		return out
	}
	got := names(batches(fns, 2))
	want := [][]string{{"a", "c"}, {"b", "d"}, {"e", "f"}, {"g", "h"}, {"i"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("batches of 2: %v, want %v", got, want)
	}
	if got := names(batches(fns, 100)); len(got) != 1 || len(got[0]) != len(fns) {
		t.Errorf("batches of 100: %v, want one of all", got)
	}
	// A folder around every function ties them all (d has no code).
	all := append([]*Function{fn("root", ".")}, fns...)
	want = [][]string{{"root", "a", "b", "c", "e", "f", "g", "h", "i"}, {"d"}}
	if got := names(batches(all, 2)); !reflect.DeepEqual(got, want) {
		t.Errorf("with a function at the project root: %v, want %v", got, want)
	}
}
