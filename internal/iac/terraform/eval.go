package terraform

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// Markers stand for values known only at apply time but whose origin matters: the
// version ARN of a layer defined here, an archive_file's output path. They are plain
// strings, so they flow through locals, conditionals and list functions; a value
// that merely contains one (string concatenation) is treated as unknown.
const markerPrefix = "\x00layerkit:"

func marker(kind, name, attr string) string {
	return markerPrefix + kind + "\x00" + name + "\x00" + attr
}

// parseMarker splits a marker; ok is false for any other string.
func parseMarker(s string) (kind, name, attr string, ok bool) {
	if !strings.HasPrefix(s, markerPrefix) {
		return "", "", "", false
	}
	parts := strings.Split(s[len(markerPrefix):], "\x00")
	if len(parts) != 3 {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}

func functions() map[string]function.Function {
	fs := map[string]function.Function{
		"abs": stdlib.AbsoluteFunc, "ceil": stdlib.CeilFunc, "chomp": stdlib.ChompFunc,
		"chunklist": stdlib.ChunklistFunc, "coalesce": stdlib.CoalesceFunc,
		"coalescelist": stdlib.CoalesceListFunc, "compact": stdlib.CompactFunc,
		"concat": stdlib.ConcatFunc, "contains": stdlib.ContainsFunc,
		"distinct": stdlib.DistinctFunc, "element": stdlib.ElementFunc,
		"flatten": stdlib.FlattenFunc, "floor": stdlib.FloorFunc, "format": stdlib.FormatFunc,
		"formatlist": stdlib.FormatListFunc, "indent": stdlib.IndentFunc,
		"index": stdlib.IndexFunc, "join": stdlib.JoinFunc, "jsondecode": stdlib.JSONDecodeFunc,
		"jsonencode": stdlib.JSONEncodeFunc, "keys": stdlib.KeysFunc, "length": stdlib.LengthFunc,
		"lookup": stdlib.LookupFunc, "lower": stdlib.LowerFunc, "max": stdlib.MaxFunc,
		"merge": stdlib.MergeFunc, "min": stdlib.MinFunc, "parseint": stdlib.ParseIntFunc,
		"range": stdlib.RangeFunc, "regex": stdlib.RegexFunc, "regexall": stdlib.RegexAllFunc,
		"replace": stdlib.ReplaceFunc, "reverse": stdlib.ReverseListFunc,
		"setintersection": stdlib.SetIntersectionFunc, "setproduct": stdlib.SetProductFunc,
		"setsubtract": stdlib.SetSubtractFunc, "setunion": stdlib.SetUnionFunc,
		"slice": stdlib.SliceFunc, "sort": stdlib.SortFunc, "split": stdlib.SplitFunc,
		"strrev": stdlib.ReverseFunc, "substr": stdlib.SubstrFunc, "title": stdlib.TitleFunc,
		"trim": stdlib.TrimFunc, "trimprefix": stdlib.TrimPrefixFunc,
		"trimspace": stdlib.TrimSpaceFunc, "trimsuffix": stdlib.TrimSuffixFunc,
		"upper": stdlib.UpperFunc, "values": stdlib.ValuesFunc, "zipmap": stdlib.ZipmapFunc,
		"try": tryfunc.TryFunc, "can": tryfunc.CanFunc,
		"tolist":   convertFunc(cty.List(cty.DynamicPseudoType)),
		"toset":    convertFunc(cty.Set(cty.DynamicPseudoType)),
		"tomap":    convertFunc(cty.Map(cty.DynamicPseudoType)),
		"tostring": convertFunc(cty.String),
		"tonumber": convertFunc(cty.Number),
		"tobool":   convertFunc(cty.Bool),
		"basename": stringFunc(path.Base),
		"dirname":  stringFunc(path.Dir),
		// abspath: the loader maps path.module to "."; an absolute path is not needed to
		// find files, and a relative one keeps displays short.
		"abspath": stringFunc(func(s string) string { return s }),
	}
	return fs
}

func convertFunc(want cty.Type) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "v", Type: cty.DynamicPseudoType, AllowNull: true}},
		Type:   function.StaticReturnType(cty.DynamicPseudoType),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return convert.Convert(args[0], want)
		},
	})
}

func stringFunc(f func(string) string) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "s", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.StringVal(f(args[0].AsString())), nil
		},
	})
}

// eval evaluates expr in the loader's current context, under the work budget.
// Anything it cannot evaluate (a reference to a resource attribute, an unknown
// function, an error) comes back unknown; it never panics. Once the budget is spent,
// everything is unknown and the load fails with the budget's error.
func (l *loader) eval(expr hcl.Expression) (v cty.Value) {
	if expr == nil || l.budget.err != nil {
		return cty.DynamicVal
	}
	l.budget.at = expr.Range()
	p := l.prepare(expr)
	ctx := l.ctx
	v = cty.NilVal
	done := make(chan struct{})
	go func() { // its own goroutine, which the budget may end (abandon)
		defer close(done)
		defer func() {
			if r := recover(); r != nil {
				v = cty.NilVal
			}
		}()
		v, _ = p.Value(ctx)
	}()
	<-done
	if v == cty.NilVal || l.budget.err != nil {
		return cty.DynamicVal
	}
	charge := l.budget.charge
	if isLookup(p) {
		charge = l.budget.chargeRef
	}
	if err := charge(v); err != nil {
		return cty.DynamicVal
	}
	return v
}

// cause says readably why expr has no known value: the first reference in it that
// is unknown, and why that is when the loader knows (a variable without a value, a
// value known only after apply).
func (l *loader) cause(expr hcl.Expression) string {
	return l.causeDepth(expr, 0)
}

func (l *loader) causeDepth(expr hcl.Expression, depth int) string {
	if expr == nil {
		return "it is not set"
	}
	for _, tr := range expr.Variables() {
		v, diags := tr.TraverseAbs(l.ctx)
		if !diags.HasErrors() && v.IsWhollyKnown() && !hasMarker(v, 0) {
			continue
		}
		name := traversalText(tr)
		switch tr.RootName() {
		case "var":
			if m := l.modOf(); m != nil && len(tr) > 1 {
				if at, ok := tr[1].(hcl.TraverseAttr); ok {
					if why, ok := m.unset[at.Name]; ok {
						return name + " has no value: " + why
					}
				}
			}
			if diags.HasErrors() {
				return name + " is not declared"
			}
			return name + " is not known"
		case "local":
			if m := l.modOf(); m != nil && len(tr) > 1 && depth < 8 {
				if at, ok := tr[1].(hcl.TraverseAttr); ok {
					if a := m.localsAt[at.Name]; a != nil {
						return name + " is not known (" + l.causeDepth(a.Expr, depth+1) + ")"
					}
				}
			}
			return name + " is not known"
		case "count", "each", "path", "terraform":
			return name + " is not known"
		case "module":
			return name + " is not known (an output of a module layerkit does not read, or known only after apply)"
		}
		if tr.RootName() == "data" {
			return name + " is read when Terraform runs (layerkit reads only archive_file, local_file and template_file data sources)"
		}
		return name + " is known only after terraform apply"
	}
	return "the expression " + l.text(expr.Range()) + " cannot be evaluated statically"
}

// hasMarker reports whether v holds a marker (a value known only after apply).
func hasMarker(v cty.Value, depth int) bool {
	if depth > maxValueDepth || v == cty.NilVal || !v.IsKnown() || v.IsNull() {
		return false
	}
	v, _ = v.Unmark()
	t := v.Type()
	switch {
	case t == cty.String:
		return strings.Contains(v.AsString(), markerPrefix)
	case t.IsCollectionType() || t.IsTupleType() || t.IsObjectType():
		for it := v.ElementIterator(); it.Next(); {
			if _, e := it.Element(); hasMarker(e, depth+1) {
				return true
			}
		}
	}
	return false
}

// modOf is the module instance whose context is current, if known.
func (l *loader) modOf() *modInst {
	return l.curMod
}

// traversalText prints a traversal as written: var.x, aws_s3_object.o.key, a[0].
func traversalText(tr hcl.Traversal) string {
	var b strings.Builder
	for i, s := range tr {
		switch x := s.(type) {
		case hcl.TraverseRoot:
			b.WriteString(x.Name)
		case hcl.TraverseAttr:
			b.WriteString("." + x.Name)
		case hcl.TraverseIndex:
			if k, ok := str(x.Key); ok && x.Key.Type() == cty.String {
				b.WriteString("[" + strconv.Quote(k) + "]")
			} else if ok {
				b.WriteString("[" + k + "]")
			} else {
				b.WriteString("[?]")
			}
		case hcl.TraverseSplat:
			b.WriteString("[*]")
		default:
			_ = i
		}
	}
	return b.String()
}

// str returns v as a string when it is known.
func str(v cty.Value) (string, bool) {
	if v == cty.NilVal || !v.IsWhollyKnown() || v.IsNull() {
		return "", false
	}
	s, err := convert.Convert(v, cty.String)
	if err != nil || s.IsNull() || !s.IsKnown() {
		return "", false
	}
	return s.AsString(), true
}

// boolOr returns v as a bool, or def when it is unset or not known.
func boolOr(v cty.Value, def bool) bool {
	if v == cty.NilVal || !v.IsWhollyKnown() || v.IsNull() {
		return def
	}
	b, err := convert.Convert(v, cty.Bool)
	if err != nil || b.IsNull() {
		return def
	}
	return b.True()
}

// elems returns the elements of a known list, tuple or set.
func elems(v cty.Value) ([]cty.Value, bool) {
	if v == cty.NilVal || !v.IsKnown() || v.IsNull() {
		return nil, false
	}
	t := v.Type()
	if !t.IsListType() && !t.IsTupleType() && !t.IsSetType() {
		return nil, false
	}
	var out []cty.Value
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		out = append(out, e)
	}
	return out, true
}

// strList returns a known list of strings; ok is false if any element is unknown.
func strList(v cty.Value) ([]string, bool) {
	es, ok := elems(v)
	if !ok {
		return nil, false
	}
	out := []string{}
	for _, e := range es {
		s, ok := str(e)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// attrOf returns the attribute name of a known object or map value, or NilVal.
func attrOf(v cty.Value, name string) cty.Value {
	if v == cty.NilVal || !v.IsKnown() || v.IsNull() {
		return cty.NilVal
	}
	t := v.Type()
	switch {
	case t.IsObjectType():
		if t.HasAttribute(name) {
			return v.GetAttr(name)
		}
	case t.IsMapType():
		if v.HasIndex(cty.StringVal(name)).True() {
			return v.Index(cty.StringVal(name))
		}
	}
	return cty.NilVal
}

// fileFuncs are Terraform's file(path) and fileexists(path), for files inside the
// checked folder only (anything else is an error, so the value is unknown), read
// through the template size cap. Configurations read settings this way
// (jsondecode(file("config.json")), count = fileexists(...) ? 1 : 0).
func (l *loader) fileFuncs() (file, exists function.Function) {
	resolve := func(p string) (string, error) {
		abs := p
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(l.cwd, filepath.FromSlash(p))
		}
		if err := l.lim.CheckInside(l.root, abs); err != nil {
			return "", err
		}
		return abs, nil
	}
	file = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			abs, err := resolve(args[0].AsString())
			if err != nil {
				return cty.UnknownVal(cty.String), err
			}
			b, err := l.lim.ReadConfig(abs)
			if err != nil || !utf8.Valid(b) {
				return cty.UnknownVal(cty.String), fmt.Errorf("cannot read %s", args[0].AsString())
			}
			return cty.StringVal(string(b)), nil
		},
	})
	exists = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			abs, err := resolve(args[0].AsString())
			if err != nil {
				return cty.UnknownVal(cty.Bool), err
			}
			st, err := os.Stat(abs)
			return cty.BoolVal(err == nil && st.Mode().IsRegular()), nil
		},
	})
	return file, exists
}
