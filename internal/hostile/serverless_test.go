//go:build unix

package hostile

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// Serverless Framework variables that amplify (issue 15): each ends in an input error
// naming serverless.yml and the line, within the run's time and memory budgets; code
// locations and ${file()} paths outside the checked folder are refused at the property.
// All are generated at test time (the big one is 800 KB).
func init() {
	items = append(items,
		item{name: "templates/serverless-large-value", gen: genServerlessLargeValue, mention: "serverless.yml", exit: 2, line: true},
		item{name: "templates/serverless-doubling", gen: genServerlessDoubling, mention: "serverless.yml", exit: 2, line: true},
		item{name: "templates/serverless-deep-chain", gen: genServerlessDeepChain, mention: "serverless.yml", exit: 2, line: true},
		item{name: "templates/serverless-file-fanout", gen: genServerlessFileFanout, mention: "serverless.yml", exit: 2, line: true},
		item{name: "templates/serverless-file-self", gen: genServerlessFileSelf, mention: "serverless.yml"},
		item{name: "templates/serverless-file-outside", gen: genServerlessOutside("provider:\n  runtime: ${file(../../../../../../../../etc/passwd)}\n"), mention: "serverless.yml", exit: 2, line: true},
		item{name: "templates/serverless-file-abs", gen: genServerlessOutside("provider:\n  runtime: ${file(/proc/self/environ):x}\n"), mention: "serverless.yml", exit: 2, line: true},
		item{name: "templates/serverless-layer-outside", gen: genServerlessOutside("layers:\n  root:\n    path: ../../../../../../../../\n"), mention: "serverless.yml", exit: 2, line: true},
		item{name: "templates/serverless-artifact-outside", gen: genServerlessOutside("package:\n  artifact: /etc/passwd\n"), mention: "serverless.yml", exit: 2, line: true},
		// Discovery makes each service a root: each is named with its line when its
		// variables stop, and together they share one budget.
		item{name: "templates/serverless-many-services", gen: genServerlessManyServices, mention: "serverless.yml", line: true},
	)
}

const slsFunction = "functions:\n  f:\n    handler: src/app.handler\n    runtime: python3.12\n"

func slsApp(t testing.TB, p, yml string) {
	writeFile(t, p, "serverless.yml", []byte(yml))
	writeFile(t, p, "src/app.py", []byte(appPy))
	writeFile(t, p, "src/helper.py", []byte("VALUE = 1\n"))
}

// genServerlessLargeValue: an 800 KB serverless.yml referencing one 300 KB value 15,000
// times inside strings (4.5 GB of text if every reference were built).
func genServerlessLargeValue(t testing.TB, p string) {
	var b strings.Builder
	b.WriteString("service: big\ncustom:\n  big: " + strings.Repeat("x", 300_000) + "\nprovider:\n  name: aws\n  runtime: python3.12\n  environment:\n")
	for i := 0; b.Len() < 800_000; i++ {
		fmt.Fprintf(&b, "    V%d: a${self:custom.big}\n", i)
	}
	b.WriteString(slsFunction)
	slsApp(t, p, b.String())
}

// genServerlessDoubling: 60 values, each two copies of the one before (2^60 bytes).
func genServerlessDoubling(t testing.TB, p string) {
	var b strings.Builder
	b.WriteString("service: doubling\ncustom:\n  v0: xxxxxxxxxxxxxxxx\n")
	for i := 1; i <= 60; i++ {
		fmt.Fprintf(&b, "  v%d: ${self:custom.v%d}${self:custom.v%d}\n", i, i-1, i-1)
	}
	b.WriteString("provider:\n  name: aws\n  runtime: python3.12\n  environment:\n    X: ${self:custom.v60}\n" + slsFunction)
	slsApp(t, p, b.String())
}

// genServerlessDeepChain: 20,000 values each naming the next (600 KB).
func genServerlessDeepChain(t testing.TB, p string) {
	var b strings.Builder
	b.WriteString("service: chain\ncustom:\n")
	for i := 0; i < 20_000; i++ {
		fmt.Fprintf(&b, "  c%d: ${self:custom.c%d}\n", i, i+1)
	}
	b.WriteString("  c20000: python3.12\nprovider:\n  name: aws\n  runtime: ${self:custom.c0}\n" + slsFunction)
	slsApp(t, p, b.String())
}

// genServerlessFileFanout: 200 ${file()} references to 200 files (the budget is 64).
func genServerlessFileFanout(t testing.TB, p string) {
	var b strings.Builder
	b.WriteString("service: fanout\ncustom:\n")
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&b, "  f%d: ${file(./conf/f%d.yml):x}\n", i, i)
		writeFile(t, p, fmt.Sprintf("conf/f%d.yml", i), []byte("x: y\n"))
	}
	b.WriteString("provider:\n  name: aws\n  runtime: python3.12\n  environment: ${self:custom}\n" + slsFunction)
	slsApp(t, p, b.String())
}

// genServerlessFileSelf: files including themselves and each other, and serverless.yml.
func genServerlessFileSelf(t testing.TB, p string) {
	slsApp(t, p, "service: self\ncustom: ${file(./a.yml)}\nprovider:\n  name: aws\n  runtime: ${file(./a.yml):r, 'python3.12'}\n  environment: ${file(./b.yml)}\n"+slsFunction)
	writeFile(t, p, "a.yml", []byte("a: ${file(./a.yml):a}\nb: ${file(./b.yml):b}${file(./b.yml):b}\nr: ${file(./serverless.yml):provider.runtime}\nall: ${file(./serverless.yml)}\n"))
	writeFile(t, p, "b.yml", []byte("b: ${file(./a.yml):b}\nX: ${self:custom.all.custom.b}\n"))
}

func genServerlessOutside(part string) func(testing.TB, string) {
	return func(t testing.TB, p string) {
		slsApp(t, p, "service: outside\n"+part+slsFunction)
	}
}

// genServerlessManyServices: a layer read through ${cf:} and ${ssm:}, and 300 other
// services, each with a layer path that doubles 40 times (the search for the service
// that publishes the layer is bounded, and the services it reads share one budget).
func genServerlessManyServices(t testing.TB, p string) {
	slsApp(t, p, "service: api\nprovider:\n  name: aws\n  runtime: python3.12\nfunctions:\n  f:\n    handler: src/app.handler\n    layers:\n      - ${cf:nowhere-dev.XLambdaLayerQualifiedArn}\n      - ${ssm:/nowhere}\n")
	var doubling strings.Builder
	doubling.WriteString("custom:\n  v0: xxxxxxxxxxxxxxxx\n")
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&doubling, "  v%d: ${self:custom.v%d}${self:custom.v%d}\n", i, i-1, i-1)
	}
	for i := 0; i < 300; i++ {
		dir := filepath.Join(p, "services", fmt.Sprintf("s%d", i))
		writeFile(t, dir, "serverless.yml", []byte(fmt.Sprintf("service: s%d\n%slayers:\n  x:\n    path: ${self:custom.v40}\n", i, doubling.String())))
	}
}
