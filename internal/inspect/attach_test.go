package inspect

import (
	"bytes"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/native"
	"github.com/layerkit/layerkit/internal/runtimes"
	"github.com/layerkit/layerkit/internal/tree"
)

// attached returns "python3.12/arm64"-style keys of the pairs list marks ok.
func attached(list []Attach) map[string]bool {
	out := map[string]bool{}
	for _, a := range list {
		if a.OK {
			out[a.Runtime+"/"+a.Arch] = true
		}
	}
	return out
}

// TestAttachList: a layer can be attached where everything it provides loads: its
// version folder's Python only, the architecture of its ELF files, a runtime whose OS
// has the glibc they need; pure python/ code everywhere.
func TestAttachList(t *testing.T) {
	pairs := func(versions []string, archs ...string) map[string]bool {
		out := map[string]bool{}
		for _, rt := range runtimes.PythonRuntimes() {
			for _, v := range versions {
				if rt.ID != "python"+v && v != "*" {
					continue
				}
				for _, a := range archs {
					if rt.HasArch(a) {
						out[rt.ID+"/"+a] = true
					}
				}
			}
		}
		return out
	}
	// Runtimes on an OS with glibc 2.34 or newer (AL2023).
	var al2023 []string
	for _, rt := range runtimes.PythonRuntimes() {
		if g, _ := native.ParseGlibc(rt.Glibc); !g.Less(native.Glibc{Major: 2, Minor: 34}) {
			al2023 = append(al2023, strings.TrimPrefix(rt.ID, "python"))
		}
	}
	site := "python/lib/python3.12/site-packages/"
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  map[string]bool
		why   string
	}{
		{"pure python/", map[string]string{"python/util.py": "", "python/pkg/__init__.py": ""}, pairs([]string{"*"}, "x86_64", "arm64"), ""},
		{"site-packages of 3.12", map[string]string{site + "requests/__init__.py": ""}, pairs([]string{"3.12"}, "x86_64", "arm64"),
			"python/lib/python3.12/site-packages/ is on the path of Python 3.12 only"},
		{"x86_64 extension for 3.12", map[string]string{site + "fast/__init__.py": "", site + "fast/_a.cpython-312-x86_64-linux-gnu.so": obj(t, "plain.x86_64.so")},
			pairs([]string{"3.12"}, "x86_64"), "LK302"},
		{"abi3 aarch64 needing glibc 2.34 in python/", map[string]string{"python/fast/__init__.py": "", "python/fast/_b.abi3.so": obj(t, "glibc234.aarch64.so")},
			pairs(al2023, "arm64"), "LK303"},
		{"a shared library in lib/", map[string]string{"lib/libz.so.1": obj(t, "plain.x86_64.so"), "python/x.py": ""},
			pairs([]string{"*"}, "x86_64"), "LK302"},
		{"a stray file off every path does not decide", map[string]string{"helpers.py": "", "python/x.py": "", "bin/tool": obj(t, "plain.aarch64.so")},
			pairs([]string{"*"}, "x86_64", "arm64"), ""},
	} {
		list := AttachList(tree.NewMap("layer", tc.files), nil)
		got := attached(list)
		if len(got) != len(tc.want) {
			t.Errorf("%s: attaches to %v, want %v", tc.name, got, tc.want)
		}
		for k := range tc.want {
			if !got[k] {
				t.Errorf("%s: not attachable to %s, want it to be (%v)", tc.name, k, list)
			}
		}
		if tc.why != "" && !strings.Contains(attachText(list), tc.why) {
			t.Errorf("%s: text lacks %q:\n%s", tc.name, tc.why, attachText(list))
		}
	}
}

func attachText(list []Attach) string {
	var b bytes.Buffer
	writeAttach(&b, list)
	return b.String()
}
