package pyresolve

import (
	"fmt"
	"slices"
	"testing"
)

// TestChainAbbreviated: a long chain is its ends and how many modules are left out;
// asking for every module of a 10,000-module chain follows each parent link a bounded
// number of times (without the memo it is n²/2 links, 50 million).
func TestChainAbbreviated(t *testing.T) {
	const n = 10_000
	r := &Result{parents: map[string]string{}}
	for i := 1; i < n; i++ {
		r.parents[fmt.Sprint("m", i)] = fmt.Sprint("m", i-1)
	}
	calls := 0
	for i := n - 1; i >= 0; i -= 7 {
		r.Chain(fmt.Sprint("m", i))
		calls++
	}
	for i := range n {
		r.Chain(fmt.Sprint("m", i))
		calls++
	}
	// Each link is walked up once, and each call reads at most maxChainShown links to
	// print the chain's ends.
	if bound := n + calls*maxChainShown; r.chainSteps > bound {
		t.Errorf("chains of every module followed %d parent links, want at most %d", r.chainSteps, bound)
	}
	for _, c := range []struct {
		name string
		want []string
	}{
		{"m0", []string{"m0"}},
		{"m7", []string{"m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7"}},
		{"m8", []string{"m0", "m1", "m2", "… 3 more …", "m6", "m7", "m8"}},
		{"m9999", []string{"m0", "m1", "m2", "… 9994 more …", "m9997", "m9998", "m9999"}},
		{"other", []string{"other"}},
	} {
		if got := r.Chain(c.name); !slices.Equal(got, c.want) {
			t.Errorf("Chain(%s) = %q, want %q", c.name, got, c.want)
		}
	}
	// A cycle in the parents (not made by Analyze) ends.
	r = &Result{parents: map[string]string{"a": "b", "b": "a"}}
	if got := r.Chain("a"); len(got) != 2 {
		t.Errorf("Chain in a cycle = %q", got)
	}
}
