package bytesize

import "testing"

func TestFormat(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{
		{0, "0 bytes"},
		{1, "1 byte"},
		{1023, "1023 bytes"},
		{1024, "1.0 KiB"},
		{1536, "1.5 KiB"},
		{MiB - 1, "1.0 MiB"},
		{MiB - 52, "1023.9 KiB"},
		{MiB, "1.0 MiB"},
		{52_428_800, "50.0 MiB"},   // Lambda's direct-upload limit ("50 MB")
		{262_144_000, "250.0 MiB"}, // Lambda's unzipped limit ("250 MB")
		{143_000_000, "136.4 MiB"},
		{GiB, "1.0 GiB"},
		{10 * GiB, "10.0 GiB"},
		{-2048, "-2.0 KiB"},
		{-1 << 63, "-9223372036854775808 bytes"},
	} {
		if got := Format(c.n); got != c.want {
			t.Errorf("Format(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}
