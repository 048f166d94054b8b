package pydist

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"PyYAML":                "pyyaml",
		"python_dateutil":       "python-dateutil",
		"Flask-Cors":            "flask-cors",
		"zope.interface":        "zope-interface",
		"ruamel.yaml.clib":      "ruamel-yaml-clib",
		"A__b--c..d-_.e":        "a-b-c-d-e",
		"typing_extensions":     "typing-extensions",
		"aws-lambda-powertools": "aws-lambda-powertools",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseRequirements(t *testing.T) {
	const file = `# top comment
boto3==1.34.0
requests >= 2.31, < 3   # inline comment
PyYAML[libyaml]>=6 ; python_version < "3.12"
pydantic[email,timezone] (>=2.0,<3)
numpy; platform_machine == "x86_64"

-i https://pypi.org/simple
--index-url https://pypi.org/simple
--extra-index-url https://example.com/simple
-f ./wheels
--find-links=https://example.com/links
--no-binary :all:
--only-binary=:none:
--pre
--trusted-host example.com
--require-hashes
-r base.txt
--requirement=more.txt
-c constraints.txt
--constraint other.txt
cryptography==42.0.5 \
    --hash=sha256:aaaa \
    --hash=sha256:bbbb
attrs==23.2.0 --hash=sha256:cccc
python-jose[cryptography] @ https://example.com/python_jose-3.3.0-py2.py3-none-any.whl ; python_version >= "3.9"
git+https://github.com/org/repo.git@v1.0#egg=my_pkg
https://files.example.com/packages/Flask_Cors-4.0.0-py2.py3-none-any.whl
./vendor/simplejson-3.19.2.tar.gz
-e git+https://github.com/org/other.git#egg=other-lib&subdirectory=src
--editable ./local/thing#egg=thing
-e requests-aws4auth==1.2.3
six\
==1.16.0
#-r commented.txt
`
	reqs, probs := ParseRequirements([]byte(file), "requirements.txt")
	if len(probs) != 0 {
		t.Fatalf("problems: %v", probs)
	}
	want := []Requirement{
		{Name: "boto3", Normalized: "boto3", Specifier: "==1.34.0", Line: 2},
		{Name: "requests", Normalized: "requests", Specifier: ">=2.31,<3", Line: 3},
		{Name: "PyYAML", Normalized: "pyyaml", Extras: []string{"libyaml"}, Specifier: ">=6", Marker: `python_version < "3.12"`, Line: 4},
		{Name: "pydantic", Normalized: "pydantic", Extras: []string{"email", "timezone"}, Specifier: ">=2.0,<3", Line: 5},
		{Name: "numpy", Normalized: "numpy", Marker: `platform_machine == "x86_64"`, Line: 6},
		{Include: "base.txt", Line: 18},
		{Include: "more.txt", Line: 19},
		{Include: "constraints.txt", Constraint: true, Line: 20},
		{Include: "other.txt", Constraint: true, Line: 21},
		{Name: "cryptography", Normalized: "cryptography", Specifier: "==42.0.5", Line: 22},
		{Name: "attrs", Normalized: "attrs", Specifier: "==23.2.0", Line: 25},
		{Name: "python-jose", Normalized: "python-jose", Extras: []string{"cryptography"}, URL: "https://example.com/python_jose-3.3.0-py2.py3-none-any.whl", Marker: `python_version >= "3.9"`, Line: 26},
		{Name: "my_pkg", Normalized: "my-pkg", URL: "git+https://github.com/org/repo.git@v1.0#egg=my_pkg", Line: 27},
		{Name: "Flask_Cors", Normalized: "flask-cors", URL: "https://files.example.com/packages/Flask_Cors-4.0.0-py2.py3-none-any.whl", Line: 28},
		{Name: "simplejson", Normalized: "simplejson", URL: "./vendor/simplejson-3.19.2.tar.gz", Line: 29},
		{Name: "other-lib", Normalized: "other-lib", URL: "git+https://github.com/org/other.git#egg=other-lib&subdirectory=src", Editable: true, Line: 30},
		{Name: "thing", Normalized: "thing", URL: "./local/thing#egg=thing", Editable: true, Line: 31},
		{Name: "requests-aws4auth", Normalized: "requests-aws4auth", Specifier: "==1.2.3", Editable: true, Line: 32},
		{Name: "six", Normalized: "six", Specifier: "==1.16.0", Line: 33},
	}
	if !reflect.DeepEqual(reqs, want) {
		for i := range max(len(reqs), len(want)) {
			var g, w Requirement
			if i < len(reqs) {
				g = reqs[i]
			}
			if i < len(want) {
				w = want[i]
			}
			if !reflect.DeepEqual(g, w) {
				t.Errorf("#%d\n got %+v\nwant %+v", i, g, w)
			}
		}
	}
	for _, r := range reqs {
		if r.IsInclude() != (r.Include != "") || r.IsInclude() && r.Name != "" {
			t.Errorf("include/name mix-up: %+v", r)
		}
	}
}

func TestParseRequirementsProblems(t *testing.T) {
	for _, c := range []struct {
		in   string
		line int
		msg  string
	}{
		{"ok==1\n\n!!!", 3, "not a requirement"},
		{"foo[bar", 1, "unclosed extras"},
		{"foo (>=1", 1, "unclosed parenthesis"},
		{"foo >> 1", 1, "bad version specifier"},
		{"foo ;", 1, "empty marker"},
		{"foo @ ", 1, "empty URL"},
		{"foo @ https://x/y.whl extra", 1, "unexpected"},
		{"https://example.com/archive/master.tar.gz", 1, "cannot tell the distribution name"},
		{"a==1\n-e .", 2, "cannot tell the distribution name"},
		{"a==1\nb==2 \\\n  --hash=x\n-r", 4, "-r needs a file name"},
		{"-e", 1, "-e needs"},
		{"foo[b@d]", 1, "bad extra"},
		{"url#not-a-comment==1", 1, "bad version specifier"}, // "#" not after whitespace is kept
	} {
		_, probs := ParseRequirements([]byte(c.in), "r.txt")
		if len(probs) != 1 || probs[0].Line != c.line || !strings.Contains(probs[0].Message, c.msg) || probs[0].File != "r.txt" {
			t.Errorf("%q: problems %v, want one at line %d containing %q", c.in, probs, c.line, c.msg)
		}
		if len(probs) == 1 && !strings.HasPrefix(probs[0].Error(), "r.txt:") {
			t.Errorf("Error() = %q", probs[0].Error())
		}
	}
}

func TestContinuationLineNumbers(t *testing.T) {
	in := "a==1 \\\n  --hash=sha256:x \\\n  --hash=sha256:y\nb \\\n>=2\n\n# c \\\nd\r\ne==3 \\"
	reqs, probs := ParseRequirements([]byte(in), "r.txt")
	if len(probs) != 0 {
		t.Fatal(probs)
	}
	got := map[string]int{}
	for _, r := range reqs {
		got[r.Name+r.Specifier] = r.Line
	}
	// A comment line ending in "\" does not continue (pip); d is on line 8.
	want := map[string]int{"a==1": 1, "b>=2": 4, "d": 8, "e==3": 9}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestBOMAndCRLF(t *testing.T) {
	reqs, probs := ParseRequirements([]byte("\ufeffboto3\r\nrequests==2.0\r\n"), "r.txt")
	if len(probs) != 0 || len(reqs) != 2 || reqs[0].Name != "boto3" || reqs[1].Specifier != "==2.0" || reqs[1].Line != 2 {
		t.Errorf("reqs %+v probs %v", reqs, probs)
	}
}

func TestNameFromURL(t *testing.T) {
	for in, want := range map[string]string{
		"git+https://x/y.git#egg=foo":                      "foo",
		"git+https://x/y.git#egg=foo-1.2":                  "foo",
		"https://x/requests-2.31.0-py3-none-any.whl":       "requests",
		"https://x/requests-2.31.0-py3-none-any.whl#sha=1": "requests",
		"./pkgs/zope.interface-6.0.tar.gz":                 "zope.interface",
		"./pkgs/python-dateutil-2.9.0.zip":                 "python-dateutil",
		"https://x/archive/main.zip":                       "",
		".":                                                "",
	} {
		if got := nameFromURL(in); got != want {
			t.Errorf("nameFromURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParseRequirements(f *testing.F) {
	for _, s := range []string{
		"boto3==1.34.0\nrequests>=2 # c\n",
		"PyYAML[libyaml] (>=6,<7) ; python_version < \"3.12\"\n",
		"a==1 \\\n --hash=sha256:x\n",
		"-r base.txt\n-c c.txt\n-e git+https://x/y#egg=z\n",
		"name @ https://x/y.whl ; os_name == \"posix\"\n",
		"./vendor/pkg-1.0.tar.gz\n",
		"\ufeffx\r\n\\",
		"\xff\xfer\x00e\x00q\x00=\x00=\x001\x00\r\x00\n\x00",
		"\xfe\xff\x00a\x00\n",
		"\x00\x00\xfe\xff\x00\x00\x00a",
		"# -*- coding: latin-1 -*-\nna\xefve==1\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		reqs, probs := ParseRequirements(data, "fuzz.txt")
		lines := strings.Count(string(data), "\n") + 1
		for _, r := range reqs {
			if r.Line < 1 || r.Line > lines {
				t.Fatalf("line %d out of range 1..%d", r.Line, lines)
			}
			if r.IsInclude() {
				if r.Name != "" {
					t.Fatalf("include with a name: %+v", r)
				}
				continue
			}
			if r.Name == "" || r.Normalized != Normalize(r.Name) {
				t.Fatalf("bad name: %+v", r)
			}
			if utf8.ValidString(string(data)) && strings.ContainsAny(r.Specifier, " \t()") {
				t.Fatalf("specifier not cleaned: %q", r.Specifier)
			}
		}
		for _, p := range probs {
			if p.Line < 1 || p.Line > lines || p.File != "fuzz.txt" || p.Message == "" {
				t.Fatalf("bad problem %+v", p)
			}
		}
	})
}

// TestDecodeRequirements: pip reads a requirements file through auto_decode (a BOM
// decides; then a PEP 263 comment; then the locale's UTF-8). Each want was checked with
// pip's own auto_decode (python3 -c "from pip._internal.utils.encoding import auto_decode").
func TestDecodeRequirements(t *testing.T) {
	utf16le := func(s string) []byte {
		out := []byte{0xFF, 0xFE}
		for _, r := range utf16.Encode([]rune(s)) {
			out = append(out, byte(r), byte(r>>8))
		}
		return out
	}
	utf16be := func(s string) []byte {
		out := []byte{0xFE, 0xFF}
		for _, r := range utf16.Encode([]rune(s)) {
			out = append(out, byte(r>>8), byte(r))
		}
		return out
	}
	for _, c := range []struct {
		in   []byte
		want string
	}{
		{utf16le("# PowerShell\r\nrequests==2.32.3\r\n"), "# PowerShell\r\nrequests==2.32.3\r\n"},
		{utf16be("tabulate==0.9.0\n"), "tabulate==0.9.0\n"},
		{utf16le("caf\u00e9-lib\U0001F600\n"), "caf\u00e9-lib\U0001F600\n"},
		{append([]byte{0xEF, 0xBB, 0xBF}, "PyYAML==6.0.2\n"...), "PyYAML==6.0.2\n"},
		{[]byte{0, 0, 0xFE, 0xFF, 0, 0, 0, 'a'}, "a"},
		{[]byte("# -*- coding: latin-1 -*-\nna\xefve\n"), "# -*- coding: latin-1 -*-\nna\u00efve\n"},
		{[]byte("boto3\n"), "boto3\n"},
	} {
		if got := DecodeRequirements(c.in); got != c.want {
			t.Errorf("DecodeRequirements(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	reqs, probs := ParseRequirements(utf16le("# saved by PowerShell\r\nrequests==2.32.3\r\nboto3\r\n"), "r.txt")
	if len(probs) != 0 || len(reqs) != 2 || reqs[0].Name != "requests" || reqs[0].Line != 2 || reqs[1].Name != "boto3" {
		t.Errorf("UTF-16 requirements: %+v %+v", reqs, probs)
	}
}
