package sam

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/tree"
)

// FuzzMakefile: any Makefile text and command line: recipe extraction, variable
// expansion, pip-install and cp parsing, prerequisites, and the layer tree the copies
// make never panic or hang, and every copy lands under $(ARTIFACTS_DIR).
func FuzzMakefile(f *testing.F) {
	f.Add("PIP ?= pip\nREQ = requirements.txt\nbuild-Fn:\n\t$(PIP) install -r $(REQ) -t \"$(ARTIFACTS_DIR)/python\" \\\n\t  boto3==1.0\n\tcp *.py $(ARTIFACTS_DIR)\n", "build-Fn")
	f.Add("A = $(B)\nB = $(A)\nC := ${C}${C}${C}\nbuild-X: ; pip install x && pip3 install -t t y\n", "build-X")
	f.Add("build-L:\n\tpython -m pip install --target=$(ARTIFACTS_DIR) -e . ; uv pip install --target x 'a[b]>=1'\n", "build-L")
	f.Add("ARTIFACTS_DIR ?= build\nD := $(ARTIFACTS_DIR)/python\nbuild-S: pre other\n\tmkdir -p \"$(D)\"\n\tcp -r shared \"$(D)/\"\n\tcp -R lib/* $(D)\n\tcp -r . $(D)/x\n\trm -rf \"$(D)/tests\" || true\n", "build-S")
	f.Add("build-G:\n\tcp -a ../up $(ARTIFACTS_DIR)\n\tcp src/*/x.py $(ARTIFACTS_DIR)/python\n\tcp -r a b c \"${ARTIFACTS_DIR}/python/../../etc\"\n", "build-G")
	f.Fuzz(func(t *testing.T, makefile, target string) {
		vars := makeVars(makefile)
		for _, cmd := range recipe(makefile, target) {
			pipInstall(expand(cmd, vars, 0))
		}
		id := strings.TrimPrefix(target, "build-")
		src := tree.NewMap("fuzz", map[string]string{"Makefile": makefile, "shared/a.py": "", "lib/b.py": "", "x.py": ""})
		mb := readMakeBuild(src, id)
		prerequisites(src, target)
		_ = mb.describe()
		for _, c := range mb.copies {
			if c.dst != "" && !filepath.IsLocal(c.dst) { // ..0 is a name in the folder, ../x is not
				t.Fatalf("copy lands outside $(ARTIFACTS_DIR): %+v", c)
			}
			c.matches(src)
			_ = tree.Walk(c.tree(src), "", func(string, tree.Info) error { return nil })
		}
	})
}
