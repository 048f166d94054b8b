package layermap

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/check"
	"github.com/layerkit/layerkit/internal/rules"
	"github.com/layerkit/layerkit/internal/txtardir"
)

// buildFixture writes testdata/NAME.txtar to a folder, checks it and builds its map.
func buildFixture(t *testing.T, name string) (*Data, *check.Result) {
	t.Helper()
	dir := t.TempDir()
	if _, err := txtardir.Unpack(filepath.Join("testdata", name+".txtar"), dir); err != nil {
		t.Fatal(err)
	}
	res, err := check.Run(context.Background(), check.Options{Path: dir, KeepAnalyses: true})
	if err != nil {
		t.Fatal(err)
	}
	return Build(Input{Checked: res.Checked, Analyses: res.Analyses, Findings: res.Findings, Layers: res.Layers}), res
}

func column(t *testing.T, fn *Function, name string) Column {
	t.Helper()
	for _, c := range fn.Columns {
		if c.Name == name || c.ID == name {
			return c
		}
	}
	t.Fatalf("%s: no column %q", fn.Name, name)
	return Column{}
}

func mod(t *testing.T, c Column, name string) Mod {
	t.Helper()
	for _, m := range c.Modules {
		if m.Name == name {
			return m
		}
	}
	t.Fatalf("column %s does not list %q: %+v", c.Name, name, c.Modules)
	return Mod{}
}

// TestWinners: the copy Lambda's Python imports is marked as winning, the others as
// shadowed by it, following Lambda's rules (see testdata/shadow.txtar).
func TestWinners(t *testing.T) {
	d, _ := buildFixture(t, "shadow")
	if len(d.Functions) != 1 {
		t.Fatalf("%d functions, want 1", len(d.Functions))
	}
	fn := d.Functions[0]
	ids := map[string]string{}
	for _, c := range fn.Columns {
		ids[c.Name] = c.ID
	}
	for _, tc := range []struct{ name, winner string }{
		{"utils", "UtilsB"},   // the later layer's __init__.py overwrites the earlier one's
		{"helpers", "task"},   // /var/task comes first
		{"boto3", "Boto"},     // /opt before the runtime's
		{"somepkg", "Shared"}, // only one copy
	} {
		var win []string
		var lost []string
		for _, c := range fn.Columns {
			for _, m := range c.Modules {
				if m.Name != tc.name {
					continue
				}
				if m.Wins {
					win = append(win, c.Name)
				} else {
					lost = append(lost, c.Name+" by "+m.WonBy)
				}
			}
		}
		want := tc.winner
		if want == "task" {
			want = column(t, fn, "task").Name
		}
		if len(win) != 1 || win[0] != want {
			t.Errorf("%s: wins in %v, want only in %s (shadowed: %v)", tc.name, win, want, lost)
		}
		for _, l := range lost {
			if !strings.HasSuffix(l, " by "+ids[want]) {
				t.Errorf("%s: %s, want shadowed by %s", tc.name, l, ids[want])
			}
		}
	}
	if m := mod(t, column(t, fn, "UtilsA"), "utils"); m.Wins || m.WonBy != ids["UtilsB"] {
		t.Errorf("UtilsA's utils: %+v, want shadowed by UtilsB", m)
	}
	if m := mod(t, column(t, fn, "runtime"), "boto3"); m.Wins || m.WonBy != ids["Boto"] {
		t.Errorf("the runtime's boto3: %+v, want shadowed by the Boto layer", m)
	}
}

// TestImports: the handler's imports point at the column they resolve to; the missing
// one is failed and linked to its LK101 finding.
func TestImports(t *testing.T) {
	d, _ := buildFixture(t, "shadow")
	fn := d.Functions[0]
	got := map[string]Import{}
	for _, im := range fn.Imports {
		got[im.Module] = im
	}
	want := map[string]string{"boto3": "Boto", "helpers": "task", "utils": "UtilsB"}
	for m, col := range want {
		im, ok := got[m]
		if !ok {
			t.Errorf("import %s not listed: %+v", m, fn.Imports)
			continue
		}
		if c := column(t, fn, col); im.To != c.ID || im.Failed {
			t.Errorf("import %s: to %q failed %v, want %q", m, im.To, im.Failed, c.ID)
		}
	}
	miss, ok := got["nothere"]
	if !ok || !miss.Failed || miss.Line != 4 {
		t.Fatalf("import nothere: %+v, want failed at line 4", miss)
	}
	if miss.Finding < 0 || d.Findings[miss.Finding].Code != "LK101" || !strings.Contains(d.Findings[miss.Finding].Message, "nothere") {
		t.Errorf("import nothere's finding: %d (%+v)", miss.Finding, d.Findings)
	}
	if fn.Verdict != "error" {
		t.Errorf("verdict %q, want error", fn.Verdict)
	}
}

// TestSizes: every box of a size tree weighs the sum of its boxes, each tree weighs
// what LK402 judges (rules.UnzippedSize), and a function's total is the sum of its
// trees; the tests and __pycache__ folders are listed among what could go.
func TestSizes(t *testing.T) {
	d, res := buildFixture(t, "shadow")
	fn := d.Functions[0]
	var check func(n *Node, path string)
	check = func(n *Node, path string) {
		if len(n.C) == 0 {
			return
		}
		var s int64
		for _, c := range n.C {
			s += c.S
			check(c, path+"/"+c.N)
		}
		if s != n.S {
			t.Errorf("%s weighs %d, its boxes %d", path, n.S, s)
		}
	}
	var total int64
	for _, id := range fn.Size {
		n := d.Trees[id]
		if n == nil {
			t.Fatalf("no tree %q", id)
		}
		check(n, id)
		total += n.S
	}
	a := res.Analyses[0]
	want := rules.UnzippedSize(a.Fn.Code.Tree)
	for _, l := range a.Fn.Layers {
		want += rules.UnzippedSize(l.Layer.Content.Tree)
	}
	if total != want || fn.Total != want {
		t.Errorf("trees sum to %d, total %d; LK402's size is %d", total, fn.Total, want)
	}
	if len(fn.Size) != 5 {
		t.Errorf("%d trees (%v), want /var/task and 4 layers", len(fn.Size), fn.Size)
	}
	saves := map[string]int64{}
	for _, s := range fn.Savings {
		saves[s.What] = s.Bytes
	}
	if saves["test folders"] != int64(len("def test_one():\n    assert True\n")) {
		t.Errorf("test folders save %d: %+v", saves["test folders"], fn.Savings)
	}
	if saves["__pycache__"] != int64(len("0123456789\n")) {
		t.Errorf("__pycache__ saves %d", saves["__pycache__"])
	}
	if saves["duplicate utils in UtilsA"] != int64(len("VERSION = \"a\"\n")) {
		t.Errorf("the shadowed utils saves %d: %+v", saves["duplicate utils in UtilsA"], fn.Savings)
	}
}

// TestDuplicateDistribution: a distribution in two layers is one saving, its losing copy
// whole (package and metadata), not also a saving for its package; a shadowed module
// without a distribution is its own saving.
func TestDuplicateDistribution(t *testing.T) {
	d, _ := buildFixture(t, "dists")
	fn := d.Functions[0]
	old := int64(len("V = \"old\"\n") + len("Name: requests\nVersion: 2.0.0\n") + len("requests\n"))
	got := map[string]int64{}
	for _, s := range fn.Savings {
		got[s.What] = s.Bytes
	}
	want := map[string]int64{
		"duplicate distribution requests in Old": old,
		"duplicate idna in Old":                  int64(len("V = 2\n")),
	}
	for w, n := range want {
		if got[w] != n {
			t.Errorf("%s: saves %d, want %d (savings %+v)", w, got[w], n, fn.Savings)
		}
	}
	if len(got) != len(want) {
		t.Errorf("savings %v, want only %v", got, want)
	}
}
