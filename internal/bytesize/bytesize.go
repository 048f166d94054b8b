// Package bytesize formats byte counts for people, in one unit system everywhere layerkit
// prints a size (check's LK402/LK408 messages, build's summary and warnings, inspect,
// doctor's progress line).
//
// The unit is binary: 1 KiB = 1,024 bytes, 1 MiB = 1,048,576 bytes, 1 GiB = 2^30 bytes,
// because that is how Lambda counts. Its quotas are documented as "250 MB" and "50 MB"
// but mean 250 × 2^20 = 262,144,000 and 50 × 2^20 = 52,428,800 bytes, so a size in the
// same unit compares directly with the limit it is shown next to. layerkit writes the IEC
// symbols (KiB, MiB, GiB) rather than AWS's "MB", so that no reader takes 2^20 for 10^6
// (the AWS console, S3 and most file managers print MB meaning 10^6); where a message
// quotes a limit it gives the exact byte count too. Below 1 KiB the count is written out
// in bytes ("512 bytes").
package bytesize

import "fmt"

// Binary units.
const (
	KiB int64 = 1 << 10
	MiB int64 = 1 << 20
	GiB int64 = 1 << 30
)

// Format renders n bytes with one decimal in the largest binary unit that keeps the
// number at least 1: "512 bytes", "1.5 KiB", "250.0 MiB", "2.4 GiB". Negative counts
// keep their sign.
func Format(n int64) string {
	if n < 0 {
		if n == -n { // math.MinInt64
			return fmt.Sprintf("%d bytes", n)
		}
		return "-" + Format(-n)
	}
	if n == 1 {
		return "1 byte"
	}
	if n < KiB {
		return fmt.Sprintf("%d bytes", n)
	}
	// The largest unit whose one-decimal rendering is at least 1.0; a count just under a
	// unit that would round up to "1024.0" of the smaller one is shown as "1.0" of it.
	v, unit := float64(n)/float64(KiB), "KiB"
	for _, u := range []string{"MiB", "GiB"} {
		if v < 1023.95 {
			break
		}
		v, unit = v/1024, u
	}
	return fmt.Sprintf("%.1f %s", v, unit)
}
