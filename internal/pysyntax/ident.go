package pysyntax

import "unicode/utf8"

// IsIdentifier reports whether s is a Python identifier (str.isidentifier): a letter
// or underscore, then letters, digits and underscores, with non-ASCII letters, digits
// and combining marks as CPython's tokenizer takes them (PEP 3131). Keywords count as
// identifiers, as isidentifier() says. The one identifier check of layerkit: module
// names in the distribution tables, the hints, inspect and verify's stand-ins use it.
func IsIdentifier(s string) bool {
	if s == "" || !utf8.ValidString(s) {
		return false
	}
	for i, c := range s {
		if i == 0 && !isIdentStart(c) || i > 0 && !isIdentRest(c) {
			return false
		}
	}
	return true
}
