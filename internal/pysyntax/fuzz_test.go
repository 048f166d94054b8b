package pysyntax

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzCheck: any bytes give an answer without panicking, problems are in file order
// with real positions, and at most the last one is an error of every version.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		"match x:\n    case 1:\n        pass\n",
		"x = f\"{d[\"k\"]!r:>{w}}\"\n",
		"x = f'''{a # c\n}'''\n",
		"if x:\n\ta\n        b\n",
		"print 'x'\n",
		"x = (1,\n",
		"type X[T] = list[T]\n",
		"s = rb'\\'' + '''\n'''\n",
		"\ufeffx = 1\r\ny = 2\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		s := Check(src)
		if s == nil {
			return
		}
		lines := strings.Count(string(src), "\n") + strings.Count(string(src), "\r") + 2
		for i, p := range s.Problems {
			if p.Line < 1 || p.Line > lines || p.Col < 1 {
				t.Fatalf("problem %d at %d:%d in a %d-line file", i, p.Line, p.Col, lines)
			}
			if p.Since == 0 && i != len(s.Problems)-1 {
				t.Fatalf("an error of every version is not the last problem: %+v", s.Problems)
			}
			if i > 0 && (p.Line < s.Problems[i-1].Line) {
				t.Fatalf("problems out of order: %+v", s.Problems)
			}
			for minor := 6; minor <= 14; minor++ {
				_ = p.Message(minor)
			}
		}
	})
}

// BenchmarkCheck reads real-looking code: the generated modules, joined.
func BenchmarkCheck(b *testing.B) {
	src := benchSource()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		Check(src)
	}
}

// BenchmarkCheckLongLine is one 1 MiB line of tokens: linear, not quadratic.
func BenchmarkCheckLongLine(b *testing.B) {
	src := []byte("x = [" + strings.Repeat("a1, ", 1<<18) + "]\n")
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		Check(src)
	}
}

// BenchmarkCheckDir checks every .py file under the directories listed in
// $PYSCAN_BENCH_DIR (as pyscan's BenchmarkScanDir does: a real application, or a
// bench/gen layer unzipped); it is skipped when the variable is unset. Throughput is
// over all the files, so per-file costs show up here.
func BenchmarkCheckDir(b *testing.B) {
	env := os.Getenv("PYSCAN_BENCH_DIR")
	if env == "" {
		b.Skip("PYSCAN_BENCH_DIR not set")
	}
	var files [][]byte
	var size int64
	for _, dir := range filepath.SplitList(env) {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".py") {
				return err
			}
			src, err := os.ReadFile(p)
			files, size = append(files, src), size+int64(len(src))
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, src := range files {
			Check(src)
		}
	}
}
