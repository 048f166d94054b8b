package pyresolve

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/runtimes"
	"github.com/layerkit/layerkit/internal/tree"
)

// benchLayer is a zip layer of npkg packages of nmod modules each, under python/: each
// module imports the standard library and the module before it.
func benchLayer(b *testing.B, npkg, nmod int) tree.Tree {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name, body string) {
		w, err := zw.Create(name)
		if err != nil {
			b.Fatal(err)
		}
		w.Write([]byte(body))
	}
	for p := 0; p < npkg; p++ {
		add(fmt.Sprintf("python/pkg%d/__init__.py", p), fmt.Sprintf("from pkg%d.m%d import VALUE\n", p, nmod-1))
		for m := 0; m < nmod; m++ {
			body := "import os\nimport json\nfrom typing import Any\n"
			if m > 0 {
				body += fmt.Sprintf("from . import m%d\nfrom .m%d import VALUE as PREV\n", m-1, m-1)
			}
			body += "VALUE = 1\n\n\ndef f(x: Any) -> str:\n    return json.dumps({'x': x, 'sep': os.sep})\n" + strings.Repeat("# padding\n", 50)
			add(fmt.Sprintf("python/pkg%d/m%d.py", p, m), body)
		}
	}
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
	z, err := tree.ZipBytes(buf.Bytes(), "layer.zip")
	if err != nil {
		b.Fatal(err)
	}
	return z
}

// BenchmarkAnalyze resolves a handler importing 10 packages of a 30-package layer (40
// modules each) and 10 modules of its own. cold: a new Resolver (every file scanned);
// warm: the Resolver of a check that already analysed a function with the same layer.
func BenchmarkAnalyze(b *testing.B) {
	rt, _ := runtimes.Lookup("python3.12")
	layer := &model.Layer{Name: "Deps", Content: &model.Code{Tree: benchLayer(b, 30, 40)}}
	code := map[string]string{}
	var app strings.Builder
	for p := 0; p < 10; p++ {
		fmt.Fprintf(&app, "import pkg%d\n", p*3)
	}
	for m := 0; m < 10; m++ {
		fmt.Fprintf(&app, "from svc import mod%d\n", m)
		code[fmt.Sprintf("svc/mod%d.py", m)] = "import logging\nfrom dataclasses import dataclass\nX = 1\n"
	}
	code["svc/__init__.py"] = ""
	code["app.py"] = app.String() + "\ndef handler(event, context):\n    return 1\n"
	fn := &model.Function{Name: "Fn", Runtime: "python3.12", Handler: "app.handler", Arch: "x86_64",
		Code: &model.Code{Tree: tree.NewMap("src", code)}, Env: map[string]model.EnvVar{},
		Layers: []model.LayerRef{{Layer: layer}}}
	check := func(res *Result) {
		if len(res.Problems) > 0 || res.NumModules() < 400 {
			b.Fatalf("%d problems, %d modules", len(res.Problems), res.NumModules())
		}
	}
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			r := New()
			check(r.Analyze(r.NewEnv(fn, rt)))
		}
	})
	b.Run("warm", func(b *testing.B) {
		r := New()
		r.Analyze(r.NewEnv(fn, rt))
		for b.Loop() {
			check(r.Analyze(r.NewEnv(fn, rt)))
		}
	})
}

// BenchmarkAnalyzeFanOut is issue 19.1's hot path: a further function importing a
// vendored layer package of 2,000 modules (no dist-info, every module reached from its
// __init__), with the package's run already summarized by the functions before it. Each
// function should cost what its own modules cost, not the package's 2,000: it refers
// to the summary's maps (Result.bases) instead of copying them. See B/op.
func BenchmarkAnalyzeFanOut(b *testing.B) {
	rt, _ := runtimes.Lookup("python3.12")
	files := bigLayer(2000)
	layer := &model.Layer{Name: "Vendor", Content: &model.Code{Tree: tree.NewMap("vendor", files)}}
	fn := &model.Function{Name: "Fn", Runtime: "python3.12", Handler: "app.handler", Arch: "x86_64",
		Code: &model.Code{Tree: tree.NewMap("src", map[string]string{
			"app.py":     "import big\nfrom svc import mod\n\ndef handler(event, context):\n    return 1\n",
			"svc/mod.py": "import logging\nX = 1\n",
		})}, Env: map[string]model.EnvVar{}, Layers: []model.LayerRef{{Layer: layer}}}
	r := New()
	r.Analyze(r.NewEnv(fn, rt))
	b.ReportAllocs()
	for b.Loop() {
		res := r.Analyze(r.NewEnv(fn, rt))
		if len(res.Problems) > 0 || len(res.bases) == 0 {
			b.Fatalf("%d problems; shared run used: %t", len(res.Problems), len(res.bases) > 0)
		}
	}
}

// BenchmarkReadScan is what one layer file costs the first function that reaches it:
// read, scanned for imports and, unless the scan proved pysyntax would find nothing
// (pyscan File.SyntaxClean), checked for syntax. Issue 19.1: the vendored package's
// 5,000 modules are read this way once per check.
func BenchmarkReadScan(b *testing.B) {
	t := benchLayer(b, 4, 50)
	var names []string
	var size int64
	for p := 0; p < 4; p++ {
		for m := 0; m < 50; m++ {
			name := fmt.Sprintf("python/pkg%d/m%d.py", p, m)
			src, err := t.ReadFile(name)
			if err != nil {
				b.Fatal(err)
			}
			names, size = append(names, name), size+int64(len(src))
		}
	}
	if s := readScan(t, names[1]); !s.file.SyntaxClean || s.syntax != nil {
		b.Fatalf("a plain module is not proved clean: %+v", s.syntax)
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, name := range names {
			readScan(t, name)
		}
	}
}
