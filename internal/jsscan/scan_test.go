package jsscan

import (
	"strings"
	"testing"
)

// imp renders an import as "kind spec line:col flags".
func imp(i Import) string {
	s := i.Kind.String() + " " + i.Spec
	if i.Computed {
		s += "<computed>"
	}
	s += " " + itoa(i.Line) + ":" + itoa(i.Col)
	if i.Lazy {
		s += " lazy"
	}
	if i.Guarded {
		s += " guarded"
	}
	return s
}

func itoa(n int) string {
	return strings.TrimSpace(strings.Repeat(" ", 0) + string(rune('0'+n/100%10)) + string(rune('0'+n/10%10)) + string(rune('0'+n%10)))
}

func TestImports(t *testing.T) {
	src := `#!/usr/bin/env node
'use strict';
const a = require('a'); // require('not-this')
/* import 'nor-this' */
const s = "require('in-a-string')";
const re = /require\('x'\)/;
let b;
try {
  b = require("b");
} catch (e) {
  b = require('c');
}
function later() {
  return require('d');
}
(function () { require('e'); })();
(() => require('f'))();
const lazy = async () => (await import('g')).default;
require.resolve('h');
require(name);
require(` + "`./plugins/${x}`" + `);
require(` + "`plain`" + `);
import('i').catch(() => null);
class K { m() { require('j'); } static { require('k'); } }
`
	f := Scan([]byte(src))
	if f.Syntax != nil {
		t.Fatal(f.Syntax)
	}
	var got []string
	for _, i := range f.Imports {
		got = append(got, imp(i))
	}
	want := []string{
		"require a 003:011",
		"require b 009:007 guarded",
		"require c 011:007",
		"require d 014:010 lazy",
		"require e 016:016",
		"require f 017:008",
		"import() g 018:033 lazy",
		"require.resolve h 019:001",
		"require <computed> 020:001",
		"require <computed> 021:001",
		"require plain 022:001",
		"import() i 023:001 guarded",
		"require j 024:017 lazy",
		"require k 024:42",
	}
	want[len(want)-1] = "require k 024:042"
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("imports:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if f.ESM {
		t.Error("ESM: want false")
	}
}

func TestESM(t *testing.T) {
	src := `import fs from 'node:fs';
import {
  a,
  b as c,
} from './lib/x.mjs';
import * as ns from "pkg";
import 'side-effect';
export { d } from './d.js';
export * from './star.js';
export * as e from './e.js';
export const handler = async () => a;
export function other() {}
export default class {}
const v = 1, f = function () {};
export { v as value, f };
const { x } = await import('dyn');
console.log(import.meta.url, typeof require);
`
	f := Scan([]byte(src))
	if f.Syntax != nil {
		t.Fatal(f.Syntax)
	}
	var got []string
	for _, i := range f.Imports {
		got = append(got, imp(i))
	}
	want := []string{
		"import node:fs 001:001",
		"import ./lib/x.mjs 002:001",
		"import pkg 006:001",
		"import side-effect 007:001",
		"export-from ./d.js 008:001",
		"export-from ./star.js 009:001",
		"export-from ./e.js 010:001",
		"import() dyn 016:021",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("imports:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !f.ESM || f.ESMPos != (Pos{1, 1}) {
		t.Errorf("ESM %v at %v", f.ESM, f.ESMPos)
	}
	if len(f.CJSUses) != 0 {
		t.Errorf("typeof require is not a use: %v", f.CJSUses)
	}
	names := map[string]bool{}
	for _, e := range f.Exports {
		names[e.Name] = e.Func
	}
	for name, fn := range map[string]bool{"d": false, "e": false, "handler": true, "other": true, "default": true, "value": false, "f": true} {
		if isFn, ok := names[name]; !ok || isFn != fn {
			t.Errorf("export %s: present %v func %v, want func %v", name, ok, isFn, fn)
		}
	}
	if len(f.StarFrom) != 1 || f.StarFrom[0] != "./star.js" {
		t.Errorf("StarFrom %v", f.StarFrom)
	}
}

func TestCommonJSExports(t *testing.T) {
	cases := []struct {
		src  string
		want string // name:func|notfunc|? …, then "open" when ExportsOpen
	}{
		{`exports.handler = async () => {};`, "handler:func"},
		{`module.exports.handler = function () {};`, "handler:func"},
		{`module.exports = { handler, other: 1, api: { get() {} } }; function handler() {}`, "handler:func other:notfunc api:notfunc"},
		{`const h = () => 1; module.exports = { h };`, "h:func"},
		{`let h; h = () => 1; exports.handler = h;`, "handler:?"},
		{`module.exports = require('./impl');`, "star:./impl"},
		{`module.exports = build();`, "open"},
		{`Object.assign(module.exports, x);`, "open"},
		{`Object.defineProperty(exports, "__esModule", { value: true }); exports.handler = void 0; exports.handler = handler; const handler = async () => 1;`, "handler:func"},
		{`exports['handler'] = 1;`, "handler:notfunc"},
		{`exports[k] = 1;`, "open"},
		{`function f() { exports.handler = 1; }`, "open"},
		{`exports.a = exports.b = undefined;`, "a:notfunc b:notfunc"},
		{"return;\nexports.handler = 1;", "handler:notfunc"},
	}
	for _, c := range cases {
		f := Scan([]byte(c.src))
		if f.Syntax != nil {
			t.Errorf("%s: %v", c.src, f.Syntax)
			continue
		}
		var got []string
		for _, e := range f.Exports {
			k := "?"
			if e.Func {
				k = "func"
			} else if e.NotFunc {
				k = "notfunc"
			}
			got = append(got, e.Name+":"+k)
		}
		for _, s := range f.StarFrom {
			got = append(got, "star:"+s)
		}
		if f.ExportsOpen {
			got = append(got, "open")
		}
		if g := strings.Join(got, " "); g != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.src, g, c.want)
		}
	}
}

func TestCJSUses(t *testing.T) {
	f := Scan([]byte("import x from 'y';\nconst fs = require('fs');\nexport const handler = () => module.id;\nif (typeof exports === 'object') {}\n"))
	var got []string
	for _, u := range f.CJSUses {
		s := u.Name + " " + itoa(u.Line)
		if u.Lazy {
			s += " lazy"
		}
		got = append(got, s)
	}
	if g := strings.Join(got, ", "); g != "require 002, module 003 lazy" {
		t.Errorf("uses: %s", g)
	}
	// A file that declares require itself (createRequire) does not use CommonJS's.
	f = Scan([]byte("import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nrequire('x');\n"))
	if len(f.CJSUses) != 0 {
		t.Errorf("declared require: %v", f.CJSUses)
	}
	if len(f.Imports) != 1 {
		t.Errorf("a declared require is not an import layerkit follows: %v", f.Imports)
	}
}

func TestSyntaxError(t *testing.T) {
	f := Scan([]byte("const a = 1;\nconst = 2;\n"))
	if f.Syntax == nil || f.Syntax.Line != 2 {
		t.Fatalf("syntax error: %+v", f.Syntax)
	}
}

func TestUnquote(t *testing.T) {
	for in, want := range map[string]string{`'a'`: "a", `"\x41\u0042\u{43}\n"`: "ABC\n", `'it\'s'`: "it's"} {
		if got := unquote([]byte(in)); got != want {
			t.Errorf("unquote(%s) = %q, want %q", in, got, want)
		}
	}
}

func FuzzScan(f *testing.F) {
	for _, s := range []string{
		"const a = require('a');",
		"import x from 'y'; export * from 'z'; export default 1;",
		"try { require('x') } catch {}",
		"(function(){ require(`a${b}`) })()",
		"module.exports = { a: { b() {} } };",
		"return; require('x')",
		"a = b / c; d = /re/g; e = `t${`u${v}`}`;",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file := Scan(src)
		for _, i := range file.Imports {
			if i.Line < 1 || i.Col < 1 {
				t.Fatalf("position %d:%d", i.Line, i.Col)
			}
			if i.Computed && i.Spec != "" {
				t.Fatalf("computed import with a specifier: %+v", i)
			}
			if i.Line > len(src)+1 {
				t.Fatalf("line %d past the end", i.Line)
			}
		}
	})
}

func TestParserGaps(t *testing.T) {
	// Import attributes, newer than the parser.
	f := Scan([]byte("import data from './d.json' with { type: 'json' };\nexport { x } from './x.js' assert { type: \"json\" };\nimport 'y';\n"))
	if f.Syntax != nil {
		t.Fatal(f.Syntax)
	}
	if len(f.Imports) != 3 || f.Imports[0].Type != "json" || f.Imports[1].Type != "json" || f.Imports[2].Type != "" || f.Imports[2].Line != 3 {
		t.Errorf("attributes: %+v", f.Imports)
	}
	// An arrow function's block body ends at a line break before [ (ASI); lines stay.
	f = Scan([]byte("const g = (a) => {\n  return a\n}\n  [1, 2].forEach(g)\nrequire('z')\n"))
	if f.Syntax != nil {
		t.Fatal(f.Syntax)
	}
	if len(f.Imports) != 1 || f.Imports[0].Line != 5 {
		t.Errorf("ASI: %+v", f.Imports)
	}
}

// An await inside an async function called where it is defined (an IIFE) is not a
// top-level await, though its body runs at load (field test: the SAM hello-world
// template's `if (require.main === module) { (async () => { await … })(); }`); node
// --check accepts the file as CommonJS.
func TestTopAwait(t *testing.T) {
	for src, want := range map[string]int{
		"if (require.main === module) {\n  (async () => {\n    var r = await f();\n  })();\n}\n": 0,
		"(async function () { await f(); })();\n":                                                0,
		"const v = await f();\n":      1,
		"if (x) {\n  await f();\n}\n": 2,
	} {
		f := Scan([]byte(src))
		got := 0
		if f.TopAwait != nil {
			got = f.TopAwait.Line
		}
		if got != want {
			t.Errorf("%q: top-level await at line %d, want %d", src, got, want)
		}
	}
}

// The names an ES module takes from another by name: what it must export to link.
func TestImportedNames(t *testing.T) {
	src := `import def, { A, B as C, default as D, 'x-y' as E } from 'm1';
import * as ns from 'm2';
export { F, G as H } from 'm3';
export * from 'm4';
import { I } from 'm5';
`
	f := Scan([]byte(src))
	if f.Syntax != nil {
		t.Fatal(f.Syntax)
	}
	var got []string
	for _, i := range f.Imports {
		got = append(got, i.Spec+":"+strings.Join(i.Names, ","))
	}
	if want := "m1:A,B,x-y m2: m3:F,G m4: m5:I"; strings.Join(got, " ") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, " "), want)
	}
}

// A test of a variable Lambda always sets decides a branch on Lambda: the branch that
// never runs there imports nothing; positions after it stay right. Any other test keeps
// both branches.
func TestLambdaEnvBranches(t *testing.T) {
	src := `const { Logger } = process.env.LAMBDA_TASK_ROOT ? require('/opt/nodejs/powertools') : require('../../layers/powertools');
if (!process.env.AWS_LAMBDA_FUNCTION_NAME) { require('dotenv').config(); } else { require('on-lambda'); }
process.env['AWS_EXECUTION_ENV'] || require('local-only');
process.env.AWS_REGION && require('regional');
const x = process.env.IS_OFFLINE ? require('offline') : require('aws');
if (process.env.LAMBDA_TASK_ROOT === undefined) require('never'); else if (cond) require('maybe');
const env = {}; env.LAMBDA_TASK_ROOT ? require('p') : require('q');
(process.env.LAMBDA_RUNTIME_DIR != null) ? require('r') : module.exports.s = require('s');
require('after');
`
	f := Scan([]byte(src))
	if f.Syntax != nil {
		t.Fatal(f.Syntax)
	}
	var got []string
	for _, i := range f.Imports {
		got = append(got, imp(i))
	}
	want := []string{
		"require /opt/nodejs/powertools 001:051",
		"require on-lambda 002:083",
		"require regional 004:027",
		"require offline 005:036",
		"require aws 005:057",
		"require maybe 006:082",
		"require p 007:040",
		"require q 007:055",
		"require r 008:044",
		"require after 009:001",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("imports:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, u := range f.CJSUses {
		if u.Line == 3 || u.Line == 8 && u.Name == "module" {
			t.Errorf("a use in a branch Lambda never runs: %+v", u)
		}
	}
}
