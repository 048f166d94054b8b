package pyscan

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
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

// BenchmarkScanDir scans every .py file under the directories listed in
// $PYSCAN_BENCH_DIR (separated by the OS path list separator), e.g. a real
// application with many small modules; it is skipped when the variable is unset.
// Throughput is over all the files, so per-file costs show up here.
func BenchmarkScanDir(b *testing.B) {
	scanAll(b, benchDirFiles(b))
}

// BenchmarkTokensDir tokenizes the files BenchmarkScanDir scans, and does nothing
// else: the lexer's share of a scan, and the floor bench/floor measures (issue 19.1).
func BenchmarkTokensDir(b *testing.B) {
	files := benchDirFiles(b)
	var size int64
	for _, src := range files {
		size += int64(len(src))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, src := range files {
			Tokens(src)
		}
	}
}

// benchDirFiles reads every .py file under the directories in $PYSCAN_BENCH_DIR,
// skipping the benchmark when it is unset.
func benchDirFiles(b *testing.B) [][]byte {
	env := os.Getenv("PYSCAN_BENCH_DIR")
	if env == "" {
		b.Skip("PYSCAN_BENCH_DIR not set")
	}
	var files [][]byte
	for _, dir := range filepath.SplitList(env) {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".py") {
				return err
			}
			src, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			files = append(files, src)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if len(files) == 0 {
		b.Fatalf("no .py files under %s", env)
	}
	return files
}

// scanAll scans files each iteration; throughput is over all of them.
func scanAll(b *testing.B, files [][]byte) {
	var size int64
	for _, src := range files {
		size += int64(len(src))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, src := range files {
			Scan(src)
		}
	}
}

// smallModules generates n small modules like the handlers and helpers of a
// typical Lambda application: a docstring, a few imports, a dataclass and a
// handful of short functions.
func smallModules(n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		var b strings.Builder
		fmt.Fprintf(&b, "\"\"\"service.mod_%[1]d of function %[1]d.\"\"\"\nimport logging\nimport json\nfrom dataclasses import dataclass\nfrom .strings_%[1]d import func_0 as _prev\nfrom shared import func_0 as shared_func\n\nlog = logging.getLogger(__name__)\n\n\n@dataclass\nclass Record:\n    id: str\n    amount: int = 0\n\n", i)
		for j := 0; j < 5+i%10; j++ {
			fmt.Fprintf(&b, "\ndef func_%[1]d(event: dict) -> dict:\n    # step %[1]d\n    log.debug(\"step %[1]d\")\n    return {\"step\": %[1]d, **event}\n\n", j)
		}
		b.WriteString("\ndef handler(event, context):\n    try:\n        import boto3\n    except ImportError:\n        boto3 = None\n    return json.dumps(func_0(event))\n")
		out[i] = []byte(b.String())
	}
	return out
}

// BenchmarkScanSmall scans many small modules (see smallModules).
func BenchmarkScanSmall(b *testing.B) {
	scanAll(b, smallModules(200))
}
