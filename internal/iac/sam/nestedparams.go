package sam

import (
	"fmt"
	"strings"

	"github.com/layerkit/layerkit/internal/iac/cfn"
	"github.com/layerkit/layerkit/internal/model"
)

// Layers passed down to nested stacks. A parent template often defines a layer (or has a
// nested stack that does) and passes it to its nested applications as a parameter:
//
//	CommonLayer: {Type: AWS::Serverless::LayerVersion, ...}
//	Api: {Type: AWS::Serverless::Application, Properties: {Location: api.yaml,
//	      Parameters: {CommonLayer: !Ref CommonLayer}}}
//
// and api.yaml's functions say `Layers: [!Ref CommonLayer]`. Each template is loaded on
// its own, so there the parameter has no value; once all are loaded, linkParameterLayers
// follows the value the including template passes — a Ref to its layer, a GetAtt of a
// sibling stack's output (whose Value is followed in that stack's template), a parameter
// passed to it in turn, or a comma-joined list of those — and links the layers. A template
// that more than one stack includes may get different values: it is left as it is.
// Field tests: awslabs/amazon-s3-find-and-forget, TTzPontte/API.

// stackTemplate is one loaded template, for following parameters between templates.
type stackTemplate struct {
	path     string // absolute, as loaded
	tpl      *cfn.Template
	layers   map[string]*model.Layer
	fns      []*model.Function
	children []child
}

// stackSet are the loaded templates by absolute path.
type stackSet map[string]*stackTemplate

func (n stackSet) add(path string, sub loaded, children []child) {
	n[path] = &stackTemplate{path: path, tpl: sub.tpl, layers: sub.layers, fns: sub.app.Functions, children: children}
}

// maxParamHops bounds how many templates a parameter's value is followed through.
const maxParamHops = 8

// including returns the one template that includes path and the stack there, or nil when
// none or several do.
func (n stackSet) including(path string) (*stackTemplate, *child) {
	var parent *stackTemplate
	var via *child
	for _, t := range n {
		for i := range t.children {
			if t.children[i].path == path {
				if parent != nil {
					return nil, nil
				}
				parent, via = t, &t.children[i]
			}
		}
	}
	return parent, via
}

// linkParameterLayers replaces the Layers entries of nested templates' functions that are
// a parameter without a value by the layers the including template passes.
func (n stackSet) linkParameterLayers() {
	if len(n) < 2 {
		return
	}
	for path, t := range n {
		parent, via := n.including(path)
		if parent == nil {
			continue
		}
		for _, fn := range t.fns {
			var out []model.LayerRef
			changed := false
			for _, ref := range fn.Layers {
				param, ok := strings.CutPrefix(ref.Text, "parameter ")
				if !ref.Unknown || !ok || strings.ContainsAny(param, " (") {
					out = append(out, ref)
					continue
				}
				layers, ok := n.follow(parent, via.params.Get(param), 0)
				if !ok {
					out = append(out, ref)
					continue
				}
				changed = true
				for _, l := range layers {
					out = append(out, model.LayerRef{Pos: ref.Pos, Layer: l,
						Text: fmt.Sprintf("parameter %s (%s, passed by nested stack %s)", param, l.Name, via.stack)})
				}
			}
			if changed {
				fn.Layers = out
			}
		}
	}
}

// follow resolves v, a value written in template t, to layers of the loaded templates:
// ok is false when any part of it is something else or cannot be followed.
func (n stackSet) follow(t *stackTemplate, v *cfn.Value, hops int) ([]*model.Layer, bool) {
	if v == nil || hops > maxParamHops {
		return nil, false
	}
	if v.Kind == cfn.Func && v.Fn == "Fn::Join" && v.Arg != nil && v.Arg.Kind == cfn.List && len(v.Arg.Items) == 2 {
		if sep, ok := v.Arg.Items[0].String(); ok && sep == "," && v.Arg.Items[1].Kind == cfn.List {
			return n.followAll(t, v.Arg.Items[1].Items, hops)
		}
	}
	if v.Kind == cfn.List {
		return n.followAll(t, v.Items, hops)
	}
	res := t.tpl.Eval(v)
	switch res.Kind {
	case cfn.ResourceRef:
		if l := t.layers[res.Resource]; l != nil {
			return []*model.Layer{l}, true
		}
	case cfn.Attr:
		if l := t.layers[res.Resource]; l != nil && res.Attr == "LayerVersionArn" {
			return []*model.Layer{l}, true
		}
		out, ok := strings.CutPrefix(res.Attr, "Outputs.")
		if !ok {
			return nil, false
		}
		for _, c := range t.children {
			if c.stack == res.Resource {
				ct := n[c.path]
				if ct == nil {
					return nil, false
				}
				return n.follow(ct, ct.tpl.Section("Outputs").Get(out).Get("Value"), hops+1)
			}
		}
	case cfn.Unknown:
		if res.Param != "" {
			if parent, via := n.including(t.path); parent != nil {
				return n.follow(parent, via.params.Get(res.Param), hops+1)
			}
		}
	}
	return nil, false
}

func (n stackSet) followAll(t *stackTemplate, items []*cfn.Value, hops int) ([]*model.Layer, bool) {
	var out []*model.Layer
	for _, it := range items {
		ls, ok := n.follow(t, it, hops)
		if !ok {
			return nil, false
		}
		out = append(out, ls...)
	}
	return out, len(out) > 0
}
