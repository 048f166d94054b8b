package tree

import (
	"fmt"
	"strings"
	"testing"
)

// TestZipDeepNames: names Lambda could not extract (past PATH_MAX under /var/task, a
// segment past NAME_MAX) are skipped; names implying many more folders than entries
// stop being indexed past the bound; the index and a walk stay within the bound's work
// (without it, the 300 chains are 600,000 folders and 1.2 GB of names).
func TestZipDeepNames(t *testing.T) {
	entries := []zipEntry{
		{name: "ok.py", body: "x"},
		{name: strings.Repeat("a/", 30_000) + "x.py"},
		{name: strings.Repeat("b", 256) + "/x.py"},
		{name: strings.Repeat("c/", maxZipName/2-2) + "x.py"}, // just fits
	}
	for i := range 300 { // each a new chain of 2,000 folders
		entries = append(entries, zipEntry{name: fmt.Sprintf("d%d/", i) + strings.Repeat("a/", 2000) + "x.py"})
	}
	data := buildZip(t, entries...)
	z, err := ZipBytes(data, "x.zip")
	if err != nil {
		t.Fatal(err)
	}
	n, bytes := 0, 0
	if err := Walk(z, "", func(name string, _ Info) error { n++; bytes += len(name); return nil }); err != nil {
		t.Fatal(err)
	}
	// The bound is checked before each entry, so the last chain indexed may pass it by
	// one name's folders (maxZipName/2 of them, maxZipName²/4 bytes of their names).
	maxNodes := len(entries) + maxZipExtraFolders + maxZipName/2
	maxBytes := maxZipExtraFolderBytes + 2*len(z.dir.names) + maxZipName*maxZipName/4
	if len(z.nodes) > maxNodes || n > maxNodes || bytes > maxBytes {
		t.Errorf("indexed %d nodes, walked %d names of %d bytes; want at most %d names, %d bytes", len(z.nodes), n, bytes, maxNodes, maxBytes)
	}
	reasons := map[string]string{}
	for _, s := range z.Skips() {
		reasons[s.Name] = s.Reason
	}
	if r := reasons[entries[1].name]; !strings.Contains(r, "4096-byte path limit") {
		t.Errorf("64 KB name: reason %q", r)
	}
	if r := reasons[entries[2].name]; !strings.Contains(r, "255 bytes") {
		t.Errorf("long segment: reason %q", r)
	}
	if _, skipped := reasons[entries[3].name]; skipped || !IsFile(z, entries[3].name) {
		t.Errorf("a name of %d bytes is not indexed", len(entries[3].name))
	}
	deep := 0
	for _, e := range entries[4:] {
		if r, skipped := reasons[e.name]; skipped {
			deep++
			if !strings.Contains(r, "far more folders") {
				t.Errorf("%.20s...: reason %q", e.name, r)
			}
		}
	}
	if deep == 0 || deep == 300 {
		t.Errorf("%d of the 300 deep chains skipped; want the ones past the bound", deep)
	}
	if !IsFile(z, "ok.py") || !IsFile(z, entries[4].name) {
		t.Error("entries before the bound are not indexed")
	}
	t.Logf("%d entries, %d walked (%d bytes of names), %d deep chains skipped", len(entries), n, bytes, deep)
}
