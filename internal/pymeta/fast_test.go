package pymeta

import (
	"path"
	"regexp"
	"strings"
	"testing"

	pep440 "github.com/aquasecurity/go-pep440-version"

	"github.com/layerkit/layerkit/internal/tree"
)

// The fast paths (Normalize on a normalized name, versionCmp on a non-version,
// inSite on a clean name) give what the slow paths give.

var fastInputs = []string{
	"", "a", "requests", "Requests", "typing-extensions", "typing_extensions", "zope.interface",
	"a--b", "-a", "a-", "A-b", "ruamel.yaml.clib", "x86-64", "café", "linux", "win32", " 3.12",
	"v1.0", "V2", "\t1", "1.0", "1!2.0", "vv1", "v", ".1", "x",
}

func TestNormalizeFastPath(t *testing.T) {
	slow := regexp.MustCompile(`[-_.]+`) // PEP 503, as pydist.Normalize's slow path
	for _, s := range fastInputs {
		if got, want := Normalize(s), strings.ToLower(slow.ReplaceAllString(s, "-")); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestMayBeVersion(t *testing.T) {
	for _, s := range fastInputs {
		if _, err := pep440.Parse(s); err == nil && !mayBeVersion(s) {
			t.Errorf("mayBeVersion(%q) = false, but pep440 parses it", s)
		}
	}
}

func TestInSiteFastPath(t *testing.T) {
	slow := func(dir, p string) (string, bool) {
		p = strings.ReplaceAll(p, "\\", "/")
		if p == "" || strings.HasPrefix(p, "/") {
			return "", false
		}
		c := path.Clean(p)
		if c == "." || c == ".." || strings.HasPrefix(c, "../") {
			return "", false
		}
		return path.Join(dir, c), true
	}
	names := []string{"a.py", "pkg/a.py", "pkg/", "./a.py", "pkg//a.py", "../bin/x", "pkg/../a.py", "..",
		".", "/abs", "a\\b.py", "pkg/./a", "a/.hidden", "...", "a/..b", ""}
	for _, dir := range []string{"", "python", "python/lib/python3.12/site-packages", ".", "a/", "a//b"} {
		for _, p := range names {
			gn, gok := inSite(dir, p)
			wn, wok := slow(dir, p)
			if gn != wn || gok != wok {
				t.Errorf("inSite(%q, %q) = %q, %v; want %q, %v", dir, p, gn, gok, wn, wok)
			}
		}
	}
}

// A folder Prefetch started is read once: Read waits for it and gets the same
// distributions, and a second Prefetch does not read again.
func TestCachePrefetchReadsOnce(t *testing.T) {
	site := tree.NewMap("layer", map[string]string{
		"python/a-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: a\nVersion: 1.0\n",
		"python/b-2.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: b\nVersion: 2.0\n",
	})
	var c Cache
	c.Prefetch(site, "python")
	c.Prefetch(site, "python")
	got := c.Read(site, "python")
	again := c.Read(site, "python")
	if len(got) != 2 || got[0].Name != "a" || got[1].Name != "b" {
		t.Fatalf("Read after Prefetch = %v", got)
	}
	if &got[0] != &again[0] {
		t.Errorf("a second Read read the folder again")
	}
}
