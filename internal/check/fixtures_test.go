package check

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"
)

// TestFixtures checks the small apps in testdata/fixtures/*.txtar. Each archive is an app;
// expected findings are marked on the line they point at with a comment
//
//	from aws_utils import x   # want LK101 error
//	Handler: app.nope          # want LK103
//
// (code, optional severity, optional function), or listed in a file named expect.txt in
// the archive (the ../shared/cases format), for places that cannot hold a comment (JSON,
// zips). Fixtures are strict: nothing beyond what they list may be reported. An archive
// may set flags for the check in a leading comment line "today: 2026-11-22".
func TestFixtures(t *testing.T) {
	files, _ := filepath.Glob("testdata/fixtures/*.txtar")
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			runFixture(t, file)
		})
	}
}

var wantRE = regexp.MustCompile(`#\s*want\s+(LK\d{3})(?:\s+(error|warning|info))?(?:\s+([A-Za-z0-9_./-]+))?`)

func runFixture(t *testing.T, file string) {
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var wants []want
	today := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	for _, line := range strings.Split(string(ar.Comment), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "today:"); ok {
			if today, err = time.Parse("2006-01-02", strings.TrimSpace(v)); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, f := range ar.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		if f.Name == "expect.txt" {
			_, w, err := parseExpect(string(f.Data))
			if err != nil {
				t.Fatal(err)
			}
			wants = append(wants, w...)
			continue
		}
		for i, line := range strings.Split(string(f.Data), "\n") {
			for _, m := range wantRE.FindAllStringSubmatch(line, -1) {
				w := want{code: m[1], function: "-", file: f.Name, line: i + 1, severity: "*"}
				if m[2] != "" {
					w.severity = m[2]
				}
				if m[3] != "" {
					w.function = m[3]
				}
				wants = append(wants, w)
			}
		}
	}
	_ = os.Remove(filepath.Join(dir, "expect.txt"))
	res, err := Run(context.Background(), Options{Path: dir, Today: today})
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	if p := compare(true, wants, res.Findings); len(p) > 0 {
		t.Errorf("%s:\n  %s", file, strings.Join(p, "\n  "))
		for _, f := range res.Findings {
			t.Logf("got %s %s %s:%d %s: %s | %s", f.Code, f.Function, f.Pos.File, f.Pos.Line, f.Severity, f.Message, f.Hint)
		}
	}
}
