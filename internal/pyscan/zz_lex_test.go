package pyscan

import "testing"

func BenchmarkZZLex(b *testing.B) {
	src := benchSource(2000)
	b.SetBytes(int64(len(src)))
	for i := 0; i < b.N; i++ {
		lx := lexer{src: src, line: 1}
		for {
			_, _, ok := lx.next()
			if !ok {
				break
			}
		}
	}
}
func BenchmarkZZCount(b *testing.B) {
	src := benchSource(2000)
	b.SetBytes(int64(len(src)))
	for i := 0; i < b.N; i++ {
		n := 0
		for _, c := range src {
			if c == '\n' {
				n++
			}
		}
		_ = n
	}
}
