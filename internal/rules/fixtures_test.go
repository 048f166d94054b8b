package rules_test

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/layerkit/layerkit/internal/check"
	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/rulecode"
	"github.com/layerkit/layerkit/internal/rules"
	"github.com/layerkit/layerkit/internal/txtardir"
)

// Per-rule fixtures, in the way of go/analysis's analysistest and ruff: for every rule,
// testdata/<CODE>/*.txtar holds small apps checked with layerkit check. Each expected
// finding of that rule is marked on the line it points at,
//
//	import thing   # want LK101 error Fn "no module named 'thing'"
//
// (in JavaScript: require('thing');   // want LK101 ...)
//
// (code, optional severity, optional function, then a quoted regexp the message must
// match), or listed in a file expect.txt of the archive for places that cannot hold a
// comment (JSON, zips, a folder):
//
//	LK402 Fn template.yaml:7 error "unzips to 2[0-9.]+ MiB"
//
// (function "-" any, file "*" any, line 0 any, severity "*" any). Only findings of the
// folder's rule are compared, and strictly: every one must be wanted, every want found.
// Every rule needs a fixture where it fires and one where it does not (no want at all).
//
// The archive's leading comment may set, one per line:
//
//	today: 2026-11-22            the date the check runs on (deprecation dates)
//	sparse: PATH SIZE            make PATH a sparse file of SIZE bytes (size limits)
//	copy: PATH FILE              copy FILE (relative to internal/rules: a compiled test
//	                             binary from ../native/testdata) to PATH
//	zip: PATH DIR                zip DIR (stored, not compressed) to PATH and remove DIR
//
// Rules whose findings only layerkit doctor produces (LK501–LK503) are driven through
// the AWS fake in live_fixtures_test.go, as doctor's own tests do.

var wantRE = regexp.MustCompile(`(?:#|//)\s*want\s+(LK\d{3})(?:\s+(error|warning|info))?(?:\s+([A-Za-z0-9_./-]+))?\s+("(?:[^"\\]|\\.)*"|` + "`[^`]*`" + `)`)

// wantMarker finds a "want" that wantRE does not read (a typo would silently drop it).
var wantMarker = regexp.MustCompile(`(?:#|//)\s*want\s+LK`)

type fixtureWant struct {
	code     rulecode.Code
	function string // "-": any
	file     string // "*": any
	line     int    // 0: any
	severity string // "*": any
	message  *regexp.Regexp
}

func (w fixtureWant) String() string {
	return fmt.Sprintf("%s %s %s:%d %s %q", w.code, w.function, w.file, w.line, w.severity, w.message)
}

func (w fixtureWant) matches(f finding.Finding) bool {
	return f.Code == w.code &&
		(w.function == "-" || f.Function == w.function) &&
		(w.file == "*" || f.Pos.File == w.file) &&
		(w.line == 0 || f.Pos.Line == w.line) &&
		(w.severity == "*" || f.Severity.String() == w.severity) &&
		w.message.MatchString(f.Message)
}

func unquote(s string) (string, error) {
	if strings.HasPrefix(s, "`") {
		return strings.Trim(s, "`"), nil
	}
	return strconv.Unquote(s)
}

// TestRuleFixtures runs every fixture of every rule, and fails when a rule has no
// fixture where it fires or none where it does not.
func TestRuleFixtures(t *testing.T) {
	dirs, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	fires, quiet := map[rulecode.Code]bool{}, map[rulecode.Code]bool{}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		code, ok := rulecode.Parse(d.Name())
		if !ok || code.String() != d.Name() {
			t.Errorf("testdata/%s: not a rule code", d.Name())
			continue
		}
		files, _ := filepath.Glob(filepath.Join("testdata", d.Name(), "*.txtar"))
		for _, file := range files {
			name := d.Name() + "/" + strings.TrimSuffix(filepath.Base(file), ".txtar")
			t.Run(name, func(t *testing.T) {
				if n := runRuleFixture(t, code, file); n > 0 {
					fires[code] = true
				} else {
					quiet[code] = true
				}
			})
		}
	}
	for code, c := range liveFixtures {
		for _, lc := range c {
			if len(lc.wants) > 0 {
				fires[code] = true
			} else {
				quiet[code] = true
			}
		}
	}
	for _, r := range rules.All() {
		if !fires[r.Code] {
			t.Errorf("%s %s: no fixture where it fires (testdata/%s/*.txtar with a want)", r.Code, r.Name(), r.Code)
		}
		if !quiet[r.Code] {
			t.Errorf("%s %s: no fixture where it does not fire (testdata/%s/*.txtar without a want)", r.Code, r.Name(), r.Code)
		}
	}
}

// runRuleFixture checks one archive and returns how many findings it wants.
func runRuleFixture(t *testing.T, code rulecode.Code, file string) int {
	dir := t.TempDir()
	ar, err := txtardir.Unpack(file, dir)
	if err != nil {
		t.Fatal(err)
	}
	var wants []fixtureWant
	for _, f := range ar.Files {
		if f.Name == "expect.txt" {
			wants = append(wants, parseRuleExpect(t, string(f.Data))...)
			continue
		}
		for i, line := range strings.Split(string(f.Data), "\n") {
			ms := wantRE.FindAllStringSubmatch(line, -1)
			if len(ms) != len(wantMarker.FindAllString(line, -1)) {
				t.Fatalf("%s:%d: a want marker is not CODE [SEVERITY] [FUNCTION] \"REGEXP\": %s", f.Name, i+1, line)
			}
			for _, m := range ms {
				w := fixtureWant{function: "-", file: f.Name, line: i + 1, severity: "*"}
				w.code = mustCode(t, m[1])
				if m[2] != "" {
					w.severity = m[2]
				}
				if m[3] != "" {
					w.function = m[3]
				}
				w.message = mustRegexp(t, m[4])
				wants = append(wants, w)
			}
		}
	}
	_ = os.Remove(filepath.Join(dir, "expect.txt"))
	today := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	for _, line := range strings.Split(string(ar.Comment), "\n") {
		key, val, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			continue
		}
		args := strings.Fields(val)
		switch key {
		case "today":
			if today, err = time.Parse("2006-01-02", strings.TrimSpace(val)); err != nil {
				t.Fatal(err)
			}
		case "sparse":
			size, err := strconv.ParseInt(args[1], 10, 64)
			if err != nil || len(args) != 2 {
				t.Fatalf("sparse: PATH SIZE, got %q", val)
			}
			p := filepath.Join(dir, filepath.FromSlash(args[0]))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(p, size); err != nil {
				t.Fatal(err)
			}
		case "copy":
			if len(args) != 2 {
				t.Fatalf("copy: PATH FILE, got %q", val)
			}
			data, err := os.ReadFile(filepath.FromSlash(args[1]))
			if err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, filepath.FromSlash(args[0]))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
		case "zip":
			if len(args) != 2 {
				t.Fatalf("zip: PATH DIR, got %q", val)
			}
			zipDir(t, filepath.Join(dir, filepath.FromSlash(args[0])), filepath.Join(dir, filepath.FromSlash(args[1])))
		}
	}
	for _, w := range wants {
		if w.code != code {
			t.Fatalf("%s: a fixture of %s wants %s; each rule's fixtures want only that rule", w, code, w.code)
		}
	}
	res, err := check.Run(context.Background(), check.Options{Path: dir, Today: today, ReportUnusedIgnores: code == rulecode.LK110})
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	// The rules run over a batch of functions at a time (two in tests): the findings
	// are those of one batch holding every function.
	whole, err := check.Run(context.Background(), check.Options{Path: dir, Today: today, ReportUnusedIgnores: code == rulecode.LK110, Batch: 1 << 20})
	if err != nil {
		t.Fatalf("check in one batch: %v", err)
	}
	if !reflect.DeepEqual(res.Findings, whole.Findings) {
		t.Errorf("%s: the findings checked two functions at a time differ from those checked in one batch:\n%s\nvs\n%s", file, findingLines(res.Findings), findingLines(whole.Findings))
	}
	var got []finding.Finding
	for _, f := range res.Findings {
		if f.Code == code {
			got = append(got, f)
		}
		// explain pages say which fixes exist: a rule that attaches one documents it
		if r, ok := rules.Lookup(f.Code); ok && f.Fix != nil && r.Fixes == "" {
			t.Errorf("%s: %s attaches a fix (%s) but its Fixes metadata is empty", file, f.Code, f.Fix.Title)
		}
	}
	if problems := compareWants(wants, got); len(problems) > 0 {
		t.Errorf("%s:\n  %s", file, strings.Join(problems, "\n  "))
		for _, f := range res.Findings {
			t.Logf("got %s %s %s %s:%d: %s | %s", f.Code, f.Severity, f.Function, f.Pos.File, f.Pos.Line, f.Message, f.Hint)
		}
	}
	return len(wants)
}

// compareWants: every want matched by a finding, every finding by a want.
func compareWants(wants []fixtureWant, got []finding.Finding) []string {
	var problems []string
	used := make([]bool, len(got))
	for _, w := range wants {
		hit := false
		for i, f := range got {
			if w.matches(f) {
				used[i], hit = true, true
			}
		}
		if !hit {
			problems = append(problems, "missing: "+w.String())
		}
	}
	for i, f := range got {
		if !used[i] {
			problems = append(problems, fmt.Sprintf("unexpected: %s %s %s:%d %s: %s", f.Code, f.Function, f.Pos.File, f.Pos.Line, f.Severity, f.Message))
		}
	}
	return problems
}

var expectRE = regexp.MustCompile(`^(LK\d{3})\s+(\S+)\s+(\S+):(\d+)\s+(error|warning|info|\*)\s+("(?:[^"\\]|\\.)*"|` + "`[^`]*`" + `)$`)

func parseRuleExpect(t *testing.T, text string) []fixtureWant {
	var out []fixtureWant
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := expectRE.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("expect.txt:%d: want CODE FUNCTION FILE:LINE SEVERITY \"REGEXP\", got %q", i+1, line)
		}
		ln, _ := strconv.Atoi(m[4])
		out = append(out, fixtureWant{code: mustCode(t, m[1]), function: m[2], file: m[3], line: ln, severity: m[5], message: mustRegexp(t, m[6])})
	}
	return out
}

func mustCode(t *testing.T, s string) rulecode.Code {
	c, ok := rulecode.Parse(s)
	if !ok {
		t.Fatalf("unknown rule code %s", s)
	}
	return c
}

func mustRegexp(t *testing.T, quoted string) *regexp.Regexp {
	s, err := unquote(quoted)
	if err != nil {
		t.Fatalf("%s: %v", quoted, err)
	}
	re, err := regexp.Compile(s)
	if err != nil {
		t.Fatalf("%s: %v", quoted, err)
	}
	return re
}

// zipDir writes the files under dir to a stored zip at zpath and removes dir.
func zipDir(t *testing.T, zpath, dir string) {
	if err := os.MkdirAll(filepath.Dir(zpath), 0o755); err != nil {
		t.Fatal(err)
	}
	zf, err := os.Create(zpath)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(zf)
	var names []string
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	for _, p := range names {
		rel, _ := filepath.Rel(dir, p)
		w, err := zw.CreateHeader(&zip.FileHeader{Name: filepath.ToSlash(rel), Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		src, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.Copy(w, src)
		src.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zf.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
}

func findingLines(fs []finding.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %s %s %s %s:%d: %s | %s\n", f.Code, f.Severity, f.Function, f.Pos.File, f.Pos.Line, f.Message, f.Hint)
	}
	return b.String()
}
