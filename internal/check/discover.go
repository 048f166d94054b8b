package check

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"github.com/layerkit/layerkit/internal/iac/serverless"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/iac/cfn"
	"github.com/layerkit/layerkit/internal/iac/sam"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/tree"
)

// Discovery bounds: a repository is walked at most this deep, through at most this many
// folder entries, and at most this many candidate templates are read to see whether
// they hold Lambda resources. Past a bound the walk stops and says so.
const (
	maxWalkDepth   = 12
	maxWalkEntries = 100_000
	maxSniffFiles  = 4_000
	maxSniffSize   = 1 << 20
)

// skipDirs are folders that never hold an IaC root of the repository: dependencies,
// caches, tool state and build output. Hidden folders (.git, .terraform, .serverless,
// .aws-sam, .venv, ...) are skipped too; .aws-sam/build is looked at from the folder
// that holds it.
var skipDirs = map[string]bool{
	"node_modules": true, "bower_components": true, "jspm_packages": true,
	"venv": true, "virtualenv": true, "site-packages": true, "dist-packages": true,
	"__pycache__": true, "vendor": true, "cdk.out": true,
}

// lambdaTypes are the resource types that make a CloudFormation template worth checking
// (nested stacks too: their children hold the functions).
var lambdaTypes = [][]byte{
	[]byte("AWS::Serverless::Function"), []byte("AWS::Lambda::Function"),
	[]byte("AWS::Serverless::LayerVersion"), []byte("AWS::Lambda::LayerVersion"),
	[]byte("AWS::Serverless::Application"), []byte("AWS::CloudFormation::Stack"),
}

var (
	tfLambdaRE = regexp.MustCompile(`resource\s+"aws_lambda_(function|layer_version)"|"aws_lambda_(function|layer_version)"\s*:`)
	tfModuleRE = regexp.MustCompile(`(?m)^\s*module\s+"[^"]*"\s*\{|"module"\s*:`)
	tfSourceRE = regexp.MustCompile(`\bsource"?\s*[=:]\s*"(\.\.?/[^"]*)"`)
)

// walk is one discovery of the IaC roots below a folder.
type walk struct {
	root    string // absolute
	kind    string
	exclude []string
	source  bool // --source: the source template, not .aws-sam/build
	lim     iac.Limits

	entries, sniffed int
	stopped          string // why the walk stopped early, "" when it did not
	tooDeep          bool

	templates []string // CloudFormation/SAM templates with Lambda resources (absolute)
	parsed    map[string]*cfn.Template
	data      map[string][]byte // what each template of parsed was parsed from, when sniff read it
	built     []string          // folders holding .aws-sam/build/template.yaml
	tf        map[string]*tfDir
	sls       []string // serverless.yml files
	cdkOuts   []string // cdk.out folders
	cdkApps   []string // CDK apps (cdk.json) with no cdk.out, relative
	notes     []string
}

type tfDir struct {
	lambda, modules bool
	uses            []string // local module folders it calls (absolute)
}

// discover finds the IaC roots in root and below it.
func discover(root string, o DetectOptions) ([]Input, []string, error) {
	w := &walk{root: root, kind: o.Kind, exclude: o.Exclude, source: o.Source, lim: o.Load.Limits, parsed: map[string]*cfn.Template{}, data: map[string][]byte{}, tf: map[string]*tfDir{}}
	w.dir(root, 0)
	if n := len(w.cdkApps); n == 1 {
		w.notes = append(w.notes, fmt.Sprintf("%s is a CDK app with no cdk.out: run cdk synth there to have it checked", w.cdkApps[0]))
	} else if n > 1 {
		shown, more := w.cdkApps, ""
		if n > 5 {
			shown, more = shown[:5], fmt.Sprintf(" and %d more", n-5)
		}
		w.notes = append(w.notes, fmt.Sprintf("%d CDK apps have no cdk.out (%s%s): run cdk synth in each to have it checked", n, strings.Join(shown, ", "), more))
	}
	if w.stopped != "" {
		w.notes = append(w.notes, fmt.Sprintf("stopped looking for IaC roots: %s; give the folder of the app to check, or --exclude what is not one", w.stopped))
	}
	return w.inputs(), w.notes, nil
}

func (w *walk) want(k string) bool {
	return w.kind == "" || w.kind == k || k == "sam" && w.kind == "cloudformation"
}

func (w *walk) excluded(rel string) bool {
	for _, g := range w.exclude {
		if ok, _ := path.Match(g, rel); ok {
			return true
		}
		if !strings.Contains(g, "/") {
			if ok, _ := path.Match(g, path.Base(rel)); ok {
				return true
			}
		}
	}
	return false
}

func (w *walk) dir(dir string, depth int) {
	if w.stopped != "" {
		return
	}
	entries, err := tree.ReadDirTypes(dir)
	if err != nil {
		if depth == 0 {
			return
		}
		w.notes = append(w.notes, fmt.Sprintf("cannot read %s: %s", rel(w.root, dir), errText(err)))
		return
	}
	w.entries += len(entries)
	if w.entries > maxWalkEntries {
		w.stopped = fmt.Sprintf("more than %d files and folders", maxWalkEntries)
		return
	}
	// entries are sorted by name: names is a binary search.
	names := func(name string) bool {
		_, ok := slices.BinarySearchFunc(entries, name, func(e tree.DirEntry, n string) int { return strings.Compare(e.Name, n) })
		return ok
	}
	if depth > 0 && names("pyvenv.cfg") {
		return // a virtualenv
	}
	if depth > 0 && slices.ContainsFunc(entries, func(e tree.DirEntry) bool {
		return e.IsDir() && strings.HasSuffix(e.Name, ".dist-info")
	}) {
		return // installed packages (pip install -t): vendored dependencies
	}
	if names(".aws-sam") && isFile(filepath.Join(dir, ".aws-sam", "build", "template.yaml")) && w.want("sam") {
		w.built = append(w.built, dir)
	}
	if names("cdk.out") && w.want("cdk") && !w.excluded(rel(w.root, filepath.Join(dir, "cdk.out"))) {
		if isFile(filepath.Join(dir, "cdk.out", "manifest.json")) {
			w.cdkOuts = append(w.cdkOuts, filepath.Join(dir, "cdk.out"))
		}
	} else if names("cdk.json") && w.want("cdk") {
		w.cdkApps = append(w.cdkApps, rel(w.root, dir))
	}
	var tf *tfDir
	for _, e := range entries {
		name := e.Name
		p := filepath.Join(dir, name)
		if len(w.exclude) > 0 && w.excluded(rel(w.root, p)) {
			continue
		}
		if e.IsDir() {
			if strings.HasPrefix(name, ".") || skipDirs[name] || e.Type&os.ModeSymlink != 0 {
				continue
			}
			if depth+1 > maxWalkDepth {
				if !w.tooDeep {
					w.tooDeep = true
					w.notes = append(w.notes, fmt.Sprintf("did not look below %s (deeper than %d folders); give that folder to check what it holds", rel(w.root, p), maxWalkDepth))
				}
				continue
			}
			w.dir(p, depth+1)
			continue
		}
		// Other entries (a FIFO, a symlink) are taken by name: reading them refuses what
		// is not a regular file, and the loader names the file.
		switch {
		case name == "serverless.yml" || name == "serverless.yaml":
			if w.want("serverless") && (name == "serverless.yml" || !names("serverless.yml")) {
				w.sls = append(w.sls, p)
			}
		case name == "serverless.ts" || name == "serverless.js" || name == "serverless.json":
			if w.want("serverless") && !names("serverless.yml") && !names("serverless.yaml") {
				w.notes = append(w.notes, fmt.Sprintf("%s is not read (layerkit reads serverless.yml); its functions are not checked: run serverless print > serverless.print.yml there and check that file with --kind serverless", rel(w.root, p)))
			}
		case strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tf.json"):
			if !w.want("terraform") {
				continue
			}
			if tf == nil {
				tf = &tfDir{}
				w.tf[dir] = tf
			}
			w.readTF(tf, dir, p)
		case isTemplateName(name):
			if w.want("sam") {
				w.sniff(p, depth == 0 && slices.Contains(templateNames, name))
			}
		}
	}
}

// isTemplateName: the files that may be CloudFormation/SAM templates.
func isTemplateName(name string) bool {
	switch name {
	case "package.json", "package-lock.json", "composer.json", "cdk.json", "cdk.context.json", "tsconfig.json", "samconfig.yaml", "samconfig.yml":
		return false
	}
	if strings.HasPrefix(name, "serverless.") || strings.HasPrefix(name, "docker-compose") || strings.HasPrefix(name, "tsconfig") {
		return false
	}
	for _, ext := range []string{".yaml", ".yml", ".json", ".template"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

// sniff keeps p when it is a template with Lambda resources. A file named template.* in
// PATH itself is kept whatever it holds (the loader says what is wrong with it, as
// without discovery); below PATH, a template without Lambda resources is not a root.
func (w *walk) sniff(p string, named bool) {
	if !named {
		if w.sniffed >= maxSniffFiles {
			if w.stopped == "" {
				w.stopped = fmt.Sprintf("more than %d YAML/JSON files to look into", maxSniffFiles)
			}
			return
		}
		if st, err := os.Stat(p); err != nil || st.Size() > maxSniffSize {
			return
		}
		w.sniffed++
	}
	data, err := w.lim.ReadConfig(p)
	if err != nil {
		if named {
			w.templates = append(w.templates, p)
		}
		return
	}
	if !named && (!bytes.Contains(data, []byte("Resources")) || !slices.ContainsFunc(lambdaTypes, func(t []byte) bool { return bytes.Contains(data, t) })) {
		return
	}
	// One that cannot be parsed is a root all the same: its loader says what is wrong.
	if t, err := cfn.Parse(data, rel(w.root, p)); err == nil {
		w.parsed[p] = t
		w.data[p] = data
	}
	w.templates = append(w.templates, p)
}

func (w *walk) readTF(tf *tfDir, dir, p string) {
	data, err := w.lim.ReadConfig(p)
	if err != nil {
		return // the loader reports it when the folder is checked
	}
	if tfLambdaRE.Match(data) {
		tf.lambda = true
	}
	if tfModuleRE.Match(data) {
		tf.modules = true
	}
	for _, m := range tfSourceRE.FindAllSubmatch(data, -1) {
		tf.uses = append(tf.uses, filepath.Clean(filepath.Join(dir, string(m[1]))))
	}
}

// inputs turns what the walk found into the inputs to check, without duplicates: a
// template another template nests, the source of a built app, a folder another uses as
// a Terraform module, a copy of a cdk.out.
func (w *walk) inputs() []Input {
	var found []Input
	// Nested stacks are loaded with their parent.
	nested := map[string]bool{}
	for p, t := range w.parsed {
		for _, c := range nestedTemplates(t, filepath.Dir(p)) {
			if c != p {
				nested[c] = true
			}
		}
	}
	// SAM: the built output wins over its source template, as in one folder before
	// (with --source, the source template wins).
	used := map[string]bool{}
	var builtSets []builtSet
	for _, dir := range w.built {
		built := filepath.Join(dir, ".aws-sam", "build", "template.yaml")
		var sources []string
		builtIDs := w.functionIDs(built)
		if len(builtIDs) > 0 {
			builtSets = append(builtSets, builtSet{dir: dir, ids: builtIDs, file: rel(w.root, built)})
		}
		for _, t := range w.templates {
			d := filepath.Dir(t)
			switch {
			case d == dir && slices.Contains(templateNames, filepath.Base(t)):
			case iac.Within(dir, t) && len(builtIDs) > 0 && sameIDs(builtIDs, w.functionIDs(t)):
				// sam build -t infra/stack.yaml writes .aws-sam where it runs
			default:
				continue
			}
			sources = append(sources, t)
		}
		if w.source && len(sources) > 0 {
			for _, t := range sources {
				in := samInput(w.root, t, false, "")
				in.Also = rel(w.root, built)
				found = append(found, in)
				used[t] = true
			}
			continue
		}
		var also []string
		for _, t := range sources {
			used[t] = true
			also = append(also, rel(w.root, t))
		}
		sort.Strings(also)
		src := ""
		if len(sources) == 1 {
			src = sources[0]
		}
		found = append(found, builtSAMInput(w.root, built, src, strings.Join(also, ", ")))
	}
	for _, t := range w.templates {
		if used[t] || nested[t] {
			continue
		}
		if whole := w.fragmentOf(t); whole != "" {
			w.notes = append(w.notes, fmt.Sprintf("%s is a part of %s (it has no AWSTemplateFormatVersion or Transform, and every resource it defines is in %s): checked there", rel(w.root, t), rel(w.root, whole), rel(w.root, whole)))
			continue
		}
		in := samInput(w.root, t, false, "")
		if tpl, data := w.parsed[t], w.data[t]; tpl != nil && data != nil {
			// The loader takes the template as parsed here when the file is unchanged.
			var pre atomic.Pointer[sam.Parsed]
			pre.Store(&sam.Parsed{Data: data, T: tpl})
			root, file := w.root, t
			in.load = func(o iac.Options) (*model.App, error) { return sam.LoadParsed(root, file, pre.Swap(nil), o) }
		}
		found = append(found, in)
	}
	// cdk.out: one per cloud assembly; of copies (the same manifest and templates), the
	// one nearest the root.
	outs := slices.Clone(w.cdkOuts)
	sort.SliceStable(outs, func(i, j int) bool {
		return strings.Count(rel(w.root, outs[i]), "/") < strings.Count(rel(w.root, outs[j]), "/")
	})
	seen := map[[32]byte]string{}
	for _, d := range outs {
		if b, ok := w.builtFromAssembly(d, builtSets); ok {
			w.notes = append(w.notes, fmt.Sprintf("%s was built by sam build into %s; the build is checked", rel(w.root, d), b))
			continue
		}
		if h, ok := assemblyHash(w.lim, d); ok {
			if first, dup := seen[h]; dup {
				w.notes = append(w.notes, fmt.Sprintf("%s is a copy of %s; checked once", rel(w.root, d), rel(w.root, first)))
				continue
			}
			seen[h] = d
		}
		found = append(found, cdkInput(w.root, d))
	}
	// The services of one repository share a budget for their variables, on top of
	// each one's own: 300 services just under their bounds would still take minutes.
	run := serverless.NewRunBudget()
	for _, f := range w.sls {
		found = append(found, serverlessInput(w.root, f, run))
	}
	// Terraform root modules: folders with Lambda resources or module calls that no
	// other folder calls as a module.
	called := map[string]bool{}
	for _, tf := range w.tf {
		for _, u := range tf.uses {
			if _, ok := w.tf[u]; ok {
				called[u] = true
			}
		}
	}
	var tfRoots []string
	for dir, tf := range w.tf {
		if (tf.lambda || tf.modules) && !called[dir] {
			tfRoots = append(tfRoots, dir)
		}
	}
	if len(tfRoots) == 0 && len(found) == 0 && w.tf[w.root] != nil {
		tfRoots = append(tfRoots, w.root) // as before discovery: a Terraform folder is checked
	}
	for _, dir := range tfRoots {
		found = append(found, terraformInput(w.root, dir))
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].Source < found[j].Source })
	return found
}

// builtSet is the function and layer ids of a .aws-sam/build template.
type builtSet struct {
	dir, file string
	ids       []string
}

// builtFromAssembly reports whether sam build built a stack of the cloud assembly out
// (sam build -t cdk.out/Stack.template.json): a .aws-sam/build beside it whose
// template has the same Lambda logical ids as one of its stacks.
func (w *walk) builtFromAssembly(out string, built []builtSet) (string, bool) {
	names, _ := filepath.Glob(filepath.Join(out, "*.template.json"))
	for _, b := range built {
		if filepath.Dir(out) != b.dir {
			continue // sam build runs in the CDK app's folder, beside cdk.out
		}
		for _, n := range names {
			if sameIDs(b.ids, w.functionIDs(n)) {
				return b.file, true
			}
		}
	}
	return "", false
}

// assemblyHash identifies a cloud assembly by its manifest and templates.
func assemblyHash(lim iac.Limits, dir string) ([32]byte, bool) {
	h := sha256.New()
	names, _ := filepath.Glob(filepath.Join(dir, "*.template.json"))
	sort.Strings(names)
	for _, n := range append([]string{filepath.Join(dir, "manifest.json")}, names...) {
		data, err := lim.ReadConfig(n)
		if err != nil {
			return [32]byte{}, false
		}
		fmt.Fprintf(h, "%s %d\n", filepath.Base(n), len(data))
		h.Write(data)
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum, true
}

// nestedTemplates are the local templates t nests (AWS::Serverless::Application
// Location, AWS::CloudFormation::Stack TemplateURL given as a path), absolute.
func nestedTemplates(t *cfn.Template, dir string) []string {
	var out []string
	for _, r := range t.Resources {
		var loc *cfn.Value
		switch r.Type {
		case "AWS::Serverless::Application":
			loc = r.Properties.Get("Location")
		case "AWS::CloudFormation::Stack":
			loc = r.Properties.Get("TemplateURL")
		default:
			continue
		}
		p, ok := loc.String()
		if !ok || p == "" || strings.Contains(p, "://") || strings.HasPrefix(p, "s3:") {
			continue
		}
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		out = append(out, filepath.Clean(p))
	}
	return out
}

// fragmentOf returns the template that template p is a part of, "" when none: a file of
// resources a script joins into the template that is deployed (field test:
// Magikon/sam-lambda, yaml/functions.yml and its siblings cat into template.yaml). p has no
// AWSTemplateFormatVersion or Transform of its own, and another template defines every
// resource p defines, with the same type, and is a whole template itself (it has one of
// those keys, or more resources than p).
func (w *walk) fragmentOf(p string) string {
	t := w.parsed[p]
	if t == nil || len(t.Resources) == 0 || t.Section("AWSTemplateFormatVersion") != nil || t.Section("Transform") != nil {
		return ""
	}
	for _, q := range w.templates {
		u := w.parsed[q]
		if q == p || u == nil {
			continue
		}
		if u.Section("AWSTemplateFormatVersion") == nil && u.Section("Transform") == nil && len(u.Resources) <= len(t.Resources) {
			continue
		}
		all := true
		for _, r := range t.Resources {
			if o := u.Resource(r.Name); o == nil || o.Type != r.Type {
				all = false
				break
			}
		}
		if all {
			return q
		}
	}
	return ""
}

// functionIDs are the logical ids of the Lambda functions and layers of template p.
func (w *walk) functionIDs(p string) []string {
	t := w.parsed[p]
	if t == nil {
		data, err := w.lim.ReadConfig(p)
		if err != nil {
			return nil
		}
		if t, err = cfn.Parse(data, rel(w.root, p)); err != nil {
			return nil
		}
		w.parsed[p] = t
	}
	var ids []string
	for _, r := range t.Resources {
		if cfn.IsFunction(r.Type) || cfn.IsLayer(r.Type) {
			ids = append(ids, r.Name)
		}
	}
	sort.Strings(ids)
	return ids
}

func sameIDs(a, b []string) bool { return slices.Equal(a, b) }
