package buildscript

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/iac/iactest"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/tree"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	iactest.WriteFiles(t, root, files)
	return root
}

// files lists an artifact's files as name=the source file it shows (a copy is shown as
// the file the user edits).
func files(t testing.TB, tr tree.Tree) []string {
	return iactest.Files(t, &model.Code{Tree: tr})
}

// A Makefile target runs a script with arguments; the script parses its options,
// copies the sources and, with --deps, installs the locked packages into a
// virtualenv in the project and copies its site-packages into the package.
func TestMakefileScriptPipenv(t *testing.T) {
	root := writeFiles(t, map[string]string{
		"Makefile": "SCRIPT := tools/pack.sh\n\nall: clean package\n\nclean:\n\trm -rf out\n\npackage:\n\tcd infra && terraform init\n\t@/bin/bash $(SCRIPT) svc/a\n\tbash $(SCRIPT) svc/b --deps\n",
		"tools/pack.sh": `#!/bin/bash
set -euo pipefail
WITH_DEPS=false
usage() { echo "usage: $0 DIR [--deps]"; }
if [ $# -lt 1 ] || [[ "$1" =~ ^-(h|-help)$ ]]; then usage; exit 1; fi
SRC="$1"; shift
while [[ $# -gt 0 ]]; do
  opt="$1"; shift
  case $opt in
    "-d"|"--deps") WITH_DEPS=true ;;
    *) usage; exit 1 ;;
  esac
done
OUT="$PWD/out/${SRC}"
export PIPENV_VENV_IN_PROJECT=1
mkdir -p "$OUT"
cd "$OUT" || exit
cp -r "$PWD/../../../$SRC/app" "$OUT/app"
cp "${OUT}/../../../$SRC/Pipfile.lock" .
if [ "$WITH_DEPS" == true ]; then
  pipenv install
  cp -r "$OUT"/.venv/lib/*/site-packages/* "$OUT"
  pipenv --rm
fi
`,
		"svc/a/app/main.py":  "import boto3\n",
		"svc/a/Pipfile.lock": `{"default": {"boto3": {"version": "==1.0"}}}`,
		"svc/b/app/main.py":  "import requests\n",
		"svc/b/app/util.py":  "",
		"svc/b/Pipfile.lock": `{"default": {"requests": {"version": "==2.0", "markers": "python_version >= '3.8'"}}}`,
		"infra/main.tf":      "",
	})
	s := NewSet(root, iac.Limits{}, Makefile(iac.Limits{}, root, filepath.Join(root, "Makefile")))
	a, why := s.Output(filepath.Join(root, "out/svc/b"), "out/svc/b")
	if a == nil {
		t.Fatalf("no build writes out/svc/b: %s", why)
	}
	if got, want := files(t, a.Tree), []string{"Pipfile.lock=svc/b/Pipfile.lock", "app/main.py=svc/b/app/main.py", "app/util.py=svc/b/app/util.py"}; !reflect.DeepEqual(got, want) {
		t.Errorf("files = %v, want %v", got, want)
	}
	if want := []string{"requests==2.0; python_version >= '3.8'"}; !reflect.DeepEqual(a.Installs, want) || a.InstallDir != "" {
		t.Errorf("installs = %q in %q, want %q in the root", a.Installs, a.InstallDir, want)
	}
	if a.From != "Makefile target package" {
		t.Errorf("from = %q", a.From)
	}
	a, _ = s.Output(filepath.Join(root, "out/svc/a"), "out/svc/a")
	if a == nil || len(a.Installs) != 0 {
		t.Fatalf("out/svc/a: %+v (no --deps: nothing installed)", a)
	}
	if a, _ := s.Output(filepath.Join(root, "out/svc/c"), "out/svc/c"); a != nil {
		t.Errorf("out/svc/c is written by nothing, got %+v", a)
	}
}

// Terraform's external data source passes its query as JSON; the documented jq @sh
// idiom reads it into shell variables. The script zips a copy of the sources.
func TestExternalQueryZip(t *testing.T) {
	root := writeFiles(t, map[string]string{
		"mod/pack.sh": `#!/bin/bash
set -e
eval "$(jq -r '@sh "name=\(.name) src=\(.src) build=\(.build)"')"
cd "$(dirname "$0")"
rm -rf $build
mkdir -p $build
cp -R $src $build/pkg
cd $build/pkg
rm -rf __pycache__/
cd ..
zip -r $name.zip . -q
rm -rf pkg
jq -n --arg f "$name" '{"filename":$f}'
`,
		"app/main.py":           "",
		"app/__pycache__/x.pyc": "",
		"app/routers/health.py": "",
	})
	b := Build{Label: "data.external.pkg", Run: func(r *Runner) error {
		r.Stdin = map[string]string{"name": "fn", "src": "../app", "build": "../build/lambda"}
		src, _ := os.ReadFile(filepath.Join(root, "mod/pack.sh"))
		return r.Script(string(src), "mod/pack.sh", root, nil, nil)
	}}
	a, why := NewSet(root, iac.Limits{}, []Build{b}).Output(filepath.Join(root, "build/lambda/fn.zip"), "build/lambda/fn.zip")
	if a == nil {
		t.Fatalf("not modelled: %s", why)
	}
	if got, want := files(t, a.Tree), []string{"pkg/main.py=app/main.py", "pkg/routers/health.py=app/routers/health.py"}; !reflect.DeepEqual(got, want) {
		t.Errorf("files = %v, want %v", got, want)
	}
}

// pip install -r into a folder that is then zipped; a requirements file written by
// poetry export.
func TestPipTargetAndPoetryExport(t *testing.T) {
	root := writeFiles(t, map[string]string{
		"pyproject.toml": "[build-system]\nrequires = [\"poetry-core\"]\n\n[tool.poetry.dependencies]\npython = \"^3.12\"\nfastapi = \"^0.110\"\n",
		"build.sh":       "set -e\nd=dist/layer\nmkdir -p $d\npoetry export -f requirements.txt --output dist/req.txt --without-hashes\npip install --platform manylinux2014_x86_64 --only-binary=:all: -r dist/req.txt -t \"$d/python\" -q\n(cd $d && zip -r ../layer.zip python)\n",
	})
	a, why := NewSet(root, iac.Limits{}, []Build{ScriptFile(iac.Limits{}, root, filepath.Join(root, "build.sh"), root)}).Output(filepath.Join(root, "dist/layer.zip"), "dist/layer.zip")
	if a == nil {
		t.Fatalf("not modelled: %s", why)
	}
	if !reflect.DeepEqual(a.Installs, []string{"fastapi"}) || a.InstallDir != "python" {
		t.Errorf("installs = %q in %q", a.Installs, a.InstallDir)
	}
}

// A command whose value cannot be known makes the output untrusted, with the reason.
func TestGapNotTrusted(t *testing.T) {
	root := writeFiles(t, map[string]string{"src/a.py": ""})
	b := Command("step", "mkdir -p out\ncp -r $(git rev-parse --show-toplevel)/src out/\nzip -r pkg.zip out", root, nil)
	a, why := NewSet(root, iac.Limits{}, []Build{b}).Output(filepath.Join(root, "pkg.zip"), "pkg.zip")
	if a != nil || !strings.Contains(why, "cp with an argument that cannot be known") {
		t.Errorf("got %+v, %q", a, why)
	}
}

// Loops end by the step budget, deep nesting is refused before parsing, and nothing
// outside the checked folder is read.
func TestBounded(t *testing.T) {
	root := writeFiles(t, map[string]string{"a": ""})
	r := New(root, iac.Limits{})
	if err := r.Script("while true; do x=$x; done", "loop", root, nil, nil); err != errBudget {
		t.Errorf("endless loop: %v", err)
	}
	if err := r.Script(strings.Repeat("(", 10000), "deep", root, nil, nil); err == nil {
		t.Error("deep nesting parsed")
	}
	r = New(root, iac.Limits{})
	_ = r.Script("mkdir out; cp -r /etc out/etc; cp ../outside.txt out/", "x", root, nil, nil)
	if n := r.fs.lookup(filepath.Join(root, "out/etc")); n != nil {
		t.Error("copied a folder outside the checked folder")
	}
}

// A virtualenv made in the build: pip installs into it once it is activated, and its
// site-packages (python3.X, whatever X) are copied into the package.
func TestVirtualenvSitePackages(t *testing.T) {
	root := writeFiles(t, map[string]string{
		"requirements.txt": "requests==2.32.3\n# a comment\nboto3\n",
		"src/app.py":       "import requests\n",
		"Makefile":         "build: clean\n\tmkdir -p build\n\t( \\\n\t\tpython3 -m venv venv; \\\n\t\t. venv/bin/activate; \\\n\t\tpip install -r requirements.txt \\\n\t)\n\tcp src/* build\n\tcp -r ./venv/lib/python3.7/site-packages/* build\n\tcd build && zip -r9 ../function.zip .\n\nclean:\n\trm -rf build function.zip\n",
	})
	a, why := NewSet(root, iac.Limits{}, Makefile(iac.Limits{}, root, filepath.Join(root, "Makefile"))).Output(filepath.Join(root, "function.zip"), "function.zip")
	if a == nil {
		t.Fatalf("not modelled: %s", why)
	}
	if got := files(t, a.Tree); !reflect.DeepEqual(got, []string{"app.py=src/app.py"}) {
		t.Errorf("files = %v", got)
	}
	if want := []string{"requests==2.32.3", "boto3"}; !reflect.DeepEqual(a.Installs, want) || a.InstallDir != "" {
		t.Errorf("installs = %q in %q, want %q", a.Installs, a.InstallDir, want)
	}
}

// A program layerkit does not model that runs where the package is made (pip in docker
// with the folder mounted) makes the package untrusted, named; one that runs elsewhere
// (terraform init in infra/) does not.
func TestUnmodelledProgramTaints(t *testing.T) {
	root := writeFiles(t, map[string]string{"requirements.txt": "requests\n", "src/app.py": "", "infra/main.tf": ""})
	b := Command("build.sh", "rm -rf dist; mkdir -p dist/python; cp -r src dist/fn\n(cd infra && terraform init)\ncd dist/python\ndocker run -v $(pwd):/out --rm img pip install -r /out/requirements.txt -t /out\ncd ..\nzip -r layer.zip python\ncd fn && zip -r ../fn.zip .", root, nil)
	s := NewSet(root, iac.Limits{}, []Build{b})
	if a, why := s.Output(filepath.Join(root, "dist/layer.zip"), "dist/layer.zip"); a != nil || !strings.Contains(why, "runs docker, which layerkit does not model") {
		t.Errorf("layer: %+v, %q", a, why)
	}
	if a, why := s.Output(filepath.Join(root, "dist/fn.zip"), "dist/fn.zip"); a == nil {
		t.Errorf("fn: %s", why)
	}
}

// What a program not modelled makes, copied elsewhere, is not known there either: `npm
// ci` writes node_modules (layerkit does not model npm), and `cp -r node_modules
// nodejs/nodejs` puts it in the layer folder; the layer is not a known empty folder
// (field test: danmermel/trees).
func TestUnmodelledOutputCopied(t *testing.T) {
	root := writeFiles(t, map[string]string{"lambda/package.json": `{"dependencies": {"left-pad": "^1.3.0"}}`, "lambda/app.js": "", "scripts/build_layer.sh": ""})
	b := Command("build", "cd lambda\nrm -rf nodejs\nnpm ci\nmkdir -p nodejs/nodejs\ncp -ir node_modules nodejs/nodejs\ncd ..\ncp -r lambda/app.js out/\n", root, nil)
	s := NewSet(root, iac.Limits{}, []Build{b})
	if a, why := s.Output(filepath.Join(root, "lambda/nodejs"), "lambda/nodejs"); a != nil || !strings.Contains(why, "npm") {
		t.Errorf("layer folder: %+v, %q", a, why)
	}
}
