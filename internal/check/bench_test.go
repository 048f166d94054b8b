package check

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/noderesolve"
	"github.com/layerkit/layerkit/internal/pyresolve"
	"github.com/layerkit/layerkit/internal/rules"
)

var today = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)

// BenchmarkExamples checks each app in examples/ end to end (detect, load, scan,
// resolve, rules), as `layerkit check examples/NAME` does.
func BenchmarkExamples(b *testing.B) {
	dirs, _ := filepath.Glob("../../examples/*")
	for _, dir := range dirs {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			continue
		}
		b.Run(filepath.Base(dir), func(b *testing.B) {
			for b.Loop() {
				if _, err := Run(context.Background(), Options{Path: dir, Today: today}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLargeApp checks a generated app: 40 functions of 30 modules each that import
// one another and three shared layers of 300 modules, so scan + resolve dominate.
func BenchmarkLargeApp(b *testing.B) {
	dir := b.TempDir()
	writeLargeApp(b, dir, 40, 30, 3, 300)
	b.ResetTimer()
	for b.Loop() {
		res, err := Run(context.Background(), Options{Path: dir, Today: today})
		if err != nil {
			b.Fatal(err)
		}
		if res.Functions != 40 {
			b.Fatalf("functions = %d", res.Functions)
		}
	}
}

func writeLargeApp(tb testing.TB, dir string, nfn, nmod, nlayer, nlmod int) {
	var tpl strings.Builder
	tpl.WriteString("Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n    Runtime: python3.12\n    Layers:\n")
	for l := 0; l < nlayer; l++ {
		fmt.Fprintf(&tpl, "      - !Ref Layer%d\n", l)
	}
	tpl.WriteString("Resources:\n")
	write := func(p, s string) {
		p = filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	for l := 0; l < nlayer; l++ {
		fmt.Fprintf(&tpl, "  Layer%d:\n    Type: AWS::Serverless::LayerVersion\n    Properties:\n      ContentUri: layers/l%d/\n", l, l)
		write(fmt.Sprintf("layers/l%d/python/lib%d/__init__.py", l, l), "")
		for m := 0; m < nlmod; m++ {
			body := "import json\nimport os\n"
			if m > 0 {
				body += fmt.Sprintf("from lib%d.m%d import VALUE as PREV\n", l, m-1)
			}
			body += "VALUE = 1\n\ndef f(x):\n    return json.dumps({'x': x, 'p': os.sep})\n" + strings.Repeat("# padding line with words\n", 40)
			write(fmt.Sprintf("layers/l%d/python/lib%d/m%d.py", l, l, m), body)
		}
	}
	for f := 0; f < nfn; f++ {
		fmt.Fprintf(&tpl, "  Fn%d:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: fns/f%d/\n      Handler: app.handler\n", f, f)
		var app strings.Builder
		app.WriteString("import boto3\nimport logging\n")
		for l := 0; l < nlayer; l++ {
			fmt.Fprintf(&app, "from lib%d.m%d import VALUE as V%d\n", l, nlmod-1, l)
		}
		for m := 0; m < nmod; m++ {
			fmt.Fprintf(&app, "import mod%d\n", m)
			write(fmt.Sprintf("fns/f%d/mod%d.py", f, m), fmt.Sprintf("import json\nfrom typing import Any\nX%d = 1\n", m)+strings.Repeat("def g(a):\n    return a\n", 20))
		}
		app.WriteString("\ndef handler(event, context):\n    return 1\n")
		write(fmt.Sprintf("fns/f%d/app.py", f), app.String())
	}
	write("template.yaml", tpl.String())
}

// BenchmarkGeneratedApp checks the app in $LAYERKIT_BENCH_APP, written by bench/gen
// (skipped when unset). With -cpuprofile it is the profile recipe of docs/benchmarks.md.
func BenchmarkGeneratedApp(b *testing.B) {
	dir := os.Getenv("LAYERKIT_BENCH_APP")
	if dir == "" {
		b.Skip("LAYERKIT_BENCH_APP is not set (go run ./bench/gen -o DIR)")
	}
	for b.Loop() {
		if _, err := Run(context.Background(), Options{Path: dir, Today: today}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGeneratedAppLoad is the load phase of BenchmarkGeneratedApp alone: find
// the app, read the template, open the layers, build the model.
func BenchmarkGeneratedAppLoad(b *testing.B) {
	dir := os.Getenv("LAYERKIT_BENCH_APP")
	if dir == "" {
		b.Skip("LAYERKIT_BENCH_APP is not set (go run ./bench/gen -o DIR)")
	}
	for b.Loop() {
		_, inputs, err := Detect(dir, "", "")
		if err != nil {
			b.Fatal(err)
		}
		for _, in := range inputs {
			if _, err := in.Load(); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// loadGenerated loads the app in $LAYERKIT_BENCH_APP once (skipped when unset).
func loadGenerated(b *testing.B) *model.App {
	dir := os.Getenv("LAYERKIT_BENCH_APP")
	if dir == "" {
		b.Skip("LAYERKIT_BENCH_APP is not set (go run ./bench/gen -o DIR)")
	}
	_, inputs, err := Detect(dir, "", "")
	if err != nil {
		b.Fatal(err)
	}
	app, err := inputs[0].Load()
	if err != nil {
		b.Fatal(err)
	}
	declare(app)
	return app
}

// BenchmarkGeneratedAppAnalyse is the import analysis of BenchmarkGeneratedApp alone,
// every file scanned afresh (a new Resolver each time), the app loaded once.
func BenchmarkGeneratedAppAnalyse(b *testing.B) {
	app := loadGenerated(b)
	for b.Loop() {
		pass := &rules.Pass{App: app, Today: today}
		if err := pass.Analyze(context.Background(), resolvers(pyresolve.New(), noderesolve.NewLang(), app)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGeneratedAppRules is the rules of BenchmarkGeneratedApp alone, over an
// analysis made once (each pass starts with empty caches, as a check does).
func BenchmarkGeneratedAppRules(b *testing.B) {
	app := loadGenerated(b)
	pass := &rules.Pass{App: app, Today: today}
	if err := pass.Analyze(context.Background(), resolvers(pyresolve.New(), noderesolve.NewLang(), app)); err != nil {
		b.Fatal(err)
	}
	fns := pass.Functions
	for b.Loop() {
		rules.Run(&rules.Pass{App: app, Today: today, Functions: fns})
	}
}

// BenchmarkDiscover walks a generated repository for its IaC roots (discover): 200
// function folders of a Python package each, as bench/gen's app, and one template.
func BenchmarkDiscover(b *testing.B) {
	dir := b.TempDir()
	writeLargeApp(b, dir, 200, 6, 1, 10)
	b.ResetTimer()
	for b.Loop() {
		found, _, err := discover(dir, DetectOptions{})
		if err != nil || len(found) != 1 {
			b.Fatalf("discover = %v, %v", found, err)
		}
	}
}
