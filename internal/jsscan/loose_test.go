package jsscan

import (
	"reflect"
	"testing"
)

// TestScanLoose: the imports esbuild keeps from TypeScript sources, and the names they
// export (the handler lookup of a bundle).
func TestScanLoose(t *testing.T) {
	for _, tc := range []struct {
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
		{"require in a try block", `let x: any;
try { x = require('optional'); } catch (e) { x = null; }
const y = require('plain');
export const handler = async () => [x, y];
`, []string{"optional", "plain"}, []string{"handler"}},
	} {
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
