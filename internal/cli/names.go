package cli

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/layerkit/layerkit/internal/rules"
)

// A flag that names nothing must not pass quietly: a --function that matches no
// function, or an --ignore/--select that matches no rule, would check nothing or drop
// nothing and still exit 0. Each is a usage error (exit 2) naming the nearest valid
// names.

// ruleCodes resolves --ignore or --select values to rule codes. A value is a code
// (LK101, any case), a rule name (unresolved-import) or a code prefix (LK1, LK10: every
// rule whose code starts with it).
func ruleCodes(flag string, values []string) ([]string, error) {
	all := rules.All()
	var codes []string
	add := func(c string) {
		if !slices.Contains(codes, c) {
			codes = append(codes, c)
		}
	}
	for _, v := range values {
		up := strings.ToUpper(v)
		matched := false
		for _, r := range all {
			code := r.Code.String()
			if code == up || r.Name() == strings.ToLower(v) || (len(up) > 2 && strings.HasPrefix(up, "LK") && strings.HasPrefix(code, up)) {
				add(code)
				matched = true
			}
		}
		if !matched {
			var names []string
			for _, r := range all {
				names = append(names, r.Code.String(), r.Name())
			}
			return nil, usageError{fmt.Sprintf("--%s %q: no rule has this code or name (layerkit explain --list lists them)%s", flag, v, didYouMean(v, names))}
		}
	}
	return codes, nil
}

// checkFunctions returns a usage error when a --function value names none of the
// functions PATH declares (names).
func checkFunctions(want, names []string) error {
	for _, w := range want {
		if slices.Contains(names, w) {
			continue
		}
		if len(names) == 0 {
			return usageError{fmt.Sprintf("--function %q: there are no functions to check", w)}
		}
		return usageError{fmt.Sprintf("--function %q: no function has this name (names are case-sensitive)%s", w, didYouMean(w, names))}
	}
	return nil
}

// didYouMean is "; did you mean X, Y or Z?" for the names nearest to v (a name that
// differs only in case first), or "" when none is near.
func didYouMean(v string, names []string) string {
	near := nearest(v, names, 3)
	if len(near) == 0 {
		return ""
	}
	s := near[0]
	if len(near) > 1 {
		s = strings.Join(near[:len(near)-1], ", ") + " or " + near[len(near)-1]
	}
	return "; did you mean " + s + "?"
}

// nearest returns up to n names close to v by edit distance, ignoring case (within a
// third of the longer length, at least 2), nearest first; a name that starts with v
// counts as near.
func nearest(v string, names []string, n int) []string {
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
