package terraform

import (
	"reflect"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/iac/buildscript"
)

func TestParsePipInstall(t *testing.T) {
	for _, c := range []struct {
		cmd    string
		reqs   []string
		pkgs   []string
		target string
		ok     bool
	}{
		{"pip install -r a/requirements.txt -t a/", []string{"a/requirements.txt"}, nil, "a/", true},
		{"pip3 install --requirement=r.txt --target=build/python --upgrade", []string{"r.txt"}, nil, "build/python", true},
		{"python3.12 -m pip install requests==2.31 'boto3>=1' -t out -i https://x/simple", nil, []string{"requests==2.31", "boto3>=1"}, "out", true},
		{"sudo PIP_NO_CACHE=1 pip install -rreq.txt -tdst --platform manylinux2014_x86_64 --only-binary=:all:", []string{"req.txt"}, nil, "dst", true},
		{"pip install -r r.txt > /dev/null", []string{"r.txt"}, nil, "", true},
		{"pip install -e . -t out", nil, nil, "", false},
		{"pip download -r r.txt -d out", nil, nil, "", false},
		{"zip -r out.zip .", nil, nil, "", false},
		{"pip install -r", nil, nil, "", false},
	} {
		segs := shellSegments(c.cmd)
		if len(segs) != 1 {
			t.Fatalf("%q: %d segments", c.cmd, len(segs))
		}
		reqs, pkgs, target, ok := buildscript.ParsePipInstall(segs[0])
		if ok != c.ok || !reflect.DeepEqual(reqs, c.reqs) || !reflect.DeepEqual(pkgs, c.pkgs) || target != c.target {
			t.Errorf("%q: got %q %q %q %v, want %q %q %q %v", c.cmd, reqs, pkgs, target, ok, c.reqs, c.pkgs, c.target, c.ok)
		}
	}
}

func TestShellSegments(t *testing.T) {
	got := shellSegments("cd x && pip install -r \"my reqs.txt\" -t . ; echo 'a && b'\nls \\\n  -l || true")
	want := [][]string{{"cd", "x"}, {"pip", "install", "-r", "my reqs.txt", "-t", "."}, {"echo", "a && b"}, {"ls", "-l"}, {"true"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("segments = %q, want %q", got, want)
	}
}

// A provisioner's pip install is modelled only when it installs into the zipped folder (or
// below it) and the archive depends on it; its requirement file is named relative to the
// folder, or read when it sits elsewhere in the checked folder.
func TestPipInstallModelled(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"fn/main.py":          "import requests\n",
		"fn/requirements.txt": "requests\n",
		"reqs/layer.txt":      "# shared\nPyYAML==6.0\n-r other.txt\n",
		"layer/python/.keep":  "",
		"main.tf": `
resource "terraform_data" "deps" {
  provisioner "local-exec" {
    working_dir = "fn"
    command     = "pip install -r requirements.txt -t ./ --no-deps"
  }
}
data "archive_file" "fn" {
  depends_on  = [terraform_data.deps]
  type        = "zip"
  source_dir  = "fn"
  output_path = "fn.zip"
}
resource "aws_lambda_function" "f" {
  handler  = "main.handler"
  runtime  = "python3.12"
  filename = data.archive_file.fn.output_path
}
resource "null_resource" "layer" {
  provisioner "local-exec" {
    command = "pip install -r reqs/layer.txt boto3 -t layer/python"
  }
}
data "archive_file" "layer" {
  depends_on  = [null_resource.layer]
  type        = "zip"
  source_dir  = "layer"
  output_path = "layer.zip"
}
resource "aws_lambda_function" "g" {
  handler  = "main.handler"
  runtime  = "python3.12"
  filename = data.archive_file.layer.output_path
}
data "archive_file" "nodep" {
  type        = "zip"
  source_dir  = "fn"
  output_path = "nodep.zip"
}
resource "aws_lambda_function" "h" {
  handler  = "main.handler"
  runtime  = "python3.12"
  filename = data.archive_file.nodep.output_path
}
`,
	})
	app := load(t, root)
	f := fn(t, app, "f")
	if !reflect.DeepEqual(f.Code.Installs, []string{"-r requirements.txt"}) || f.Code.InstallDir != "" || !strings.Contains(f.Code.Display, "terraform_data.deps's pip install") {
		t.Errorf("f: installs %q into %q, display %q", f.Code.Installs, f.Code.InstallDir, f.Code.Display)
	}
	g := fn(t, app, "g")
	if !reflect.DeepEqual(g.Code.Installs, []string{"PyYAML==6.0", "boto3"}) || g.Code.InstallDir != "python" {
		t.Errorf("g: installs %q into %q", g.Code.Installs, g.Code.InstallDir)
	}
	if h := fn(t, app, "h"); len(h.Code.Installs) != 0 {
		t.Errorf("h (no depends_on): installs %q", h.Code.Installs)
	}
}

func FuzzShellPip(f *testing.F) {
	f.Add("pip install -r a/requirements.txt -t a/ && echo 'x;y' \\\n -q")
	f.Add("python3 -m pip install \"x y\" -t")
	f.Fuzz(func(t *testing.T, cmd string) {
		for _, seg := range shellSegments(cmd) {
			if len(seg) == 0 {
				t.Fatal("empty segment")
			}
			buildscript.ParsePipInstall(seg)
		}
	})
}
