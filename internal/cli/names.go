package cli

import (
	"fmt"
	"slices"

	"github.com/layerkit/layerkit/internal/nearest"
	"github.com/layerkit/layerkit/internal/rulecode"
)

// A flag that names nothing must not pass quietly: a --function that matches no
// function, or an --ignore/--select that matches no rule, would check nothing or drop
// nothing and still exit 0. Each is a usage error (exit 2) naming the nearest valid
// names.

// ruleCodes resolves --ignore or --select values to rule codes (rulecode.Match: a code,
// a name or a code prefix).
func ruleCodes(flag string, values []string) ([]rulecode.Code, error) {
	var codes []rulecode.Code
	for _, v := range values {
		matched := rulecode.Match(v)
		if len(matched) == 0 {
			return nil, usageError{fmt.Sprintf("--%s %q: no rule has this code or name (layerkit explain --list lists them)%s", flag, v, nearest.DidYouMean(v, rulecode.Names()))}
		}
		for _, c := range matched {
			if !slices.Contains(codes, c) {
				codes = append(codes, c)
			}
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
		return usageError{fmt.Sprintf("--function %q: no function has this name (names are case-sensitive)%s", w, nearest.DidYouMean(w, names))}
	}
	return nil
}
