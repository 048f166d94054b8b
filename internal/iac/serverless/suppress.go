package serverless

import (
	"slices"

	"go.yaml.in/yaml/v4"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/suppress"
)

// readIgnores reads custom.layerkit (custom: is the place Serverless leaves to plugins
// and tools, so the framework's schema validation does not warn about it):
//
//	custom:
//	  layerkit:
//	    ignore: [LK405]                 # every finding of this service
//	    functions:
//	      hello:
//	        ignore: ["LK101 -- reason"] # the findings of function hello
//
// An unknown key, function or code is an input error at its line.
func (l *loader) readIgnores() error {
	custom := l.getMap(l.r.doc, "custom")
	lk := l.getMap(custom, "layerkit")
	if lk == nil {
		return nil
	}
	for i := 0; i+1 < len(lk.Content); i += 2 {
		k := lk.Content[i]
		switch k.Value {
		case "ignore":
			if err := l.ignoreList(lk, "", "custom.layerkit"); err != nil {
				return err
			}
		case "functions":
			fns := l.getMap(lk, "functions")
			if fns == nil {
				return iac.Errorf(l.pos(k), "custom.layerkit.functions must map function names to {ignore: [codes]}")
			}
			for j := 0; j+1 < len(fns.Content); j += 2 {
				name := fns.Content[j].Value
				if l.app.Function(name) == nil {
					var names []string
					for _, f := range l.app.Functions {
						names = append(names, f.Name)
					}
					slices.Sort(names)
					return iac.Errorf(l.pos(fns.Content[j]), "custom.layerkit.functions: no function %q in this service (functions: %v)", name, names)
				}
				m := l.getMap(fns, name)
				if m == nil {
					return iac.Errorf(l.pos(fns.Content[j]), "custom.layerkit.functions.%s must be a map with the key ignore: [codes]", name)
				}
				for n := 0; n+1 < len(m.Content); n += 2 {
					if m.Content[n].Value != "ignore" {
						return iac.Errorf(l.pos(m.Content[n]), "unknown key %q in custom.layerkit.functions.%s (want ignore)", m.Content[n].Value, name)
					}
				}
				if err := l.ignoreList(m, name, "custom.layerkit.functions."+name); err != nil {
					return err
				}
			}
		default:
			return iac.Errorf(l.pos(k), "unknown key %q in custom.layerkit (want ignore or functions)", k.Value)
		}
	}
	return nil
}

// ignoreList adds the suppressions of m's ignore: list for function fn ("" for all).
func (l *loader) ignoreList(m *yaml.Node, fn, where string) error {
	k, v, ok := l.get(m, "ignore")
	if k == nil {
		return nil
	}
	items := []*yaml.Node{v}
	if ok && v != nil && v.Kind == yaml.SequenceNode {
		items = v.Content
	}
	for _, it := range items {
		iv, ok := l.r.value(it)
		if !ok || iv == nil || iv.Kind != yaml.ScalarNode {
			return iac.Errorf(l.pos(it), "%s.ignore lists rule codes as plain strings (\"LK405\" or \"LK405 -- reason\")", where)
		}
		codes, reason, err := suppress.ParseList(iv.Value)
		if err != nil {
			return iac.Errorf(l.pos(it), "%s: %v", where, err)
		}
		l.app.Suppressions = append(l.app.Suppressions, model.Suppression{Codes: codes, Reason: reason, Pos: l.pos(it), Function: fn})
	}
	return nil
}
