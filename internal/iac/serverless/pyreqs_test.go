package serverless

import (
	"reflect"
	"testing"
)

// serverless-python-requirements installs from a Poetry pyproject.toml, else a Pipfile,
// else fileName (requirements.txt).
func TestPluginRequirements(t *testing.T) {
	pipfile := "[[source]]\nurl = \"https://pypi.org/simple\"\n\n[packages]\nrequests = \"*\"\n\"mastodon.py\" = \"==1.8.0\"   # pinned\npynamodb = {version = \">=5\", extras = [\"signals\"]}\n\n[dev-packages]\npylint = \"*\"\n"
	poetry := "[tool.poetry]\nname = \"x\"\n\n[tool.poetry.dependencies]\npython = \"^3.12\"\nPyJWT = \"^2.8\"\nhttpx = { version = \"0.27\", extras = [\n  \"http2\",\n] }\n\n[project]\ndependencies = [\n  \"pydantic>=2\",\n  'orjson',\n]\n\n[build-system]\nrequires = [\"poetry-core>=1.0.0\"]\nbuild-backend = \"poetry.core.masonry.api\"\n"
	tests := []struct {
		name    string
		files   map[string]string
		layer   bool
		want    []string
		wantReq string
	}{
		{"pipfile", map[string]string{"Pipfile": pipfile, "requirements.txt": "flask\n"}, false, []string{"mastodon.py==1.8.0", "pynamodb", "requests"}, ""},
		{"pipfile-layer", map[string]string{"Pipfile": pipfile}, true, []string{"mastodon.py==1.8.0", "pynamodb", "requests"}, ""},
		{"poetry", map[string]string{"pyproject.toml": poetry, "Pipfile": pipfile}, false, []string{"PyJWT", "httpx", "orjson", "pydantic>=2"}, ""},
		{"not-poetry", map[string]string{"pyproject.toml": "[build-system]\nrequires = [\"setuptools\"]\n", "requirements.txt": "flask\n"}, false, nil, "requirements.txt"},
		{"nodeploy", map[string]string{"requirements.txt": "boto3==1.34\nrequests>=2  # http\n\n# tools\nbotocore\n", "nodeploy": ""}, false, []string{"requests>=2  # http"}, ""},
		{"nodeploy-layer", map[string]string{"requirements.txt": "boto3==1.34\nrequests>=2\n", "nodeploy": ""}, true, []string{"requests>=2"}, ""},
		{"nodeploy-pipfile", map[string]string{"Pipfile": pipfile, "nodeploy": ""}, false, []string{"mastodon.py==1.8.0", "requests"}, ""},
		{"nodeploy-include", map[string]string{"requirements.txt": "-r base.txt\nboto3\n", "base.txt": "requests\n", "nodeploy": ""}, false, nil, "requirements.txt"},
		{"pipenv-off", map[string]string{"Pipfile": pipfile, "requirements.txt": "flask\n", "off": ""}, false, nil, "requirements.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			yml := "service: s\nplugins: [serverless-python-requirements]\nprovider:\n  runtime: python3.12\nfunctions:\n  f:\n    handler: app.h\n"
			custom := ""
			if tt.layer {
				custom += "    layer: true\n"
			}
			if _, off := tt.files["off"]; off {
				custom += "    usePipenv: false\n"
			}
			if _, nd := tt.files["nodeploy"]; nd {
				custom += "    noDeploy: [boto3, botocore, pynamodb]\n"
			}
			if custom != "" {
				yml += "custom:\n  pythonRequirements:\n" + custom
			}
			if tt.layer {
				yml += "    layers: [{Ref: PythonRequirementsLambdaLayer}]\n"
			}
			files := map[string]string{"serverless.yml": yml, "app.py": ""}
			for k, v := range tt.files {
				if k != "off" && k != "nodeploy" {
					files[k] = v
				}
			}
			dir := writeTree(t, files)
			app, err := Load(dir, dir)
			if err != nil {
				t.Fatal(err)
			}
			code := fn(t, app, "f").Code
			if tt.layer {
				code = layer(t, app, PythonRequirementsLayer).Content
				if code.InstallDir != "python" {
					t.Errorf("install dir %q", code.InstallDir)
				}
			}
			if !reflect.DeepEqual(code.Installs, tt.want) || code.Requirements != tt.wantReq {
				t.Errorf("installs %q, requirements %q; want %q, %q", code.Installs, code.Requirements, tt.want, tt.wantReq)
			}
		})
	}
}

// The framework's built-in Python support (v4) packages requirements with no plugin
// listed when custom.pythonRequirements is set and not disabled, and reads a uv project
// (uv.lock) before requirements.txt.
func TestBuiltinPython(t *testing.T) {
	pyproject := "[project]\nname = \"bot\"\nrequires-python = \">=3.12\"\ndependencies = [\n    \"pynacl>=1.6.2\",\n    \"requests>=2.32.5\",  # http\n]\n\n[dependency-groups]\ndev = [\n    \"ruff>=0.6.7\",\n]\n"
	uv := map[string]string{"pyproject.toml": pyproject, "uv.lock": "version = 1\n", "requirements.txt": "flask\n"}
	reqs := map[string]string{"requirements.txt": "flask\n"}
	tests := []struct {
		name, head, custom string
		files              map[string]string
		want               []string
		wantReq            string
	}{
		{"empty-block", "", "  pythonRequirements: {}\n", reqs, nil, "requirements.txt"},
		{"no-block", "", "", reqs, nil, ""},
		{"disabled", "", "  pythonRequirements:\n    enabled: false\n", reqs, nil, ""},
		{"false", "", "  pythonRequirements: false\n", reqs, nil, ""},
		{"v3", "frameworkVersion: '3'\n", "  pythonRequirements: {}\n", reqs, nil, ""},
		{"v3-range", "frameworkVersion: '>=3.0.0 <4.0.0'\n", "  pythonRequirements: {}\n", reqs, nil, ""},
		{"v4", "frameworkVersion: '4'\n", "  pythonRequirements: {}\n", reqs, nil, "requirements.txt"},
		{"uv", "org: me\n", "  pythonRequirements:\n    useUv: true\n    installer: uv\n    slim: true\n", uv, []string{"pynacl>=1.6.2", "requests>=2.32.5"}, ""},
		{"uv-off", "", "  pythonRequirements:\n    useUv: false\n", uv, nil, "requirements.txt"},
		{"uv-plugin-only", "plugins: [serverless-python-requirements]\n", "", uv, nil, "requirements.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			yml := "service: s\n" + tt.head + "provider:\n  runtime: python3.12\nfunctions:\n  f:\n    handler: app.h\n"
			if tt.custom != "" {
				yml += "custom:\n" + tt.custom
			}
			files := map[string]string{"serverless.yml": yml, "app.py": ""}
			for k, v := range tt.files {
				files[k] = v
			}
			dir := writeTree(t, files)
			app, err := Load(dir, dir)
			if err != nil {
				t.Fatal(err)
			}
			code := fn(t, app, "f").Code
			if !reflect.DeepEqual(code.Installs, tt.want) || code.Requirements != tt.wantReq {
				t.Errorf("installs %q, requirements %q; want %q, %q", code.Installs, code.Requirements, tt.want, tt.wantReq)
			}
		})
	}
}

func TestAdmitsV4(t *testing.T) {
	for r, want := range map[string]bool{
		"3": false, "^3.38.0": false, "~3.1": false, "3.x": false, ">=3.0.0 <4.0.0": false, "2": false, "=3.2.1": false,
		"4": true, "^4.1.0": true, "4.x": true, ">=3": true, "*": true, "": true, "latest": true,
	} {
		if got := admitsV4(r); got != want {
			t.Errorf("admitsV4(%q) = %v, want %v", r, got, want)
		}
	}
}
