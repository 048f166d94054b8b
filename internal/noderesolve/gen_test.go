package noderesolve

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
)

// The generator of the differential test: small Lambda apps (a /var/task tree, layers,
// a runtime, maybe a NODE_PATH of their own, several handlers) built from a seed,
// shaped to hit what Lambda's module loading decides: CommonJS and ES modules, .js
// under each package.json "type", .mjs, .cjs, exports maps (conditions, subpaths,
// patterns, null targets), imports (#x), main (missing, folder, without extension),
// scoped packages, packages in every place a layer can put them (nodejs/node_modules,
// nodejs/nodeNN/node_modules for this and other majors, the zip root, nodejs/,
// nodejs/nodejs/, node_modules at the root), /var/task on NODE_PATH, the runtime's
// SDK, built-ins, absolute paths into /opt, files missing, names in the wrong case,
// module syntax that does not match the format, and handler strings of every form.

type genApp struct {
	name     string // "seed N", or the regression file
	seed     uint64
	major    int
	nodePath string // the function's own NODE_PATH, "" for the default
	task     map[string]string
	layers   []map[string]string
	handlers []string
}

type gen struct {
	rng   *rand.Rand
	major int
	app   *genApp
	good  []string // packages placed where the function finds them
}

func (g *gen) pick(xs ...string) string { return xs[g.rng.IntN(len(xs))] }
func (g *gen) chance(p float64) bool    { return g.rng.Float64() < p }

var pkgNames = []string{"alpha", "beta", "@acme/gamma", "@acme/delta", "epsilon", "zeta"}

// jsFile returns the text of a module in format esm (true) or CommonJS, importing
// deps, exporting v (and handler when handler is set).
func (g *gen) jsFile(esm bool, deps []string, exportHandler string) string {
	var b strings.Builder
	if g.chance(0.03) {
		esm = !esm // written in the other module system
	}
	if !esm {
		b.WriteString("'use strict';\n")
	}
	for i, d := range deps {
		switch {
		case esm && g.chance(0.15):
			fmt.Fprintf(&b, "import '%s';\n", d)
		case esm:
			fmt.Fprintf(&b, "import * as d%d from '%s';\n", i, d)
		case g.chance(0.12):
			fmt.Fprintf(&b, "let d%d;\ntry {\n  d%d = require('%s');\n} catch (e) {\n  d%d = null;\n}\n", i, i, d, i)
		case g.chance(0.12):
			fmt.Fprintf(&b, "function later%d() {\n  return require('%s');\n}\n", i, d)
		default:
			fmt.Fprintf(&b, "const d%d = require('%s');\n", i, d)
		}
	}
	if g.chance(0.01) {
		b.WriteString("const = 1;\n") // a syntax error
	}
	if esm {
		b.WriteString("export const v = 1;\n")
	} else {
		b.WriteString("exports.v = 1;\n")
	}
	if exportHandler == "" {
		return b.String()
	}
	switch exportHandler {
	case "missing":
	case "notfunc":
		if esm {
			b.WriteString("export const handler = 42;\n")
		} else {
			b.WriteString("exports.handler = 42;\n")
		}
	case "falsy":
		if esm {
			b.WriteString("export const handler = null;\n")
		} else {
			b.WriteString("exports.handler = undefined;\n")
		}
	case "nested":
		if esm {
			b.WriteString("export const api = { get: async () => 1, n: 0 };\n")
		} else {
			b.WriteString("module.exports = { v: 1, api: { get: async () => 1, n: 0 } };\n")
		}
	case "default":
		if esm {
			b.WriteString("export default async function handler() { return 1; }\n")
		} else {
			b.WriteString("module.exports = async function handler() { return 1; };\n")
		}
	default:
		if esm {
			b.WriteString("export const handler = async () => 1;\n")
		} else if g.chance(0.5) {
			b.WriteString("exports.handler = async () => 1;\n")
		} else {
			b.WriteString("async function handler() { return 1; }\nmodule.exports = { handler, v: 1 };\n")
		}
	}
	return b.String()
}

// depSpec picks what a module imports.
func (g *gen) depSpec(local bool) string {
	if len(g.good) > 0 && g.chance(0.6) {
		return g.good[g.rng.IntN(len(g.good))]
	}
	switch g.rng.IntN(14) {
	case 0:
		return g.pick("fs", "node:fs", "node:path", "path", "node:nope", "test", "node:test", "util/types")
	case 1:
		return g.pick("@aws-sdk/client-s3", "@smithy/types", "aws-sdk")
	case 2:
		if local {
			return g.pick("./lib/util", "./lib/util.js", "./lib/util.mjs", "./lib/util.cjs", "./lib", "./lib/", "./Lib/util.js", "./lib/data.json", "./lib/missing.js")
		}
	case 3:
		if local {
			return g.pick("/opt/nodejs/db.js", "/opt/nodejs/db", "/opt/utils.js", "/opt/nodejs/nodejs/db.js", "/var/task/lib/util.js")
		}
	case 4:
		if local {
			return g.pick("#priv", "#feat/x", "#nope", "app-self", "app-self/util", "util2", "lib/util")
		}
	}
	p := pkgNames[g.rng.IntN(len(pkgNames))]
	switch g.rng.IntN(6) {
	case 0:
		return p + g.pick("/sub", "/features/x.js", "/features/x", "/lib/main.js", "/private/a", "/missing", "/package.json")
	}
	return p
}

// pkg writes a package at dir (a folder prefix in files).
func (g *gen) pkg(files map[string]string, dir, name string) {
	typ := g.pick("", "", "module", "commonjs")
	esmJS := typ == "module"
	add := func(rel, text string) {
		if g.chance(0.03) {
			return // a file that is missing
		}
		files[dir+"/"+rel] = text
	}
	fileText := func(rel string) string {
		esm := strings.HasSuffix(rel, ".mjs") || strings.HasSuffix(rel, ".js") && esmJS
		var deps []string
		if g.chance(0.15) {
			deps = append(deps, g.depSpec(false))
		}
		if g.chance(0.1) {
			deps = append(deps, "./"+g.pick("lib/sub.js", "lib/sub", "lib/other.js"))
		}
		return g.jsFile(esm, deps, "")
	}
	pj := map[string]any{"name": name, "version": "1.0.0"}
	if typ != "" {
		pj["type"] = typ
	}
	var targets []string
	switch g.rng.IntN(6) {
	case 0: // main only
		m := g.pick("", "lib/main.js", "lib/main", "lib", "missing.js", "./lib/main.cjs")
		if m != "" {
			pj["main"] = m
		}
		targets = []string{"index.js", "lib/main.js", "lib/index.js", "lib/main.cjs"}
	case 1:
		pj["exports"] = "./lib/main.js"
		targets = []string{"lib/main.js"}
	case 2:
		pj["exports"] = map[string]any{"import": "./esm/index.mjs", "require": "./cjs/index.cjs"}
		targets = []string{"esm/index.mjs", "cjs/index.cjs"}
	case 3:
		pj["exports"] = map[string]any{"node": map[string]any{"import": "./esm/index.mjs", "require": "./cjs/index.cjs"}, "default": "./lib/main.js"}
		targets = []string{"esm/index.mjs", "cjs/index.cjs", "lib/main.js"}
	case 4:
		exp := map[string]any{".": g.pick("./lib/main.js", "./index.js"), "./sub": "./lib/sub.js", "./features/*": "./lib/features/*.js", "./package.json": "./package.json", "./private/*": nil}
		if g.chance(0.3) {
			exp["./sub"] = map[string]any{"import": "./lib/sub.mjs", "default": "./lib/sub.js"}
			targets = append(targets, "lib/sub.mjs")
		}
		pj["exports"] = exp
		targets = append(targets, "lib/main.js", "index.js", "lib/sub.js", "lib/features/x.js", "lib/private/a.js")
	case 5:
		pj["exports"] = []any{map[string]any{"require": "./cjs/index.cjs"}, "./lib/main.js"}
		targets = []string{"cjs/index.cjs", "lib/main.js"}
	}
	if g.chance(0.2) {
		pj["imports"] = map[string]any{"#dep": g.pick("./lib/sub.js", "alpha", "./lib/missing.js")}
	}
	if !g.chance(0.05) {
		files[dir+"/package.json"] = jsonText(pj)
	}
	for _, t := range append(targets, "lib/sub.js", "lib/other.js") {
		add(t, fileText(t))
	}
}

// place returns where a package goes: task or layer, and its folder there.
func (g *gen) place(name string) (where, dir string) {
	nn := "node" + fmt.Sprint(g.major)
	switch g.rng.IntN(12) {
	case 0, 1:
		return "task", "node_modules/" + name
	case 2, 3, 4:
		return "layer", "nodejs/node_modules/" + name
	case 5:
		return "layer", "nodejs/" + nn + "/node_modules/" + name
	case 6:
		return "layer", "nodejs/" + g.pick("node18", "node20", "node22", "node24") + "/node_modules/" + name
	case 7:
		return "layer", g.pick("node_modules/", "", "nodejs/", "nodejs/nodejs/node_modules/") + name
	case 8:
		return "task", name // /var/task on NODE_PATH
	case 9:
		return "task", "lib/" + name
	}
	return "", "" // nowhere
}

func genAppFor(seed uint64) *genApp {
	g := &gen{rng: rand.New(rand.NewPCG(seed, 0x6c6b))}
	g.major = []int{16, 18, 20, 20, 22, 24}[g.rng.IntN(6)]
	app := &genApp{name: fmt.Sprintf("seed %d", seed), seed: seed, major: g.major, task: map[string]string{}}
	g.app = app
	nLayers := g.rng.IntN(3)
	for i := 0; i < nLayers; i++ {
		app.layers = append(app.layers, map[string]string{})
	}
	if g.chance(0.12) {
		app.nodePath = g.pick("/var/task/lib", "/var/task/lib:/opt/nodejs/node_modules", "/opt/node_modules:/var/task")
	}
	for _, name := range pkgNames {
		if !g.chance(0.7) {
			continue
		}
		for n := 1 + g.rng.IntN(2); n > 0; n-- {
			where, dir := g.place(name)
			if dir == "node_modules/"+name || dir == "nodejs/node_modules/"+name || dir == "nodejs/node"+fmt.Sprint(g.major)+"/node_modules/"+name {
				g.good = append(g.good, name)
			}
			switch {
			case where == "task":
				g.pkg(app.task, dir, name)
			case where == "layer" && nLayers > 0:
				g.pkg(app.layers[g.rng.IntN(nLayers)], dir, name)
			}
		}
	}
	// Loose files layers and the function reach by path.
	if nLayers > 0 {
		l := app.layers[g.rng.IntN(nLayers)]
		l[g.pick("nodejs/db.js", "nodejs/nodejs/db.js", "utils.js", "nodejs/utils.js")] = g.jsFile(false, nil, "")
	}
	if g.chance(0.4) {
		app.task["util2.js"] = g.jsFile(false, nil, "")
	}
	// The function's package.json: type, imports, self-reference.
	typ := g.pick("", "", "module", "commonjs")
	if g.chance(0.7) {
		pj := map[string]any{"name": "app-self"}
		if typ != "" {
			pj["type"] = typ
		}
		if g.chance(0.4) {
			pj["imports"] = map[string]any{"#priv": "./lib/util.js", "#feat/*": "./lib/feat/*.js"}
		}
		if g.chance(0.4) {
			pj["exports"] = map[string]any{".": "./lib/util.js", "./util": "./lib/util.js"}
		}
		app.task["package.json"] = jsonText(pj)
	}
	esmJS := typ == "module" && app.task["package.json"] != ""
	for _, f := range []string{"lib/util.js", "lib/util.mjs", "lib/util.cjs", "lib/index.js", "lib/feat/x.js"} {
		if g.chance(0.6) {
			esm := strings.HasSuffix(f, ".mjs") || strings.HasSuffix(f, ".js") && esmJS
			var deps []string
			if g.chance(0.3) {
				deps = []string{g.depSpec(false)}
			}
			app.task[f] = g.jsFile(esm, deps, "")
		}
	}
	if g.chance(0.5) {
		app.task["lib/data.json"] = g.pick(`{"a": 1}`, `{"a": }`)
	}
	// Handler modules.
	for i := 0; i < 5+g.rng.IntN(5); i++ {
		dir := g.pick("", "", "", "src/", "esm/")
		if dir == "esm/" {
			app.task["esm/package.json"] = `{"type": "module"}`
		}
		ext := g.pick(".js", ".js", ".mjs", ".cjs", "", "/index.js")
		name := fmt.Sprintf("h%d", i)
		file := dir + name + ext
		esm := ext == ".mjs" || (ext == ".js" || ext == "/index.js") && (dir == "esm/" || dir != "esm/" && esmJS)
		var deps []string
		for n := 1 + g.rng.IntN(3); n > 0; n-- {
			spec := g.depSpec(true)
			if dir != "" && strings.HasPrefix(spec, "./") {
				spec = "." + spec // ../lib/...
			}
			deps = append(deps, spec)
		}
		exp := g.pick("handler", "handler", "handler", "handler", "missing", "notfunc", "falsy", "nested", "default")
		app.task[file] = g.jsFile(esm, deps, exp)
		prop := "handler"
		if exp == "nested" {
			prop = g.pick("api.get", "api.n", "api.put")
		}
		app.handlers = append(app.handlers, dir+name+"."+prop)
		if g.chance(0.1) && ext == ".mjs" {
			app.task[dir+name+"/readme.txt"] = "a folder next to the module (facts E3)"
		}
	}
	for n := g.rng.IntN(3); n > 0; n-- {
		app.handlers = append(app.handlers, g.pick("missing.handler", "h0", "../h0.handler", "util2.v", "lib.v", "alpha.v", "lib/util.v", "/var/task/h0.handler", "h0.handler.deep"))
	}
	return app
}

// jsonText writes v as JSON with sorted keys except where order matters: exports
// conditions are written in the order Node reads them (import before require before
// default).
func jsonText(v any) string {
	var b strings.Builder
	writeJSON(&b, v)
	return b.String()
}

func writeJSON(b *strings.Builder, v any) {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		b.WriteString(jsonStr(v))
	case []any:
		b.WriteString("[")
		for i, x := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJSON(b, x)
		}
		b.WriteString("]")
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		rank := map[string]int{"name": 0, "version": 1, "type": 2, "main": 3, "import": 4, "require": 5, "node": 6, "default": 9}
		sort.Slice(keys, func(i, j int) bool {
			ri, oki := rank[keys[i]]
			rj, okj := rank[keys[j]]
			if oki && okj {
				return ri < rj
			}
			if oki != okj {
				return oki
			}
			return keys[i] < keys[j]
		})
		b.WriteString("{")
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(jsonStr(k) + ": ")
			writeJSON(b, v[k])
		}
		b.WriteString("}")
	}
}
