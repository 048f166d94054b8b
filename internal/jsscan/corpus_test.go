package jsscan

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRealCode scans every .js/.cjs/.mjs file under LK_JS_CORPUS (for example
// /usr/lib/node_modules) and reports the files it cannot parse and the slowest: a
// file node loads must parse, or layerkit would report a syntax error that is not
// there. Run: LK_JS_CORPUS=/usr/lib/node_modules go test -run RealCode -v ./internal/jsscan/
func TestRealCode(t *testing.T) {
	root := os.Getenv("LK_JS_CORPUS")
	if root == "" {
		t.Skip("LK_JS_CORPUS not set")
	}
	var files, failed, imports int
	var bytes int64
	var slowest string
	var slow time.Duration
	start := time.Now()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if !strings.HasSuffix(p, ".js") && !strings.HasSuffix(p, ".cjs") && !strings.HasSuffix(p, ".mjs") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		t0 := time.Now()
		f := Scan(b)
		if d := time.Since(t0); d > slow {
			slow, slowest = d, p
		}
		files++
		bytes += int64(len(b))
		imports += len(f.Imports)
		if f.Syntax != nil {
			failed++
			t.Logf("%s:%d:%d: %s", p, f.Syntax.Line, f.Syntax.Col, f.Syntax.Msg)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d files, %d MB, %d imports, %d not parsed, %v (slowest %v: %s)", files, bytes>>20, imports, failed, time.Since(start), slow, slowest)
}
