package rules

import (
	"testing"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/tree"
)

// isTargetInstall: a pip install into a folder, in the spellings build files use.
func TestIsTargetInstall(t *testing.T) {
	for line, want := range map[string]bool{
		"\t$(VENV)/bin/pip install -r $< -t $(subst requirements-installed.sentinel,python,$@)": true,
		"pip3 install -r requirements.txt --target ./layer/python":                              true,
		"python -m pip install --target=build/python -r req.txt":                                true,
		"pip install -tpython requests":                                                         true,
		"pip install -r requirements.txt":                                                       false, // into the environment
		"pip install --upgrade pip":                                                             false,
		"tar -tf layer.zip":                                                                     false,
		"pip download -d wheels -r requirements.txt":                                            false,
	} {
		if got := isTargetInstall(line); got != want {
			t.Errorf("%q: %v, want %v", line, got, want)
		}
	}
}

// ownInstall names the pip install of the layer's own folder: on its line, or after a
// `cd` into it; else the first in a file that names the folder.
func TestOwnInstall(t *testing.T) {
	wf := "jobs:\n  build:\n    steps:\n      - run: |\n          cd layers/a\n          python3 -m pip install --target python -r requirements.txt\n      - run: |\n          cd layers/b\n          pip install -t python -r requirements.txt\n"
	project := tree.NewMap("", map[string]string{
		".github/workflows/ci.yml":  wf,
		"Makefile":                  "deps:\n\tpip install -r layers/c/requirements.txt --target=layers/c/python\n",
		"layers/a/requirements.txt": "x\n", "layers/b/requirements.txt": "x\n", "layers/c/requirements.txt": "x\n",
	})
	p := &Pass{Project: project}
	for dir, want := range map[string]string{
		"layers/a/": ".github/workflows/ci.yml:6",
		"layers/b/": ".github/workflows/ci.yml:9",
		"layers/c/": "Makefile:2",
		"other/":    "",
	} {
		l := &model.Layer{Name: dir, Content: &model.Code{Tree: tree.NewMap(dir, nil), Display: dir}}
		if got := ownInstall(p, l); got != want {
			t.Errorf("%s: %q, want %q", dir, got, want)
		}
	}
}
