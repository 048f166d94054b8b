package terraform

import (
	"fmt"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// maxTemplateBytes bounds a template read by templatefile or data "template_file".
const maxTemplateBytes = 1 << 20

// render evaluates template text (Terraform's string template syntax: ${expr}, %{if},
// %{for}, $${ escapes) with vars as its only variables and the loader's functions, as
// templatefile and the template provider's template_file do. The result is charged to
// the budget; a template that cannot be parsed or evaluated is an error.
func (l *loader) render(name, text string, vars cty.Value) (cty.Value, error) {
	if len(text) > maxTemplateBytes {
		return cty.UnknownVal(cty.String), fmt.Errorf("%s is larger than %d bytes", name, maxTemplateBytes)
	}
	expr, diags := hclsyntax.ParseTemplate([]byte(text), name, hcl.InitialPos)
	if diags.HasErrors() {
		return cty.UnknownVal(cty.String), fmt.Errorf("%s: %s", name, diags.Errs()[0])
	}
	vm := map[string]cty.Value{}
	if !vars.IsNull() && vars.IsKnown() && (vars.Type().IsObjectType() || vars.Type().IsMapType()) {
		for it := vars.ElementIterator(); it.Next(); {
			k, v := it.Element()
			vm[k.AsString()] = v
		}
	}
	v, diags := expr.Value(&hcl.EvalContext{Variables: vm, Functions: l.funcs})
	if diags.HasErrors() {
		return cty.UnknownVal(cty.String), fmt.Errorf("%s: %s", name, diags.Errs()[0])
	}
	if err := l.budget.charge(v); err != nil {
		return cty.UnknownVal(cty.String), err
	}
	return v, nil
}

// templatefileFunc is Terraform's templatefile(path, vars): the file (relative to the
// working folder, inside the checked folder) rendered with vars.
func (l *loader) templatefileFunc() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}, {Name: "vars", Type: cty.DynamicPseudoType}},
		Type:   function.StaticReturnType(cty.DynamicPseudoType),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			p := args[0].AsString()
			abs := l.absFrom(l.cwd, p)
			if err := l.lim.CheckInside(l.root, abs); err != nil {
				return cty.DynamicVal, err
			}
			b, err := l.lim.ReadConfig(abs)
			if err != nil || !utf8.Valid(b) {
				return cty.DynamicVal, fmt.Errorf("cannot read %s", p)
			}
			return l.render(p, string(b), args[1])
		},
	})
}

// templateFile is the value of a data "template_file" (the deprecated hashicorp/template
// provider): template and vars evaluated, rendered when both are known. Terraform reads
// it at plan time from the configuration alone (field test: tjdetwill007/auto_deployment
// keeps a public layer ARN in a JSON template). Unknown otherwise.
func (l *loader) templateFile(r resourceBlock) cty.Value {
	c := content(r.block, []string{"count", "for_each", "template", "vars"})
	a := c.Attributes["template"]
	if a == nil || c.Attributes["count"] != nil || c.Attributes["for_each"] != nil {
		return cty.DynamicVal
	}
	text, ok := str(l.eval(a.Expr))
	if !ok {
		return cty.DynamicVal
	}
	vars := cty.EmptyObjectVal
	if va := c.Attributes["vars"]; va != nil {
		vars = l.eval(va.Expr)
		if !vars.IsWhollyKnown() {
			return cty.DynamicVal
		}
	}
	out, err := l.render("data.template_file."+r.name, text, vars)
	if err != nil || !out.IsKnown() {
		return cty.DynamicVal
	}
	return cty.ObjectVal(map[string]cty.Value{"rendered": out, "template": cty.StringVal(text), "vars": vars})
}
