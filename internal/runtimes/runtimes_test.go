package runtimes

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestEveryRuntimeParses(t *testing.T) {
	// Every runtime identifier Lambda has offered for .zip packages (the AWS runtimes
	// page's supported and deprecated tables; cfn-lint's LmbdRuntimeLifecycle.json).
	want := []string{
		"python2.7", "python3.6", "python3.7",
		"python3.8", "python3.9", "python3.10", "python3.11", "python3.12", "python3.13", "python3.14",
		"nodejs", "nodejs4.3", "nodejs4.3-edge", "nodejs6.10", "nodejs8.10", "nodejs10.x", "nodejs12.x", "nodejs14.x",
		"nodejs16.x", "nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x",
		"java8", "java8.al2", "java11", "java17", "java21", "java25",
		"dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "dotnet6", "dotnet8", "dotnet10",
		"go1.x", "ruby2.5", "ruby2.7", "ruby3.2", "ruby3.3", "ruby3.4", "ruby4.0",
		"provided", "provided.al2", "provided.al2023",
	}
	var got []string
	for _, r := range All() {
		got = append(got, r.ID)
		if r.OS == "" || r.Glibc == "" || len(r.Architectures) == 0 {
			t.Errorf("%s: OS/glibc/architectures missing", r.ID)
		}
		if r.Deprecated.IsZero() || r.BlockCreate.IsZero() || r.BlockUpdate.IsZero() {
			t.Errorf("%s: a lifecycle date is missing", r.ID)
		}
		if r.BlockCreate.After(r.BlockUpdate) {
			t.Errorf("%s: blocks creating after blocking updates", r.ID)
		}
		// Amazon Linux (AL1) runtimes predate arm64 on Lambda; every later one has both.
		if al1 := r.OS == "Amazon Linux"; r.HasArch("x86_64") != true || r.HasArch("arm64") == al1 {
			t.Errorf("%s (%s): architectures %v", r.ID, r.OS, r.Architectures)
		}
		switch r.Language {
		case "python":
			maj, min := r.PyVersion()
			if !r.ImportsChecked() {
				if r.ID != "python2.7" || maj != 2 {
					t.Errorf("%s: imports not checked", r.ID)
				}
				continue
			}
			if maj != 3 || min < 6 {
				t.Errorf("%s: PyVersion %d.%d", r.ID, maj, min)
			}
			if len(r.Provided) == 0 || len(r.ProvidedDists) == 0 || r.ProvidedSite == "" {
				t.Errorf("%s: provided packages missing", r.ID)
			}
			for _, u := range r.ProvidedUncertain {
				if !slices.Contains(r.Provided, u) {
					t.Errorf("%s: uncertain %q not in provided", r.ID, u)
				}
			}
			if r.LayoutDoc() == "" {
				t.Errorf("%s: layout %q has no doc", r.ID, r.Layout)
			}
			if len(StdlibNames(r.Version)) < 200 {
				t.Errorf("%s: no standard library", r.ID)
			}
		case "nodejs":
			if r.SysPath(false) != nil || r.ExtensionSuffixes("x86_64") != nil {
				t.Errorf("%s: Python data on a Node runtime", r.ID)
			}
			if r.ImportsChecked() != (len(r.NodePath) > 0) {
				t.Errorf("%s: imports checked %v with NODE_PATH %v", r.ID, r.ImportsChecked(), r.NodePath)
			}
		case "java", "dotnet", "go", "ruby", "provided":
			if r.ImportsChecked() || r.IsPython() || r.IsNode() {
				t.Errorf("%s: treated as Python or Node.js", r.ID)
			}
		default:
			t.Errorf("%s: language %q", r.ID, r.Language)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("All() = %v\nwant %v", got, want)
	}
	for _, id := range []string{"nodejs16.x", "nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x"} {
		if r := mustLookup(t, id); len(r.NodePath) == 0 || len(r.Provided) == 0 {
			t.Errorf("%s: NODE_PATH or provided missing", id)
		}
	}
	for _, id := range []string{"python3.5", "dotnet9", "nodejs26.x", ""} {
		if _, ok := Lookup(id); ok {
			t.Errorf("%q should be unknown", id)
		}
	}
	if src, upd := Source(); src == "" || upd == "" {
		t.Error("source/updated missing")
	}
	if day, src := DatesChecked(); day == "" || src == "" {
		t.Error("datesChecked/datesSource missing")
	} else if _, err := time.Parse("2006-01-02", day); err != nil {
		t.Errorf("datesChecked %q: %v", day, err)
	}
}

func mustLookup(t *testing.T, id string) *Runtime {
	t.Helper()
	r, ok := Lookup(id)
	if !ok {
		t.Fatalf("Lookup(%q) failed", id)
	}
	return r
}

func TestRuntimeFacts(t *testing.T) {
	for id, want := range map[string][3]string{
		"python3.8":  {"Amazon Linux 2", "2.26", "/var/runtime"},
		"python3.10": {"Amazon Linux 2", "2.26", "/var/runtime"},
		"python3.11": {"Amazon Linux 2", "2.26", "/var/lang/lib/python3.11/site-packages"},
		"python3.12": {"Amazon Linux 2023", "2.34", "/var/lang/lib/python3.12/site-packages"},
		"python3.14": {"Amazon Linux 2023", "2.34", "/var/lang/lib/python3.14/site-packages"},
	} {
		r := mustLookup(t, id)
		if got := [3]string{r.OS, r.Glibc, r.ProvidedSite}; got != want {
			t.Errorf("%s: %v, want %v", id, got, want)
		}
	}
	if l := mustLookup(t, "python3.10").Layout; l != "py38" {
		t.Errorf("python3.10 layout %q", l)
	}
	if l := mustLookup(t, "python3.11").Layout; l != "py311" {
		t.Errorf("python3.11 layout %q", l)
	}
	r := mustLookup(t, "python3.12")
	for _, top := range []string{"boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "awslambdaric"} {
		if p, _ := r.ProvidesImport(top); !p {
			t.Errorf("python3.12 should provide %s", top)
		}
	}
	if p, u := r.ProvidesImport("boto3"); !p || u {
		t.Errorf("boto3 provided=%v uncertain=%v, want true false", p, u)
	}
	if p, u := r.ProvidesImport("simplejson"); !p || !u {
		t.Errorf("simplejson provided=%v uncertain=%v, want true true", p, u)
	}
	if p, _ := r.ProvidesImport("requests"); p {
		t.Error("requests is not provided")
	}
	if got := mustLookup(t, "nodejs16.x").Provided; !slices.Equal(got, []string{"aws-sdk"}) {
		t.Errorf("nodejs16.x provided %v", got)
	}
	n22 := mustLookup(t, "nodejs22.x")
	if !slices.Equal(n22.Provided, []string{"@aws-sdk/*"}) {
		t.Errorf("nodejs22.x provided %v", n22.Provided)
	}
	wantNP := []string{"/opt/nodejs/node22/node_modules", "/opt/nodejs/node_modules", "/var/runtime/node_modules", "/var/runtime", "/var/task"}
	if !slices.Equal(n22.NodePath, wantNP) {
		t.Errorf("nodejs22.x NODE_PATH %v", n22.NodePath)
	}
}

func TestDates(t *testing.T) {
	r := mustLookup(t, "python3.12")
	d := func(s string) time.Time {
		v, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if !r.Deprecated.Equal(d("2028-10-31")) || !r.BlockCreate.Equal(d("2028-11-30")) || !r.BlockUpdate.Equal(d("2029-01-10")) {
		t.Errorf("python3.12 dates %v %v %v", r.Deprecated, r.BlockCreate, r.BlockUpdate)
	}
	for _, c := range []struct{ day, want string }{
		{"2026-01-01", StateSupported},
		{"2028-10-30", StateSupported},
		{"2028-10-31", StateDeprecated},
		{"2028-11-29", StateDeprecated},
		{"2028-11-30", StateBlockedCreate},
		{"2029-01-09", StateBlockedCreate},
		{"2029-01-10", StateBlockedUpdate},
		{"2031-01-01", StateBlockedUpdate},
	} {
		if got := r.DeprecationStatus(d(c.day)); got != c.want {
			t.Errorf("python3.12 on %s: %s, want %s", c.day, got, c.want)
		}
	}
	// A time late in the day in another zone still counts by its calendar date.
	late := time.Date(2028, 10, 30, 23, 59, 0, 0, time.FixedZone("x", -10*3600))
	if got := r.DeprecationStatus(late); got != StateSupported {
		t.Errorf("late on 2028-10-30: %s", got)
	}
	if got := mustLookup(t, "python3.8").DeprecationStatus(d("2025-01-01")); got != StateDeprecated {
		t.Errorf("python3.8 in 2025: %s", got)
	}
	if got := (&Runtime{}).DeprecationStatus(d("2030-01-01")); got != StateSupported {
		t.Errorf("unknown dates: %s", got)
	}
}

func TestSysPath(t *testing.T) {
	cases := []struct {
		id   string
		set  bool
		want []string
	}{
		{"python3.10", false, []string{"/var/task", "/opt/python/lib/python3.10/site-packages", "/opt/python", "/var/runtime", StdlibEntry, "/var/lang/lib/python3.10/site-packages"}},
		{"python3.12", false, []string{"/var/task", "/opt/python/lib/python3.12/site-packages", "/opt/python", "/var/lang/lib/python3.12/site-packages", "/var/runtime", StdlibEntry}},
		{"python3.11", false, []string{"/var/task", "/opt/python/lib/python3.11/site-packages", "/opt/python", "/var/lang/lib/python3.11/site-packages", "/var/runtime", StdlibEntry}},
		{"python3.8", true, []string{"/var/task", "/var/runtime", PythonPathEntry, StdlibEntry, "/var/lang/lib/python3.8/site-packages"}},
		{"python3.12", true, []string{"/var/task", "/var/runtime", PythonPathEntry, StdlibEntry, "/var/lang/lib/python3.12/site-packages"}},
	}
	for _, c := range cases {
		got := mustLookup(t, c.id).SysPath(c.set)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s SysPath(%v) =\n %v\nwant\n %v", c.id, c.set, got, c.want)
		}
	}
	r := mustLookup(t, "python3.13")
	got := r.SysPathWith([]string{"/var/task/vendor", "", "/opt/python"})
	want := []string{"/var/task", "/var/runtime", "/var/task/vendor", "/opt/python", StdlibEntry, "/var/lang/lib/python3.13/site-packages"}
	if !slices.Equal(got, want) {
		t.Errorf("SysPathWith = %v, want %v", got, want)
	}
	if !slices.Equal(r.SysPathWith(nil), r.SysPath(false)) {
		t.Error("SysPathWith(nil) != SysPath(false)")
	}
	for _, p := range r.SysPath(true) {
		if strings.HasPrefix(p, "/opt/") {
			t.Errorf("PYTHONPATH set but %s on the path", p)
		}
	}
}

func TestExtensionSuffixes(t *testing.T) {
	r := mustLookup(t, "python3.12")
	if got, want := r.ExtensionSuffixes("x86_64"), []string{".cpython-312-x86_64-linux-gnu.so", ".abi3.so", ".so"}; !slices.Equal(got, want) {
		t.Errorf("x86_64: %v, want %v", got, want)
	}
	if got, want := mustLookup(t, "python3.9").ExtensionSuffixes("arm64"), []string{".cpython-39-aarch64-linux-gnu.so", ".abi3.so", ".so"}; !slices.Equal(got, want) {
		t.Errorf("arm64: %v, want %v", got, want)
	}
	if got, want := r.ExtensionSuffixes("sparc"), []string{".abi3.so", ".so"}; !slices.Equal(got, want) {
		t.Errorf("unknown arch: %v, want %v", got, want)
	}
	if Multiarch("arm64") != "aarch64-linux-gnu" {
		t.Error("multiarch arm64")
	}
}

func TestStdlibSpotChecks(t *testing.T) {
	type c struct {
		mod   string
		in    []string
		notIn []string
	}
	all := []string{"python3.8", "python3.9", "python3.10", "python3.11", "python3.12", "python3.13", "python3.14"}
	cases := []c{
		{"imp", []string{"python3.8", "python3.11"}, []string{"python3.12", "python3.14"}},
		{"distutils", []string{"python3.8", "python3.11"}, []string{"python3.12", "python3.13"}},
		{"asyncore", []string{"python3.11"}, []string{"python3.12"}},
		{"asynchat", []string{"python3.10"}, []string{"python3.12"}},
		{"smtpd", []string{"python3.11"}, []string{"python3.12"}},
		{"tomllib", []string{"python3.11", "python3.12", "python3.14"}, []string{"python3.8", "python3.10"}},
		{"telnetlib", []string{"python3.8", "python3.12"}, []string{"python3.13", "python3.14"}},
		{"cgi", []string{"python3.12"}, []string{"python3.13"}},
		{"lib2to3", []string{"python3.12"}, []string{"python3.13"}},
		{"binhex", []string{"python3.10"}, []string{"python3.11"}},
		{"formatter", []string{"python3.9"}, []string{"python3.10"}},
		{"parser", []string{"python3.9"}, []string{"python3.10"}},
		{"_bootlocale", []string{"python3.9"}, []string{"python3.10"}},
		{"graphlib", []string{"python3.9"}, []string{"python3.8"}},
		{"zoneinfo", []string{"python3.9", "python3.14"}, []string{"python3.8"}},
		{"annotationlib", []string{"python3.14"}, []string{"python3.13"}},
		{"compression", []string{"python3.14"}, []string{"python3.13"}},
		{"_interpreters", []string{"python3.13"}, []string{"python3.12"}},
		{"sre_compile", all, nil},
		{"json", all, nil},
		{"_thread", all, nil},
		{"_io", all, nil},
		{"sys", all, nil},
		{"winreg", nil, all},
		{"msvcrt", nil, all},
		{"_winapi", nil, all},
		{"_scproxy", nil, all},
		{"msilib", nil, all},
		{"requests", nil, all},
		{"string.templatelib", nil, all},
	}
	for _, tc := range cases {
		for _, id := range tc.in {
			if !mustLookup(t, id).StdlibHas(tc.mod) {
				t.Errorf("%s should have %s", id, tc.mod)
			}
		}
		for _, id := range tc.notIn {
			if mustLookup(t, id).StdlibHas(tc.mod) {
				t.Errorf("%s should not have %s", id, tc.mod)
			}
		}
	}
	if mustLookup(t, "nodejs20.x").StdlibHas("json") {
		t.Error("Node runtime has no Python stdlib")
	}
	if !mustLookup(t, "python3.12").StdlibHas("tkinter") || StdlibPlatform("tkinter") != PlatformOptional {
		t.Error("tkinter: optional and treated as present")
	}
	if StdlibPlatform("winreg") != PlatformWindows || StdlibPlatform("_scproxy") != PlatformMacOS || StdlibPlatform("json") != "" {
		t.Error("StdlibPlatform")
	}
	if !IsStdlibName("winreg") || !IsStdlibName("imp") || IsStdlibName("yaml") {
		t.Error("IsStdlibName")
	}
}

func TestStdlibRemovedAdded(t *testing.T) {
	for _, c := range []struct {
		mod, version, want string
		ok                 bool
	}{
		{"imp", "3.12", "3.12", true},
		{"imp", "3.14", "3.12", true},
		{"imp", "3.11", "", false},
		{"distutils", "3.13", "3.12", true},
		{"telnetlib", "3.14", "3.13", true},
		{"binhex", "3.12", "3.11", true},
		{"_bootlocale", "3.10", "3.10", true},
		{"tomllib", "3.10", "", false}, // added later, not removed
		{"yaml", "3.12", "", false},
		{"json", "3.12", "", false},
		{"winreg", "3.12", "", false},
		{"imp", "bogus", "", false},
	} {
		got, ok := StdlibRemovedIn(c.mod, c.version)
		if got != c.want || ok != c.ok {
			t.Errorf("StdlibRemovedIn(%q, %q) = %q, %v; want %q, %v", c.mod, c.version, got, ok, c.want, c.ok)
		}
	}
	for mod, want := range map[string]string{
		"tomllib": "3.11", "graphlib": "3.9", "zoneinfo": "3.9", "annotationlib": "3.14",
		"_interpreters": "3.13", "json": "3.6", "contextvars": "3.7", "yaml": "",
	} {
		if got := StdlibAddedIn(mod); got != want {
			t.Errorf("StdlibAddedIn(%q) = %q, want %q", mod, got, want)
		}
	}
}

// The 3.11 list must equal sys.stdlib_module_names of a real CPython 3.11.
func TestStdlib311MatchesInterpreter(t *testing.T) {
	var py string
	for _, name := range []string{"python3.11", "python3"} {
		if p, err := exec.LookPath(name); err == nil {
			py = p
			break
		}
	}
	if py == "" {
		t.Skip("no python3 on PATH")
	}
	out, err := exec.Command(py, "-c", "import sys; assert sys.version_info[:2] == (3, 11), sys.version; print('\\n'.join(sorted(sys.stdlib_module_names)))").Output()
	if err != nil {
		t.Skipf("%s is not a working CPython 3.11: %v", py, err)
	}
	real := strings.Fields(string(out))
	if got := StdlibNames("3.11"); !slices.Equal(got, real) {
		t.Errorf("StdlibNames(3.11) differs from %s:\n only ours: %v\n only real: %v", py, minus(got, real), minus(real, got))
	}
	r := mustLookup(t, "python3.11")
	for _, name := range real {
		p := StdlibPlatform(name)
		want := p != PlatformWindows && p != PlatformMacOS
		if r.StdlibHas(name) != want {
			t.Errorf("python3.11 StdlibHas(%q) = %v (platform %q)", name, !want, p)
		}
	}
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func TestStdlibNamesVersions(t *testing.T) {
	n38, n314 := StdlibNames("3.8"), StdlibNames("3.14")
	if len(n38) < 250 || len(n314) < 250 {
		t.Fatalf("suspiciously short lists: %d %d", len(n38), len(n314))
	}
	if StdlibNames("3.5") != nil || StdlibNames("x") != nil {
		t.Error("unknown versions must give nil")
	}
	if !slices.Contains(n38, "dummy_threading") || slices.Contains(StdlibNames("3.9"), "dummy_threading") {
		t.Error("dummy_threading is gone in 3.9")
	}
	if n36 := StdlibNames("3.6"); !slices.Contains(n36, "macpath") || slices.Contains(n36, "dataclasses") || !slices.Contains(StdlibNames("3.7"), "dataclasses") {
		t.Error("3.6 has macpath and no dataclasses; 3.7 has dataclasses")
	}
}

func TestParseStdlibErrors(t *testing.T) {
	for _, bad := range []string{
		"json",
		"json\t3.8-3.7",
		"json\t2.7-",
		"json\t3.8-\tlinux",
		"json\t3.8-\njson\t3.9-",
		"# only a comment\n",
	} {
		if _, err := parseStdlib(bad); err == nil {
			t.Errorf("parseStdlib(%q) should fail", bad)
		}
	}
}

func TestParseCatalogueErrors(t *testing.T) {
	for _, bad := range []string{
		`{`,
		`{"runtimes":[{"id":"python3.12","language":"python","version":"3.12","layout":"nope"}]}`,
		`{"runtimes":[{"id":"x","language":"python","version":"3"}]}`,
		`{"runtimes":[{"id":"x","language":"nodejs","version":"20","deprecated":"2020/01/01"}]}`,
		`{"runtimes":[{"id":"x","language":"nodejs","version":"20"},{"id":"x","language":"nodejs","version":"20"}]}`,
	} {
		if _, err := parseCatalogue([]byte(bad)); err == nil {
			t.Errorf("parseCatalogue(%s) should fail", bad)
		}
	}
}

// Python 3.6 and 3.7 have no sys.stdlib_module_names: every listed module that a Linux
// build has must be found by that interpreter (pyenv's builds, when present), and
// every built-in module must be listed.
func TestStdlibOldPythonsMatchInterpreter(t *testing.T) {
	for _, v := range []string{"3.6", "3.7"} {
		py := findPython(v)
		if py == "" {
			t.Logf("no python%s on PATH or in ~/.pyenv: not compared", v)
			continue
		}
		names := StdlibNames(v)
		var probe []string
		for _, n := range names {
			if p := StdlibPlatform(n); p == "" {
				probe = append(probe, n)
			}
		}
		script := `import sys, importlib.util
names = sys.argv[1].split(",")
print("MISSING", ",".join(n for n in names if importlib.util.find_spec(n) is None))
print("BUILTIN", ",".join(sorted(sys.builtin_module_names)))`
		out, err := exec.Command(py, "-c", script, strings.Join(probe, ",")).Output()
		if err != nil {
			t.Logf("python%s does not run (%v): not compared", v, err)
			continue
		}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			kind, list, _ := strings.Cut(line, " ")
			items := strings.FieldsFunc(list, func(r rune) bool { return r == ',' })
			switch kind {
			case "MISSING":
				// Modules a build leaves out when its -dev libraries are missing.
				optional := []string{"_tkinter", "tkinter", "turtle", "turtledemo", "idlelib", "_gdbm", "dbm", "_dbm", "nis", "_curses_panel", "_lzma", "lzma", "readline", "_sqlite3", "sqlite3", "_uuid", "ossaudiodev", "spwd", "crypt", "_crypt", "_hashlib", "_ssl", "ssl"}
				for _, m := range items {
					if !slices.Contains(optional, m) {
						t.Errorf("python%s: %s listed but not importable", v, m)
					}
				}
			case "BUILTIN":
				for _, m := range items {
					// xxsubtype is built in but a test module, which the list leaves out.
					if !slices.Contains(names, m) && m != "xxsubtype" {
						t.Errorf("python%s: built-in %s not listed", v, m)
					}
				}
			}
		}
	}
}

// findPython finds a working python3.X: a pyenv build first (pyenv's shims on PATH
// exist for versions that are not selected, and fail), then PATH.
func findPython(v string) string {
	home, _ := os.UserHomeDir()
	cands, _ := filepath.Glob(filepath.Join(home, ".pyenv", "versions", v+".*", "bin", "python"+v))
	if p, err := exec.LookPath("python" + v); err == nil {
		cands = append(cands, p)
	}
	for _, c := range cands {
		if exec.Command(c, "-c", "pass").Run() == nil {
			return c
		}
	}
	return ""
}

func TestLayerDirs(t *testing.T) {
	for id, want := range map[string]string{
		"python3.12": "python/lib/python3.12/site-packages python",
		"python3.9":  "python/lib/python3.9/site-packages python",
		"nodejs20.x": "nodejs/node20/node_modules nodejs/node_modules",
		"nodejs24.x": "nodejs/node24/node_modules nodejs/node_modules",
		"java21":     "",
	} {
		rt, ok := Lookup(id)
		if !ok {
			t.Fatalf("no %s", id)
		}
		if got := strings.Join(rt.LayerDirs(), " "); got != want {
			t.Errorf("%s: LayerDirs %q, want %q", id, got, want)
		}
	}
	for id, want := range map[string]string{"python3.12": "PYTHONPATH", "nodejs20.x": "NODE_PATH", "java21": ""} {
		rt, _ := Lookup(id)
		if got := rt.PathVar(); got != want {
			t.Errorf("%s: PathVar %q, want %q", id, got, want)
		}
	}
}
