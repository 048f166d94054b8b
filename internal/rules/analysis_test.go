package rules

import "testing"

// TestAnalysesOrder: the pass's plan lists every analysis a rule requires, each once,
// after what it requires; and the rules that read the import analysis say so.
func TestAnalysesOrder(t *testing.T) {
	pos := map[*Analysis]int{}
	for i, a := range Analyses() {
		if _, dup := pos[a]; dup {
			t.Errorf("%s listed twice", a.Name)
		}
		pos[a] = i
		for _, r := range a.Requires {
			if j, ok := pos[r]; !ok || j >= i {
				t.Errorf("%s comes before %s, which it requires", a.Name, r.Name)
			}
		}
	}
	for _, r := range All() {
		for _, a := range r.Requires {
			if _, ok := pos[a]; !ok {
				t.Errorf("%s requires %s, which the plan leaves out", r.Code, a.Name)
			}
		}
	}
	for _, a := range []*Analysis{Imports, Installed, Uses, Compiled} {
		if _, ok := pos[a]; !ok {
			t.Errorf("no rule requires %s", a.Name)
		}
	}
}
