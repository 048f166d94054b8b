package check

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/iac/cdk"
	"github.com/layerkit/layerkit/internal/iac/sam"
	"github.com/layerkit/layerkit/internal/iac/serverless"
	"github.com/layerkit/layerkit/internal/iac/terraform"
	"github.com/layerkit/layerkit/internal/model"
)

// Input is one app found under PATH.
type Input struct {
	Kind   string // sam, cdk, terraform, serverless
	Source string // relative to root
	Built  bool
	// Also names source the detector saw but did not check because built output exists.
	Also string
	load func() (*model.App, error)
}

// Load reads the input.
func (in Input) Load() (*model.App, error) { return in.load() }

// LoadAll reads the inputs, in order; the first that fails stops it.
func LoadAll(inputs []Input) ([]*model.App, error) {
	var apps []*model.App
	for _, in := range inputs {
		app, err := in.Load()
		if err != nil {
			return nil, err
		}
		apps = append(apps, app)
	}
	return apps, nil
}

var templateNames = []string{"template.yaml", "template.yml", "template.json"}

// Detect finds what PATH holds. It returns the root (the folder findings are relative
// to) and the inputs to check. kind and template override detection.
func Detect(p, kind, template string) (string, []Input, error) {
	if p == "" {
		p = "."
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", nil, err
	}
	st, err := os.Stat(abs)
	if err != nil {
		return "", nil, iac.Errorf(model.Pos{}, "cannot read %s: %v", p, errText(err))
	}
	if !st.IsDir() {
		root := filepath.Dir(abs)
		in, err := fileInput(root, abs, kind)
		if err != nil {
			return "", nil, err
		}
		return root, []Input{in}, nil
	}
	root := abs
	if template != "" {
		t := template
		if !filepath.IsAbs(t) {
			t = filepath.Join(root, t)
		}
		in, err := fileInput(root, t, kind)
		if err != nil {
			return "", nil, err
		}
		return root, []Input{in}, nil
	}
	var found []Input
	want := func(k string) bool { return kind == "" || kind == k }
	// SAM: built output wins over the source template.
	if want("sam") || want("cloudformation") {
		built := filepath.Join(root, ".aws-sam", "build", "template.yaml")
		src := firstExisting(root, templateNames)
		if filepath.Base(root) == "build" && filepath.Base(filepath.Dir(root)) == ".aws-sam" && src != "" {
			found = append(found, samInput(root, filepath.Join(root, src), true, ""))
		} else if isFile(built) {
			found = append(found, samInput(root, built, true, src))
		} else if src != "" {
			found = append(found, samInput(root, filepath.Join(root, src), false, ""))
		}
	}
	if want("cdk") {
		if isFile(filepath.Join(root, "cdk.out", "manifest.json")) {
			found = append(found, cdkInput(root, filepath.Join(root, "cdk.out")))
		} else if isFile(filepath.Join(root, "manifest.json")) && hasTemplateJSON(root) {
			found = append(found, cdkInput(root, root))
		}
	}
	if want("serverless") {
		if s := firstExisting(root, []string{"serverless.yml", "serverless.yaml"}); s != "" {
			found = append(found, serverlessInput(root, filepath.Join(root, s)))
		}
	}
	if want("terraform") && hasTerraform(root) {
		found = append(found, Input{Kind: "terraform", Source: ".", Built: false,
			load: func() (*model.App, error) { return terraform.Load(root, root) }})
	}
	if len(found) == 0 {
		what := "no template.yaml/.yml/.json, .aws-sam/build, cdk.out, *.tf or serverless.yml"
		if kind != "" {
			what = "no input of kind " + kind
		}
		return "", nil, iac.Errorf(model.Pos{}, "found nothing to check in %s: %s there (give a template file, or --template)", p, what)
	}
	return root, found, nil
}

func fileInput(root, file, kind string) (Input, error) {
	base := filepath.Base(file)
	switch {
	case kind == "serverless" || strings.HasPrefix(base, "serverless.") && (strings.HasSuffix(base, ".yml") || strings.HasSuffix(base, ".yaml")):
		return serverlessInput(root, file), nil
	case kind == "terraform" || strings.HasSuffix(base, ".tf") || strings.HasSuffix(base, ".tf.json"):
		dir := filepath.Dir(file)
		return Input{Kind: "terraform", Source: rel(root, dir), load: func() (*model.App, error) { return terraform.Load(root, dir) }}, nil
	case kind == "cdk" || base == "manifest.json":
		return cdkInput(root, filepath.Dir(file)), nil
	}
	if !isFile(file) {
		return Input{}, iac.Errorf(model.Pos{File: rel(root, file)}, "no such file")
	}
	built := filepath.Base(filepath.Dir(file)) == "build" && filepath.Base(filepath.Dir(filepath.Dir(file))) == ".aws-sam"
	return samInput(root, file, built, ""), nil
}

func samInput(root, file string, built bool, also string) Input {
	return Input{Kind: "sam", Source: rel(root, file), Built: built, Also: also,
		load: func() (*model.App, error) { return sam.Load(root, file) }}
}

func cdkInput(root, dir string) Input {
	return Input{Kind: "cdk", Source: rel(root, dir), Built: true,
		load: func() (*model.App, error) { return cdk.Load(root, dir) }}
}

func serverlessInput(root, file string) Input {
	return Input{Kind: "serverless", Source: rel(root, file),
		load: func() (*model.App, error) { return serverless.Load(root, file) }}
}

func rel(root, p string) string {
	r, err := filepath.Rel(root, p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(r)
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

func firstExisting(dir string, names []string) string {
	for _, n := range names {
		if isFile(filepath.Join(dir, n)) {
			return n
		}
	}
	return ""
}

func hasTemplateJSON(dir string) bool {
	m, _ := filepath.Glob(filepath.Join(dir, "*.template.json"))
	return len(m) > 0
}

func hasTerraform(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if !e.IsDir() && (strings.HasSuffix(e.Name(), ".tf") || strings.HasSuffix(e.Name(), ".tf.json")) {
			return true
		}
	}
	return false
}

func errText(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

// Describe says in one line what was checked, e.g. "SAM template .aws-sam/build/template.yaml
// (built; template.yaml not used)".
func Describe(inputs []Input) string {
	var parts []string
	for _, in := range inputs {
		s := fmt.Sprintf("%s %s", kindName(in.Kind), in.Source)
		if in.Built {
			s += " (built"
			if in.Also != "" {
				s += "; source " + in.Also + " not used"
			}
			s += ")"
		} else if in.Kind == "sam" {
			s += " (source: modelling sam build)"
		}
		parts = append(parts, s)
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

func kindName(k string) string {
	switch k {
	case "sam":
		return "SAM/CloudFormation template"
	case "cdk":
		return "CDK cloud assembly"
	case "terraform":
		return "Terraform configuration"
	case "serverless":
		return "Serverless Framework config"
	}
	return k
}
