package pyresolve

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// TestChainAbbreviated: a long chain is its ends and how many modules are left out;
// asking for every module of a 100,000-module chain is linear.
func TestChainAbbreviated(t *testing.T) {
	const n = 100_000
	r := &Result{parents: map[string]string{}}
	for i := 1; i < n; i++ {
		r.parents[fmt.Sprint("m", i)] = fmt.Sprint("m", i-1)
	}
	start := time.Now()
	for i := n - 1; i >= 0; i -= 7 {
		r.Chain(fmt.Sprint("m", i))
	}
	for i := range n {
		r.Chain(fmt.Sprint("m", i))
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("chains of every module took %v", took)
	}
	for _, c := range []struct {
		name string
		want []string
	}{
		{"m0", []string{"m0"}},
		{"m7", []string{"m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7"}},
		{"m8", []string{"m0", "m1", "m2", "… 3 more …", "m6", "m7", "m8"}},
		{"m99999", []string{"m0", "m1", "m2", "… 99994 more …", "m99997", "m99998", "m99999"}},
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
