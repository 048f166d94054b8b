package terraform

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/iac/artifacts/filter"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
	"github.com/layerkit/layerkit/internal/tree"
)

// The terraform-aws-modules/lambda module: one module call creates a function, or with
// create_layer = true a layer version instead (its aws_lambda_function has
// count = create && create_function && !create_layer). Its package is built from
// source_path by the module's package.py: a string path is zipped at the zip root (a
// folder's contents; a file under its base name) and, for a python runtime, the
// folder's requirements.txt is installed next to it; an object entry zips its path
// under prefix_in_zip and installs requirements when pip_requirements is set.

// lambdaModule is one instance of a terraform-aws-modules/lambda module call.
type lambdaModule struct {
	inst    *resInst // typ "module": its address, context and block
	attrs   hcl.Attributes
	isLayer bool

	pkgDone bool // pkg and pkgWhy are known (lambdaPackage)
	pkg     *model.Code
	pkgWhy  string
}

func (m *lambdaModule) name() string { return m.inst.display() }

// lambdaModuleCall records the instances of a terraform-aws-modules/lambda call of m
// and returns the value module.NAME stands for: its layer outputs as markers.
func (l *loader) lambdaModuleCall(m *modInst, b *hcl.Block, attrs hcl.Attributes, c *hcl.BodyContent, deps []string) cty.Value {
	r := resourceBlock{typ: "module", name: b.Labels[0], block: b}
	var insts []*resInst
	l.ctx = l.scope(m, deps, nil)
	l.instances(m, r, c, func(ri *resInst) {
		insts = append(insts, ri)
		lm := &lambdaModule{inst: ri, attrs: attrs}
		l.lambdaMods = append(l.lambdaMods, lm)
		l.lambdaByAddr[ri.addr()] = lm
	})
	// The outputs that name what the module builds: its layer version (the module's
	// outputs before v2 were named this_...), and its package (local_filename, and
	// s3_object with store_on_s3), which a plain aws_lambda_function may deploy.
	obj := func(ri *resInst) cty.Value {
		mk := func(kind, attr string) cty.Value { return cty.StringVal(marker(kind, ri.addr(), attr)) }
		return cty.ObjectVal(map[string]cty.Value{
			"lambda_layer_arn":            mk("module", "lambda_layer_arn"),
			"lambda_layer_layer_arn":      mk("module", "lambda_layer_layer_arn"),
			"this_lambda_layer_arn":       mk("module", "lambda_layer_arn"),
			"this_lambda_layer_layer_arn": mk("module", "lambda_layer_layer_arn"),
			"local_filename":              mk("modpkg", "local_filename"),
			"s3_object": cty.ObjectVal(map[string]cty.Value{
				"bucket": mk("modpkg", "bucket"), "key": mk("modpkg", "key"), "version_id": mk("modpkg", "version_id"),
			}),
		})
	}
	return instancesValue(c, insts, obj)
}

func (l *loader) modEval(m *lambdaModule, name string) cty.Value {
	a, ok := m.attrs[name]
	if !ok {
		return cty.NilVal
	}
	return l.eval(a.Expr)
}

func (l *loader) moduleLayer(m *lambdaModule) {
	if !boolOr(l.modEval(m, "create"), true) || !boolOr(l.modEval(m, "create_layer"), false) {
		return
	}
	m.isLayer = true
	ly := &model.Layer{Name: m.name(), Pos: pos(m.inst.block.DefRange)}
	l.modLayers[m.inst.addr()] = ly
	l.app.Layers = append(l.app.Layers, ly)
	if m.inst.unknown != "" {
		ly.NotInspectable = m.inst.unknown
		l.note(rulecode.LK105, model.Info, "", ly.Name, ly.Pos, fmt.Sprintf("module %s: %s; its content is not checked", m.name(), m.inst.unknown), "")
		return
	}
	runtime, _ := str(l.modEval(m, "runtime"))
	ly.Content, ly.NotInspectable = l.modulePackage(m, runtime, "", m.name())
	ly.CompatibleRuntimes, ly.CompatibleRuntimesPos = l.listAttr(m.attrs["compatible_runtimes"])
	if len(ly.CompatibleRuntimes) == 0 && runtime != "" {
		// the module: compatible_runtimes defaults to [var.runtime]
		ly.CompatibleRuntimes = []string{runtime}
		if a := m.attrs["runtime"]; a != nil {
			ly.CompatibleRuntimesPos = pos(a.Range)
		}
	}
	ly.CompatibleArchitectures, ly.CompatibleArchsPos = l.listAttr(m.attrs["compatible_architectures"])
}

func (l *loader) moduleFunction(m *lambdaModule) {
	if m.isLayer || !boolOr(l.modEval(m, "create"), true) || !boolOr(l.modEval(m, "create_function"), true) {
		return
	}
	name := m.name()
	f := &model.Function{Name: name, Kind: kind, Pos: pos(m.inst.block.DefRange), PackageType: "Zip"}
	f.RuntimePos, f.HandlerPos, f.ArchPos, f.LayersPos = f.Pos, f.Pos, f.Pos, f.Pos
	l.app.Functions = append(l.app.Functions, f)
	if m.inst.unknown != "" {
		l.uncheck(f, f.Pos, m.inst.unknown)
	}
	if pt, _ := str(l.modEval(m, "package_type")); pt == "Image" {
		f.PackageType = "Image"
	}
	if a := m.attrs["handler"]; a != nil {
		f.HandlerPos = pos(a.Range)
		f.Handler = l.fnString(f, a)
	}
	if a := m.attrs["runtime"]; a != nil {
		f.RuntimePos = pos(a.Range)
		f.Runtime = l.fnString(f, a)
	}
	f.Arch = "x86_64"
	if a := m.attrs["architectures"]; a != nil {
		f.ArchPos = pos(a.Range)
		if archs, ok := strList(l.eval(a.Expr)); ok && len(archs) > 0 {
			f.Arch = archs[0]
		}
	}
	if a := m.attrs["environment_variables"]; a != nil {
		f.Env = l.envMap(a.Expr)
	}
	if f.PackageType == "Image" {
		return
	}
	var why string
	f.Code, why = l.modulePackage(m, f.Runtime, name, "")
	if f.Code == nil {
		if why == "" {
			why = "the package cannot be modelled"
		}
		l.uncheck(f, f.Pos, fmt.Sprintf("module %s: %s", name, why))
	}
	if a := m.attrs["layers"]; a != nil {
		f.LayersPos = pos(a.Range)
		f.Layers = l.layerRefs(a.Expr, name)
	}
}

// lambdaPackage is the package the lambda module at addr builds, for a function that
// deploys it through the module's local_filename or s3_object outputs.
func (l *loader) lambdaPackage(addr string) (*model.Code, string) {
	m := l.lambdaByAddr[addr]
	if m == nil {
		return nil, addr + " is not a terraform-aws-modules/lambda module layerkit read"
	}
	if m.pkgDone {
		return m.pkg, m.pkgWhy
	}
	m.pkgDone = true
	ctx, cur := l.ctx, l.curMod
	l.use(m.inst)
	runtime, _ := str(l.modEval(m, "runtime"))
	m.pkg, m.pkgWhy = l.modulePackage(m, runtime, "", "")
	if m.pkg == nil && m.pkgWhy != "" {
		m.pkgWhy = "the package of " + addr + ": " + m.pkgWhy
	}
	l.ctx, l.curMod = ctx, cur
	return m.pkg, m.pkgWhy
}

// modulePackage models the module's deployment package.
func (l *loader) modulePackage(m *lambdaModule, runtime, fn, layer string) (*model.Code, string) {
	note := func(why string) (*model.Code, string) {
		if layer != "" {
			l.note(rulecode.LK105, model.Info, "", layer, pos(m.inst.block.DefRange), fmt.Sprintf("module %s: %s; its content is not checked", m.name(), why), "")
		}
		return nil, why
	}
	if !boolOr(l.modEval(m, "create_package"), true) {
		if p, ok := str(l.modEval(m, "local_existing_package")); ok {
			abs := l.abs(p)
			disp := iac.Rel(l.root, abs)
			if !l.inside(m.attrs["local_existing_package"].Range, "module "+m.name()+": local_existing_package", p, abs) {
				return nil, "outside the checked folder"
			}
			z, err := l.lim.Zip(abs, disp)
			if err != nil {
				return note(fmt.Sprintf("local_existing_package %s cannot be read", disp))
			}
			return &model.Code{Tree: z, Display: disp}, ""
		}
		if a := m.attrs["s3_existing_package"]; a != nil {
			return note("the package is an existing S3 object (s3_existing_package), which is not read")
		}
		return note("create_package = false and no readable local_existing_package")
	}
	a := m.attrs["source_path"]
	if a == nil {
		return note("no source_path")
	}
	v := l.eval(a.Expr)
	python := runtime == "" || strings.HasPrefix(runtime, "python")
	if s, ok := str(v); ok {
		return l.sourceEntry(a.Range, s, "", python, false, "", note)
	}
	es, ok := elems(v)
	if !ok {
		return note(fmt.Sprintf("source_path = %s cannot be evaluated: %s", l.text(a.Expr.Range()), l.cause(a.Expr)))
	}
	var trees []tree.Tree
	var first *model.Code
	for _, e := range es {
		var c *model.Code
		var why string
		if s, ok := str(e); ok {
			c, why = l.sourceEntry(a.Range, s, "", python, false, "", note)
		} else {
			p, ok := str(attrOf(e, "path"))
			if !ok {
				if cmds := attrOf(e, "commands"); cmds != cty.NilVal {
					return note("source_path uses commands, a build step that is not modelled")
				}
				req, isFile := str(attrOf(e, "pip_requirements"))
				if !isFile || req == "true" || req == "false" {
					continue
				}
				// only requirements: pip installs them under prefix_in_zip
				prefix, _ := str(attrOf(e, "prefix_in_zip"))
				c, why := l.requirementsEntry(a.Range, req, prefix, note)
				if c == nil {
					return nil, why
				}
				if first == nil {
					first = c
				}
				trees = append(trees, c.Tree)
				continue
			}
			prefix, _ := str(attrOf(e, "prefix_in_zip"))
			pipReq := attrOf(e, "pip_requirements")
			pip := false
			reqFile := ""
			if rs, ok := str(pipReq); ok && rs != "true" && rs != "false" {
				reqFile = rs
				pip = true
			} else {
				pip = boolOr(pipReq, false)
			}
			opaque := attrOf(e, "commands") != cty.NilVal
			c, why = l.sourceEntry(a.Range, p, prefix, python && pip, opaque, reqFile, note)
			if pv := attrOf(e, "patterns"); c != nil && pv != cty.NilVal {
				if keep, ok := patternFilter(pv); ok {
					filtered := *c
					filtered.Tree = filter.Tree(c.Tree, keep)
					c = &filtered
				} else {
					l.note(rulecode.LK105, model.Info, fn, layer, pos(a.Range),
						fmt.Sprintf("module %s: source_path patterns cannot be applied (not a list of regular expressions layerkit can read); every file under %s is assumed packaged", m.name(), p), "")
				}
			}
		}
		if c == nil {
			return nil, why
		}
		if first == nil {
			first = c
		}
		trees = append(trees, c.Tree)
	}
	if first == nil {
		return note("source_path names no path")
	}
	if len(trees) == 1 {
		return first, ""
	}
	out := *first
	out.Tree = tree.Union(trees...)
	return &out, ""
}

// sourceEntry models one source_path entry: p zipped under prefix.
func (l *loader) sourceEntry(at hcl.Range, p, prefix string, installReqs, opaque bool, reqFile string,
	note func(string) (*model.Code, string)) (*model.Code, string) {
	prefix, ok := tree.Clean(strings.Trim(prefix, "/"))
	if !ok {
		return note(fmt.Sprintf("prefix_in_zip %q is not a usable folder name", prefix))
	}
	abs := l.abs(p)
	disp := iac.Rel(l.root, abs)
	if !l.inside(at, "source_path", p, abs) {
		return nil, "outside the checked folder"
	}
	st, err := os.Stat(abs)
	if err != nil {
		return note(fmt.Sprintf("source_path %s does not exist", disp))
	}
	var t tree.Tree
	code := &model.Code{Opaque: opaque}
	if st.IsDir() {
		t, err = l.lim.Dir(abs, disp)
		code.Display = strings.TrimSuffix(disp, "/") + "/"
	} else {
		var parent tree.Tree
		parent, err = l.lim.Dir(filepath.Dir(abs), iac.Rel(l.root, filepath.Dir(abs)))
		if err == nil {
			t = filter.Only(parent, filepath.Base(abs))
		}
		code.Display = disp
	}
	if err != nil {
		return note(fmt.Sprintf("cannot read source_path %s", disp))
	}
	if installReqs && st.IsDir() {
		req := "requirements.txt"
		if reqFile != "" {
			rabs := l.abs(reqFile)
			if !l.inside(at, "source_path: pip_requirements", reqFile, rabs) {
				return nil, "outside the checked folder"
			}
			if r, err := filepath.Rel(abs, rabs); err == nil && filepath.IsLocal(r) {
				req = filepath.ToSlash(r)
			} else if parent, err := l.lim.Dir(filepath.Dir(rabs), iac.Rel(l.root, filepath.Dir(rabs))); err == nil {
				// a requirements file outside the folder: model it beside the sources
				t = tree.Union(t, filter.Only(parent, filepath.Base(rabs)))
				req = filepath.Base(rabs)
			}
		}
		if tree.IsFile(t, req) {
			code.Requirements = joinName(prefix, req)
			code.InstallDir = prefix
		}
	}
	code.Tree = tree.Mount(t, prefix)
	return code, ""
}

// requirementsEntry models a source_path entry that has pip_requirements and no path:
// the distributions of that file, installed under prefix.
func (l *loader) requirementsEntry(at hcl.Range, req, prefix string, note func(string) (*model.Code, string)) (*model.Code, string) {
	prefix, ok := tree.Clean(strings.Trim(prefix, "/"))
	if !ok {
		return note(fmt.Sprintf("prefix_in_zip %q is not a usable folder name", prefix))
	}
	abs := l.abs(req)
	if !l.inside(at, "source_path: pip_requirements", req, abs) {
		return nil, "outside the checked folder"
	}
	disp := iac.Rel(l.root, abs)
	parent, err := l.lim.Dir(filepath.Dir(abs), iac.Rel(l.root, filepath.Dir(abs)))
	if err != nil || !tree.IsFile(parent, filepath.Base(abs)) {
		return note(fmt.Sprintf("pip_requirements %s does not exist", disp))
	}
	base := filepath.Base(abs)
	return &model.Code{Tree: tree.Mount(filter.Only(parent, base), prefix), Display: disp,
		Requirements: joinName(prefix, base), InstallDir: prefix}, ""
}

// patternFilter is the module's source_path patterns as package.py applies them: each
// line a regular expression matched against the whole zip path (prefix_in_zip/...), a
// leading ! excluding; the last matching line decides, a file no line matches is kept.
// ok is false when the patterns are not known or use syntax Go's regexp lacks.
func patternFilter(v cty.Value) (keep func(string) bool, ok bool) {
	var lines []string
	if s, isStr := str(v); isStr && !v.Type().IsTupleType() && !v.Type().IsListType() {
		lines = strings.Split(s, "\n")
	} else if ls, isList := strList(v); isList {
		lines = ls
	} else {
		return nil, false
	}
	type rule struct {
		exclude bool
		re      *regexp.Regexp
	}
	var rules []rule
	for _, ln := range lines {
		ln = strings.TrimSpace(ln)
		if ln == "" {
			continue
		}
		r := rule{exclude: strings.HasPrefix(ln, "!")}
		re, err := regexp.Compile(`^(?:` + strings.TrimPrefix(ln, "!") + `)$`)
		if err != nil {
			return nil, false
		}
		r.re = re
		rules = append(rules, r)
	}
	return func(name string) bool {
		kept := true
		for _, r := range rules {
			if r.re.MatchString(name) {
				kept = !r.exclude
			}
		}
		return kept
	}, true
}

func joinName(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "/" + name
}
