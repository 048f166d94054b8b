package jsscan

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"testing"
)

// TestScanLoose: the imports esbuild keeps from TypeScript sources, and the names they
// export (the handler lookup of a bundle).
var looseCases = []struct {
	name, src string
	imports   []string
	exports   []string
}{
	{"types only import is dropped", `import { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { S3Client } from '@aws-sdk/client-s3';
const s3 = new S3Client({});
export const lambdaHandler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  return { statusCode: 200, body: '' };
};
`, []string{"@aws-sdk/client-s3"}, []string{"lambdaHandler"}},
	{"import type and inline type members", `import type { Handler } from 'aws-lambda';
import { type Context, run } from './lib/run';
import { type Only } from 'only-types';
export const handler: Handler = async (e, c: Context) => run(e);
`, []string{"./lib/run"}, []string{"handler"}},
	{"generic arguments", `import { A, B } from 'types-pkg';
import pg from 'pg';
const m = new Map<A, B>();
export async function handler() { return pg; }
`, []string{"pg"}, []string{"handler"}},
	{"side effects, require, export from, dynamic import, regexp", `import 'source-map-support/register';
import fs = require('fs'); // unused: TypeScript drops it
const re = /from 'nope'/g;
const x = require('lodash');
export * from './more';
export { a as b } from './other';
export default async function () { return import('./lazy'); }
`, []string{"source-map-support/register", "lodash", "./more", "./other", "./lazy"}, []string{"b", "default"}},
	{"export list", `const handler = async () => 1;
export { handler, handler as main };
`, nil, []string{"handler", "main"}},
	{"a binding used as an object literal's value (field app)", `import axios from "axios";
import { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import {getGreeting} from "/opt/nodejs/common-layer";

export const handler = async (event:APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  return {
    statusCode: 200,
    body: JSON.stringify({
        message: getGreeting("x")
    })
};
};
`, []string{"/opt/nodejs/common-layer"}, []string{"handler"}},
	{"type aliases, interfaces, annotations", `import { A, B, C, D, E } from 'types';
import { V1 } from 'v1';
import { V2 } from 'v2';
import { V3 } from 'v3';
import { V4 } from 'v4';
type X = A | B<C>
  | { k: D };
interface I extends E { f: A; g(): B }
export const f = (a: A, b?: B): C => cond ? V1 : V2;
const o: { a: D } = { a: V3 };
switch (o.a) { case V4: break; }
export class K extends Base implements I { x: A = 1 }
`, []string{"v1", "v2", "v3", "v4"}, []string{"f", "K"}},
	{"class heritage and decorators are values", `import { Base } from 'base';
import { Injectable } from 'di';
@Injectable()
export class Svc extends Base {}
`, []string{"base", "di"}, []string{"Svc"}},
	{"a generic call and a cast", `import { make } from 'maker';
import type { T } from 't';
import { U } from 'u';
const x = make<T>(1) as U;
`, []string{"maker"}, nil},
	{"require in a try block", `let x: any;
try { x = require('optional'); } catch (e) { x = null; }
const y = require('plain');
export const handler = async () => [x, y];
`, []string{"optional", "plain"}, []string{"handler"}},
}

func TestScanLoose(t *testing.T) {
	for _, tc := range looseCases {
		t.Run(tc.name, func(t *testing.T) {
			got := ScanLoose([]byte(tc.src))
			var specs []string
			for _, imp := range got.Imports {
				specs = append(specs, imp.Spec)
			}
			if !reflect.DeepEqual(specs, tc.imports) {
				t.Errorf("imports = %q, want %q", specs, tc.imports)
			}
			for _, imp := range got.Imports {
				if imp.Guarded != (imp.Spec == "optional") {
					t.Errorf("%s: Guarded = %v", imp.Spec, imp.Guarded)
				}
			}
			if !reflect.DeepEqual(got.Exports, tc.exports) {
				t.Errorf("exports = %q, want %q", got.Exports, tc.exports)
			}
		})
	}
}

// TestScanLooseEsbuild: the imports ScanLoose keeps are the ones esbuild tries to
// resolve. Each case is bundled (nothing installed) and the specifiers esbuild cannot
// resolve are compared with the unguarded imports. It needs
// esbuild (not in CI):
//
//	LK_ESBUILD=$(npm root)/.bin/esbuild go test ./internal/jsscan -run ScanLooseEsbuild
func TestScanLooseEsbuild(t *testing.T) {
	bin := os.Getenv("LK_ESBUILD")
	if bin == "" {
		t.Skip("LK_ESBUILD is not set (an esbuild binary: npm install esbuild)")
	}
	unresolved := regexp.MustCompile(`Could not resolve "([^"]+)"`)
	for _, tc := range looseCases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "a.ts"), []byte(tc.src), 0o644); err != nil {
				t.Fatal(err)
			}
			out, _ := exec.Command(bin, filepath.Join(dir, "a.ts"), "--bundle", "--platform=node", "--log-limit=0", "--outfile="+filepath.Join(dir, "out.js")).CombinedOutput()
			seen := map[string]bool{}
			var got []string
			for _, m := range unresolved.FindAllStringSubmatch(string(out), -1) {
				if !seen[m[1]] {
					seen[m[1]] = true
					got = append(got, m[1])
				}
			}
			// esbuild leaves a require in a try block it cannot resolve to run time,
			// without a message.
			var want []string
			for _, imp := range ScanLoose([]byte(tc.src)).Imports {
				if !imp.Guarded {
					want = append(want, imp.Spec)
				}
			}
			sort.Strings(got)
			sort.Strings(want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("esbuild cannot resolve %q; ScanLoose keeps %q\n%s", got, want, out)
			}
		})
	}
}
