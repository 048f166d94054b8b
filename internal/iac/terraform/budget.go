package terraform

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"runtime"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/model"
)

// Evaluation is bounded by size and work, not by the clock. A 73-byte file whose
// locals double a string (a = "xx", b = "${local.a}${local.a}", ...) or an expression
// that references one large value thousands of times would otherwise build values of
// any size. Every sub-expression is evaluated through the budget function (see
// prepare), which charges the size of the value it produced to the load's work budget
// and refuses a value over the size cap; functions that can build a value much larger
// than their arguments (format widths, join, replace, setproduct, ...) are checked
// before they run. Past the budget the load fails with an InputError at the
// expression that went over.
const (
	// maxValue caps one value: a string's bytes, or a collection's elements and
	// contents, in approximate bytes of memory.
	maxValue = 4 << 20
	// maxWork caps the sum of the sizes of every value the evaluation builds.
	maxWork = 32 << 20
	// maxValueDepth caps how deep values nest (cty's operations recurse).
	maxValueDepth = 64
	// maxInstances caps the resource and module instances count and for_each create
	// across the whole configuration.
	maxInstances = 50_000
)

// budgetFunc is the name of the function that wraps every sub-expression that builds
// a value, refFunc of the one that wraps a lookup (a reference, an index): names no
// configuration can write. A lookup builds nothing — the value it finds is shared — so
// it is charged only for a string's length (templates concatenate what they find);
// charging a looked-up collection in full would make a configuration that reads one
// large settings object in many places run out of budget.
const (
	budgetFunc = "\x00budget"
	refFunc    = "\x00ref"
	// iterFunc wraps the collection a for expression iterates: besides the value, it
	// charges perIteration for each element. An iteration whose body fails builds no
	// value to charge, yet leaves a diagnostic and a scope behind (a for over
	// range(1024) three deep with a misspelt variable in its body made 639 MB of them).
	iterFunc     = "\x00iter"
	iterRefFunc  = "\x00iterref"
	perIteration = 256
)

// isLookup reports whether e only finds a value that exists already.
func isLookup(e hcl.Expression) bool {
	switch e.(type) {
	case *hclsyntax.ScopeTraversalExpr, *hclsyntax.RelativeTraversalExpr, *hclsyntax.IndexExpr, *hclsyntax.AnonSymbolExpr:
		return true
	}
	return false
}

// chargeRef charges a looked-up value: a string's length, a constant otherwise.
func (b *budget) chargeRef(v cty.Value) error {
	if b.err != nil {
		return b.err
	}
	if v != cty.NilVal && v.IsKnown() && !v.IsNull() {
		if u, _ := v.Unmark(); u.Type() == cty.String {
			n := int64(len(u.AsString())) + 16
			if n > maxValue {
				return b.fail(hcl.Range{}, "this expression builds a value larger than %d MiB or nested more than %d deep, far beyond a real configuration; layerkit stops evaluating here", maxValue>>20, maxValueDepth)
			}
			return b.spend(n)
		}
	}
	return b.spend(16)
}

// budget is the work budget of one load.
type budget struct {
	used int64
	err  error     // the first failure; everything after it evaluates to unknown
	at   hcl.Range // the top-level expression being evaluated
}

func (b *budget) fail(r hcl.Range, format string, args ...any) error {
	if b.err == nil {
		if r.Filename == "" {
			r = b.at
		}
		b.err = iac.Errorf(model.Pos{File: r.Filename, Line: r.Start.Line, Col: r.Start.Column}, format, args...)
	}
	return b.err
}

// charge adds v's size to the work done; it fails when v is over the value cap or the
// work over the budget.
func (b *budget) charge(v cty.Value) error {
	if b.err != nil {
		return b.err
	}
	n, ok := size(v, maxValue, 0)
	if !ok {
		return b.fail(hcl.Range{}, "this expression builds a value larger than %d MiB or nested more than %d deep, far beyond a real configuration; layerkit stops evaluating here", maxValue>>20, maxValueDepth)
	}
	return b.spend(n)
}

func (b *budget) spend(n int64) error {
	if b.err != nil {
		return b.err
	}
	b.used += n
	if b.used > maxWork {
		return b.fail(hcl.Range{}, "evaluating the configuration builds more than %d MiB of values in total (values that double or are repeated), far beyond a real configuration; layerkit stops evaluating here", maxWork>>20)
	}
	return nil
}

// size is the approximate memory a value takes, up to limit; ok is false past the
// limit or past maxValueDepth.
func size(v cty.Value, limit int64, depth int) (int64, bool) {
	if depth > maxValueDepth {
		return 0, false
	}
	if v == cty.NilVal || !v.IsKnown() || v.IsNull() {
		return 16, true
	}
	v, _ = v.Unmark()
	t := v.Type()
	switch {
	case t == cty.String:
		n := int64(len(v.AsString())) + 16
		return n, n <= limit
	case t.IsPrimitiveType():
		return 64, true
	case t.IsCollectionType() || t.IsTupleType() || t.IsObjectType():
		total := int64(32)
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			total += 32
			if t.IsObjectType() || t.IsMapType() {
				total += int64(len(k.AsString()))
			}
			n, ok := size(e, limit-total, depth+1)
			if !ok {
				return 0, false
			}
			total += n
			if total > limit {
				return 0, false
			}
		}
		return total, true
	}
	return 32, true
}

// budgetFunction is the identity function that charges what passes through it (with
// charge, or chargeRef for lookups).
func (b *budget) budgetFunction(charge func(cty.Value) error) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "v", Type: cty.DynamicPseudoType,
			AllowNull: true, AllowUnknown: true, AllowDynamicType: true, AllowMarked: true}},
		Type: func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if err := charge(args[0]); err != nil {
				abandon()
			}
			return args[0], nil
		},
	})
}

// chargeIterations charges a for expression's collection: its value as a lookup or a
// built value, and perIteration for each element it will be iterated over.
func (b *budget) chargeIterations(lookup bool) func(cty.Value) error {
	return func(v cty.Value) error {
		charge := b.charge
		if lookup {
			charge = b.chargeRef
		}
		if err := charge(v); err != nil {
			return err
		}
		u, _ := v.Unmark()
		if u.IsKnown() && !u.IsNull() && u.CanIterateElements() {
			return b.spend(int64(u.LengthInt()) * perIteration)
		}
		return nil
	}
}

// abandon ends the evaluation under way once the budget is spent: the rest of it
// (the remaining iterations of every for expression around this one) would only pile
// up errors. Evaluations run on a goroutine of their own (loader.eval), which this ends;
// unlike a panic, runtime.Goexit is not stopped by the recover() in cty's function calls.
func abandon() { runtime.Goexit() }

// guard wraps a function whose result can be much larger than its arguments: grow
// estimates the result's size from the (known) arguments, and the call is refused
// when that is over the value cap.
func (b *budget) guard(name string, f function.Function, grow func(args []cty.Value) int64) function.Function {
	spec := &function.Spec{
		Params:   f.Params(),
		VarParam: f.VarParam(),
		Type: func(args []cty.Value) (cty.Type, error) {
			return f.ReturnTypeForValues(args)
		},
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if b.err != nil {
				abandon()
			}
			if n := grow(args); n > maxValue {
				b.fail(hcl.Range{}, "%s(...) here would build a value of about %d bytes, over the %d MiB cap on one value; layerkit stops evaluating here", name, n, maxValue>>20)
				abandon()
			}
			return f.Call(args)
		},
	}
	return function.New(spec)
}

func strLen(v cty.Value) int64 {
	if s, ok := str(v); ok {
		return int64(len(s))
	}
	return 0
}

func argsSize(args []cty.Value) int64 {
	var n int64
	for _, a := range args {
		s, ok := size(a, maxValue*16, 0)
		if !ok {
			return maxValue + 1
		}
		n += s
	}
	return n
}

func count(v cty.Value) int64 {
	if es, ok := elems(v); ok {
		return int64(len(es))
	}
	if v != cty.NilVal && v.IsKnown() && !v.IsNull() && (v.Type().IsMapType() || v.Type().IsObjectType()) {
		return int64(v.LengthInt())
	}
	return 0
}

// formatWidth matches a width or precision in a format verb: %10000d, %.5000f.
var formatWidth = regexp.MustCompile(`%[-+# 0]*(\d*)(?:\.(\d*))?`)

// formatGrow is the largest width or precision the format strings ask for.
func formatGrow(format string) int64 {
	var n int64
	for _, m := range formatWidth.FindAllStringSubmatch(format, -1) {
		for _, d := range m[1:] {
			if len(d) > 7 {
				return maxValue + 1
			}
			var w int64
			fmt.Sscan(d, &w)
			n += w
		}
	}
	return n
}

// guarded wraps the functions of fs that can amplify.
func (b *budget) guarded(fs map[string]function.Function) map[string]function.Function {
	g := func(name string, grow func(args []cty.Value) int64) {
		if f, ok := fs[name]; ok {
			fs[name] = b.guard(name, f, grow)
		}
	}
	g("format", func(args []cty.Value) int64 {
		return argsSize(args) + formatGrow(strOf(args[0]))*int64(len(args))
	})
	g("formatlist", func(args []cty.Value) int64 {
		n := int64(1)
		for _, a := range args[1:] {
			n = max(n, count(a))
		}
		return (argsSize(args) + formatGrow(strOf(args[0]))*int64(len(args))) * n
	})
	g("join", func(args []cty.Value) int64 {
		var n int64
		for _, a := range args[1:] {
			n += count(a)
		}
		return argsSize(args) + strLen(args[0])*n
	})
	g("replace", func(args []cty.Value) int64 {
		s, sub, rep := strLen(args[0]), strLen(args[1]), strLen(args[2])
		if sub == 0 {
			return s + (s+1)*rep
		}
		return s + (s/sub+1)*rep
	})
	g("indent", func(args []cty.Value) int64 {
		var n int64
		if w, ok := str(args[0]); ok {
			fmt.Sscan(w, &n)
		}
		lines := int64(strings.Count(strOf(args[1]), "\n") + 1)
		return strLen(args[1]) + lines*max(n, 0)
	})
	g("setproduct", func(args []cty.Value) int64 {
		n := int64(1)
		for _, a := range args {
			n *= max(count(a), 1)
			if n > maxValue {
				return n
			}
		}
		return n * 32 * int64(len(args))
	})
	g("split", func(args []cty.Value) int64 {
		sep, s := strOf(args[0]), strOf(args[1])
		n := int64(len(s) + 1)
		if sep != "" {
			n = int64(strings.Count(s, sep) + 1)
		}
		return int64(len(s)) + n*48
	})
	g("regexall", func(args []cty.Value) int64 {
		groups := int64(strings.Count(strOf(args[0]), "(") + 1)
		return (strLen(args[1]) + 1) * 48 * groups
	})
	g("jsondecode", func(args []cty.Value) int64 {
		s := strOf(args[0])
		if err := checkJSONDepth("", []byte(s)); err != nil {
			return maxValue + 1
		}
		return int64(len(s)) * 48
	})
	for _, name := range []string{"jsonencode", "upper", "lower", "title", "strrev", "chunklist", "flatten", "concat", "merge", "zipmap", "tolist", "toset", "tomap", "tostring", "distinct", "sort", "reverse", "values", "keys", "compact", "coalescelist", "setunion", "setintersection", "setsubtract", "slice", "trim", "trimprefix", "trimsuffix", "trimspace", "chomp", "substr"} {
		g(name, func(args []cty.Value) int64 { return argsSize(args) * 6 })
	}
	return fs
}

func strOf(v cty.Value) string {
	s, _ := str(v)
	return s
}

// prepare readies an expression for evaluation: a JSON expression becomes the native
// syntax tree it stands for, and every sub-expression is wrapped in the budget
// function. Trees are changed in place, once.
func (l *loader) prepare(expr hcl.Expression) hcl.Expression {
	if p, ok := l.prepared[expr]; ok {
		return p
	}
	out := expr
	if _, native := expr.(hclsyntax.Expression); !native {
		if conv := l.fromJSON(expr); conv != nil {
			out = conv
		}
	}
	if e, ok := out.(hclsyntax.Expression); ok {
		l.wrapChildren(e)
	}
	l.prepared[expr] = out
	return out
}

func (l *loader) wrap(e hclsyntax.Expression) hclsyntax.Expression {
	if _, literal := e.(*hclsyntax.LiteralValueExpr); literal {
		return e // its size is the file's
	}
	return l.wrapWith(e, budgetFunc, refFunc)
}

// wrapIter wraps the collection a for expression iterates (see iterFunc).
func (l *loader) wrapIter(e hclsyntax.Expression) hclsyntax.Expression {
	return l.wrapWith(e, iterFunc, iterRefFunc)
}

// isBudget reports whether e is a call of one of the budget's functions.
func isBudget(e hclsyntax.Expression) bool {
	f, ok := e.(*hclsyntax.FunctionCallExpr)
	return ok && (f.Name == budgetFunc || f.Name == refFunc || f.Name == iterFunc || f.Name == iterRefFunc)
}

// wrapWith wraps e in a call of build, or of lookup when e only finds a value.
func (l *loader) wrapWith(e hclsyntax.Expression, build, lookup string) hclsyntax.Expression {
	if e == nil || isBudget(e) {
		return e
	}
	l.wrapChildren(e)
	name := build
	if isLookup(e) {
		name = lookup
	}
	r := e.Range()
	return &hclsyntax.FunctionCallExpr{Name: name, Args: []hclsyntax.Expression{e},
		NameRange: r, OpenParenRange: r, CloseParenRange: r}
}

// wrapChildren wraps every child expression of e (not e itself).
func (l *loader) wrapChildren(e hclsyntax.Expression) {
	if l.wrapped[e] {
		return
	}
	l.wrapped[e] = true
	switch x := e.(type) {
	case *hclsyntax.FunctionCallExpr:
		if isBudget(x) {
			for _, a := range x.Args {
				l.wrapChildren(a)
			}
			return
		}
		for i := range x.Args {
			x.Args[i] = l.wrap(x.Args[i])
		}
	case *hclsyntax.ParenthesesExpr:
		x.Expression = l.wrap(x.Expression)
	case *hclsyntax.RelativeTraversalExpr:
		x.Source = l.wrap(x.Source)
	case *hclsyntax.ConditionalExpr:
		x.Condition, x.TrueResult, x.FalseResult = l.wrap(x.Condition), l.wrap(x.TrueResult), l.wrap(x.FalseResult)
	case *hclsyntax.IndexExpr:
		x.Collection, x.Key = l.wrap(x.Collection), l.wrap(x.Key)
	case *hclsyntax.TupleConsExpr:
		for i := range x.Exprs {
			x.Exprs[i] = l.wrap(x.Exprs[i])
		}
	case *hclsyntax.ObjectConsExpr:
		for i := range x.Items {
			// keys stay as they are (a bare word is a key, not a reference), their insides
			// are wrapped; values are wrapped.
			if k, ok := x.Items[i].KeyExpr.(*hclsyntax.ObjectConsKeyExpr); ok {
				l.wrapChildren(k.Wrapped)
			}
			x.Items[i].ValueExpr = l.wrap(x.Items[i].ValueExpr)
		}
	case *hclsyntax.ForExpr:
		x.CollExpr = l.wrapIter(x.CollExpr)
		if x.KeyExpr != nil {
			x.KeyExpr = l.wrap(x.KeyExpr)
		}
		x.ValExpr = l.wrap(x.ValExpr)
		if x.CondExpr != nil {
			x.CondExpr = l.wrap(x.CondExpr)
		}
	case *hclsyntax.SplatExpr:
		x.Source, x.Each = l.wrap(x.Source), l.wrap(x.Each)
	case *hclsyntax.TemplateExpr:
		for i := range x.Parts {
			x.Parts[i] = l.wrap(x.Parts[i])
		}
	case *hclsyntax.TemplateJoinExpr:
		x.Tuple = l.wrap(x.Tuple)
	case *hclsyntax.TemplateWrapExpr:
		x.Wrapped = l.wrap(x.Wrapped)
	case *hclsyntax.BinaryOpExpr:
		x.LHS, x.RHS = l.wrap(x.LHS), l.wrap(x.RHS)
	case *hclsyntax.UnaryOpExpr:
		x.Val = l.wrap(x.Val)
	}
}

// fromJSON builds the native syntax tree of a JSON expression (HCL's JSON syntax: a
// string is a template, arrays and objects hold expressions), so that it is evaluated
// under the same budget. nil when the expression is not one.
func (l *loader) fromJSON(expr hcl.Expression) hclsyntax.Expression {
	r := expr.Range()
	src := l.src[r.Filename]
	if r.Start.Byte < 0 || r.End.Byte > len(src) || r.Start.Byte >= r.End.Byte {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(src[r.Start.Byte:r.End.Byte]))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil
	}
	return jsonExpr(v, r)
}

func jsonExpr(v any, r hcl.Range) hclsyntax.Expression {
	switch x := v.(type) {
	case string:
		e, diags := hclsyntax.ParseTemplate([]byte(x), r.Filename, r.Start)
		if diags.HasErrors() || e == nil {
			return &hclsyntax.LiteralValueExpr{Val: cty.DynamicVal, SrcRange: r}
		}
		return e
	case json.Number:
		f, _, err := big.ParseFloat(string(x), 10, 512, big.ToNearestEven)
		if err != nil {
			return &hclsyntax.LiteralValueExpr{Val: cty.DynamicVal, SrcRange: r}
		}
		return &hclsyntax.LiteralValueExpr{Val: cty.NumberVal(f), SrcRange: r}
	case bool:
		return &hclsyntax.LiteralValueExpr{Val: cty.BoolVal(x), SrcRange: r}
	case nil:
		return &hclsyntax.LiteralValueExpr{Val: cty.NullVal(cty.DynamicPseudoType), SrcRange: r}
	case []any:
		t := &hclsyntax.TupleConsExpr{SrcRange: r, OpenRange: r}
		for _, e := range x {
			t.Exprs = append(t.Exprs, jsonExpr(e, r))
		}
		return t
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		o := &hclsyntax.ObjectConsExpr{SrcRange: r, OpenRange: r}
		for _, k := range keys {
			o.Items = append(o.Items, hclsyntax.ObjectConsItem{
				KeyExpr:   &hclsyntax.ObjectConsKeyExpr{Wrapped: jsonExpr(k, r), ForceNonLiteral: true},
				ValueExpr: jsonExpr(x[k], r),
			})
		}
		return o
	}
	return &hclsyntax.LiteralValueExpr{Val: cty.DynamicVal, SrcRange: r}
}
