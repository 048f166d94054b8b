package cfn

import (
	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/suppress"
)

// ignore adds the suppressions of r's `Metadata: layerkit: ignore: [LK405, ...]` (as
// cfn-lint's `Metadata: cfn-lint: config: ignore_checks`) for the function fn or the
// layer layer it became. Each entry is a code or name, optionally followed by
// " -- reason". A malformed entry or an unknown code is the template's input error
// (returned by Template.Err after the build).
func (b *Builder) ignore(r *Resource, fn, layer string) {
	lk := r.Metadata.Key("layerkit")
	if lk == nil {
		return
	}
	if lk.Value.Kind != Map {
		b.fail(iac.Errorf(b.T.KeyPos(lk), "Metadata.layerkit must be a map with the key ignore: a list of rule codes, e.g. ignore: [LK405]"))
		return
	}
	for _, k := range lk.Value.Keys {
		if k.Name != "ignore" {
			b.fail(iac.Errorf(b.T.KeyPos(k), "unknown key %q in Metadata.layerkit (want ignore: a list of rule codes)", k.Name))
			return
		}
		items := []*Value{k.Value}
		if k.Value.Kind == List {
			items = k.Value.Items
		}
		for _, it := range items {
			pos := b.T.PosOf(it)
			if it.Kind != Scalar {
				b.fail(iac.Errorf(pos, "Metadata.layerkit.ignore lists rule codes as plain strings (\"LK405\" or \"LK405 -- reason\")"))
				return
			}
			codes, reason, err := suppress.ParseList(it.Str)
			if err != nil {
				b.fail(iac.Errorf(pos, "%v", err))
				return
			}
			rpos := b.T.ResourcePos(r)
			b.App.Suppressions = append(b.App.Suppressions, model.Suppression{Codes: codes, Reason: reason, Pos: pos, Function: fn, Layer: layer,
				File: rpos.File, Line: rpos.Line, EndLine: lastLine(r.Value)})
		}
	}
}

// fail keeps err as the template's error when it has none yet.
func (b *Builder) fail(err error) {
	b.T.budget.mu.Lock()
	defer b.T.budget.mu.Unlock()
	if b.T.budget.err == nil {
		b.T.budget.err = err
	}
}

// lastLine is the last line v's subtree starts a node on: where a resource ends, for
// findings at its lines (a grouped finding that names no one function).
func lastLine(v *Value) int {
	if v == nil {
		return 0
	}
	n := v.Line
	for _, k := range v.Keys {
		n = max(n, k.Line, lastLine(k.Value))
	}
	for _, it := range v.Items {
		n = max(n, lastLine(it))
	}
	return max(n, lastLine(v.Arg))
}
