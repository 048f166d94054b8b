package inspect

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/native"
	"github.com/layerkit/layerkit/internal/runtimes"
	"github.com/layerkit/layerkit/internal/tree"
)

func obj(t *testing.T, name string) string {
	b, err := os.ReadFile(filepath.Join("..", "native", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestInspectNative(t *testing.T) {
	site := "python/lib/python3.11/site-packages/"
	layer := tree.NewMap("layer.zip", map[string]string{
		site + "fast/__init__.py":                          "",
		site + "fast/_a.cpython-311-aarch64-linux-gnu.so":  obj(t, "plain.aarch64.so"),
		site + "fast/_b.cpython-311-aarch64-linux-gnu.so":  obj(t, "glibc234.aarch64.so"),
		site + "fast/_c.cpython-310-aarch64-linux-gnu.so":  obj(t, "plain.aarch64.so"),
		site + "fast/_mac.cpython-311-darwin.so":           obj(t, "macho-arm64.so"),
		site + "fast.libs/libz-1a2b.so.1.2.13":             obj(t, "plain.x86_64.so"),
		site + "twice/_t.cpython-310-aarch64-linux-gnu.so": obj(t, "plain.aarch64.so"),
		site + "twice/_t.abi3.so":                          obj(t, "plain.aarch64.so"),
	})
	r := &native.Reader{}
	if got := GuessArch(layer, r); got != "arm64" {
		t.Errorf("GuessArch = %s", got)
	}
	if got := GuessRuntime(layer, "python3.13"); got != "python3.11" {
		t.Errorf("GuessRuntime = %s", got)
	}
	rt, _ := runtimes.Lookup("python3.11")
	rep := Inspect(layer, rt, "arm64", r)
	want := map[string]string{
		"fast/_a.cpython-311-aarch64-linux-gnu.so":  "",
		"fast/_b.cpython-311-aarch64-linux-gnu.so":  "LK303",
		"fast/_c.cpython-310-aarch64-linux-gnu.so":  "LK301",
		"fast/_mac.cpython-311-darwin.so":           "LK304",
		"fast.libs/libz-1a2b.so.1.2.13":             "LK302",
		"twice/_t.cpython-310-aarch64-linux-gnu.so": "", // the abi3 build loads instead
		"twice/_t.abi3.so":                          "",
	}
	if len(rep.Native) != len(want) {
		t.Fatalf("got %d native files: %+v", len(rep.Native), rep.Native)
	}
	for _, n := range rep.Native {
		code := ""
		if len(n.Problems) > 0 {
			code = n.Problems[0].Code.String()
		}
		if w, ok := want[strings.TrimPrefix(n.File, site)]; !ok || w != code {
			t.Errorf("%s: %s (%+v)", n.File, code, n)
		}
		if strings.HasSuffix(n.File, "_b.cpython-311-aarch64-linux-gnu.so") && (n.MaxGlibc != "2.34" || n.Machine != "aarch64" || n.ABI != "cpython-311") {
			t.Errorf("_b: %+v", n)
		}
	}
	var buf bytes.Buffer
	rep.WriteText(&buf)
	for _, s := range []string{"Native files (7, 4 cannot load on python3.11 arm64)", "LK303: it needs GLIBC_2.34", "\n    fast, twice (namespace)\n"} {
		if !strings.Contains(buf.String(), s) {
			t.Errorf("text output lacks %q:\n%s", s, buf.String())
		}
	}
}
