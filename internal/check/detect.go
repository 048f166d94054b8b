package check

import (
	"fmt"
	"os"
	"path"
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
	// Also names source the detector saw but did not check because built output exists
	// (or, with --source, the build output it did not check).
	Also string
	// source is the template sam build read, for a built SAM app: its packages are
	// compared with their copies in the build (stale build, LK409).
	source string
	load   func(iac.Options) (*model.App, error)
	// opts is what the loader is given: DetectOptions.Load.
	opts iac.Options
}

// Load reads the input.
func (in Input) Load() (*model.App, error) { return in.load(in.opts) }

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
	d, err := DetectAll(p, DetectOptions{Kind: kind, Template: template})
	return d.Root, d.Inputs, err
}

// DetectOptions say what to look for.
type DetectOptions struct {
	// Kind forces a front-end ("sam", "cdk", "terraform", "serverless"); "" finds all.
	Kind string
	// Template forces the template file inside PATH.
	Template string
	// Exclude skips what matches these globs when looking for IaC roots.
	Exclude []string
	// Source checks a SAM app's source template even when .aws-sam/build exists.
	Source bool
	// Load bounds what the search and the loaders read (check --max-template-size,
	// --max-file-size, --allow-outside) and carries the loaders' own options.
	Load iac.Options
}

// Detection is what PATH holds: the folder findings are relative to, the inputs to
// check, and what the search for them has to say (a CDK app without cdk.out, a bound
// reached), one remark a line.
type Detection struct {
	Root   string
	Inputs []Input
	Notes  []string
}

// DetectAll finds what PATH holds. A file is checked as the input it is; in a folder,
// every IaC root in it and below it is found (see discover), except what matches an
// exclude glob. kind and template override detection.
func DetectAll(p string, o DetectOptions) (Detection, error) {
	d, err := detectAll(p, o)
	for i := range d.Inputs {
		d.Inputs[i].opts = o.Load
	}
	return d, err
}

func detectAll(p string, o DetectOptions) (Detection, error) {
	kind, template := o.Kind, o.Template
	if p == "" {
		p = "."
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return Detection{}, err
	}
	st, err := os.Stat(abs)
	if err != nil {
		return Detection{}, iac.Errorf(model.Pos{}, "cannot read %s: %v", p, errText(err))
	}
	if !st.IsDir() {
		root := filepath.Dir(abs)
		in, err := fileInput(root, abs, kind)
		if err != nil {
			return Detection{}, err
		}
		return Detection{Root: root, Inputs: []Input{in}}, nil
	}
	root := abs
	if template != "" {
		t := template
		if !filepath.IsAbs(t) {
			t = filepath.Join(root, t)
		}
		in, err := fileInput(root, t, kind)
		if err != nil {
			return Detection{}, err
		}
		return Detection{Root: root, Inputs: []Input{in}}, nil
	}
	want := func(k string) bool { return kind == "" || kind == k }
	// PATH is .aws-sam/build or a cloud assembly itself.
	if src := firstExisting(root, templateNames); (want("sam") || want("cloudformation")) && src != "" &&
		filepath.Base(root) == "build" && filepath.Base(filepath.Dir(root)) == ".aws-sam" {
		return Detection{Root: root, Inputs: []Input{samInput(root, filepath.Join(root, src), true, "")}}, nil
	}
	if want("cdk") && isFile(filepath.Join(root, "manifest.json")) && hasTemplateJSON(root) {
		return Detection{Root: root, Inputs: []Input{cdkInput(root, root)}}, nil
	}
	found, notes, err := discover(root, o)
	if err != nil {
		return Detection{}, err
	}
	if len(found) == 0 {
		what := "no template.yaml/.yml/.json (or other template with Lambda resources), .aws-sam/build, cdk.out, Terraform root module or serverless.yml"
		if kind != "" {
			what = "no input of kind " + kind
		}
		msg := fmt.Sprintf("found nothing to check in %s: %s there or in a folder below it (give a template file, or --template)", p, what)
		if len(notes) > 0 {
			msg += "; " + strings.Join(notes, "; ")
		}
		return Detection{}, iac.Errorf(model.Pos{}, "%s", msg)
	}
	return Detection{Root: root, Inputs: found, Notes: notes}, nil
}

func fileInput(root, file, kind string) (Input, error) {
	base := filepath.Base(file)
	switch {
	case kind == "serverless" || strings.HasPrefix(base, "serverless.") && (strings.HasSuffix(base, ".yml") || strings.HasSuffix(base, ".yaml")):
		return serverlessInput(root, file, nil), nil
	case kind == "terraform" || strings.HasSuffix(base, ".tf") || strings.HasSuffix(base, ".tf.json"):
		return terraformInput(root, filepath.Dir(file)), nil
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
		load: func(o iac.Options) (*model.App, error) { return sam.LoadWith(root, file, o) }}
}

// builtSAMInput is a built SAM app whose packages are compared with those of the
// template sam build read (source; "" when unknown).
func builtSAMInput(root, file, source, also string) Input {
	in := samInput(root, file, true, also)
	in.source = source
	if source != "" {
		in.load = func(o iac.Options) (*model.App, error) { return sam.LoadBuilt(root, file, source, o) }
	}
	return in
}

func cdkInput(root, dir string) Input {
	return Input{Kind: "cdk", Source: rel(root, dir), Built: true,
		load: func(o iac.Options) (*model.App, error) { return cdk.LoadWith(root, dir, o) }}
}

func terraformInput(root, dir string) Input {
	return Input{Kind: "terraform", Source: rel(root, dir),
		load: func(o iac.Options) (*model.App, error) { return terraform.LoadWith(root, dir, o) }}
}

func serverlessInput(root, file string, run *serverless.RunBudget) Input {
	return Input{Kind: "serverless", Source: rel(root, file),
		load: func(o iac.Options) (*model.App, error) { return serverless.LoadShared(root, file, run, o) }}
}

// rel names p relative to root with forward slashes (iac.Rel, the loaders' path display).
var rel = iac.Rel

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

func errText(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

// Describe says in one line what was checked, e.g. "SAM template .aws-sam/build/template.yaml
// (built; template.yaml not used)".
func Describe(inputs []Input) string {
	return strings.Join(describeEach(inputs), ", ")
}

// Roots says what was checked one input a line, when the inputs come from more than one
// folder (a repository with several IaC roots); nil otherwise.
func Roots(inputs []Input) []string {
	dirs := map[string]bool{}
	for _, in := range inputs {
		dirs[in.dir()] = true
	}
	if len(dirs) < 2 {
		return nil
	}
	return describeEach(inputs)
}

// dir is the project folder of the input, relative to the root: the folder holding the
// template (and .aws-sam), cdk.out or serverless.yml, the Terraform folder.
func (in Input) dir() string {
	d := in.Source
	switch in.Kind {
	case "sam":
		d = path.Dir(d)
		if in.Built && path.Base(d) == "build" && path.Base(path.Dir(d)) == ".aws-sam" {
			d = path.Dir(path.Dir(d))
		}
	case "cdk", "serverless":
		d = path.Dir(d)
	}
	return d
}

func describeEach(inputs []Input) []string {
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
			s += " (source: modelling sam build"
			if in.Also != "" {
				s += "; build " + in.Also + " not used"
			}
			s += ")"
		}
		parts = append(parts, s)
	}
	sort.Strings(parts)
	return parts
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
