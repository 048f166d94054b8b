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
