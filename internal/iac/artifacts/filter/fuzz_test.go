package filter

import "testing"

// FuzzMatch: glob patterns (**, {a,b}, [...]) never panic or blow up, whatever the
// pattern and the name.
func FuzzMatch(f *testing.F) {
	f.Add("**/tests/**", "pkg/tests/x.py")
	f.Add("{a,{b,{c,d}}}/*.py", "c/x.py")
	f.Add("!**/*.pyc", "a/b.pyc")
	f.Add("[", "[")
	f.Fuzz(func(t *testing.T, pattern, name string) {
		Match(pattern, name)
		HasMeta(pattern)
		Keeps(ParseRules([]string{pattern, "!" + pattern, name}), name)
	})
}
