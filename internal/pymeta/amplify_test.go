package pymeta

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

// Amplification bounds of metadata parsing: allocation linear in the input, and time
// that a quadratic parser would blow on a few megabytes.
const (
	allocPerByte = 24
	allocSlack   = 1 << 20
	parseTime    = 5 * time.Second
)

// measureParse parses data as METADATA, WHEEL and RECORD, and returns what it
// allocated and the time it took.
func measureParse(data []byte) (alloc uint64, took time.Duration) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	ParseMetadata(data)
	ParseWheel(data)
	ParseRecord(data)
	took = time.Since(start)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, took
}

func checkBounds(t *testing.T, data []byte) {
	t.Helper()
	alloc, took := measureParse(data)
	if limit := uint64(allocPerByte*len(data) + allocSlack); alloc > limit || took > parseTime {
		t.Fatalf("%d-byte input: allocated %d bytes in %v; bounds %d bytes, %v", len(data), alloc, took, limit, parseTime)
	}
}

// continuationBomb: one field folded over very many lines (quadratic when each line is
// appended to the value).
func continuationBomb(lines int) []byte {
	return []byte("Metadata-Version: 2.1\nName: x\nSummary: s\n" + strings.Repeat(" more words here\n", lines) +
		"Tag: py3-none-any\n" + strings.Repeat("\tmore\n", lines) + "Requires-Dist: a\n")
}

// TestContinuationLinear: 8 MB of continuation lines parse in linear time and memory,
// to the same value as before.
func TestContinuationLinear(t *testing.T) {
	data := continuationBomb(400_000)
	checkBounds(t, data)
	m := ParseMetadata(data)
	if m.Name != "x" || len(m.RequiresDist) != 1 {
		t.Errorf("metadata = %+v", m)
	}
	h := ParseHeaders([]byte("A: \n  \n  x\n\ty  \nB: 1\n \n C: 2\nD:\n"))
	want := Headers{{"A", "x y"}, {"B", "1 C: 2"}, {"D", ""}}
	if len(h) != len(want) {
		t.Fatalf("headers %q, want %q", h, want)
	}
	for i := range want {
		if h[i] != want[i] {
			t.Errorf("header %d = %q, want %q", i, h[i], want[i])
		}
	}
}

// FuzzMetadataAmplification: no METADATA, WHEEL or RECORD text makes parsing allocate
// more than allocPerByte per input byte (plus slack) or take longer than parseTime.
// The committed seeds (testdata/fuzz/FuzzMetadataAmplification) are folded fields.
func FuzzMetadataAmplification(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		checkBounds(t, data)
	})
}
