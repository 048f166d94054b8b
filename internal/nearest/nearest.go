// Package nearest suggests the valid names nearest to a name a user typed (a flag's
// value, a configuration key's), for "did you mean" in usage errors.
package nearest

import (
	"sort"
	"strings"
)

// DidYouMean is "; did you mean X, Y or Z?" for the names nearest to v (a name that
// differs only in case first), or "" when none is near.
func DidYouMean(v string, names []string) string {
	near := Names(v, names, 3)
	if len(near) == 0 {
		return ""
	}
	s := near[0]
	if len(near) > 1 {
		s = strings.Join(near[:len(near)-1], ", ") + " or " + near[len(near)-1]
	}
	return "; did you mean " + s + "?"
}

// Names returns up to n names close to v by edit distance, ignoring case (within a
// third of the longer length, at least 2), nearest first; a name that starts with v
// counts as near.
func Names(v string, names []string, n int) []string {
	type cand struct {
		name string
		d    int
	}
	lv := strings.ToLower(v)
	var cs []cand
	seen := map[string]bool{}
	for _, name := range names {
		if seen[name] {
			continue
		}
		seen[name] = true
		ln := strings.ToLower(name)
		d := editDistance(lv, ln)
		limit := max(2, max(len(lv), len(ln))/3)
		switch {
		case d <= limit:
		case len(lv) >= 3 && strings.HasPrefix(ln, lv):
			d = limit + 1
		default:
			continue
		}
		cs = append(cs, cand{name, d})
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].d < cs[j].d })
	var out []string
	for i := 0; i < len(cs) && i < n; i++ {
		out = append(out, cs[i].name)
	}
	return out
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
