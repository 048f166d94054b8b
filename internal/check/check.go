// Package check is the pipeline behind `layerkit check`: find what PATH holds, load it
// into a model.App, resolve every function's imports on its Lambda search path, run the
// rules, and return the findings.
package check

import (
	"time"

	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/iac/artifacts"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/resolve"
	"github.com/layerkit/layerkit/internal/runtimes"
)

// Options says what to check.
type Options struct {
	// Path is a project folder, a template file, .aws-sam/build, cdk.out, a Terraform
	// folder or a serverless.yml.
	Path string
	// Kind forces a front-end ("sam", "cdk", "terraform", "serverless"); "" detects.
	Kind string
	// Template forces the template file inside Path.
	Template string
	// Exclude skips the files and folders matching these globs (path.Match, against the
	// path relative to Path, or against the name for a glob without "/") when looking
	// for IaC roots in a folder.
	Exclude []string
	// Source checks a SAM app's source template even when .aws-sam/build exists.
	Source bool
	// Today is the date deprecation is judged against; zero means time.Now().
	Today time.Time
	// Functions limits the check to these function names (all when empty).
	Functions []string
	// Ignore drops findings with these codes.
	Ignore []string
	// ReportUnusedIgnores reports the inline ignores that suppress nothing (LK110).
	ReportUnusedIgnores bool
	// Artifacts, when set, checks plain zips/folders instead of Path.
	Artifacts *artifacts.Spec
	// KeepAnalyses keeps every function's import analysis in Result.Analyses (the
	// pictures, verify); without it a function's analysis is dropped once the rules ran
	// over it, and Result.Analyses says only which functions were checked.
	KeepAnalyses bool
	// Batch is how many functions are analysed before the rules run over them (0:
	// rules.DefaultBatch). The findings do not depend on it (tests compare).
	Batch int
	// Load bounds what the loaders and the trees they open read (--max-file-size,
	// --max-template-size, --allow-outside) and carries the loaders' own options
	// (--var-file). The zero value is the defaults; each Run has its own.
	Load iac.Options
}

// Result is what a check found.
type Result struct {
	Apps []*model.App
	// Root is the absolute folder the findings' file paths are relative to (PATH, or the
	// folder of a template file PATH; the current folder for --function-zip).
	Root string
	// Names lists every function PATH declares, before Options.Functions kept some: what
	// a --function may name.
	Names []string
	// Checked says in one line what was read.
	Checked string
	// Roots says what was read one IaC root a line, when they come from more than one
	// folder; nil otherwise.
	Roots []string
	// Notes are what the search for IaC roots has to say (a CDK app without cdk.out, a
	// template it could not read), one remark a line.
	Notes []string
	// Failed are the IaC roots found below PATH that could not be read (the loader's
	// error, file and line, its Root set); the others were checked. The check's exit
	// status is 2.
	Failed []*iac.InputError
	// Analyses holds every checked function with its runtime and import analysis.
	Analyses  []*Function
	Findings  []finding.Finding
	Functions int
	Layers    int
}

// Function is one checked function: what check's callers (cli, verify, build) see of
// it. The rules' own view (rules.Function) stays inside check.
type Function struct {
	Fn      *model.Function
	Runtime *runtimes.Runtime // nil when the runtime is unknown
	// Analysis is its import analysis behind the language seam (Analysis.Detail() is
	// the language's own result, *pyresolve.Result for Python) when Options.KeepAnalyses;
	// nil when the function was not analysed, and Skip then says why.
	Analysis resolve.Analysis
	Skip     string
}
