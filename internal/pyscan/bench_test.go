package pyscan

import (
	"fmt"
	"strings"
	"testing"
)

// benchSource generates a realistic module of about n lines.
func benchSource(n int) []byte {
	var b strings.Builder
	b.WriteString("\"\"\"Generated module.\n\nimport nothing  # docstring\n\"\"\"\nfrom __future__ import annotations\n\nimport os, sys\nfrom typing import TYPE_CHECKING, Any\n\n")
	for i := 0; b.Len() == 0 || strings.Count(b.String(), "\n") < n; i++ {
		fmt.Fprintf(&b, `try:
    import fast%[1]d as impl%[1]d
except ImportError:
    from .slow%[1]d import impl as impl%[1]d

if TYPE_CHECKING:
    from pkg.types%[1]d import T%[1]d

CONST_%[1]d: int = %[1]d  # a comment mentioning import x
TEMPLATE_%[1]d = f"{CONST_%[1]d!r:>{10}} and {'import y'} {{literal}}"


class Model%[1]d(Base):
    """Docstring with import z."""

    field = r"\d+\.\d+"

    def method(self, value: Any = None) -> dict[str, Any]:
        from .helpers%[1]d import helper
        data = {"key": value, "other": [1, 2, 3], 'quote': "it's"}
        if value is not None and (n := len(data)) > 2:
            return helper(data, n)
        return importlib.import_module("plugins.p%[1]d").run(data)


`, i)
	}
	b.WriteString("if __name__ == \"__main__\":\n    import argparse\n")
	return []byte(b.String())
}

func BenchmarkScan(b *testing.B) {
	src := benchSource(2000)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Scan(src)
	}
}

func TestBenchSourceScans(t *testing.T) {
	src := benchSource(2000)
	f := Scan(src)
	if lines := countLines(src); lines < 2000 {
		t.Fatalf("benchmark source has %d lines", lines)
	}
	if len(f.Imports) < 300 || len(f.Errors) != 0 {
		t.Fatalf("%d imports, errors %q", len(f.Imports), f.Errors)
	}
	if msg := checkInvariants(src, f); msg != "" {
		t.Fatal(msg)
	}
}
