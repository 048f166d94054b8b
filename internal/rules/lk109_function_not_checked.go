package rules

import (
	"fmt"
	"strings"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
	"github.com/layerkit/layerkit/internal/runtimes"
)

var LK109 = register(&Rule{
	Code:     rulecode.LK109,
	Severity: model.Info,
	Summary:  "A function whose imports layerkit does not check, with the reason.",
	Why: `A check that silently checks nothing is worse than one that fails: a function whose runtime
cannot be read, whose package is in S3 or produced by a build layerkit does not model, that is a
container image, or that runs a language layerkit does not resolve yet (Node.js, custom runtimes)
would otherwise pass with no finding at all. This finding says, once per such function and at the
place that causes it, that its imports were not checked and why; the JSON summary counts checked
and unchecked functions.`,
	Example: `Runtime: !Ref RuntimeParam   # a parameter without Default: which Python is unknown
CodeUri: s3://bucket/app.zip  # the package is in S3`,
	Fix: `Make the cause readable where you can: a literal Runtime (or a parameter with a Default), a
local CodeUri, a build layerkit models (sam build, BuildMethod python3.x; for Terraform, a Makefile
target, script, workflow step or provisioner in shell), or check the built output (.aws-sam/build,
cdk.out). The hint of each finding speaks the app's tool (terraform.tfvars, ${opt:...}, cdk
synth). A container image or a Node.js function is expected to show up here; --ignore LK109 hides
these notes.`,
	Requires: []*Analysis{Imports}, // the verdict Function.Skip
	Run: func(p *Pass) {
		for _, f := range p.Functions {
			if f.Skip == "" {
				continue
			}
			why, pos, hint := Unchecked(p.App, f.Fn)
			p.Report(rulecode.LK109, model.Info, f.Fn.Name, "", pos, why, hint)
		}
	},
})

// Unchecked says why fn's imports cannot be checked: the reason in one sentence, the most
// specific place that causes it and what to do; why is "" when they can be checked. The
// notes of app (the loader's finding about an unreadable package) name the real cause
// when the package cannot be read.
func Unchecked(app *model.App, fn *model.Function) (why string, pos model.Pos, hint string) {
	at := func(p model.Pos) model.Pos {
		if p.IsZero() {
			return fn.Pos
		}
		return p
	}
	name := fn.Name
	rt, known := runtimes.Lookup(fn.Runtime)
	switch {
	case fn.Unchecked != "":
		return fmt.Sprintf("the imports of %s are not checked: %s", name, strings.TrimSuffix(fn.Unchecked, ".")), at(fn.UncheckedPos),
			uncheckedHint(app, fn.Unchecked)
	case fn.PackageType == "Image":
		return fmt.Sprintf("%s is a container image function: its code and packages are inside the image, which layerkit does not read, so its imports are not checked (image functions have no layers)", name), fn.Pos,
			"Nothing to fix here; to check the imports, run the handler's import inside the image (docker run --entrypoint python IMAGE -c 'import app')."
	case fn.Runtime == "":
		return fmt.Sprintf("%s has no Runtime that layerkit can read, so it does not know which Python (or Node.js) to check its imports against; they are not checked", name), at(fn.RuntimePos),
			"Set Runtime to a literal such as python3.12, or to a parameter with a Default."
	case !known:
		return fmt.Sprintf("runtime %q of %s is not a Lambda runtime layerkit knows, so its imports are not checked", fn.Runtime, name), at(fn.RuntimePos),
			"Check the spelling (python3.12, nodejs20.x); if Lambda added this runtime after this layerkit was released, update layerkit."
	case rt.IsPython() && !rt.ImportsChecked():
		return fmt.Sprintf("%s runs %s, which is Python %s: layerkit checks the imports of Python 3 functions only, so its imports are not checked", name, rt.ID, rt.Version), at(fn.RuntimePos),
			"Move to a supported Python 3 runtime (see LK405); --ignore LK109 hides this note."
	case !rt.ImportsChecked():
		lang := ""
		switch {
		case rt.IsNode():
			return fmt.Sprintf("%s runs %s, a Node.js runtime whose NODE_PATH layerkit does not know, so its imports are not checked", name, fn.Runtime), at(fn.RuntimePos),
				"Move to a supported Node.js runtime (see LK405); --ignore LK109 hides this note."
		case rt.Language != "":
			lang = " (not " + rt.Language + ")"
		}
		return fmt.Sprintf("%s runs %s: only Python and Node.js imports are checked so far%s, so its imports are not checked", name, fn.Runtime, lang), at(fn.RuntimePos),
			"Nothing to fix; --ignore LK109 hides this note."
	case fn.Env[webAdapterVar].Value == webAdapterBootstrap:
		return fmt.Sprintf("%s starts through the Lambda Web Adapter (%s=%s): the adapter runs its handler %s as a program (a web server) instead of the runtime's bootstrap, so Python never imports it as a module; its imports are not checked", name, webAdapterVar, webAdapterBootstrap, fn.Handler), at(fn.Env[webAdapterVar].Pos),
			"Nothing to fix; to check the web app's imports, point a function without the adapter at its module, or run it (python -c 'import app')."
	case fn.Code == nil:
		if n, ok := functionNote(app, name); ok {
			return fmt.Sprintf("the imports of %s are not checked: %s", name, cause(n.Message)), n.Pos,
				uncheckedHint(app, n.Message)
		}
		return fmt.Sprintf("the package of %s cannot be read, so its imports are not checked", name), at(fn.HandlerPos),
			uncheckedHint(app, "")
	case fn.Code.Opaque:
		pos := fn.Pos
		if n, ok := functionNote(app, name); ok {
			pos = n.Pos
		}
		return fmt.Sprintf("the package of %s (%s) is produced by a build step layerkit does not model, so its imports are not checked", name, fn.Code.Display), pos,
			"Build first (sam build) and check the built output, or use a BuildMethod layerkit models (python3.x, nodejsXX.x for layers)."
	}
	return "", model.Pos{}, ""
}

// uncheckedHint is what to do about a package or value the loader could not read (cause is
// its message), in the words of the app's IaC tool.
func uncheckedHint(app *model.App, cause string) string {
	kind := ""
	if app != nil {
		kind = app.Kind
	}
	has := func(s ...string) bool {
		for _, x := range s {
			if strings.Contains(cause, x) {
				return true
			}
		}
		return false
	}
	switch kind {
	case "terraform":
		switch {
		case has("which layerkit does not model"):
			return "Run that build step first (layerkit then reads what it wrote, the packages it installed included), then check again."
		case has("cannot be followed"):
			return "Run that build, then check again (layerkit then reads what it wrote); layerkit models cd, cp, mv, rm, mkdir, zip, pip, pipenv and poetry in shell, and a value it cannot know (the output of another program) stops it. Or zip the sources with data \"archive_file\" so that layerkit reads them."
		case has("does not exist"):
			return "Run the build that makes it (the Makefile target, script or workflow step), then check again; or zip the sources with data \"archive_file\" (output_path as filename) so that layerkit reads them."
		case has("has no value", "no default", "--var-file"):
			return "Give the variable a value (a default, terraform.tfvars, *.auto.tfvars, or --var-file FILE as for terraform plan), then check again."
		case has("s3_bucket", "s3_key", "S3"):
			return "Upload the package with an aws_s3_object whose source is a local zip or an archive_file output (layerkit follows it), or check the zip itself with --function-zip."
		}
		return "Make the value layerkit names readable (a literal, a variable with a value, or a reference it can follow), or check the zip itself with --function-zip."
	case "serverless":
		if has("no runtime:") {
			return "Set provider.runtime (or the function's runtime) to the runtime the service deploys, nodejs22.x or python3.13 for example: layerkit then checks the function for it."
		}
		if has("${") {
			return "Give the variable a default where it is used (${opt:stage, 'dev'}, ${env:NAME, 'value'}) or define what it names in the repository, then check again; or run serverless package and check the zip with --function-zip."
		}
		return "Point the function at files of the service (handler, package.artifact), or run serverless package and check the zip with --function-zip."
	case "cdk":
		return "Synthesize the app (cdk synth) and check cdk.out: layerkit reads the staged assets there."
	}
	if has("${", "cannot be evaluated") {
		return "Make the value layerkit names readable (a literal, or a parameter with a Default), or check the built output (.aws-sam/build)."
	}
	if has("in S3 cannot be read") {
		return "Nothing to fix in the template. To check the function, download its package (aws s3 cp s3://BUCKET/KEY fn.zip) and run layerkit check --function-zip fn.zip; if a build of your own makes it from local sources, check that output (.aws-sam/build, cdk.out)."
	}
	return "Point the function's code at a local folder or zip, or check the built output (.aws-sam/build, cdk.out)."
}

// The Lambda Web Adapter (awslabs/aws-lambda-web-adapter) on a zip function: its layer
// puts /opt/bootstrap, and AWS_LAMBDA_EXEC_WRAPPER=/opt/bootstrap makes Lambda start it
// in place of the runtime; it runs the handler (run.sh) as a program.
const (
	webAdapterVar       = "AWS_LAMBDA_EXEC_WRAPPER"
	webAdapterBootstrap = "/opt/bootstrap"
)

// cause is a loader's message without its own "its imports are not checked".
func cause(msg string) string {
	msg = strings.TrimSuffix(msg, ".")
	for _, tail := range []string{"; its imports are not checked", "; the function's imports are not checked", "; its package is not checked"} {
		msg = strings.TrimSuffix(msg, tail)
	}
	return msg
}

// functionNote is the loader's note about fn's code (LK105, LK102), if any.
func functionNote(app *model.App, fn string) (model.Note, bool) {
	if app == nil {
		return model.Note{}, false
	}
	for _, n := range app.Notes {
		if n.Function == fn && (n.Code == rulecode.LK105 || n.Code == rulecode.LK102) && n.Layer == "" {
			return n, true
		}
	}
	return model.Note{}, false
}
