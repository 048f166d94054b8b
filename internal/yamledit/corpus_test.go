package yamledit

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v4"

	"github.com/layerkit/layerkit/internal/model"
)

// TestCorpus edits every template of the repository's test data, examples and the
// acceptance apps the way the fixes do, and checks what the parser reads back: each
// resource given Metadata: BuildMethod (or BuildMethod in its Metadata) reads as before
// plus that entry; each sequence of two or more items without its first or last item
// reads as before without it. Nothing else may change.
func TestCorpus(t *testing.T) {
	var files []string
	for _, root := range []string{"../..", "../../../shared/cases", "../../../shared/node-cases"} {
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if d.IsDir() && (d.Name() == "hostile" || d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".") && p != root) {
				return filepath.SkipDir
			}
			switch d.Name() {
			case "template.yaml", "template.yml", "template.json", "serverless.yml":
				files = append(files, p)
			}
			return nil
		})
	}
	if len(files) < 20 {
		t.Fatalf("only %d templates found", len(files))
	}
	edits := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d, err := Parse(f, src)
		if err != nil {
			continue // not one document: the fixes leave such files alone
		}
		var want any
		if yaml.Unmarshal(src, &want) != nil {
			continue // duplicate keys: the generic decoding refuses them (TestDuplicateKeys)
		}
		// every resource: add Metadata: BuildMethod (or BuildMethod to its Metadata)
		if _, res := d.Lookup("Resources"); res != nil && res.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(res.Content); i += 2 {
				name, body := res.Content[i], res.Content[i+1]
				e, ok := model.Edit{}, false
				var path []string
				if mk, meta := Get(body, "Metadata"); meta != nil {
					if k, _ := Get(meta, "BuildMethod"); k != nil {
						continue
					}
					e, ok = d.AddEntry(mk, meta, Entry{Key: "BuildMethod", Value: "python3.12"})
					path = []string{"Resources", name.Value, "Metadata"}
				} else {
					e, ok = d.AddEntry(name, body, Entry{Key: "Metadata", SubKey: "BuildMethod", Value: "python3.12"})
					path = []string{"Resources", name.Value}
				}
				if !ok {
					continue
				}
				edits++
				got := decode(t, []byte(applyOne(string(src), e)))
				exp := clone(want)
				m := dig(exp, path)
				if path[len(path)-1] == "Metadata" {
					m["BuildMethod"] = "python3.12"
				} else {
					m["Metadata"] = map[string]any{"BuildMethod": "python3.12"}
				}
				if !reflect.DeepEqual(got, exp) {
					t.Errorf("%s: adding BuildMethod to %s changed more than that:\n%s", f, name.Value, applyOne(string(src), e))
				}
			}
		}
		// every sequence of two or more scalars or mappings: drop the first, the last
		walkSeqs(d.Root, nil, func(seq *yaml.Node, path []any) {
			for _, i := range []int{0, len(seq.Content) - 1} {
				e, ok := d.RemoveItem(seq, i)
				if !ok {
					continue
				}
				edits++
				got := decode(t, []byte(applyOne(string(src), e)))
				exp := clone(want)
				parent, key := digAny(exp, path)
				list := get(parent, key).([]any)
				set(parent, key, slices.Delete(slices.Clone(list), i, i+1))
				if !reflect.DeepEqual(got, exp) {
					t.Errorf("%s: removing item %d of %v changed more than that:\n%s", f, i, path, applyOne(string(src), e))
				}
			}
		})
	}
	t.Logf("%d templates, %d edits checked", len(files), edits)
}

func decode(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(b, &v); err != nil {
		t.Fatalf("edited template does not parse: %v\n%s", err, b)
	}
	return v
}

func clone(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = clone(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = clone(e)
		}
		return out
	}
	return v
}

func dig(v any, path []string) map[string]any {
	for _, k := range path {
		v = v.(map[string]any)[k]
	}
	return v.(map[string]any)
}

// walkSeqs calls visit on every sequence (two items or more) reached through mapping
// keys and sequence indexes from n, with its path.
func walkSeqs(n *yaml.Node, path []any, visit func(*yaml.Node, []any)) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Kind != yaml.ScalarNode || n.Content[i].Value == "<<" {
				return // merge keys: the decoded shape is not the node shape
			}
			walkSeqs(n.Content[i+1], append(slices.Clone(path), n.Content[i].Value), visit)
		}
	case yaml.SequenceNode:
		if len(n.Content) >= 2 {
			visit(n, path)
		}
		for i, c := range n.Content {
			walkSeqs(c, append(slices.Clone(path), i), visit)
		}
	}
}

func digAny(v any, path []any) (any, any) {
	for _, k := range path[:len(path)-1] {
		v = get(v, k)
	}
	return v, path[len(path)-1]
}

func get(v, k any) any {
	if s, ok := k.(string); ok {
		return v.(map[string]any)[s]
	}
	return v.([]any)[k.(int)]
}

func set(v, k, x any) {
	if s, ok := k.(string); ok {
		v.(map[string]any)[s] = x
		return
	}
	v.([]any)[k.(int)] = x
}
