package cdk

import (
	"encoding/json"
	"fmt"
	"github.com/layerkit/layerkit/internal/rulecode"
	"path/filepath"
	"strings"

	"github.com/layerkit/layerkit/internal/iac/cfn"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/tree"
)

// The constructs of @aws-cdk/aws-lambda-python-alpha whose asset CDK builds in Docker:
// a PythonLayerVersion copies its entry folder to python/ and pip-installs the
// requirements.txt there into python/; a PythonFunction keeps its entry at the root and
// installs the requirements next to it.
const (
	fqnPythonLayer    = "@aws-cdk/aws-lambda-python-alpha.PythonLayerVersion"
	fqnPythonFunction = "@aws-cdk/aws-lambda-python-alpha.PythonFunction"
)

// pythonConstruct returns the fqn of the aws-lambda-python-alpha construct that owns
// resource r when its staged asset was not bundled (metadata aws:asset:is-bundled false:
// synthesized without Docker or with bundling skipped, `cdk ls`, `--exclusively` another
// stack): the asset is then the construct's entry folder as written, not what CDK
// deploys. "" otherwise.
func (s *stack) pythonConstruct(r *cfn.Resource) string {
	if r.Metadata == nil {
		return ""
	}
	b := r.Metadata.Get("aws:asset:is-bundled")
	if b == nil || b.Str != "false" {
		return ""
	}
	p, ok := r.Metadata.Get("aws:cdk:path").String()
	if !ok {
		return ""
	}
	fqn := s.l.constructFQN(s.dir, strings.TrimSuffix(p, "/Resource"))
	if fqn == fqnPythonLayer || fqn == fqnPythonFunction {
		return fqn
	}
	return ""
}

// fqnNodejsFunction is aws-cdk-lib's NodejsFunction, whose asset is an esbuild bundle
// (aws-lambda-nodejs/lib/bundling.ts): cdk.out holds index.js (index.mjs for ESM
// output), with every import bundled except bundling.externalModules, by default
// @aws-sdk/* (and @smithy/* under a feature flag) on Node 18 and later and aws-sdk on
// Node 16 and earlier; bundling.nodeModules are installed beside it. The template
// records none of that (aws:asset:is-bundled true only), but the bundle keeps each
// external module as a require/import, which the checker resolves as any import.
const fqnNodejsFunction = "aws-cdk-lib.aws_lambda_nodejs.NodejsFunction"

// nodejsBundle reports whether resource r is the function of a NodejsFunction whose
// asset was bundled.
func (s *stack) nodejsBundle(r *cfn.Resource) bool {
	if r.Metadata == nil {
		return false
	}
	b := r.Metadata.Get("aws:asset:is-bundled")
	if b == nil || b.Str != "true" {
		return false
	}
	p, ok := r.Metadata.Get("aws:cdk:path").String()
	if !ok {
		return false
	}
	return s.l.constructFQN(s.dir, strings.TrimSuffix(p, "/Resource")) == fqnNodejsFunction
}

// modelPythonBundling makes code what the construct's bundling deploys, from its
// unbundled entry folder: for a layer the entry under python/, and for both the entry's
// requirements.txt installed where bundling installs it. It says so in an info note.
func (s *stack) modelPythonBundling(fqn string, code *model.Code, fnName, lyName string, pos model.Pos) {
	hasReq := tree.IsFile(code.Tree, "requirements.txt")
	what := "PythonFunction"
	where := "next to its code"
	if fqn == fqnPythonLayer {
		what, where = "PythonLayerVersion", "under python/ with its files"
		code.Tree = tree.Mount(code.Tree, "python")
		code.Display = strings.TrimSuffix(code.Display, "/") + "/ (as python/)"
		if hasReq {
			code.Requirements, code.InstallDir = "python/requirements.txt", "python"
		}
	} else if hasReq {
		code.Requirements, code.InstallDir = "requirements.txt", ""
	}
	name := fnName
	if name == "" {
		name = lyName
	}
	msg := fmt.Sprintf("the asset of %s was staged without bundling (aws:asset:is-bundled is false), so cdk.out holds the %s's entry folder as written; layerkit models what its Docker bundling deploys: the entry %s", name, what, where)
	if hasReq {
		msg += ", and requirements.txt installed there"
	} else {
		msg += " (it has no requirements.txt; a Pipfile or poetry.lock is not read)"
	}
	s.b.Note(rulecode.LK105, model.Info, fnName, lyName, pos, msg, "Synthesize with Docker available (cdk synth bundles the asset) to check exactly what deploys.")
}

// maxTreeBytes bounds tree.json, read only to learn construct types.
const maxTreeBytes = 64 << 20

// constructFQN returns the construct type (constructInfo.fqn) of the construct at path,
// from the tree.json of the assembly in dir or of the top cdk.out. "" when unknown.
func (l *loader) constructFQN(dir, path string) string {
	for _, d := range []string{dir, l.out} {
		if m := l.constructs(d); m != nil {
			if f, ok := m[path]; ok {
				return f
			}
		}
	}
	return ""
}

type treeNode struct {
	Path          string               `json:"path"`
	Children      map[string]*treeNode `json:"children"`
	ConstructInfo struct {
		FQN string `json:"fqn"`
	} `json:"constructInfo"`
}

// constructs reads dir/tree.json once: path → fqn of the aws-lambda-python-alpha
// constructs and NodejsFunction (the only ones asked about). A missing or unreadable tree.json gives none.
func (l *loader) constructs(dir string) map[string]string {
	if l.trees == nil {
		l.trees = map[string]map[string]string{}
	}
	if m, ok := l.trees[dir]; ok {
		return m
	}
	l.trees[dir] = nil
	p := filepath.Join(dir, "tree.json")
	data, err := l.lim.ReadConfig(p)
	if err != nil || len(data) > maxTreeBytes {
		return nil
	}
	var doc struct {
		Tree *treeNode `json:"tree"`
	}
	if json.Unmarshal(data, &doc) != nil || doc.Tree == nil {
		return nil
	}
	m := map[string]string{}
	var walk func(n *treeNode, depth int)
	walk = func(n *treeNode, depth int) {
		if n == nil || depth > 200 {
			return
		}
		if strings.HasPrefix(n.ConstructInfo.FQN, "@aws-cdk/aws-lambda-python-alpha.") || n.ConstructInfo.FQN == fqnNodejsFunction {
			m[n.Path] = n.ConstructInfo.FQN
		}
		for _, c := range n.Children {
			walk(c, depth+1)
		}
	}
	walk(doc.Tree, 0)
	l.trees[dir] = m
	return m
}
