package terraform

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
)

// maxModuleDepth caps how deep module calls nest.
const maxModuleDepth = 16

// modInst is one instance of a module: the root module, or a module block (one per
// count index or for_each key) with its input variables bound.
type modInst struct {
	addr  string // "" for the root; "module.api", `module.api["x"]`, "module.a.module.b"
	key   string // the module path as .terraform/modules/modules.json keys it: "", "api", "a.b"
	dir   string // the module's folder (absolute)
	cfg   *config
	depth int
	up    *modInst // the calling module; nil for the root

	vars     map[string]cty.Value
	unset    map[string]string    // variable → why it has no value
	base     map[string]cty.Value // path, terraform and var (for baseVars variables)
	baseVars int
	// values of what the module's expressions reference, filled in dependency order
	locals   map[string]cty.Value
	localsAt map[string]*hcl.Attribute
	modules  map[string]cty.Value
	res      map[string]map[string]cty.Value // type → name → value ("data.archive_file" for data)
	ctx      *hcl.EvalContext                // every value, once the module is evaluated
}

// prefix is what the addresses of the module's resources start with.
func (m *modInst) prefix() string {
	if m.addr == "" {
		return ""
	}
	return m.addr + "."
}

// resInst is one instance of a resource (one per count index or for_each key).
type resInst struct {
	m         *modInst
	typ, name string
	key       string // "", "[0]", `["orders"]`
	block     *hcl.Block
	ctx       *hcl.EvalContext
	// unknown is why count or for_each cannot be evaluated ("" when it can).
	unknown string
}

// addr is the instance's address as Terraform prints it.
func (r *resInst) addr() string {
	return r.m.prefix() + r.typ + "." + r.name + r.key
}

// use makes r's context the current one.
func (l *loader) use(r *resInst) {
	l.ctx, l.curMod = r.ctx, r.m
}

// display is the name a function or layer goes by: the resource name for a plain
// resource of the root module (as it always was), the full address otherwise.
func (r *resInst) display() string {
	if r.m.addr == "" && r.key == "" {
		return r.name
	}
	return r.addr()
}

func sortedAttrs(attrs hcl.Attributes) []*hcl.Attribute {
	out := make([]*hcl.Attribute, 0, len(attrs))
	for _, a := range attrs {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Range, out[j].Range
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		return a.Start.Byte < b.Start.Byte
	})
	return out
}

func objectOrEmpty(m map[string]cty.Value) cty.Value {
	if len(m) == 0 {
		return cty.EmptyObjectVal
	}
	return cty.ObjectVal(m)
}

// baseContext is a context with the module's path, terraform and var values; extra
// variables (count, each, and the references of one expression) are added to it.
func (l *loader) baseContext(m *modInst, extra map[string]cty.Value) *hcl.EvalContext {
	if m.base == nil || len(m.vars) != m.baseVars {
		m.base = map[string]cty.Value{
			"path": cty.ObjectVal(map[string]cty.Value{
				"module": cty.StringVal(iac.Rel(l.cwd, m.dir)), "root": cty.StringVal(iac.Rel(l.cwd, l.rootDir)), "cwd": cty.StringVal(filepath.ToSlash(l.cwd)),
			}),
			"terraform": cty.ObjectVal(map[string]cty.Value{"workspace": cty.StringVal("default")}),
			"var":       objectOrEmpty(m.vars),
		}
		m.baseVars = len(m.vars)
	}
	vars := make(map[string]cty.Value, len(m.base)+len(extra)+4)
	for k, v := range m.base {
		vars[k] = v
	}
	for k, v := range extra {
		vars[k] = v
	}
	return &hcl.EvalContext{Functions: l.funcs, Variables: vars}
}

// bindVariables gives every declared variable of m its value: given (from the module
// block or the variable files), else its default, else unknown with the reason unset.
func (l *loader) bindVariables(m *modInst, given map[string]cty.Value, unset string) map[string]cty.Value {
	out := map[string]cty.Value{}
	m.vars, m.base = map[string]cty.Value{}, nil
	l.ctx = l.baseContext(m, nil)
	for _, b := range m.cfg.variables {
		name := b.Labels[0]
		if v, ok := given[name]; ok {
			out[name] = v
			continue
		}
		c, _, _ := b.Body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "default"}}})
		if a, ok := c.Attributes["default"]; ok {
			out[name] = l.eval(a.Expr)
			continue
		}
		out[name] = cty.DynamicVal
		m.unset[name] = unset
	}
	return out
}

// node is one thing of a module that others reference: a local, a module call, or a
// resource whose instances others name (layer versions, archives, S3 objects).
type node struct {
	kind  string // "local", "module", "resource"
	name  string // local or module name; resource name
	typ   string // resource type
	local *hcl.Attribute
	block *hcl.Block
	deps  []string
}

func (n *node) key() string {
	switch n.kind {
	case "local":
		return "local." + n.name
	case "module":
		return "module." + n.name
	}
	return n.typ + "." + n.name
}

// referenced resource types: their instances' values stand for them in expressions.
var referenced = map[string]bool{
	"aws_lambda_layer_version": true, "data.archive_file": true, "data.local_file": true, "data.template_file": true, "data.aws_lambda_layer_version": true,
	"aws_s3_object": true, "aws_s3_bucket_object": true,
}

// refKey is the node a traversal names: "local.x", "module.m", "aws_s3_object.o",
// "data.archive_file.a"; "" for anything else.
func refKey(tr hcl.Traversal) string {
	root := tr.RootName()
	attr := func(i int) string {
		if i < len(tr) {
			if a, ok := tr[i].(hcl.TraverseAttr); ok {
				return a.Name
			}
		}
		return ""
	}
	switch {
	case root == "local" || root == "module":
		if a := attr(1); a != "" {
			return root + "." + a
		}
	case root == "data":
		if t, n := attr(1), attr(2); t != "" && n != "" {
			return "data." + t + "." + n
		}
	case referenced[root]:
		if a := attr(1); a != "" {
			return root + "." + a
		}
	}
	return ""
}

func depsOf(exprs ...hcl.Expression) []string {
	var out []string
	for _, e := range exprs {
		if e == nil {
			continue
		}
		for _, tr := range e.Variables() {
			if k := refKey(tr); k != "" {
				out = append(out, k)
			}
		}
	}
	return out
}

// evalModule evaluates a module instance: its locals, module calls and referenced
// resources in dependency order (each once; members of a cycle last, with what is
// known), then records its resource instances and builds its full context.
func (l *loader) evalModule(m *modInst) {
	m.locals, m.localsAt = map[string]cty.Value{}, map[string]*hcl.Attribute{}
	m.modules, m.res = map[string]cty.Value{}, map[string]map[string]cty.Value{}
	var nodes []*node
	for _, a := range m.cfg.locals {
		nodes = append(nodes, &node{kind: "local", name: a.Name, local: a, deps: depsOf(a.Expr)})
		m.localsAt[a.Name] = a
	}
	for _, b := range m.cfg.modules {
		attrs, _ := b.Body.JustAttributes()
		var exprs []hcl.Expression
		for _, a := range sortedAttrs(attrs) {
			exprs = append(exprs, a.Expr)
		}
		nodes = append(nodes, &node{kind: "module", name: b.Labels[0], block: b, deps: depsOf(exprs...)})
	}
	for _, r := range m.cfg.resources {
		if !referenced[r.typ] {
			continue
		}
		c := content(r.block, []string{"count", "for_each", "filename"})
		nodes = append(nodes, &node{kind: "resource", typ: r.typ, name: r.name, block: r.block,
			deps: depsOf(attrExpr(c.Attributes["count"]), attrExpr(c.Attributes["for_each"]), attrExpr(c.Attributes["filename"]))})
	}
	for _, n := range order(nodes) {
		if l.budget.err != nil {
			return
		}
		l.curMod = m
		switch n.kind {
		case "local":
			l.ctx = l.scope(m, n.deps, nil)
			m.locals[n.name] = l.eval(n.local.Expr)
		case "module":
			m.modules[n.name] = l.callModule(m, n.block, n.deps)
		case "resource":
			if m.res[n.typ] == nil {
				m.res[n.typ] = map[string]cty.Value{}
			}
			m.res[n.typ][n.name] = l.expandResource(m, resourceBlock{n.typ, n.name, n.block}, n.deps)
		}
	}
	l.curMod = m
	m.ctx = l.fullContext(m, nil)
	for _, r := range m.cfg.resources {
		if r.typ != "aws_lambda_function" {
			continue
		}
		c := content(r.block, []string{"count", "for_each"})
		l.ctx = m.ctx
		l.instances(m, r, c, func(ri *resInst) { l.fnInsts = append(l.fnInsts, ri) })
	}
	l.completeContexts(m)
}

// order sorts nodes so that each comes after what it references (Kahn's algorithm,
// declaration order among equals); nodes in a cycle come last, in declaration order.
func order(nodes []*node) []*node {
	index := map[string]int{}
	for i, n := range nodes {
		if _, dup := index[n.key()]; !dup {
			index[n.key()] = i
		}
	}
	indeg := make([]int, len(nodes))
	users := make([][]int, len(nodes))
	for i, n := range nodes {
		seen := map[int]bool{}
		for _, d := range n.deps {
			j, ok := index[d]
			if !ok || seen[j] {
				continue
			}
			seen[j] = true
			indeg[i]++
			users[j] = append(users[j], i)
		}
	}
	var out []*node
	done := make([]bool, len(nodes))
	var queue []int
	for i := range nodes {
		if indeg[i] == 0 {
			queue = append(queue, i)
		}
	}
	for len(queue) > 0 {
		sort.Ints(queue)
		i := queue[0]
		queue = queue[1:]
		done[i] = true
		out = append(out, nodes[i])
		for _, u := range users[i] {
			if indeg[u]--; indeg[u] == 0 {
				queue = append(queue, u)
			}
		}
	}
	for i, n := range nodes {
		if !done[i] {
			out = append(out, n)
		}
	}
	return out
}

// scope is a context with only the locals, modules and resources deps names (and
// extra): building the whole local object for every local would cost the square of
// their number.
func (l *loader) scope(m *modInst, deps []string, extra map[string]cty.Value) *hcl.EvalContext {
	ctx := l.baseContext(m, extra)
	locals, modules := map[string]cty.Value{}, map[string]cty.Value{}
	res := map[string]map[string]cty.Value{}
	for _, d := range deps {
		switch {
		case strings.HasPrefix(d, "local."):
			if v, ok := m.locals[d[6:]]; ok {
				locals[d[6:]] = v
			} else if _, declared := m.localsAt[d[6:]]; declared {
				locals[d[6:]] = cty.DynamicVal
			}
		case strings.HasPrefix(d, "module."):
			if v, ok := m.modules[d[7:]]; ok {
				modules[d[7:]] = v
			}
		default:
			i := strings.LastIndex(d, ".")
			typ, name := d[:i], d[i+1:]
			if v, ok := m.res[typ][name]; ok {
				if res[typ] == nil {
					res[typ] = map[string]cty.Value{}
				}
				res[typ][name] = v
			}
		}
	}
	setAll(ctx.Variables, locals, modules, res)
	return ctx
}

// fullContext is a context with every value of m (and extra).
func (l *loader) fullContext(m *modInst, extra map[string]cty.Value) *hcl.EvalContext {
	ctx := l.baseContext(m, extra)
	setAll(ctx.Variables, m.locals, m.modules, m.res)
	return ctx
}

func setAll(vars map[string]cty.Value, locals, modules map[string]cty.Value, res map[string]map[string]cty.Value) {
	vars["local"] = objectOrEmpty(locals)
	if len(modules) > 0 {
		vars["module"] = cty.ObjectVal(modules)
	}
	data := map[string]cty.Value{}
	for typ, byName := range res {
		if strings.HasPrefix(typ, "data.") {
			data[typ[5:]] = cty.ObjectVal(byName)
		} else {
			vars[typ] = cty.ObjectVal(byName)
		}
	}
	if len(data) > 0 {
		vars["data"] = cty.ObjectVal(data)
	}
}

// expandResource records the instances of a referenced resource and returns the value
// that stands for it: an object of markers, a tuple of them (count), an object of
// them by key (for_each).
func (l *loader) expandResource(m *modInst, r resourceBlock, deps []string) cty.Value {
	c := content(r.block, []string{"count", "for_each"})
	l.ctx = l.scope(m, deps, nil)
	if r.typ == "data.local_file" {
		return l.localFile(r)
	}
	if r.typ == "data.template_file" {
		return l.templateFile(r)
	}
	if r.typ == "data.aws_lambda_layer_version" {
		return l.dataLayer(r)
	}
	var list *[]*resInst
	var attrs []string
	kind := ""
	switch r.typ {
	case "aws_lambda_layer_version":
		list, attrs, kind = &l.layerInsts, []string{"arn", "layer_arn"}, "layer"
	case "data.archive_file":
		list, attrs, kind = &l.archiveInsts, []string{"output_path"}, "archive"
	default:
		list, attrs, kind = &l.s3Insts, []string{"key", "id", "bucket"}, "s3"
	}
	// the instances are modelled with the module's full context (plus count/each),
	// which is complete only once the module is evaluated: fill it in then.
	var insts []*resInst
	l.instances(m, r, c, func(ri *resInst) {
		insts = append(insts, ri)
		*list = append(*list, ri)
	})
	obj := func(ri *resInst) cty.Value {
		vals := map[string]cty.Value{}
		for _, a := range attrs {
			vals[a] = cty.StringVal(marker(kind, ri.addr(), a))
		}
		return cty.ObjectVal(vals)
	}
	return instancesValue(c, insts, obj)
}

// instancesValue is what a reference to a block with these instances evaluates to, as
// Terraform makes it: a tuple under count, an object by key under for_each, the one
// instance's value otherwise; obj is one instance's value.
func instancesValue(c *hcl.BodyContent, insts []*resInst, obj func(*resInst) cty.Value) cty.Value {
	switch {
	case c.Attributes["count"] != nil:
		var tup []cty.Value
		for _, ri := range insts {
			tup = append(tup, obj(ri))
		}
		if len(tup) == 0 {
			return cty.EmptyTupleVal
		}
		return cty.TupleVal(tup)
	case c.Attributes["for_each"] != nil:
		byKey := map[string]cty.Value{}
		for _, ri := range insts {
			if ri.unknown != "" {
				return cty.DynamicVal
			}
			byKey[instanceKey(ri.key)] = obj(ri)
		}
		return objectOrEmpty(byKey)
	case len(insts) == 1:
		return obj(insts[0])
	}
	return cty.DynamicVal
}

// instances calls add for every instance of the block r of m: one, one per count
// index, or one per for_each key. When count or for_each cannot be evaluated, there is
// one instance whose unknown field says why. The instances' contexts are completed
// when the module is (see completeContexts).
func (l *loader) instances(m *modInst, r resourceBlock, c *hcl.BodyContent, add func(*resInst)) {
	mk := func(key string, extra map[string]cty.Value) *resInst {
		if l.nInstances++; l.nInstances > maxInstances {
			l.budget.fail(r.block.DefRange, "more than %d resource and module instances (count, for_each); layerkit stops here", maxInstances)
			return nil
		}
		ri := &resInst{m: m, typ: r.typ, name: r.name, key: key, block: r.block}
		ri.ctx = &hcl.EvalContext{Functions: l.funcs, Variables: extra}
		return ri
	}
	each(l, c, func(key string, extra map[string]cty.Value, unknown string) {
		if ri := mk(key, extra); ri != nil {
			ri.unknown = unknown
			l.pending = append(l.pending, ri)
			add(ri)
		}
	})
}

// each calls f for every instance that the count or for_each of c asks for (once
// when neither is set), with the instance key and its count/each variables.
func each(l *loader, c *hcl.BodyContent, f func(key string, extra map[string]cty.Value, unknown string)) {
	if a := c.Attributes["count"]; a != nil {
		v := l.eval(a.Expr)
		n, ok := countOf(v)
		if !ok {
			why := fmt.Sprintf("count = %s cannot be evaluated: %s", l.text(a.Expr.Range()), l.cause(a.Expr))
			if v.IsWhollyKnown() {
				why = fmt.Sprintf("count = %s is not a whole number of 0 or more, which Terraform refuses", l.text(a.Expr.Range()))
			}
			f("[0]", map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": cty.UnknownVal(cty.Number)})}, why)
			return
		}
		for i := 0; i < n && l.budget.err == nil; i++ {
			f(fmt.Sprintf("[%d]", i), map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": cty.NumberIntVal(int64(i))})}, "")
		}
		return
	}
	if a := c.Attributes["for_each"]; a != nil {
		v := l.eval(a.Expr)
		keys, vals, ok := forEachOf(v)
		if !ok {
			why := fmt.Sprintf("for_each = %s cannot be evaluated: %s", l.text(a.Expr.Range()), l.cause(a.Expr))
			if v.IsWhollyKnown() {
				why = fmt.Sprintf("for_each = %s is not a map, or a set of strings, which Terraform refuses", l.text(a.Expr.Range()))
			}
			f("", map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{"key": cty.UnknownVal(cty.String), "value": cty.DynamicVal})}, why)
			return
		}
		for i, k := range keys {
			if l.budget.err != nil {
				return
			}
			f("["+strconv.Quote(k)+"]", map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{"key": cty.StringVal(k), "value": vals[i]})}, "")
		}
		return
	}
	f("", nil, "")
}

// instanceKey is the for_each key of an instance key `["orders"]`.
func instanceKey(key string) string {
	k, _ := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(key, "["), "]"))
	return k
}

func countOf(v cty.Value) (int, bool) {
	if v == cty.NilVal || !v.IsWhollyKnown() || v.IsNull() {
		return 0, false
	}
	v, _ = v.Unmark()
	if v.Type() != cty.Number {
		s, ok := str(v)
		if !ok {
			return 0, false
		}
		n, err := strconv.Atoi(s)
		return min(n, maxInstances+1), err == nil && n >= 0
	}
	i, acc := v.AsBigFloat().Int64()
	switch {
	case acc != 0 || i < 0:
		return 0, false
	case i > maxInstances:
		return maxInstances + 1, true // refused where the instances are made
	}
	return int(i), true
}

// forEachOf returns the keys and values of a for_each: a map or object (each.value is
// the element), or a set of strings (each.value is the key).
func forEachOf(v cty.Value) ([]string, []cty.Value, bool) {
	if v == cty.NilVal || !v.IsKnown() || v.IsNull() {
		return nil, nil, false
	}
	v, _ = v.Unmark()
	t := v.Type()
	var keys []string
	var vals []cty.Value
	switch {
	case t.IsMapType() || t.IsObjectType():
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			keys = append(keys, k.AsString())
			vals = append(vals, e)
		}
	case t.IsSetType() || t.IsListType() || t.IsTupleType():
		// Terraform wants a set of strings (toset(list)); a list is taken as its set.
		seen := map[string]bool{}
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			s, ok := str(e)
			if !ok {
				return nil, nil, false
			}
			if !seen[s] {
				seen[s] = true
				keys = append(keys, s)
				vals = append(vals, cty.StringVal(s))
			}
		}
	default:
		return nil, nil, false
	}
	return keys, vals, true
}

// completeContexts gives the pending resource instances of m their full context:
// the module's values plus their own count/each.
func (l *loader) completeContexts(m *modInst) {
	var keep []*resInst
	for _, ri := range l.pending {
		if ri.m != m {
			keep = append(keep, ri)
			continue
		}
		extra := ri.ctx.Variables
		ri.ctx = m.ctx.NewChild() // the module's values, shared by its instances
		ri.ctx.Variables = extra
	}
	l.pending = keep
}

// callModule evaluates one module block of m: its instances, each a module instance
// of its own (local source), a terraform-aws-modules/lambda call, or a remote module
// that is not read. It returns the value module.NAME stands for.
func (l *loader) callModule(m *modInst, b *hcl.Block, deps []string) cty.Value {
	name := b.Labels[0]
	attrs, _ := b.Body.JustAttributes()
	l.ctx = l.scope(m, deps, nil)
	srcAttr := attrs["source"]
	if srcAttr == nil {
		return cty.DynamicVal
	}
	src, ok := str(l.eval(srcAttr.Expr))
	if !ok {
		l.moduleNote(srcAttr.Range,
			fmt.Sprintf("module %s%s: source = %s cannot be evaluated, so the module is not read; any Lambda functions it defines are not checked", blockPrefix(m), name, l.text(srcAttr.Expr.Range())), "")
		return cty.DynamicVal
	}
	c := &hcl.BodyContent{Attributes: hcl.Attributes{}}
	for _, k := range []string{"count", "for_each"} {
		if a := attrs[k]; a != nil {
			c.Attributes[k] = a
		}
	}
	local := strings.HasPrefix(src, "./") || strings.HasPrefix(src, "../") || src == "." || src == ".."
	dir := filepath.Join(m.dir, filepath.FromSlash(src))
	key := strings.TrimPrefix(m.key+"."+name, ".")
	if installed, ok := l.installedModule(key); ok && !local && !isLambdaModule(src) {
		// terraform init downloaded it: read that copy
		dir, local = installed, true
		src = iac.Rel(m.dir, installed)
	}
	switch {
	case isLambdaModule(src):
		return l.lambdaModuleCall(m, b, attrs, c, deps)
	case !local:
		l.moduleNote(srcAttr.Range,
			fmt.Sprintf("module %s%s comes from %q, which layerkit does not read (only local modules and terraform-aws-modules/lambda are); any Lambda functions it defines are not checked", blockPrefix(m), name, src),
			"run terraform init first (layerkit then reads the copy in .terraform/modules), or check the module's own repository with layerkit")
		return cty.DynamicVal
	}
	if err := l.lim.CheckInside(l.root, dir); err != nil {
		var oe *iac.OutsideError
		if errors.As(err, &oe) {
			oe.Path = src
		}
		l.budget.fail(srcAttr.Range, "module %s%s: source = %q: %v", m.prefix(), name, src, err)
		return cty.DynamicVal
	}
	for up := m; up != nil; up = up.up {
		if up.dir == dir {
			l.budget.fail(srcAttr.Range, "module %s%s: source = %q is a module that (indirectly) calls itself; Terraform refuses such a cycle", m.prefix(), name, src)
			return cty.DynamicVal
		}
	}
	if m.depth+1 > maxModuleDepth {
		l.budget.fail(srcAttr.Range, "module %s%s: modules nested more than %d deep", m.prefix(), name, maxModuleDepth)
		return cty.DynamicVal
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		l.moduleNote(srcAttr.Range,
			fmt.Sprintf("module %s%s: source = %q: the folder %s does not exist; any Lambda functions the module defines are not checked", blockPrefix(m), name, src, iac.Rel(l.root, dir)), "")
		return cty.DynamicVal
	}
	if isLambdaModuleCopy(l.lim, dir) {
		// a vendored copy of terraform-aws-modules/lambda: its package is built by
		// package.py, which the module's own model describes
		return l.lambdaModuleCall(m, b, attrs, c, deps)
	}
	cfg, err := l.config(dir)
	if err != nil {
		var ie *iac.InputError
		if errors.As(err, &ie) && ie.Pos.Line > 0 {
			l.budget.fail(hcl.Range{Filename: ie.Pos.File, Start: hcl.Pos{Line: ie.Pos.Line, Column: ie.Pos.Col}}, "%s", ie.Msg)
		} else {
			l.budget.fail(srcAttr.Range, "module %s%s: source = %q: %v", m.prefix(), name, src, err)
		}
		return cty.DynamicVal
	}
	skip := map[string]bool{"source": true, "version": true, "count": true, "for_each": true, "providers": true, "depends_on": true}
	var outs []cty.Value
	keys := []string{}
	countSet := c.Attributes["count"] != nil
	unknownInstances := false
	each(l, c, func(key string, extra map[string]cty.Value, unknown string) {
		if l.nInstances++; l.nInstances > maxInstances {
			l.budget.fail(b.DefRange, "more than %d resource and module instances (count, for_each); layerkit stops here", maxInstances)
			return
		}
		child := &modInst{addr: m.prefix() + "module." + name + key, key: strings.TrimPrefix(m.key+"."+name, "."),
			dir: dir, cfg: cfg, depth: m.depth + 1, up: m, unset: map[string]string{}}
		given := map[string]cty.Value{}
		l.ctx = l.scope(m, deps, extra)
		for _, a := range sortedAttrs(attrs) {
			if !skip[a.Name] {
				v := l.eval(a.Expr)
				given[a.Name] = v
				switch {
				case v.IsWhollyKnown():
				case unknown != "":
					child.unset[a.Name] = unknown
				default:
					child.unset[a.Name] = fmt.Sprintf("module %s sets it to %s, and %s", child.addr, l.text(a.Expr.Range()), l.cause(a.Expr))
				}
			}
		}
		why := fmt.Sprintf("module %s does not set it and it has no default", child.addr)
		if unknown != "" {
			unknownInstances = true
			why = unknown
		}
		child.vars, child.base = l.bindVariables(child, given, why), nil
		l.evalModule(child)
		l.ctx, l.curMod = child.ctx, child
		outputs := map[string]cty.Value{}
		for _, ob := range cfg.outputs {
			oc := content(ob, []string{"value"})
			if a := oc.Attributes["value"]; a != nil {
				outputs[ob.Labels[0]] = l.eval(a.Expr)
			}
		}
		outs = append(outs, objectOrEmpty(outputs))
		keys = append(keys, instanceKey(key))
	})
	switch {
	case unknownInstances:
		return cty.DynamicVal
	case countSet:
		if len(outs) == 0 {
			return cty.EmptyTupleVal
		}
		return cty.TupleVal(outs)
	case c.Attributes["for_each"] != nil:
		byKey := map[string]cty.Value{}
		for i, k := range keys {
			byKey[k] = outs[i]
		}
		return objectOrEmpty(byKey)
	case len(outs) == 1:
		return outs[0]
	}
	return cty.DynamicVal
}

// config returns the parsed configuration of a module folder, reading it once.
func (l *loader) config(dir string) (*config, error) {
	if c, ok := l.configs[dir]; ok {
		return c, nil
	}
	srcs, _, err := readFolder(l.lim, l.root, dir, false)
	if err != nil {
		return nil, err
	}
	if len(srcs) == 0 {
		return nil, fmt.Errorf("the folder %s holds no Terraform configuration files (*.tf, *.tf.json)", iac.Rel(l.root, dir))
	}
	c, err := l.parseConfig(dir, srcs)
	if err != nil {
		return nil, err
	}
	l.configs[dir] = c
	return c, nil
}

// localFile is the value of a data "local_file" (content and filename), read when the
// file is inside the checked folder and within the template size cap; unknown
// otherwise. Configurations read settings this way (jsondecode(data.local_file.x.content)).
func (l *loader) localFile(r resourceBlock) cty.Value {
	c := content(r.block, []string{"count", "for_each", "filename"})
	a := c.Attributes["filename"]
	if a == nil || c.Attributes["count"] != nil || c.Attributes["for_each"] != nil {
		return cty.DynamicVal
	}
	name, ok := str(l.eval(a.Expr))
	if !ok {
		return cty.DynamicVal
	}
	abs := l.abs(name)
	if !l.inside(a.Range, "data.local_file."+r.name+": filename", name, abs) {
		return cty.DynamicVal
	}
	b, err := l.lim.ReadConfig(abs)
	if err != nil || !utf8.Valid(b) {
		return cty.DynamicVal
	}
	v := cty.ObjectVal(map[string]cty.Value{"content": cty.StringVal(string(b)), "filename": cty.StringVal(name)})
	if l.budget.charge(v) != nil {
		return cty.DynamicVal
	}
	return v
}

// isLambdaModuleCopy reports whether dir holds a copy of terraform-aws-modules/lambda
// (vendored, or its own examples' "../../"): package.py beside .tf files that declare
// the module's source_path, create_layer and local_existing_package variables.
func isLambdaModuleCopy(lim iac.Limits, dir string) bool {
	if st, err := os.Stat(filepath.Join(dir, "package.py")); err != nil || !st.Mode().IsRegular() {
		return false
	}
	b, err := lim.ReadConfig(filepath.Join(dir, "variables.tf"))
	if err != nil {
		return false
	}
	for _, v := range []string{`variable "source_path"`, `variable "create_layer"`, `variable "local_existing_package"`} {
		if !strings.Contains(string(b), v) {
			return false
		}
	}
	return true
}

// moduleNote notes (LK109) a module call that is not read, once per module block
// however many instances of the calling module there are.
func (l *loader) moduleNote(r hcl.Range, msg, hint string) {
	p := pos(r)
	if l.notedModules[p] {
		return
	}
	l.notedModules[p] = true
	l.note(rulecode.LK109, model.Info, "", "", p, msg, hint)
}

// blockPrefix is m's address prefix without instance keys: "module.svc.module.fn.".
func blockPrefix(m *modInst) string {
	var b strings.Builder
	inKey, inQuote, escaped := false, false, false
	for _, r := range m.prefix() {
		switch {
		case inQuote && escaped:
			escaped = false
		case inQuote && r == '\\':
			escaped = true
		case inQuote && r == '"':
			inQuote = false
		case inQuote:
		case inKey && r == '"':
			inQuote = true
		case inKey && r == ']':
			inKey = false
		case inKey:
		case r == '[':
			inKey = true
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// installedModule returns the folder terraform init downloaded the module call key
// into (.terraform/modules/modules.json of the root module), if it did and the folder
// is inside the checked folder.
func (l *loader) installedModule(key string) (string, bool) {
	if l.installed == nil {
		l.installed = map[string]string{}
		b, err := l.lim.ReadConfig(filepath.Join(l.cwd, ".terraform", "modules", "modules.json"))
		if err == nil {
			var mj struct {
				Modules []struct{ Key, Dir string }
			}
			if json.Unmarshal(b, &mj) == nil {
				for _, m := range mj.Modules {
					if m.Key == "" || m.Dir == "" {
						continue
					}
					d := filepath.Join(l.cwd, filepath.FromSlash(m.Dir))
					if filepath.IsAbs(m.Dir) || l.lim.CheckInside(l.root, d) != nil {
						continue
					}
					l.installed[m.Key] = d
				}
			}
		}
	}
	d, ok := l.installed[key]
	if !ok {
		return "", false
	}
	if st, err := os.Stat(d); err != nil || !st.IsDir() {
		return "", false
	}
	return d, true
}
