package pymeta

import (
	"reflect"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/tree"
)

const requestsMetadata = "Metadata-Version: 2.1\r\n" +
	"Name: requests\r\n" +
	"Version: 2.31.0\r\n" +
	"Summary: Python HTTP for Humans.\r\n" +
	"Requires-Python: >=3.7\r\n" +
	"License: Apache 2.0\r\n" +
	"Requires-Dist: charset-normalizer (<4,>=2)\r\n" +
	"Requires-Dist: idna (<4,>=2.5)\r\n" +
	"Requires-Dist: urllib3 (<3,>=1.21.1)\r\n" +
	"Requires-Dist: certifi (>=2017.4.17)\r\n" +
	"Provides-Extra: socks\r\n" +
	"Requires-Dist: PySocks (!=1.5.7,>=1.5.6) ; extra == 'socks'\r\n" +
	"Provides-Extra: use_chardet_on_py3\r\n" +
	"Requires-Dist: chardet (<6,>=3.0.2) ; extra == 'use_chardet_on_py3'\r\n" +
	"Description-Content-Type: text/markdown\r\n" +
	"\r\n" +
	"# Requests\r\nRequires-Dist: not-a-header (this is the body)\r\n"

func TestParseMetadata(t *testing.T) {
	m := ParseMetadata([]byte("\ufeff" + requestsMetadata))
	if m.Name != "requests" || m.Version != "2.31.0" || m.RequiresPython != ">=3.7" || m.MetadataVersion != "2.1" {
		t.Errorf("got %+v", m)
	}
	if len(m.RequiresDist) != 6 || m.RequiresDist[4] != "PySocks (!=1.5.7,>=1.5.6) ; extra == 'socks'" {
		t.Errorf("RequiresDist = %q", m.RequiresDist)
	}
	if !reflect.DeepEqual(m.ProvidesExtra, []string{"socks", "use_chardet_on_py3"}) {
		t.Errorf("ProvidesExtra = %q", m.ProvidesExtra)
	}
}

func TestParseHeadersFoldedAndMalformed(t *testing.T) {
	h := ParseHeaders([]byte("Name: x\nSummary: a long\n  summary\n\tcontinued\nBroken line without colon\nVersion: 1\n"))
	if h.Get("summary") != "a long summary continued" {
		t.Errorf("folded: %q", h.Get("Summary"))
	}
	if h.Get("Version") != "" {
		t.Errorf("a malformed line must end the header block")
	}
}

func TestParseWheel(t *testing.T) {
	w := ParseWheel([]byte("Wheel-Version: 1.0\nGenerator: bdist_wheel (0.41.2)\nRoot-Is-Purelib: false\n" +
		"Tag: cp312-cp312-manylinux_2_17_x86_64\nTag: cp312-cp312-manylinux2014_x86_64\n" +
		"Tag: cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64\nTag: broken\n"))
	if w.Version != "1.0" || w.RootIsPurelib || len(w.Tags) != 2 {
		t.Fatalf("got %+v", w)
	}
	if got := w.Platforms(); !reflect.DeepEqual(got, []string{"manylinux_2_17_x86_64", "manylinux2014_x86_64"}) {
		t.Errorf("Platforms = %q", got)
	}
	w = ParseWheel([]byte("Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py2.py3-none-any\n"))
	if !w.RootIsPurelib || len(w.Tags) != 2 || w.Tags[1].String() != "py3-none-any" {
		t.Errorf("got %+v", w)
	}
}

func TestParseRecord(t *testing.T) {
	rec := ParseRecord([]byte("six.py,sha256=abc,34549\n" +
		"six-1.16.0.dist-info/RECORD,,\n" +
		"\"path, with comma.py\",sha256=x,10\n" +
		"../../bin/tool,sha256=y,notanumber\n" +
		"\n"))
	want := []RecordEntry{{"six.py", "sha256=abc", 34549}, {"six-1.16.0.dist-info/RECORD", "", -1},
		{"path, with comma.py", "sha256=x", 10}, {"../../bin/tool", "sha256=y", -1}}
	if !reflect.DeepEqual(rec, want) {
		t.Errorf("got %+v", rec)
	}
	top := TopLevelFromRecord(append(rec, RecordEntry{Path: "numpy/__init__.py"}, RecordEntry{Path: "numpy.libs/libx.so"},
		RecordEntry{Path: "_cffi_backend.cpython-312-x86_64-linux-gnu.so"}, RecordEntry{Path: "distutils-precedence.pth"}))
	if !reflect.DeepEqual(top, []string{"six", "path, with comma", "numpy", "_cffi_backend"}) {
		t.Errorf("TopLevelFromRecord = %q", top)
	}
	if got := ParseTopLevel([]byte("google/protobuf\n\nyaml\r\n_yaml\nyaml\n")); !reflect.DeepEqual(got, []string{"google", "yaml", "_yaml"}) {
		t.Errorf("ParseTopLevel = %q", got)
	}
}

func TestParseRequirement(t *testing.T) {
	for _, tc := range []struct {
		in, out string
		name    string
		extras  []string
	}{
		{"requests", "requests", "requests", nil},
		{"charset-normalizer (<4,>=2)", "charset-normalizer<4,>=2", "charset-normalizer", nil},
		{"PySocks (!=1.5.7,>=1.5.6) ; extra == 'socks'", `PySocks!=1.5.7,>=1.5.6; extra == "socks"`, "pysocks", nil},
		{"requests[Socks, security] >= 2.8.1, == 2.8.*", "requests[socks,security]>=2.8.1,==2.8.*", "requests", []string{"socks", "security"}},
		{"pip @ https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee ; python_version >= '3'",
			`pip @ https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee ; python_version >= "3"`, "pip", nil},
		{`typing-extensions>=4.6; python_version < "3.13" and (platform_machine == "x86_64" or os.name == "nt")`,
			`typing-extensions>=4.6; python_version < "3.13" and (platform_machine == "x86_64" or os_name == "nt")`, "typing-extensions", nil},
	} {
		r, err := ParseRequirement(tc.in)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if r.String() != tc.out || r.Normalized != tc.name || !reflect.DeepEqual(r.Extras, tc.extras) {
			t.Errorf("%q: got %q (%s, %q)", tc.in, r.String(), r.Normalized, r.Extras)
		}
	}
	for _, bad := range []string{"", ">=1", "x[", "x >=", "x ==1.0 || ==2.0", "x; ", "x; os_name ==", "x; bogus == '1'", "x @ ", "x (>=1"} {
		if r, err := ParseRequirement(bad); err == nil {
			t.Errorf("%q: parsed as %+v", bad, r)
		}
	}
}

func TestSpecifier(t *testing.T) {
	for _, tc := range []struct {
		spec, version string
		want          bool
	}{
		{">=2,<4", "3.3.2", true},
		{">=2,<4", "4.0", false},
		{"~=1.4.5", "1.5.0", false},
		{"~=1.4", "1.9", true},
		{"==1.1.*", "1.1a1", true},
		{">=1.0", "2.0rc1", true}, // pip check counts pre-releases
		{"==1.0", "1.0+local", true},
		{"!=1.5.7,>=1.5.6", "1.5.7", false},
		{"", "anything", true},
		{"===weird", "weird", true},
		{">=1", "not a version", false},
	} {
		s, err := ParseSpecifier(tc.spec)
		if err != nil {
			t.Errorf("%q: %v", tc.spec, err)
			continue
		}
		if got := s.Contains(tc.version); got != tc.want {
			t.Errorf("%q contains %q = %v", tc.spec, tc.version, got)
		}
	}
	if CompareVersions("1.10", "1.9") != 1 || CompareVersions("2.0", "2.0.0") != 0 || CompareVersions("x", "1.0") != 1 {
		t.Error("CompareVersions")
	}
}

func TestMarkerEval(t *testing.T) {
	py312x86 := LambdaEnv("3.12", "x86_64")
	py38arm := LambdaEnv("3.8", "arm64")
	for _, tc := range []struct {
		marker string
		env    Env
		extras []string
		want   bool
	}{
		{`python_version < "3.10"`, py312x86, nil, false},
		{`python_version < "3.10"`, py38arm, nil, true},
		{`python_version >= "3.9" and python_version < "3.13"`, py312x86, nil, true},
		{`"3.12" == python_version`, py312x86, nil, true},
		{`python_full_version >= "3.12.1"`, py312x86, nil, true},
		{`python_full_version < "3.8.1"`, py38arm, nil, false},
		{`sys_platform == "win32"`, py312x86, nil, false},
		{`sys_platform != "win32" and platform_python_implementation == "CPython"`, py312x86, nil, true},
		{`platform_machine == "aarch64"`, py38arm, nil, true},
		{`platform_machine == "aarch64"`, py312x86, nil, false},
		{`platform_machine in "x86_64 AMD64"`, py312x86, nil, true},
		{`"arm" not in platform_machine`, py312x86, nil, true},
		{`implementation_name == "pypy"`, py312x86, nil, false},
		{`os_name == "nt" or (platform_system == "Linux" and python_version ~= "3.12")`, py312x86, nil, true},
		{`extra == "socks"`, py312x86, nil, false},
		{`extra == "socks"`, py312x86, []string{"socks"}, true},
		{`extra == "use-chardet-on-py3"`, py312x86, []string{"use_chardet_on_py3"}, true},
		{`python_version < "3.11" and extra == "toml"`, py312x86, []string{"toml"}, false},
		{`platform_release >= "5"`, py312x86, nil, false},
	} {
		m, err := ParseMarker(tc.marker)
		if err != nil {
			t.Errorf("%q: %v", tc.marker, err)
			continue
		}
		if got := m.Eval(tc.env, tc.extras...); got != tc.want {
			t.Errorf("%q with %v: got %v", tc.marker, tc.extras, got)
		}
	}
	m, _ := ParseMarker(`python_version < "3.11" and extra == "toml"`)
	if !m.UsesExtra() {
		t.Error("UsesExtra")
	}
	for _, bad := range []string{"", "python_version", `python_version <`, `(python_version < "3"`, `python_version < "3")`, `python_version << "3"`, `"unterminated`, `python_version < "3" and`} {
		if _, err := ParseMarker(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	if _, err := ParseMarker(strings.Repeat("(", 200) + `os_name == "posix"` + strings.Repeat(")", 200)); err == nil {
		t.Error("deep nesting accepted")
	}
}

func TestReadDists(t *testing.T) {
	site := "python/lib/python3.12/site-packages"
	tr := tree.NewMap("layer.zip", map[string]string{
		site + "/requests-2.31.0.dist-info/METADATA":        requestsMetadata,
		site + "/requests-2.31.0.dist-info/RECORD":          "requests/__init__.py,sha256=x,100\nrequests-2.31.0.dist-info/METADATA,,\n../../../bin/x,,\n",
		site + "/requests-2.31.0.dist-info/top_level.txt":   "requests\n",
		site + "/requests-2.31.0.dist-info/WHEEL":           "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
		site + "/requests/__init__.py":                      "",
		site + "/Old_Pkg-0.9-py3.12.egg-info/PKG-INFO":      "Metadata-Version: 1.1\nName: Old-Pkg\nVersion: 0.9\n",
		site + "/Old_Pkg-0.9-py3.12.egg-info/requires.txt":  "six>=1.0\n\n[test]\npytest\n\n[:python_version < \"3.8\"]\nimportlib-metadata\n",
		site + "/Old_Pkg-0.9-py3.12.egg-info/top_level.txt": "old_pkg\n",
		site + "/nometa-1.0.dist-info/RECORD":               "nometa.py,,\n",
		site + "/legacy-2.0-py3.12.egg-info":                "Metadata-Version: 1.0\nName: legacy\nVersion: 2.0\n",
	})
	ds := ReadDists(tr, site)
	if len(ds) != 4 {
		t.Fatalf("got %d dists", len(ds))
	}
	byName := map[string]*Dist{}
	for _, d := range ds {
		byName[d.Normalized] = d
	}
	rq := byName["requests"]
	if rq == nil || rq.Version != "2.31.0" || len(rq.Requires) != 6 || rq.Wheel == nil || !reflect.DeepEqual(rq.TopLevel, []string{"requests"}) {
		t.Errorf("requests: %+v", rq)
	}
	if rq != nil && !reflect.DeepEqual(rq.Files(), []string{site + "/requests/__init__.py", site + "/requests-2.31.0.dist-info/METADATA"}) {
		t.Errorf("requests files: %q", rq.Files())
	}
	old := byName["old-pkg"]
	if old == nil || old.Kind != "egg-info" || len(old.Requires) != 3 || old.Requires[1].Marker.String() != `extra == "test"` ||
		old.Requires[2].Marker.String() != `python_version < "3.8"` {
		t.Errorf("old-pkg: %+v", old)
	}
	if nm := byName["nometa"]; nm == nil || nm.Version != "1.0" || !reflect.DeepEqual(nm.TopLevel, []string{"nometa"}) {
		t.Errorf("nometa: %+v", nm)
	}
	if lg := byName["legacy"]; lg == nil || lg.Version != "2.0" || lg.Kind != "egg-info" {
		t.Errorf("legacy: %+v", lg)
	}
}
