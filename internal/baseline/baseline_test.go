package baseline

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
)

func TestRoundTrip(t *testing.T) {
	fs := []finding.Finding{
		{Code: rulecode.LK101, Function: "B", Pos: model.Pos{File: "src/app.py", Line: 3}, Message: "no module named 'x' (src/app.py:3)"},
		{Code: rulecode.LK101, Function: "A", Pos: model.Pos{File: "src/app.py", Line: 3}, Message: "no module named 'x' (src/app.py:3)"},
		{Code: rulecode.LK405, Function: "A", Pos: model.Pos{File: "template.yaml", Line: 9}, Message: "python3.8 is deprecated"},
		{Code: rulecode.LK405, Function: "A", Pos: model.Pos{File: "template.yaml", Line: 9}, Message: "python3.8 is deprecated"},
	}
	p := filepath.Join(t.TempDir(), "baseline.json")
	if err := writeFile(p, Make(fs)); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(p)
	if strings.Index(string(data), `"function": "A"`) > strings.Index(string(data), `"function": "B"`) || !strings.Contains(string(data), `"count": 2`) {
		t.Errorf("not sorted or not counted:\n%s", data)
	}
	again := filepath.Join(t.TempDir(), "b.json")
	_ = writeFile(again, Make([]finding.Finding{fs[3], fs[2], fs[0], fs[1]}))
	if d2, _ := os.ReadFile(again); string(d2) != string(data) {
		t.Errorf("the file depends on the findings' order")
	}
	b, err := Read(p, iac.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	// The import moved down 10 lines, function B's was fixed, a new finding appeared.
	moved := fs[1]
	moved.Pos.Line, moved.Message = 13, "no module named 'x' (src/app.py:13)"
	newer := finding.Finding{Code: rulecode.LK101, Function: "A", Pos: model.Pos{File: "src/app.py", Line: 14}, Message: "no module named 'y' (src/app.py:14)"}
	keep, stale := Filter(b, []finding.Finding{moved, fs[2], fs[3], newer})
	if !slices.Equal(keep, []bool{false, false, false, true}) || stale != 1 {
		t.Errorf("keep %v, stale %d; want only the new finding kept, 1 stale", keep, stale)
	}
}

func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ text, want string }{
		{"{\n  \"version\": 1,\n  \"findings\": [\n    {\"fingerprint\": \"x\", \"code\": 1}\n  ]\n}\n", ":4:"},
		{"{\n\"version\": 1,\n\"findings\": [,]}\n", ":3:"},
		{"{\"version\": 2, \"findings\": []}", "version 2"},
		{"{\"version\": 1, \"findings\": [], \"extra\": 1}", "unknown field"},
	} {
		p := filepath.Join(dir, "b.json")
		os.WriteFile(p, []byte(tc.text), 0o644)
		_, err := Read(p, iac.Limits{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.text, err, tc.want)
		}
	}
}

func writeFile(p string, b File) error {
	var buf bytes.Buffer
	if err := Write(&buf, b); err != nil {
		return err
	}
	return os.WriteFile(p, buf.Bytes(), 0o644)
}
