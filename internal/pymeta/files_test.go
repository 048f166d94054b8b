package pymeta

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/tree"
)

// recordDist is a distribution whose RECORD lists n Python files and two compiled
// ones (with top_level.txt when tops).
func recordDist(n int, tops bool) tree.Tree {
	var rec strings.Builder
	for i := range n {
		fmt.Fprintf(&rec, "pkg/m%d.py,sha256=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG,%d\n", i, i)
	}
	rec.WriteString("pkg/_c.cpython-312-x86_64-linux-gnu.so,,1\n../../bin/tool,,3\npkg.libs/libz-1a2b.so.1.2,,2\n./pkg/../pkg/x.py,,4\n")
	files := map[string]string{
		"site/pkg-1.0.dist-info/METADATA": "Name: pkg\nVersion: 1.0\n",
		"site/pkg-1.0.dist-info/RECORD":   rec.String(),
	}
	if tops {
		files["site/pkg-1.0.dist-info/top_level.txt"] = "pkg\n"
	}
	return tree.NewMap("m", files)
}

// What the rules ask of every distribution (its compiled files, whether it lists any)
// is read once and kept; the list itself is read again when asked, never kept.
func TestDistFiles(t *testing.T) {
	for _, tops := range []bool{true, false} {
		d := ReadDists(recordDist(3, tops), "site")[0]
		if !reflect.DeepEqual(d.TopLevel, []string{"pkg"}) {
			t.Errorf("tops %v: TopLevel %q", tops, d.TopLevel)
		}
		want := []string{"site/pkg/_c.cpython-312-x86_64-linux-gnu.so", "site/pkg.libs/libz-1a2b.so.1.2"}
		if got := d.CompiledFiles(); !reflect.DeepEqual(got, want) || !d.ListsFiles() {
			t.Errorf("tops %v: CompiledFiles %q, ListsFiles %v", tops, got, d.ListsFiles())
		}
		all := []string{"site/pkg/m0.py", "site/pkg/m1.py", "site/pkg/m2.py", want[0], want[1], "site/pkg/x.py"}
		if got := d.Files(); !reflect.DeepEqual(got, all) {
			t.Errorf("tops %v: Files %q", tops, got)
		}
		py := d.FilesWhere(func(rel string) bool { return strings.HasSuffix(rel, ".py") })
		if !reflect.DeepEqual(py, []string{all[0], all[1], all[2], all[5]}) {
			t.Errorf("tops %v: FilesWhere(.py) %q", tops, py)
		}
	}
	none := ReadDists(tree.NewMap("m", map[string]string{"site/x-1.dist-info/METADATA": "Name: x\n"}), "site")[0]
	if none.ListsFiles() || none.CompiledFiles() != nil || none.Files() != nil {
		t.Errorf("no RECORD: %v %q %q", none.ListsFiles(), none.CompiledFiles(), none.Files())
	}
}

// Reading a 20,000-line RECORD for its compiled files allocates for what it keeps, not
// per line (it made a RecordEntry, a path and a joined name for each).
func TestCompiledFilesAllocations(t *testing.T) {
	m := recordDist(20000, true)
	allocs := testing.AllocsPerRun(5, func() {
		d := ReadDists(m, "site")[0]
		if len(d.CompiledFiles()) != 2 {
			t.Fatal(d.CompiledFiles())
		}
	})
	if allocs > 200 {
		t.Errorf("%v allocations to read a distribution and its compiled files", allocs)
	}
}

func BenchmarkCompiledFiles(b *testing.B) {
	m := recordDist(20000, true)
	b.ReportAllocs()
	for b.Loop() {
		ReadDists(m, "site")[0].CompiledFiles()
	}
}
