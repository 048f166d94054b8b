package serverless

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/pydist"
)

// FuzzLoad: any serverless.yml bytes load or fail with an error, never panic.
func FuzzLoad(f *testing.F) {
	f.Add([]byte("service: s\nprovider:\n  runtime: ${self:custom.r}\n  layers:\n    - {Ref: ALambdaLayer}\ncustom:\n  r: ${self:custom.r}\nlayers:\n  a:\n    path: .\nfunctions:\n  f:\n    handler: h.main\n    layers:\n      - !Ref ALambdaLayer\n      - ${opt:x, 'arn:aws:lambda:us-east-1:123456789012:layer:x:1'}\n"))
	f.Add([]byte("a: &a {b: *a}\n"))
	f.Add([]byte("functions: ${self:}\nprovider: {layers: ${self:provider.layers}}\n<<: {x: 1}\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		app, err := load(dir, dir, "serverless.yml", data, nil)
		if err == nil && app == nil {
			t.Fatal("nil app without error")
		}
	})
}

// FuzzResolve is the amplification target for variable resolution: a serverless.yml and
// a file it may include (inc.yml) load or fail with an input error, within time and
// allocation bounds whatever they reference (values that double at each reference, a
// large value referenced many times, chains, cycles, files including files).
func FuzzResolve(f *testing.F) {
	f.Add([]byte("custom:\n  a: xxxxxxxx\n  b: ${self:custom.a}${self:custom.a}\n  c: ${self:custom.b}${self:custom.b}\n  d: ${self:custom.c}${self:custom.c}\nprovider:\n  runtime: ${self:custom.d}\nfunctions:\n  f:\n    handler: h.main\n"),
		[]byte("x: ${self:custom.d}${file(./inc.yml):x}\n"))
	f.Add([]byte("custom: ${file(./inc.yml)}\nprovider:\n  environment: ${self:custom}\nfunctions:\n  f:\n    handler: ${file(./inc.yml):h, ${self:custom.h}}\n"),
		[]byte("h: ${file(./inc.yml):h}\ni: ${file(./serverless.yml):custom}\n"))
	f.Add([]byte("provider:\n  runtime: ${opt:r, ${env:R, ${self:custom.r, 'python3.12'}}}\n  layers:\n    - ${cf:x-${sls:stage}.${aws:region}}\n    - arn:aws:lambda:#{AWS::Region}:1:layer:x:latest\nfunctions: ${file(inc.yml):fns}\n"),
		[]byte("{\"fns\": {\"f\": {\"handler\": \"${self:service, 'a'}.main\"}}}"))
	f.Fuzz(func(t *testing.T, yml, inc []byte) {
		if len(yml) > 8<<10 || len(inc) > 8<<10 {
			return
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "serverless.yml"), yml, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "inc.yml"), inc, 0o644); err != nil {
			t.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		app, err := load(dir, dir, "serverless.yml", yml, nil)
		took := time.Since(start)
		runtime.ReadMemStats(&after)
		if err == nil && app == nil {
			t.Fatal("nil app without error")
		}
		var ie *iac.InputError
		if err != nil && !errors.As(err, &ie) {
			t.Fatalf("error %v is not an *iac.InputError", err)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 256<<20 {
			t.Errorf("allocated %d MiB for %d+%d bytes of input", alloc>>20, len(yml), len(inc))
		}
		if took > 3*time.Second {
			t.Errorf("took %v for %d+%d bytes of input", took, len(yml), len(inc))
		}
	})
}

// FuzzTOML: any Pipfile or pyproject.toml text gives requirement lines, never a panic,
// in time linear in its size.
func FuzzTOML(f *testing.F) {
	f.Add("[packages]\nrequests = \"*\"\n\"a.b\" = \"==1\"\nx = {version = \">=2\", extras = [\n\"y\",\n]}\n")
	f.Add("[build-system]\nrequires = [\"poetry-core\"]\n[tool.poetry.dependencies]\npython = \"^3.12\"\na = '^1' # c\n[project]\ndependencies = [\"b>=2\", 'c']\n")
	f.Add("[packages\nx = [[[[\n'\"#\n= = =\n[[x]]\n")
	f.Fuzz(func(t *testing.T, text string) {
		start := time.Now()
		_ = pydist.PipfilePackages(text)
		_, _ = pydist.PoetryDependencies(text)
		if d := time.Since(start); d > time.Second {
			t.Errorf("took %v for %d bytes", d, len(text))
		}
	})
}
