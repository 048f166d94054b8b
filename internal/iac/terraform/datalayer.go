package terraform

import (
	"fmt"
	"github.com/layerkit/layerkit/internal/rulecode"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/model"
)

// A data "aws_lambda_layer_version" reads a layer from AWS by layer_name when Terraform
// runs. When another Terraform configuration of the checked folder defines a layer of that
// name (a separate root module, applied before: the layer's own stack), the function is
// checked against that layer, with an info saying what was linked, as the Serverless and
// CDK loaders link ${cf:...} outputs and cross-stack exports (field test:
// isobelfc/aws-components-terraform, dev/on-this-day-lambda reads "common-libraries-dev"
// that dev/common-libraries-lambda-layer defines).

// maxLinkFolders bounds the folders searched for other Terraform configurations.
const maxLinkFolders = 400

// dataLayer is the value of a data "aws_lambda_layer_version": its arn is a marker
// naming the block, and the evaluated layer_name is kept for linking ("" when unknown).
func (l *loader) dataLayer(r resourceBlock) cty.Value {
	c := content(r.block, []string{"count", "for_each", "layer_name"})
	if c.Attributes["count"] != nil || c.Attributes["for_each"] != nil {
		return cty.DynamicVal
	}
	addr := "data.aws_lambda_layer_version." + r.name
	if l.curMod != nil {
		addr = l.curMod.prefix() + addr
	}
	name := ""
	if a := c.Attributes["layer_name"]; a != nil {
		name, _ = str(l.eval(a.Expr))
	}
	if l.dataLayers == nil {
		l.dataLayers = map[string]string{}
	}
	l.dataLayers[addr] = name
	return cty.ObjectVal(map[string]cty.Value{
		"arn":       cty.StringVal(marker("datalayer", addr, "arn")),
		"layer_arn": cty.StringVal(marker("datalayer", addr, "layer_arn")),
	})
}

// linkDataLayer resolves a reference to a data "aws_lambda_layer_version": the layer
// another configuration of the checked folder defines under its layer_name, or an
// unknown reference that says what it reads.
func (l *loader) linkDataLayer(addr, attr string, p model.Pos, text, fn string) model.LayerRef {
	name := l.dataLayers[addr]
	if name == "" {
		return model.LayerRef{Pos: p, Unknown: true, Text: text}
	}
	desc := fmt.Sprintf("%s (layer_name %q, read from AWS when Terraform runs)", addr, name)
	if attr != "arn" {
		return model.LayerRef{Pos: p, Unknown: true, Text: desc}
	}
	ly, where := l.siblingLayer(name)
	if ly == nil {
		return model.LayerRef{Pos: p, Unknown: true, Text: desc}
	}
	l.note(rulecode.LK105, model.Info, fn, "", p,
		fmt.Sprintf("layers of %s: %s reads the layer named %q, which %s defines (%s); layerkit links them and checks %s against that layer's content", fn, addr, name, where, ly.Pos.File, fn),
		"If the deployed layer is not the one this repository defines, check what is deployed with layerkit doctor.")
	return model.LayerRef{Pos: p, Layer: ly}
}

// siblingLayer finds the layer named name among the aws_lambda_layer_version resources
// of the other Terraform configurations below the checked folder, each loaded as a root
// module (its own variable files). It returns the layer and the configuration's folder.
func (l *loader) siblingLayer(name string) (*model.Layer, string) {
	if l.linking {
		return nil, "" // a configuration loaded to link does not link in turn
	}
	if l.siblings == nil {
		l.siblings = map[string]siblingLayer{}
		for _, dir := range terraformFolders(l.lim, l.root, l.cwd) {
			srcs, vars, err := readFolder(l.lim, l.root, dir, true)
			if err != nil || len(srcs) == 0 {
				continue
			}
			child, err := loadLinked(l.lim, l.root, dir, srcs, vars)
			if err != nil {
				continue
			}
			for n, ly := range child {
				if _, dup := l.siblings[n]; !dup {
					l.siblings[n] = siblingLayer{ly, iac.Rel(l.root, dir)}
				}
			}
		}
	}
	s, ok := l.siblings[name]
	if !ok {
		return nil, ""
	}
	return s.layer, "the Terraform configuration " + s.dir
}

type siblingLayer struct {
	layer *model.Layer
	dir   string
}

// loadLinked loads the configuration in dir as a root module without linking, and returns
// its layers by their evaluated layer_name.
func loadLinked(lim iac.Limits, root, dir string, srcs, vars []source) (map[string]*model.Layer, error) {
	out := map[string]*model.Layer{}
	_, err := loadSourcesWith(root, dir, srcs, vars, func(l *loader) {
		l.lim = lim
		l.linking = true
		l.layerNamed = out
	})
	return out, err
}

// terraformFolders lists the folders below root (not skip itself) holding *.tf files that
// declare an aws_lambda_layer_version resource or call a module, in path order; hidden
// folders, .terraform, node_modules and vendored trees are skipped, and the walk is bounded.
func terraformFolders(lim iac.Limits, root, skip string) []string {
	var out []string
	n := 0
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if n++; n > maxLinkFolders {
			return filepath.SkipAll
		}
		base := d.Name()
		if p != root && (strings.HasPrefix(base, ".") || base == "node_modules" || base == "vendor" || base == "site-packages") {
			return filepath.SkipDir
		}
		if p == skip {
			return nil
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			return nil
		}
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".tf") {
				continue
			}
			b, err := lim.ReadConfig(filepath.Join(p, e.Name()))
			if err == nil && (strings.Contains(string(b), "aws_lambda_layer_version") || strings.Contains(string(b), "module ")) {
				out = append(out, p)
				break
			}
		}
		return nil
	})
	sort.Strings(out)
	return out
}
