package tmpx

import (
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/layerkit/layerkit/internal/pyscan"
)

func TestX(t *testing.T) {
	var b []byte
	if p := os.Getenv("F"); p != "" {
		b, _ = os.ReadFile(p)
	} else {
		b = make([]byte, 60<<20)
	}
	start := time.Now()
	f := pyscan.Scan(b)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("%v imports=%d total alloc %d MB, sys %d MB", time.Since(start), len(f.Imports), ms.TotalAlloc>>20, ms.Sys>>20)
}
