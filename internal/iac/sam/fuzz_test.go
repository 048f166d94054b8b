package sam

import "testing"

// FuzzMakefile: any Makefile text and command line: recipe extraction, variable
// expansion and pip-install parsing never panic or hang.
func FuzzMakefile(f *testing.F) {
	f.Add("PIP ?= pip\nREQ = requirements.txt\nbuild-Fn:\n\t$(PIP) install -r $(REQ) -t \"$(ARTIFACTS_DIR)/python\" \\\n\t  boto3==1.0\n\tcp *.py $(ARTIFACTS_DIR)\n", "build-Fn")
	f.Add("A = $(B)\nB = $(A)\nC := ${C}${C}${C}\nbuild-X: ; pip install x && pip3 install -t t y\n", "build-X")
	f.Add("build-L:\n\tpython -m pip install --target=$(ARTIFACTS_DIR) -e . ; uv pip install --target x 'a[b]>=1'\n", "build-L")
	f.Fuzz(func(t *testing.T, makefile, target string) {
		vars := makeVars(makefile)
		for _, cmd := range recipe(makefile, target) {
			pipInstall(expand(cmd, vars, 0))
		}
	})
}
