package terraform

import (
	"path/filepath"
	"testing"

	"github.com/layerkit/layerkit/internal/iac"
)

// The run steps of a repository's workflows, with the folder each runs in: the step's
// working-directory, else the job's, else the workflow's defaults; steps using ${{ }}
// values (known only to the runner) and files that are not valid YAML are skipped.
func TestReadWorkflows(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		".github/workflows/a.yml": `
defaults:
  run:
    working-directory: top
jobs:
  b:
    defaults:
      run:
        working-directory: jobdir
    steps:
      - run: zip -r x.zip .
      - name: own
        working-directory: stepdir
        run: echo hi
  a:
    steps:
      - uses: actions/checkout@v4
      - run: zip -r ${{ runner.temp }}/x.zip .
      - name: plain
        run: |
          cd lambda
          zip -r ../y.zip .
`,
		".github/workflows/bad.yaml":  "jobs: [\n",
		".github/workflows/notes.txt": "jobs: {}\n",
	})
	got := readWorkflows(iac.Limits{}, root)
	want := []struct{ name, wd string }{
		{`"plain"`, "top"},
		{`"zip -r x.zip ."`, "jobdir"},
		{`"own"`, "stepdir"},
	}
	if len(got) != len(want) {
		t.Fatalf("steps = %+v", got)
	}
	for i, w := range want {
		if got[i].name != w.name || got[i].wd != filepath.Join(root, w.wd) || got[i].file != ".github/workflows/a.yml" {
			t.Errorf("step %d = %+v, want %s in %s", i, got[i], w.name, w.wd)
		}
	}
}
