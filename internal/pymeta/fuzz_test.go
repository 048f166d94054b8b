package pymeta

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// The seed corpora live in testdata/fuzz/<Target>/; f.Add adds a few more inline.

func FuzzMetadata(f *testing.F) {
	f.Add([]byte(requestsMetadata))
	f.Add([]byte("Name: x\n  folded\n\tmore\nbad line\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m := ParseMetadata(data)
		for _, line := range m.RequiresDist {
			r, err := ParseRequirement(line)
			if err != nil {
				continue
			}
			// A parsed requirement renders to something that parses to the same thing.
			again, err := ParseRequirement(r.String())
			if err != nil {
				t.Fatalf("%q → %q does not parse: %v", line, r.String(), err)
			}
			if again.String() != r.String() {
				t.Fatalf("%q: %q then %q", line, r.String(), again.String())
			}
			r.Marker.Eval(LambdaEnv("3.12", "arm64"), r.Extras...)
		}
		for _, h := range ParseHeaders(data) {
			if h.Name == "" || strings.ContainsAny(h.Name, " \t\n") {
				t.Fatalf("bad header name %q", h.Name)
			}
		}
	})
}

func FuzzRecord(f *testing.F) {
	f.Add([]byte("six.py,sha256=abc,34549\nsix-1.16.0.dist-info/RECORD,,\n\"a,b.py\",,1\n"))
	f.Add([]byte("\"unterminated,\n../../bin/x,sha256=y,-5\n"))
	f.Add([]byte("a.py,sha256=x,1\n\n  ,,\nb.py\nc.py,h\nd.py,h,12,extra\n,lone\n"))
	f.Add([]byte("\xef\xbb\xbfnumpy/a.cpython-312-x86_64-linux-gnu.so,h,1\r\n./x/../y.py,,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if plain := bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")); !bytes.ContainsAny(plain, "\"\r") {
			fast, slow := parsePlainRecord(plain), parseCSVRecord(plain)
			if !slices.Equal(fast, slow) {
				t.Fatalf("plain RECORD parse differs from encoding/csv:\n%+v\n%+v", fast, slow)
			}
		}
		var paths []string
		for _, e := range ParseRecord(data) {
			if e.Path == "" || e.Size < -1 {
				t.Fatalf("bad entry %+v", e)
			}
			paths = append(paths, e.Path)
		}
		var each []string // the dists' reader: the same paths, no entries made
		eachRecordPath(data, func(p string) { each = append(each, strings.Clone(p)) })
		if !slices.Equal(each, paths) {
			t.Fatalf("eachRecordPath gives %q, ParseRecord %q", each, paths)
		}
		for _, n := range TopLevelFromRecord(ParseRecord(data)) {
			if n == "" || strings.Contains(n, "/") {
				t.Fatalf("bad top-level name %q", n)
			}
		}
		ParseTopLevel(data)
		ParseRequiresTxt(data)
	})
}

func FuzzWheel(f *testing.F) {
	f.Add([]byte("Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64\n"))
	f.Add([]byte("Tag: py2.py3-none-any\nTag: ..-..-..\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		w := ParseWheel(data)
		seen := map[Tag]bool{}
		for _, tg := range w.Tags {
			if tg.Python == "" || tg.ABI == "" || tg.Platform == "" || seen[tg] {
				t.Fatalf("bad tag %+v", tg)
			}
			seen[tg] = true
		}
		w.Platforms()
	})
}

func FuzzMarker(f *testing.F) {
	f.Add(`python_version < "3.10" and (platform_machine == "x86_64" or extra == 'socks')`)
	f.Add(`"arm" not in platform_machine or os.name == "nt"`)
	f.Add(`python_full_version ~= "3.12.0"`)
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMarker(s)
		if err != nil {
			return
		}
		env := LambdaEnv("3.12", "x86_64")
		got := m.Eval(env, "socks")
		// The rendered marker parses and means the same.
		again, err := ParseMarker(m.String())
		if err != nil {
			if !utf8.ValidString(s) {
				return
			}
			t.Fatalf("%q → %q does not parse: %v", s, m.String(), err)
		}
		if again.Eval(env, "socks") != got {
			t.Fatalf("%q and %q disagree", s, m.String())
		}
	})
}
