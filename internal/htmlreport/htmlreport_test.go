package htmlreport

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/layermap"
)

// TestEscaping: every string of the data is escaped, in the HTML and in the JSON the
// script reads; the page has only its own two script elements and asks nothing of the
// network (its Content-Security-Policy forbids it).
func TestEscaping(t *testing.T) {
	evil := `</script><script>alert(1)</script><img src=x onerror=alert(2)>"'&`
	d := &layermap.Data{Title: evil, Version: evil, Checked: evil, Read: []string{evil}, Limit: layermap.Limit,
		Functions: []*layermap.Function{{Name: evil, Runtime: evil, Handler: evil, Layers: []string{evil}, Verdict: evil,
			Columns: []layermap.Column{{ID: "task", Name: evil, Modules: []layermap.Mod{{Name: evil, Kind: "module"}}}},
			Imports: []layermap.Import{{Module: evil, Finding: 0, Failed: true}}, Size: []string{"t"}, Savings: []layermap.Saving{}}},
		Findings: []layermap.Finding{{Code: "LK101", Severity: "error", Function: evil, File: evil, Line: 2, Message: evil, Hint: evil,
			Context: []string{evil, evil}, First: 1}},
		Trees: map[string]*layermap.Node{"t": {N: evil, S: 1}}}
	var b bytes.Buffer
	if err := Write(&b, d); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if n := strings.Count(strings.ToLower(out), "<script"); n != 2 {
		t.Errorf("%d <script elements, want 2", n)
	}
	for _, bad := range []string{"<img", "alert(1)</script>", `onerror=alert(2)>`} {
		if strings.Contains(out, bad) {
			t.Errorf("unescaped %q in the page", bad)
		}
	}
	if !strings.Contains(out, "&lt;img src=x onerror=alert(2)&gt;") {
		t.Error("the name is not in the page as escaped text")
	}
	// the data round-trips through the JSON script element
	m := regexp.MustCompile(`(?s)<script type="application/json" id="data">(.*?)</script>`).FindStringSubmatch(out)
	if m == nil {
		t.Fatal("no data element")
	}
	var back struct {
		layermap.Data
		Lists [][]wireMod `json:"lists"`
	}
	if err := json.Unmarshal([]byte(m[1]), &back); err != nil {
		t.Fatal(err)
	}
	if back.Functions[0].Name != evil || back.Findings[0].Message != evil || back.Trees["t"].N != evil || back.Lists[0][0].Name != evil {
		t.Errorf("data changed on the way: %q", back.Functions[0].Name)
	}
	if !strings.Contains(out, `content="default-src 'none'`) {
		t.Error("no Content-Security-Policy forbidding the network")
	}
	if regexp.MustCompile(`(?i)(src|href)\s*=\s*"?(https?:)?//|url\(\s*['"]?(https?:)?//|@import`).MatchString(out) {
		t.Error("the page loads something from a URL")
	}
}

// TestCompact: a list of modules two functions share is sent once; each function's
// winners and shadowed copies survive.
func TestCompact(t *testing.T) {
	mods := func(wins bool) []layermap.Mod {
		m := []layermap.Mod{{Name: "a", Kind: "module", Size: 3}, {Name: "b", Kind: "package"}}
		if wins {
			m[0].Wins = true
		} else {
			m[0].WonBy = "task"
		}
		return m
	}
	d := &layermap.Data{Functions: []*layermap.Function{
		{Name: "f", Columns: []layermap.Column{{ID: "layer:0", Name: "L", Modules: mods(true)}}},
		{Name: "g", Columns: []layermap.Column{{ID: "task", Name: "T"}, {ID: "layer:0", Name: "L", Modules: mods(false)}}},
	}}
	w := compact(d)
	if len(w.Lists) != 2 { // L's list, and the empty one of T
		t.Fatalf("%d lists, want 2: %+v", len(w.Lists), w.Lists)
	}
	f, g := w.Functions[0].Columns[0], w.Functions[1].Columns[1]
	if f.List != g.List || len(w.Lists[f.List]) != 2 || w.Lists[f.List][0] != (wireMod{"a", "module", 3}) {
		t.Errorf("L's list: f %d, g %d, %+v", f.List, g.List, w.Lists)
	}
	if len(f.Win) != 1 || f.Win[0] != 0 || len(f.By) != 0 {
		t.Errorf("f: win %v by %v, want a winning", f.Win, f.By)
	}
	if len(g.Win) != 0 || g.By[0] != "task" {
		t.Errorf("g: win %v by %v, want a shadowed by task", g.Win, g.By)
	}
}
