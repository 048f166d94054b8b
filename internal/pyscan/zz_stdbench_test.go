package pyscan

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func BenchmarkZZStdlib(b *testing.B) {
	var srcs [][]byte
	total := 0
	filepath.WalkDir(stdlibDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".py") || strings.Contains(p, "site-packages") {
			return nil
		}
		s, _ := os.ReadFile(p)
		srcs = append(srcs, s)
		total += len(s)
		return nil
	})
	b.SetBytes(int64(total))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, s := range srcs {
			Scan(s)
		}
	}
}
