// Command gennode writes a synthetic AWS SAM app of Node.js functions for benchmarking
// layerkit: N functions (nodejs20.x and nodejs22.x, CommonJS and ES modules, each with
// ten modules of its own, a package in its node_modules, and five layer packages of
// nine files each: about 70 modules loaded per handler) and five layers: three folders
// (CommonJS packages in nodejs/node_modules, ES module packages with exports maps,
// packages for one Node.js version in nodejs/node22/node_modules) and two zips (a large
// dependency tree, most of it never required, and native addons). Every import resolves: a check reports only what the runtime's
// lifecycle says. The output depends only on the flags.
//
//	go run ./bench/gennode -o /tmp/nodeapp -functions 200
package main

import (
	"archive/zip"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

var (
	out       = flag.String("o", "", "output folder (created; must be empty or missing)")
	functions = flag.Int("functions", 200, "number of functions")
	packages  = flag.Int("packages", 300, "packages per folder layer")
	bigFiles  = flag.Int("big-files", 6000, "files in the large zip layer")
)

func main() {
	flag.Parse()
	if *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := gen(*out); err != nil {
		fmt.Fprintln(os.Stderr, "gennode:", err)
		os.Exit(1)
	}
}

func write(root, name, text string) error {
	p := filepath.Join(root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, []byte(text), 0o644)
}

func writeZip(p string, files map[string]string) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(f)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			return err
		}
		if _, err := w.Write([]byte(files[n])); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return f.Close()
}

const padding = "// a line of padding, as real packages have comments and code the scan reads\n"

func gen(dir string) error {
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		return fmt.Errorf("%s is not empty", dir)
	}
	var tpl strings.Builder
	tpl.WriteString("AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n    Timeout: 10\n    Layers:\n")
	for l := 0; l < 5; l++ {
		fmt.Fprintf(&tpl, "      - !Ref Layer%d\n", l)
	}
	tpl.WriteString("Resources:\n")
	layerURI := []string{"layers/cjs", "layers/esm", "layers/pinned", "layers/big.zip", "layers/native.zip"}
	for l, uri := range layerURI {
		fmt.Fprintf(&tpl, "  Layer%d:\n    Type: AWS::Serverless::LayerVersion\n    Properties:\n      ContentUri: %s\n      CompatibleRuntimes: [nodejs20.x, nodejs22.x]\n", l, uri)
	}
	// Layer 0: CommonJS packages of 8 internal files each, every one depending on two of
	// ten shared utility packages (a dependency tree as npm lays it out, flat).
	for i := 0; i < 10; i++ {
		pkg := fmt.Sprintf("layers/cjs/nodejs/node_modules/util-%d/", i)
		if err := write(dir, pkg+"package.json", fmt.Sprintf(`{"name": "util-%d", "version": "1.0.0"}`, i)); err != nil {
			return err
		}
		if err := write(dir, pkg+"index.js", "'use strict';\nexports.u = 1;\n"+strings.Repeat(padding, 30)); err != nil {
			return err
		}
	}
	for i := 0; i < *packages; i++ {
		pkg := fmt.Sprintf("layers/cjs/nodejs/node_modules/cjs-%d/", i)
		body := fmt.Sprintf("'use strict';\nconst path = require('node:path');\nconst u1 = require('util-%d');\nconst u2 = require('util-%d');\n", i%10, (i+3)%10)
		for k := 0; k < 8; k++ {
			body += fmt.Sprintf("const p%d = require('./part%d');\n", k, k)
			if err := write(dir, fmt.Sprintf("%slib/part%d.js", pkg, k), "'use strict';\nconst { EventEmitter } = require('events');\nmodule.exports = new EventEmitter();\n"+strings.Repeat(padding, 40)); err != nil {
				return err
			}
		}
		body += "exports.f = (x) => path.join('a', String(x));\n" + strings.Repeat(padding, 30)
		if err := write(dir, pkg+"package.json", fmt.Sprintf(`{"name": "cjs-%d", "version": "1.0.0", "main": "lib/index.js"}`, i)); err != nil {
			return err
		}
		if err := write(dir, pkg+"lib/index.js", body); err != nil {
			return err
		}
	}
	// Layer 1: ES module packages with exports maps (import and require conditions).
	for i := 0; i < *packages; i++ {
		pkg := fmt.Sprintf("layers/esm/nodejs/node_modules/@esm/p%d/", i)
		pj := fmt.Sprintf(`{"name": "@esm/p%d", "version": "1.0.0", "type": "module", "exports": {".": {"import": "./dist/index.mjs", "require": "./dist/index.cjs"}, "./util": "./dist/util.mjs"}}`, i)
		if err := write(dir, pkg+"package.json", pj); err != nil {
			return err
		}
		if err := write(dir, pkg+"dist/index.mjs", "import { u } from './util.mjs';\nexport const v = u + 1;\n"+strings.Repeat(padding, 20)); err != nil {
			return err
		}
		if err := write(dir, pkg+"dist/util.mjs", "export const u = 1;\n"); err != nil {
			return err
		}
		if err := write(dir, pkg+"dist/index.cjs", "exports.v = 2;\n"); err != nil {
			return err
		}
	}
	// Layer 2: packages for Node.js 22 only, and the same names for every version.
	for i := 0; i < 50; i++ {
		for _, d := range []string{"nodejs/node22/node_modules", "nodejs/node_modules"} {
			if err := write(dir, fmt.Sprintf("layers/pinned/%s/pin-%d/index.js", d, i), "exports.p = 1;\n"); err != nil {
				return err
			}
		}
	}
	// Layer 3: a large dependency tree in a zip, most of it never required.
	big := map[string]string{}
	for i := 0; i < *bigFiles; i++ {
		pkg := fmt.Sprintf("nodejs/node_modules/big-%d", i/20)
		big[fmt.Sprintf("%s/lib/f%d.js", pkg, i%20)] = "'use strict';\nmodule.exports = " + fmt.Sprint(i) + ";\n" + strings.Repeat(padding, 60)
		if i%20 == 0 {
			big[pkg+"/package.json"] = fmt.Sprintf(`{"name": "big-%d", "main": "lib/f0.js"}`, i/20)
		}
	}
	if err := writeZip(filepath.Join(dir, "layers/big.zip"), big); err != nil {
		return err
	}
	// Layer 4: packages with a native addon (an ELF header, enough for the check).
	nat := map[string]string{}
	elf := "\x7fELF\x02\x01\x01\x00" + strings.Repeat("\x00", 8) + "\x03\x00\x3e\x00\x01\x00\x00\x00" + strings.Repeat("\x00", 40)
	for i := 0; i < 10; i++ {
		pkg := fmt.Sprintf("nodejs/node_modules/addon-%d", i)
		nat[pkg+"/package.json"] = fmt.Sprintf(`{"name": "addon-%d", "main": "index.js"}`, i)
		nat[pkg+"/index.js"] = "'use strict';\nexports.load = () => require('./build/Release/addon.node');\n"
		nat[pkg+"/build/Release/addon.node"] = elf
	}
	if err := writeZip(filepath.Join(dir, "layers/native.zip"), nat); err != nil {
		return err
	}
	// Functions: half CommonJS on nodejs20.x, half ES modules on nodejs22.x.
	for f := 0; f < *functions; f++ {
		esm := f%2 == 1
		rt := "nodejs20.x"
		if esm {
			rt = "nodejs22.x"
		}
		fmt.Fprintf(&tpl, "  Fn%d:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: fns/f%d/\n      Handler: app.handler\n      Runtime: %s\n", f, f, rt)
		root := fmt.Sprintf("fns/f%d/", f)
		var app strings.Builder
		if esm {
			app.WriteString("import { S3Client } from '@aws-sdk/client-s3';\nimport path from 'node:path';\n")
			fmt.Fprintf(&app, "import { v } from '@esm/p%d';\nimport { u } from '@esm/p%d/util';\n", f%*packages, (f+1)%*packages)
			for k := 0; k < 5; k++ {
				fmt.Fprintf(&app, "import { f as c%d } from 'cjs-%d';\n", k, (f*7+k*61)%*packages)
			}
			app.WriteString("import local from 'local-dep';\n")
			for m := 0; m < 10; m++ {
				fmt.Fprintf(&app, "import { x%d } from './lib/m%d.mjs';\n", m, m)
				if err := write(dir, fmt.Sprintf("%slib/m%d.mjs", root, m), fmt.Sprintf("export const x%d = %d;\n", m, m)+strings.Repeat(padding, 20)); err != nil {
					return err
				}
			}
			app.WriteString("\nexport const handler = async (event) => ({ v, u, c: [c0, c1, c2, c3, c4], local, s3: Boolean(S3Client), p: path.sep });\n")
			if err := write(dir, root+"app.mjs", app.String()); err != nil {
				return err
			}
		} else {
			app.WriteString("'use strict';\nconst { DynamoDBClient } = require('@aws-sdk/client-dynamodb');\n")
			for k := 0; k < 5; k++ {
				fmt.Fprintf(&app, "const c%d = require('cjs-%d');\n", k, (f*7+k*61)%*packages)
			}
			fmt.Fprintf(&app, "const e = require('@esm/p%d');\nconst pin = require('pin-%d');\nconst local = require('local-dep');\nconst big = require('big-%d');\n", f%*packages, f%50, f%(*bigFiles/20))
			for m := 0; m < 10; m++ {
				fmt.Fprintf(&app, "const m%d = require('./lib/m%d');\n", m, m)
				if err := write(dir, fmt.Sprintf("%slib/m%d.js", root, m), fmt.Sprintf("'use strict';\nexports.x = %d;\n", m)+strings.Repeat(padding, 20)); err != nil {
					return err
				}
			}
			fmt.Fprintf(&app, "exports.handler = async (event) => {\n  const addon = require('addon-%d');\n  return { c: [c0, c1, c2, c3, c4], e, pin, local, big, addon, db: Boolean(DynamoDBClient) };\n};\n", f%10)
			if err := write(dir, root+"app.js", app.String()); err != nil {
				return err
			}
		}
		if err := write(dir, root+"node_modules/local-dep/package.json", `{"name": "local-dep", "main": "index.js"}`); err != nil {
			return err
		}
		if err := write(dir, root+"node_modules/local-dep/index.js", "module.exports = 1;\n"); err != nil {
			return err
		}
	}
	return write(dir, "template.yaml", tpl.String())
}
