package cfn

import (
	"strconv"
	"strings"
)

// ResultKind is the shape of an evaluated value.
type ResultKind int

const (
	// Unknown: the value depends on something we cannot know statically (a pseudo
	// parameter, a parameter without Default, Fn::ImportValue, Fn::GetAtt, ...).
	// Why describes it; Str holds the text with the unknown parts left as ${...} when
	// the value is a partly known string (Partial).
	Unknown ResultKind = iota
	// String: a known string (numbers and booleans as written).
	String
	// ListResult: a known list; Items holds the elements.
	ListResult
	// ResourceRef: {"Ref": X} where X is a resource of the template; Resource names it.
	ResourceRef
	// Attr: Fn::GetAtt of a resource of the template; Resource and Attr name it.
	Attr
	// Dangling: a Ref (or ${X} in Fn::Sub, or Fn::GetAtt) naming nothing in the template.
	// Name is what was named.
	Dangling
	// Either: Fn::If on a condition that cannot be decided. Items holds both branches,
	// each marked Conditional.
	Either
	// NoValue: {"Ref": "AWS::NoValue"}; the property or list item is to be dropped.
	NoValue
	// Structure: a plain map (no intrinsic function at its top); Value is the node.
	Structure
)

// Result is an evaluated value.
type Result struct {
	Kind     ResultKind
	Str      string
	Items    []Result
	Resource string
	Attr     string
	Name     string
	Why      string
	// Partial is set on an Unknown string whose known parts are in Str, with each
	// unknown part as ${Name}.
	Partial bool
	// Param names the parameter when the value is directly a Ref to a parameter.
	Param string
	// Conditional is set on the branches of an Either.
	Conditional bool
	// Value is the node the result was evaluated from.
	Value *Value
}

// Known reports whether r is a known string.
func (r Result) Known() bool { return r.Kind == String }

// Text describes r for messages: the string, the partial text, or Why.
func (r Result) Text() string {
	switch r.Kind {
	case String:
		return r.Str
	case Unknown:
		if r.Partial {
			return r.Str
		}
		return r.Why
	case ResourceRef:
		return "!Ref " + r.Resource
	case Attr:
		return "!GetAtt " + r.Resource + "." + r.Attr
	case Dangling:
		return r.Name
	}
	return Describe(r.Value)
}

// PseudoParams are CloudFormation's pseudo parameters; Ref to them is Unknown
// (except AWS::NoValue).
var PseudoParams = map[string]bool{
	"AWS::AccountId":        true,
	"AWS::NotificationARNs": true,
	"AWS::NoValue":          true,
	"AWS::Partition":        true,
	"AWS::Region":           true,
	"AWS::StackId":          true,
	"AWS::StackName":        true,
	"AWS::URLSuffix":        true,
}

// maxEval bounds evaluation depth (nested functions, condition chains).
const maxEval = 64

// Eval evaluates v using parameter defaults, Mappings and Conditions. It never fails:
// what cannot be evaluated is Unknown, and so is everything once the template's
// evaluation budget is spent (see Err).
func (t *Template) Eval(v *Value) Result {
	e := evaluator{t: t, conds: map[string]int{}}
	return e.eval(v, 0)
}

// Condition evaluates the named condition with parameter defaults. ok is false when it
// cannot be decided (or the evaluation budget is spent).
func (t *Template) Condition(name string) (value, ok bool) {
	e := evaluator{t: t, conds: map[string]int{}}
	return e.condition(name, 0)
}

type evaluator struct {
	t *Template
	// conds: 1 while a condition is being evaluated (cycle guard).
	conds map[string]int
	// cut is set when a depth limit cut an evaluation short (its result is not
	// memoized); chain counts the conditions being evaluated.
	cut   bool
	chain int
}

func unknown(v *Value, why string) Result {
	return Result{Kind: Unknown, Why: why, Value: v}
}

// overBudget is the result of an evaluation stopped by the budget.
func overBudget(v *Value) Result {
	return unknown(v, "not evaluated: the template's evaluation budget is spent")
}

func (e *evaluator) eval(v *Value, depth int) Result {
	if v == nil {
		return Result{Kind: NoValue}
	}
	if depth > maxEval {
		e.cut = true
		return unknown(v, "expression nested too deep")
	}
	if !e.t.spend(v, 1, 0) {
		return overBudget(v)
	}
	switch v.Kind {
	case Scalar:
		if v.Tag == "!!null" {
			return Result{Kind: String, Str: "", Value: v}
		}
		return Result{Kind: String, Str: v.Str, Value: v}
	case List:
		out := Result{Kind: ListResult, Value: v, Items: make([]Result, 0, len(v.Items))}
		for _, it := range v.Items {
			r := e.eval(it, depth+1)
			if r.Kind == NoValue {
				continue
			}
			out.Items = append(out.Items, r)
		}
		return out
	case Map:
		return Result{Kind: Structure, Value: v}
	case Opaque:
		return unknown(v, Describe(v))
	}
	r := e.fn(v, depth)
	if r.Value == nil {
		r.Value = v
	}
	return r
}

func (e *evaluator) fn(v *Value, depth int) Result {
	arg := v.Arg
	switch v.Fn {
	case "Ref":
		name, ok := arg.String()
		if !ok {
			return unknown(v, Describe(v))
		}
		return e.ref(v, name, depth)
	case "Fn::GetAtt":
		res, attr, ok := getAttArgs(arg)
		if !ok {
			return unknown(v, Describe(v))
		}
		if e.t.Resource(res) == nil {
			return Result{Kind: Dangling, Name: res, Why: Describe(v) + " names no resource", Value: v}
		}
		return Result{Kind: Attr, Resource: res, Attr: attr, Why: Describe(v), Value: v}
	case "Fn::Sub":
		return e.sub(v, depth)
	case "Fn::Join":
		return e.join(v, depth)
	case "Fn::Select":
		if arg == nil || arg.Kind != List || len(arg.Items) != 2 {
			return unknown(v, Describe(v))
		}
		idx := e.eval(arg.Items[0], depth+1)
		list := e.list(arg.Items[1], depth+1)
		if idx.Kind != String || list.Kind != ListResult {
			return unknown(v, Describe(v))
		}
		i, err := strconv.Atoi(strings.TrimSpace(idx.Str))
		if err != nil || i < 0 || i >= len(list.Items) {
			return unknown(v, Describe(v)+": index out of range")
		}
		return list.Items[i]
	case "Fn::Split":
		if arg == nil || arg.Kind != List || len(arg.Items) != 2 {
			return unknown(v, Describe(v))
		}
		sep := e.eval(arg.Items[0], depth+1)
		s := e.eval(arg.Items[1], depth+1)
		if sep.Kind != String || s.Kind != String || sep.Str == "" {
			return unknown(v, Describe(v))
		}
		if !e.t.spend(v, itemCost*(int64(strings.Count(s.Str, sep.Str))+1), 0) {
			return overBudget(v)
		}
		out := Result{Kind: ListResult, Value: v}
		for _, p := range strings.Split(s.Str, sep.Str) {
			out.Items = append(out.Items, Result{Kind: String, Str: p, Value: v})
		}
		return out
	case "Fn::FindInMap":
		return e.findInMap(v, depth)
	case "Fn::If":
		if arg == nil || arg.Kind != List || len(arg.Items) != 3 {
			return unknown(v, Describe(v))
		}
		name, ok := arg.Items[0].String()
		if !ok {
			return unknown(v, Describe(v))
		}
		val, known := e.condition(name, depth+1)
		if known {
			if val {
				return e.eval(arg.Items[1], depth+1)
			}
			return e.eval(arg.Items[2], depth+1)
		}
		a := e.eval(arg.Items[1], depth+1)
		b := e.eval(arg.Items[2], depth+1)
		a.Conditional, b.Conditional = true, true
		return Result{Kind: Either, Items: []Result{a, b}, Name: name,
			Why: "depends on condition " + name, Value: v}
	case "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or", "Condition":
		b, ok := e.condExpr(v, depth)
		if !ok {
			return unknown(v, Describe(v))
		}
		return Result{Kind: String, Str: strconv.FormatBool(b), Value: v}
	case "Fn::ImportValue":
		name := e.eval(arg, depth+1)
		if name.Kind == String {
			return Result{Kind: Unknown, Why: "Fn::ImportValue " + name.Str, Name: name.Str, Value: v}
		}
		return unknown(v, Describe(v))
	}
	// Fn::Base64, Fn::Cidr, Fn::GetAZs, Fn::Transform, Fn::GetStackOutput, ...
	return unknown(v, Describe(v))
}

func getAttArgs(arg *Value) (res, attr string, ok bool) {
	if s, isStr := arg.String(); isStr {
		res, attr, ok = strings.Cut(s, ".")
		return res, attr, ok
	}
	if arg == nil || arg.Kind != List || len(arg.Items) != 2 {
		return "", "", false
	}
	res, ok1 := arg.Items[0].String()
	attr, ok2 := arg.Items[1].String()
	return res, attr, ok1 && ok2
}

// ref evaluates {"Ref": name}.
func (e *evaluator) ref(v *Value, name string, depth int) Result {
	if name == "AWS::NoValue" {
		return Result{Kind: NoValue, Value: v}
	}
	if PseudoParams[name] {
		return Result{Kind: Unknown, Why: name, Name: name, Value: v}
	}
	if p := e.t.Section("Parameters").Get(name); p != nil {
		def := p.Get("Default")
		if def == nil || def.Kind != Scalar && def.Kind != List {
			return Result{Kind: Unknown, Why: "parameter " + name, Param: name, Value: v}
		}
		typ, _ := p.Get("Type").String()
		if def.Kind == List {
			r := e.eval(def, depth+1)
			r.Param = name
			return r
		}
		s, _ := def.String()
		if typ == "CommaDelimitedList" || strings.HasPrefix(typ, "List<") {
			if !e.t.spend(v, itemCost*(int64(strings.Count(s, ","))+1), 0) {
				return overBudget(v)
			}
			out := Result{Kind: ListResult, Param: name, Value: def}
			for _, part := range strings.Split(s, ",") {
				out.Items = append(out.Items, Result{Kind: String, Str: strings.TrimSpace(part), Value: def})
			}
			return out
		}
		return Result{Kind: String, Str: s, Param: name, Value: def}
	}
	if e.t.Resource(name) != nil {
		return Result{Kind: ResourceRef, Resource: name, Value: v}
	}
	return Result{Kind: Dangling, Name: name, Why: "Ref " + name + " names nothing", Value: v}
}

// list evaluates v and returns a ListResult, or an Unknown.
func (e *evaluator) list(v *Value, depth int) Result {
	r := e.eval(v, depth)
	if r.Kind != ListResult {
		return unknown(v, Describe(v))
	}
	return r
}

func (e *evaluator) join(v *Value, depth int) Result {
	arg := v.Arg
	if arg == nil || arg.Kind != List || len(arg.Items) != 2 {
		return unknown(v, Describe(v))
	}
	sep := e.eval(arg.Items[0], depth+1)
	list := e.list(arg.Items[1], depth+1)
	if sep.Kind != String || list.Kind != ListResult {
		return unknown(v, Describe(v))
	}
	parts := make([]string, 0, len(list.Items))
	partial := false
	size := int64(len(sep.Str)) * int64(len(list.Items))
	for _, it := range list.Items {
		size += int64(len(it.Str))
	}
	if !e.t.spend(v, 0, size) {
		return overBudget(v)
	}
	for _, it := range list.Items {
		switch it.Kind {
		case String:
			parts = append(parts, it.Str)
		case Unknown:
			partial = true
			if it.Partial {
				parts = append(parts, it.Str)
			} else {
				parts = append(parts, "${"+placeholder(it)+"}")
			}
		default:
			partial = true
			parts = append(parts, "${"+placeholder(it)+"}")
		}
	}
	s := strings.Join(parts, sep.Str)
	if partial {
		return Result{Kind: Unknown, Str: s, Partial: true, Why: Describe(v), Value: v}
	}
	return Result{Kind: String, Str: s, Value: v}
}

// placeholder names an unknown part inside a partly known string.
func placeholder(r Result) string {
	switch r.Kind {
	case ResourceRef:
		return r.Resource
	case Attr:
		return r.Resource + "." + r.Attr
	case Dangling:
		return r.Name
	case Unknown:
		if r.Name != "" {
			return r.Name
		}
		if r.Param != "" {
			return r.Param
		}
	}
	return Describe(r.Value)
}

func (e *evaluator) sub(v *Value, depth int) Result {
	arg := v.Arg
	var tmpl *Value
	vars := map[string]Result{}
	switch {
	case arg != nil && arg.Kind == Scalar:
		tmpl = arg
	case arg != nil && arg.Kind == List && len(arg.Items) == 2:
		tmpl = arg.Items[0]
		if m := arg.Items[1]; m.Kind == Map {
			for _, k := range m.Keys {
				vars[k.Name] = e.eval(k.Value, depth+1)
			}
		}
	default:
		return unknown(v, Describe(v))
	}
	s, ok := tmpl.String()
	if !ok {
		return unknown(v, Describe(v))
	}
	if !e.t.spend(v, 0, int64(len(s))) {
		return overBudget(v)
	}
	var b strings.Builder
	partial := false
	var only *Result // the result when the whole string is one ${X}
	var dangling *Result
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			break
		}
		name := s[i+2 : i+j]
		b.WriteString(s[:i])
		rest := s[i+j+1:]
		if strings.HasPrefix(name, "!") {
			// ${!Literal} writes ${Literal}.
			b.WriteString("${" + name[1:] + "}")
			s = rest
			continue
		}
		name = strings.TrimSpace(name)
		r, ok := vars[name]
		if !ok {
			if res, attr, isAtt := strings.Cut(name, "."); isAtt && e.t.Section("Parameters").Get(name) == nil {
				if e.t.Resource(res) != nil {
					r = Result{Kind: Attr, Resource: res, Attr: attr, Why: "!GetAtt " + name}
				} else {
					r = Result{Kind: Dangling, Name: res, Why: "${" + name + "} names no resource"}
				}
			} else {
				r = e.ref(v, name, depth+1)
			}
		}
		if i == 0 && rest == "" && b.Len() == 0 {
			rr := r
			only = &rr
		}
		if !e.t.spend(v, 0, int64(i+len(r.Str)+len(name)+3)) {
			return overBudget(v)
		}
		switch r.Kind {
		case String:
			b.WriteString(r.Str)
		case Unknown:
			partial = true
			if r.Partial {
				b.WriteString(r.Str)
			} else {
				b.WriteString("${" + name + "}")
			}
		case Dangling:
			if dangling == nil {
				rr := r
				dangling = &rr
			}
			partial = true
			b.WriteString("${" + name + "}")
		default:
			partial = true
			b.WriteString("${" + name + "}")
		}
		s = rest
	}
	if only != nil && (only.Kind == ResourceRef || only.Kind == Attr) {
		only.Value = v
		return *only
	}
	if dangling != nil {
		d := *dangling
		d.Value = v
		d.Str = b.String()
		return d
	}
	if partial {
		return Result{Kind: Unknown, Str: b.String(), Partial: true, Why: Describe(v), Value: v}
	}
	return Result{Kind: String, Str: b.String(), Value: v}
}

func (e *evaluator) findInMap(v *Value, depth int) Result {
	arg := v.Arg
	if arg == nil || arg.Kind != List || len(arg.Items) < 3 {
		return unknown(v, Describe(v))
	}
	var keys [3]string
	for i := range 3 {
		r := e.eval(arg.Items[i], depth+1)
		if r.Kind != String {
			return e.findDefault(v, depth)
		}
		keys[i] = r.Str
	}
	val := e.t.Section("Mappings").Path(keys[0], keys[1], keys[2])
	if val == nil {
		return e.findDefault(v, depth)
	}
	return e.eval(val, depth+1)
}

// findDefault evaluates the DefaultValue of Fn::FindInMap (AWS::LanguageExtensions).
func (e *evaluator) findDefault(v *Value, depth int) Result {
	if len(v.Arg.Items) == 4 {
		if d := v.Arg.Items[3].Get("DefaultValue"); d != nil {
			return e.eval(d, depth+1)
		}
	}
	return unknown(v, Describe(v))
}

// maxCondChain bounds conditions that refer to conditions (Condition, Fn::If) inside
// one evaluation. Each condition's own expression starts at depth 0, so that a chain of
// conditions is not cut at maxEval's few levels.
const maxCondChain = 256

// condition evaluates the named entry of Conditions. Results are memoized per template.
func (e *evaluator) condition(name string, depth int) (bool, bool) {
	if depth > maxEval || e.chain >= maxCondChain {
		e.cut = true
		return false, false
	}
	if e.conds[name] == 1 {
		return false, false
	}
	if r, ok := e.t.condMemo(name); ok {
		return r.value, r.known
	}
	c := e.t.Section("Conditions").Get(name)
	if c == nil {
		return false, false
	}
	e.conds[name] = 1
	e.chain++
	cut := e.cut
	e.cut = false
	val, known := e.condExpr(c, 0)
	if !e.cut {
		// A result cut short by a depth limit is not kept: the same condition
		// reached from higher up may be decidable.
		e.t.setCondMemo(name, condResult{val, known})
	}
	e.cut = e.cut || cut
	e.chain--
	delete(e.conds, name)
	return val, known
}

// condExpr evaluates a condition expression.
func (e *evaluator) condExpr(v *Value, depth int) (bool, bool) {
	if depth > maxEval {
		e.cut = true
		return false, false
	}
	if v == nil || !e.t.spend(v, 1, 0) {
		return false, false
	}
	if v.Kind == Map && len(v.Keys) == 1 && v.Keys[0].Name == "Condition" {
		v = &Value{Kind: Func, Fn: "Condition", Arg: v.Keys[0].Value, Line: v.Line, Col: v.Col}
	}
	if v.Kind == Scalar {
		switch strings.ToLower(v.Str) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
		return false, false
	}
	if v.Kind != Func {
		return false, false
	}
	arg := v.Arg
	switch v.Fn {
	case "Condition":
		name, ok := arg.String()
		if !ok {
			return false, false
		}
		return e.condition(name, depth+1)
	case "Fn::Equals":
		if arg == nil || arg.Kind != List || len(arg.Items) != 2 {
			return false, false
		}
		a := e.eval(arg.Items[0], depth+1)
		b := e.eval(arg.Items[1], depth+1)
		if a.Kind != String || b.Kind != String {
			return false, false
		}
		return a.Str == b.Str, true
	case "Fn::Not":
		if arg == nil || arg.Kind != List || len(arg.Items) != 1 {
			return false, false
		}
		b, ok := e.condExpr(arg.Items[0], depth+1)
		return !b, ok
	case "Fn::And", "Fn::Or":
		if arg == nil || arg.Kind != List || len(arg.Items) == 0 {
			return false, false
		}
		and := v.Fn == "Fn::And"
		allKnown := true
		for _, it := range arg.Items {
			b, ok := e.condExpr(it, depth+1)
			if !ok {
				allKnown = false
				continue
			}
			if and && !b {
				return false, true
			}
			if !and && b {
				return true, true
			}
		}
		if !allKnown {
			return false, false
		}
		return and, true
	}
	return false, false
}
