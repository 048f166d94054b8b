package check

import (
	"archive/zip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/iac/artifacts"
	"github.com/layerkit/layerkit/internal/rulecode"
)

// The native fixtures need real ELF objects, which a txtar cannot hold cleanly: these
// tests assemble apps in a temp dir from the objects committed in
// internal/native/testdata (built by its build.sh).

// writeApp writes text files, and copies the test objects named in bins (destination
// → file in internal/native/testdata).
func writeApp(t *testing.T, dir string, files, bins map[string]string) {
	t.Helper()
	put := func(name string, data []byte) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, text := range files {
		put(name, []byte(text))
	}
	for name, src := range bins {
		b, err := os.ReadFile(filepath.Join("..", "native", "testdata", src))
		if err != nil {
			t.Fatal(err)
		}
		put(name, b)
	}
}

func expectFindings(t *testing.T, res *Result, wants []want) {
	t.Helper()
	if testing.Verbose() {
		for _, f := range res.Findings {
			t.Logf("%s %s %s %s:%d\n  %s\n  fix: %s", f.Code, f.Severity, f.Function, f.Pos.File, f.Pos.Line, f.Message, f.Hint)
		}
	}
	if p := compare(true, wants, res.Findings); len(p) > 0 {
		t.Errorf("\n  %s", strings.Join(p, "\n  "))
		for _, f := range res.Findings {
			t.Logf("got %s %s %s:%d %s: %s | %s", f.Code, f.Function, f.Pos.File, f.Pos.Line, f.Severity, f.Message, f.Hint)
		}
	}
}

const nativeTemplate = `Transform: AWS::Serverless-2016-10-31
Resources:
  NativeLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/native/
  Old:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: old/
      Handler: app.handler
      Runtime: python3.11
      Layers:
        - !Ref NativeLayer
  Arm:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: arm/
      Handler: app.handler
      Runtime: python3.12
      Architectures: [arm64]
      Layers:
        - !Ref NativeLayer
`

// TestNativeRules: one layer, two functions (python3.11 x86_64 on Amazon Linux 2, and
// python3.12 arm64 on AL2023), each native problem once as an import that needs the
// file (error) and once as a file nothing imports (warning), plus files that load.
func TestNativeRules(t *testing.T) {
	dir := t.TempDir()
	py := "layers/native/python/"
	site := py + "lib/python3.12/site-packages/"
	writeApp(t, dir, map[string]string{
		"template.yaml": nativeTemplate,
		"old/app.py":    "import glibclib\nimport okmod\n\ndef handler(e, c):\n    return 1\n",
		"arm/app.py":    "import glibclib\nimport armlib\nimport maclib\nimport okmod\nimport numpylike\n\ndef handler(e, c):\n    return 1\n",

		py + "glibclib/__init__.py": "from ._core import run\n",
		py + "armlib/__init__.py":   "from ._c import go\n",
		py + "maclib/__init__.py":   "from ._m import x\n",
		py + "okmod/__init__.py":    "from ._ok import y\n",

		site + "numpylike/__init__.py":                 "from ._core import *\n",
		site + "numpylike-1.0.dist-info/METADATA":      "Metadata-Version: 2.1\nName: numpylike\nVersion: 1.0\n",
		site + "numpylike-1.0.dist-info/WHEEL":         "Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: cp311-cp311-manylinux_2_17_aarch64.manylinux2014_aarch64\n",
		site + "numpylike-1.0.dist-info/RECORD":        "numpylike/__init__.py,,\nnumpylike/_core.cpython-311-aarch64-linux-gnu.so,,\nnumpylike-1.0.dist-info/METADATA,,\n",
		site + "numpylike-1.0.dist-info/top_level.txt": "numpylike\n",
		site + "fitting-2.0.dist-info/METADATA":        "Metadata-Version: 2.1\nName: fitting\nVersion: 2.0\n",
		site + "fitting-2.0.dist-info/WHEEL":           "Wheel-Version: 1.0\nTag: cp312-cp312-manylinux_2_17_aarch64\n",
		site + "fitting-2.0.dist-info/RECORD":          "fitting/__init__.py,,\nfitting/_f.cpython-312-aarch64-linux-gnu.so,,\n",
		site + "fitting/__init__.py":                   "",
	}, map[string]string{
		// python3.11 loads the x86_64 build, which needs GLIBC_2.34 (AL2 has 2.26): LK303
		// for Old; python3.12 arm64 loads the aarch64 build, which fits AL2023.
		py + "glibclib/_core.cpython-311-x86_64-linux-gnu.so":  "glibc234.x86_64.so",
		py + "glibclib/_core.cpython-312-aarch64-linux-gnu.so": "glibc234.aarch64.so",
		// an abi3 name (loads anywhere by name) over x86_64 bytes: LK302 for Arm.
		py + "armlib/_c.abi3.so": "plain.x86_64.so",
		// a macOS build: no candidate for Arm's import (LK304 error); Old does not import it.
		py + "maclib/_m.cpython-312-darwin.so": "macho-arm64.so",
		// builds for both functions side by side: nothing to report.
		py + "okmod/_ok.cpython-311-x86_64-linux-gnu.so":  "plain.x86_64.so",
		py + "okmod/_ok.cpython-312-aarch64-linux-gnu.so": "plain.aarch64.so",
		// nothing imports these
		py + "winmod/_w.pyd":                            "pe-amd64.pyd",
		py + "spare/_s.cpython-311-x86_64-linux-gnu.so": "plain.aarch64.so",
		// an installed distribution built for Python 3.11, imported by a 3.12 function:
		// its __init__.py is not scanned, its RECORD and WHEEL are read.
		site + "numpylike/_core.cpython-311-aarch64-linux-gnu.so": "plain.aarch64.so",
		site + "fitting/_f.cpython-312-aarch64-linux-gnu.so":      "plain.aarch64.so",
	})
	res, err := Run(context.Background(), Options{Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	expectFindings(t, res, []want{
		{code: "LK303", function: "Old", file: py + "glibclib/__init__.py", line: 1, severity: "error"},
		{code: "LK302", function: "Arm", file: py + "armlib/__init__.py", line: 1, severity: "error"},
		{code: "LK304", function: "Arm", file: py + "maclib/__init__.py", line: 1, severity: "error"},
		{code: "LK301", function: "Arm", file: "arm/app.py", line: 5, severity: "error"},
		// warnings at the layer: maclib for Old, winmod for both, spare (aarch64 bytes
		// for Old, a 3.11 name for Arm). Files nothing imports are judged by their names
		// and headers (format, machine), not their GLIBC needs: reading every shared
		// object of every layer on every check would make time grow with layer size.
		{code: "LK304", function: "-", file: "template.yaml", line: 3, severity: "warning"},
		{code: "LK304", function: "-", file: "template.yaml", line: 3, severity: "warning"},
		{code: "LK302", function: "-", file: "template.yaml", line: 3, severity: "warning"},
		{code: "LK301", function: "-", file: "template.yaml", line: 3, severity: "warning"},
	})
	// Messages carry what Lambda will do and a concrete pip command.
	for _, f := range res.Findings {
		if f.Code == rulecode.LK303 && (!strings.Contains(f.Message, "GLIBC_2.34") || !strings.Contains(f.Message, "2.26") || !strings.Contains(f.Hint, "pip install --platform manylinux2014_x86_64")) {
			t.Errorf("LK303 message/hint: %s | %s", f.Message, f.Hint)
		}
		if f.Code == rulecode.LK301 && f.Severity.String() == "error" && (!strings.Contains(f.Message, "numpylike 1.0") || !strings.Contains(f.Hint, "numpylike==1.0")) {
			t.Errorf("LK301 message/hint: %s | %s", f.Message, f.Hint)
		}
	}
}

// TestNativeRulesZip: the same checks read ELF objects straight from layer zips
// (stored and deflated entries), through --function-zip/--layer.
func TestNativeRulesZip(t *testing.T) {
	dir := t.TempDir()
	writeApp(t, dir, map[string]string{"fn/app.py": "import fastlib\nimport slowlib\n\ndef handler(e, c):\n    return 1\n"}, nil)
	so, err := os.ReadFile(filepath.Join("..", "native", "testdata", "glibc234.x86_64.so"))
	if err != nil {
		t.Fatal(err)
	}
	zpath := filepath.Join(dir, "layer.zip")
	zf, _ := os.Create(zpath)
	zw := zip.NewWriter(zf)
	for name, m := range map[string]uint16{"python/fastlib/_core.cpython-310-x86_64-linux-gnu.so": zip.Store, "python/slowlib/_core.cpython-310-x86_64-linux-gnu.so": zip.Deflate} {
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: name, Method: m})
		w.Write(so)
	}
	for _, name := range []string{"python/fastlib/__init__.py", "python/slowlib/__init__.py"} {
		w, _ := zw.Create(name)
		w.Write([]byte("from . import _core\n"))
	}
	zw.Close()
	zf.Close()
	res, err := Run(context.Background(), Options{Artifacts: &artifacts.Spec{FunctionZip: filepath.Join(dir, "fn"), Handler: "app.handler", Runtime: "python3.10", Layers: []string{zpath}}, Ignore: []string{"LK405"}})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range res.Findings {
		if f.Code == rulecode.LK303 && f.Severity.String() == "error" {
			n++
		} else {
			t.Errorf("unexpected %s %s: %s", f.Code, f.Severity, f.Message)
		}
	}
	if n != 2 {
		t.Errorf("want 2 LK303 errors, got %d", n)
	}
}

// TestSizeRules: LK402 with sparse files (no disk used), LK408 with a stored zip just
// over 50 MB, and neither for a small app.
func TestSizeRules(t *testing.T) {
	dir := t.TempDir()
	writeApp(t, dir, map[string]string{
		"template.yaml": `Transform: AWS::Serverless-2016-10-31
Resources:
  Big:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/big/
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Layers:
        - !Ref Big
  Small:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: small/
      Handler: app.handler
      Runtime: python3.12
`,
		"src/app.py":   "def handler(e, c):\n    return 1\n",
		"small/app.py": "def handler(e, c):\n    return 1\n",
	}, nil)
	sparse := func(name string, size int64) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(size); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	sparse("src/model/weights.bin", 120_000_000)
	sparse("layers/big/python/torchish/lib.bin", 140_000_000)
	sparse("layers/big/python/torchish/more.bin", 3_000_000)
	res, err := Run(context.Background(), Options{Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	expectFindings(t, res, []want{{code: "LK402", function: "Fn", file: "template.yaml", line: 7, severity: "error"}})
	for _, f := range res.Findings {
		if !strings.Contains(f.Message, "Big: python/torchish/ 136.4 MiB") || !strings.Contains(f.Message, "function: model/ 114.4 MiB") {
			t.Errorf("LK402 should list the largest packages: %s", f.Message)
		}
	}

	// LK408: a 51 MiB stored zip as the function package.
	zdir := t.TempDir()
	zpath := filepath.Join(zdir, "fn.zip")
	zf, _ := os.Create(zpath)
	zw := zip.NewWriter(zf)
	w, _ := zw.Create("app.py")
	w.Write([]byte("def handler(e, c):\n    return 1\n"))
	w, _ = zw.CreateHeader(&zip.FileHeader{Name: "blob.bin", Method: zip.Store})
	w.Write(make([]byte, 51<<20))
	zw.Close()
	zf.Close()
	res, err = Run(context.Background(), Options{Artifacts: &artifacts.Spec{FunctionZip: zpath, Handler: "app.handler", Runtime: "python3.12"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || res.Findings[0].Code != rulecode.LK408 || res.Findings[0].Severity.String() != "info" {
		for _, f := range res.Findings {
			t.Logf("%s %s %s", f.Code, f.Severity, f.Message)
		}
		t.Errorf("want one LK408 info")
	}
}

// TestUnimportedGlibcByWheelTag: a compiled file nothing imports, whose name and header
// fit, is judged for glibc by the platform tag of the wheel that installed it.
func TestUnimportedGlibcByWheelTag(t *testing.T) {
	dir := t.TempDir()
	site := "layers/w/python/lib/python3.11/site-packages/"
	writeApp(t, dir, map[string]string{
		"template.yaml":                          "Transform: AWS::Serverless-2016-10-31\nResources:\n  W:\n    Type: AWS::Serverless::LayerVersion\n    Properties:\n      ContentUri: layers/w/\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: fn/\n      Handler: app.handler\n      Runtime: python3.11\n      Layers:\n        - !Ref W\n",
		"fn/app.py":                              "def handler(e, c):\n    return 1\n",
		site + "newglibc-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: newglibc\nVersion: 1.0\n",
		site + "newglibc-1.0.dist-info/WHEEL":    "Wheel-Version: 1.0\nTag: cp311-cp311-manylinux_2_28_x86_64\n",
		site + "newglibc-1.0.dist-info/RECORD":   "newglibc/__init__.py,,\nnewglibc/_n.cpython-311-x86_64-linux-gnu.so,,\n",
		site + "newglibc/__init__.py":            "from ._n import x\n", // an import of newglibc needs _n
	}, map[string]string{
		site + "newglibc/_n.cpython-311-x86_64-linux-gnu.so": "plain.x86_64.so",
	})
	res, err := Run(context.Background(), Options{Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	expectFindings(t, res, []want{{code: "LK303", function: "-", file: "template.yaml", line: 3, severity: "warning"}})
}

// A compiled file nothing imports is judged by its distribution's WHEEL when one
// installed it with a tag for the function's Python, architecture and glibc (pip chose it
// by that tag; step 3 trusts it the same way), so its header is not read; a file no
// distribution owns is still judged by its header.
func TestUnimportedFilesOfAFittingWheel(t *testing.T) {
	dir := t.TempDir()
	site := "layers/w/python/lib/python3.11/site-packages/"
	writeApp(t, dir, map[string]string{
		"template.yaml":                        "Transform: AWS::Serverless-2016-10-31\nResources:\n  W:\n    Type: AWS::Serverless::LayerVersion\n    Properties:\n      ContentUri: layers/w/\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: fn/\n      Handler: app.handler\n      Runtime: python3.11\n      Layers:\n        - !Ref W\n",
		"fn/app.py":                            "def handler(e, c):\n    return 1\n",
		site + "tagged-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: tagged\nVersion: 1.0\n",
		site + "tagged-1.0.dist-info/WHEEL":    "Wheel-Version: 1.0\nTag: cp311-cp311-manylinux_2_17_x86_64\n",
		site + "tagged-1.0.dist-info/RECORD":   "tagged/__init__.py,,\ntagged/_t.abi3.so,,\n",
		site + "tagged/__init__.py":            "",
	}, map[string]string{
		site + "tagged/_t.abi3.so": "plain.aarch64.so", // the wheel's tag is what pip went by
		site + "stray/_s.abi3.so":  "plain.aarch64.so", // no distribution: the header decides
	})
	res, err := Run(context.Background(), Options{Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	expectFindings(t, res, []want{{code: "LK302", function: "-", file: "template.yaml", line: 3, severity: "warning"}})
	for _, f := range res.Findings {
		if strings.Contains(f.Message, "tagged") {
			t.Errorf("a file of a wheel tagged for the target is reported: %s", f.Message)
		}
	}
}
