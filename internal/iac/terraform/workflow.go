package terraform

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	yaml "go.yaml.in/yaml/v4"

	"github.com/layerkit/layerkit/internal/iac"
)

// maxWorkflowBytes bounds one workflow file read for its build steps.
const maxWorkflowBytes = 1 << 20

// workflowStep is one `run:` step of a GitHub Actions workflow: its script and the folder
// it runs in.
type workflowStep struct {
	file, name string
	run, wd    string
}

// readWorkflows reads the run steps of root/.github/workflows/*.yml and *.yaml, in file
// order. Unreadable or invalid files are skipped: they only feed a model of a build.
func readWorkflows(lim iac.Limits, root string) []workflowStep {
	dir := filepath.Join(root, ".github", "workflows")
	entries, err := os.ReadDir(dir)
	out := []workflowStep{}
	if err != nil {
		return out
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); !e.IsDir() && (strings.HasSuffix(n, ".yml") || strings.HasSuffix(n, ".yaml")) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		p := filepath.Join(dir, n)
		if st, err := os.Stat(p); err != nil || st.Size() > maxWorkflowBytes {
			continue
		}
		b, err := lim.ReadConfig(p)
		if err != nil {
			continue
		}
		var wf struct {
			Defaults struct {
				Run struct {
					WorkingDirectory string `yaml:"working-directory"`
				} `yaml:"run"`
			} `yaml:"defaults"`
			Jobs map[string]struct {
				Defaults struct {
					Run struct {
						WorkingDirectory string `yaml:"working-directory"`
					} `yaml:"run"`
				} `yaml:"defaults"`
				Steps []struct {
					Name             string `yaml:"name"`
					Run              string `yaml:"run"`
					WorkingDirectory string `yaml:"working-directory"`
				} `yaml:"steps"`
			} `yaml:"jobs"`
		}
		if yaml.Unmarshal(b, &wf) != nil {
			continue
		}
		jobs := make([]string, 0, len(wf.Jobs))
		for j := range wf.Jobs {
			jobs = append(jobs, j)
		}
		sort.Strings(jobs)
		file := iac.Rel(root, p)
		for _, j := range jobs {
			job := wf.Jobs[j]
			for _, s := range job.Steps {
				if s.Run == "" || strings.Contains(s.Run, "${{") {
					continue // expressions: values only the runner knows
				}
				wd := s.WorkingDirectory
				if wd == "" {
					wd = job.Defaults.Run.WorkingDirectory
				}
				if wd == "" {
					wd = wf.Defaults.Run.WorkingDirectory
				}
				if strings.Contains(wd, "${{") {
					continue
				}
				name := s.Name
				if name == "" {
					name = strings.SplitN(strings.TrimSpace(s.Run), "\n", 2)[0]
				}
				out = append(out, workflowStep{file: file, name: "\"" + name + "\"", run: s.Run, wd: filepath.Join(root, filepath.FromSlash(wd))})
			}
		}
	}
	return out
}
