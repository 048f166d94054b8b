package pysyntax

import "testing"

func TestIsIdentifier(t *testing.T) {
	for s, want := range map[string]bool{
		"boto3": true, "_x": true, "yaml": true, "café": true, "σ": true, "class": true,
		"": false, "3d": false, "a-b": false, "a.b": false, "€uro": false, "a b": false, "\xff": false,
	} {
		if got := IsIdentifier(s); got != want {
			t.Errorf("IsIdentifier(%q) = %v, want %v", s, got, want)
		}
	}
}
