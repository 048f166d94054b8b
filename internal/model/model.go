// Package model is the one shape every loader produces and every check consumes:
// an App of Functions and Layers, with the source position of everything a finding
// may point at. Loaders (internal/iac/...) fill it; nothing here reads files.
package model

import (
	"github.com/layerkit/layerkit/internal/rulecode"
	"github.com/layerkit/layerkit/internal/tree"
)

// Pos is a place in the user's input. File is relative to the checked PATH, with
// forward slashes. Line and Col are 1-based; 0 means unknown.
type Pos struct {
	File string
	Line int
	Col  int
}

// IsZero reports whether p names no place.
func (p Pos) IsZero() bool { return p.File == "" }

// Severity of a note or finding.
type Severity int

const (
	Info Severity = iota
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "info"
}

// App is one checked application: what a template, cloud assembly, Terraform folder,
// serverless.yml or a set of plain zips describes.
type App struct {
	// Kind names the front-end: "sam", "cloudformation", "cdk", "terraform",
	// "serverless", "artifacts".
	Kind string
	// Source is the file or folder the app was read from, relative to the checked PATH
	// ("template.yaml", ".aws-sam/build/template.yaml", "cdk.out").
	Source string
	// Built is true when the app was read from build output (.aws-sam/build, cdk.out,
	// zips) rather than modelled from sources.
	Built     bool
	Functions []*Function
	Layers    []*Layer
	// Notes are what the loader found that is not an import problem: a Ref to nothing
	// (LK406), an S3 object it cannot read (LK105), a makefile build (info), ...
	Notes []Note
	// Suppressions are the inline ignores the input carries (a resource's Metadata, a
	// comment above a Terraform block, custom.layerkit in serverless.yml, comments in
	// the Python code); the checker applies them to this app's findings.
	Suppressions []Suppression
}

// Suppression is one inline ignore: findings of Codes (every code when empty) at its
// target are dropped. The target is a function's or a layer's findings (Function,
// Layer) and the findings in lines Line to EndLine of File (a resource's lines; a
// single line when EndLine is 0; the whole file when Line is 0), or, with none of
// these set, every finding of the app.
type Suppression struct {
	Codes    []rulecode.Code
	Reason   string
	Pos      Pos // where the suppression is written
	Function string
	Layer    string
	File     string
	Line     int
	EndLine  int
}

// Note is a finding raised by a loader, under the code of the rule it belongs to.
type Note struct {
	Code     rulecode.Code
	Severity Severity
	Function string // logical id, "" when not about one function
	Layer    string // logical id, "" when not about one layer
	Pos      Pos
	Message  string
	Hint     string
	// Fix is the change that resolves it, when the loader knows one (model.Fix).
	Fix *Fix
}

// Function is one Lambda function.
type Function struct {
	Name string // logical id / resource name / function key
	Kind string // front-end kind, as App.Kind (set per function when one folder has several)
	Pos  Pos    // the resource's first line

	Runtime    string // "python3.12"; "" when unknown
	RuntimePos Pos
	Arch       string // "x86_64" or "arm64"
	ArchPos    Pos
	Handler    string
	HandlerPos Pos
	// HandlerShown is how findings name the handler's module where Lambda's error text
	// does ("" = its own name): layerkit build checks a layer under a handler module it
	// writes, and shows it as "<handler>", the module of whichever function uses the layer.
	HandlerShown string

	// PackageType is "Zip" or "Image". Image functions have no layers and are not checked.
	PackageType string

	Env map[string]EnvVar

	// Code is the function package as it lands in /var/task; nil when it cannot be read
	// (CodeUri in S3, inline ZipFile, unknown); then CodeNote says why.
	Code *Code

	// Unchecked says, in the loader's words, why this function's imports cannot be
	// checked when the loader knows ("its runtime comes from ${file(./fns.yml):runtime},
	// which layerkit could not read", "it is defined in the registry module x, which
	// layerkit does not read"); "" otherwise. The checker reports it as an info finding
	// (LK109) instead of checking, so that nothing is skipped in silence.
	Unchecked    string
	UncheckedPos Pos

	// Layers in the order Lambda applies them (SAM Globals first).
	Layers []LayerRef
	// LayersPos is the position of the Layers property (or the resource when absent).
	LayersPos Pos
}

// EnvVar is one environment variable of a function.
type EnvVar struct {
	Value string
	Known bool // false when the value is an expression we cannot evaluate
	Pos   Pos
}

// Layer is one layer version defined in the app.
type Layer struct {
	Name string // logical id
	Pos  Pos    // the resource's first line

	// Content is the layer as it lands in /opt; nil when it cannot be read.
	Content *Code
	// NotInspectable says why Content is nil ("S3 object s3://b/k", ...).
	NotInspectable string

	CompatibleRuntimes      []string // nil: not declared
	CompatibleRuntimesPos   Pos
	CompatibleArchitectures []string // nil: not declared
	CompatibleArchsPos      Pos
	BuildMethod             string // SAM Metadata.BuildMethod, "" if none
}

// Code is the content of a function package or a layer, laid out as Lambda will see it:
// the root of Tree is /var/task for a function and /opt for a layer.
type Code struct {
	Tree tree.Tree
	// Display is how to name this package to a user: "services/orders/", "build/deps.zip".
	Display string
	// Requirements names a requirements.txt inside Tree whose distributions a build step
	// will install into the folder InstallDir of Tree (source mode: SAM BuildMethod
	// python3.x, serverless-python-requirements). "" when nothing will be installed.
	Requirements string
	InstallDir   string
	// Installs are further requirement lines (requirements.txt syntax, "-r file" allowed,
	// relative to Tree's root) a build step installs into InstallDir: the pip install
	// commands of a makefile build.
	Installs []string
	// Declared is filled by the checker from Requirements and Installs, then Provides
	// (loaders leave it empty).
	Declared []Declared
	// Provides is what a build step puts in the content besides what it pip-installs,
	// as far as known (a public layer zip a makefile target unzips: publiclayers.Zip).
	Provides []Declared
	// NpmPackage names a package.json inside Tree whose dependencies a build step will
	// install into the node_modules folder beside it (sam build for Node.js: npm install
	// without dev dependencies); "" when nothing will be installed.
	NpmPackage string
	// Bundle is set when the package is a bundler's output: a CDK NodejsFunction
	// asset (Tree is the bundle), or SAM BuildMethod esbuild, whose sources layerkit
	// reads: Tree then holds, for each file the bundler writes, a stand-in module that
	// imports what the bundle leaves to Node at run time (its external modules) and
	// exports what the entry point exports; Bundle maps the stand-ins' lines back to
	// the sources.
	Bundle *Bundle
	// Opaque is true when a build step we do not model (makefile, custom) produces the
	// content: Tree holds the sources, not what will be deployed.
	Opaque bool
}

// Bundle says where the stand-in modules of a bundled package come from.
type Bundle struct {
	// Tool names the bundler as findings say it: "esbuild", "NodejsFunction".
	Tool string
	// External says where the modules the bundle leaves to run time are listed
	// ("BuildProperties External"), for hints.
	External string
	// Origins maps a stand-in's name in Code.Tree to the source position of each of
	// its lines (index line-1); a zero Origin when a line has none. Nil when Tree is
	// the bundler's real output (a CDK NodejsFunction asset in cdk.out).
	Origins map[string][]Origin
}

// Origin is a place in a source file a bundle was made from.
type Origin struct {
	Tree      tree.Tree
	File      string // name in Tree
	Line, Col int
}

// Declared is one requirement a build will install.
type Declared struct {
	Dist    string   // distribution name as written ("PyYAML")
	Modules []string // top-level import names it provides
	// Deps is the known closure of distributions it pulls in (import names), and
	// DepsKnown is false when the curated table does not know this distribution.
	Deps      []string
	DepsKnown bool
	Pos       Pos // the requirements.txt line
}

// LayerRef is one entry of a function's Layers list.
type LayerRef struct {
	Pos Pos
	// Layer is set when the entry names a layer defined in this app.
	Layer *Layer
	// ARN is set for a literal layer version ARN (not inspectable here).
	ARN string
	// Unknown is set when the entry is an expression we cannot resolve (a parameter
	// without default, an ImportValue, ...); Text describes it.
	Unknown bool
	Text    string
	// Bad is set when the entry is wrong on its face (Ref to nothing, malformed ARN,
	// a layer ARN without version); Problem says why. Loaders also add an LK406 note.
	Bad     bool
	Problem string
}

// Key identifies the referenced layer for duplicate detection.
func (r LayerRef) Key() string {
	switch {
	case r.Layer != nil:
		return "layer:" + r.Layer.Name
	case r.ARN != "":
		return "arn:" + r.ARN
	}
	return "text:" + r.Text
}

// Inspectable reports whether the layer's content can be read.
func (r LayerRef) Inspectable() bool { return r.Layer != nil && r.Layer.Content != nil }

// Function returns the function named name (nil when there is none).
func (a *App) Function(name string) *Function {
	for _, f := range a.Functions {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// Layer returns the layer named name (nil when there is none).
func (a *App) Layer(name string) *Layer {
	for _, l := range a.Layers {
		if l.Name == name {
			return l
		}
	}
	return nil
}

// Fix is a change that resolves a finding, as the rule that reports it knows it: byte
// edits of files under the checked folder (at the positions the YAML/JSON/HCL/Python
// readers report; a file is never re-serialized) and file moves. internal/fix applies
// it; `layerkit check --fix` applies the safe ones, `--unsafe-fixes` the others too.
type Fix struct {
	// Title says what the fix does, in a line: "add Metadata: BuildMethod: python3.12
	// to layer CommonLayer".
	Title string
	// Unsafe is set for fixes that move files or change what gets installed: they are
	// right for the finding, but may not be what the author wants.
	Unsafe bool
	Edits  []Edit
	Moves  []Move
}

// Edit replaces the bytes [Start, End) of File, which held Old when the finding was
// made, with New. File is relative to the checked folder, with forward slashes. Sum is
// the SHA-256 (hex) of the whole file as the finding saw it: the edit applies only to
// that content.
type Edit struct {
	File       string
	Sum        string
	Start, End int
	Old, New   string
}

// Move renames the file or folder From to To (both relative to the checked folder);
// To must not exist. Sum, for a file, is the SHA-256 (hex) of its content as the finding
// saw it: the move applies only to that content ("" for a folder).
type Move struct {
	From, To string
	Sum      string
}
