package pyresolve

import (
	"slices"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/runtimes"
	"github.com/layerkit/layerkit/internal/tree"
)

// fn builds a function with handler app.handler, code files and layers.
func fn(t *testing.T, runtime string, code map[string]string, layers ...map[string]string) (*Env, *Resolver) {
	t.Helper()
	rt, ok := runtimes.Lookup(runtime)
	if !ok {
		t.Fatalf("no runtime %s", runtime)
	}
	f := &model.Function{Name: "Fn", Runtime: runtime, Handler: "app.handler", Arch: "x86_64",
		Code: &model.Code{Tree: tree.NewMap("src", code)}, Env: map[string]model.EnvVar{}}
	for i, l := range layers {
		f.Layers = append(f.Layers, model.LayerRef{Layer: &model.Layer{Name: "L" + string(rune('A'+i)), Content: &model.Code{Tree: tree.NewMap("layer", l)}}})
	}
	r := New()
	return r.NewEnv(f, rt), r
}

func problems(res *Result) []string {
	var out []string
	for _, p := range res.Problems {
		s := p.Missing
		if p.Name != "" {
			s += ":" + p.Name
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

func TestResolution(t *testing.T) {
	for _, tc := range []struct {
		name    string
		runtime string
		app     string
		code    map[string]string
		layers  []map[string]string
		want    []string // missing modules (module:name for missing names)
	}{
		{name: "regular package hides a later copy", app: "import shared.extra",
			code:   map[string]string{"shared/__init__.py": ""},
			layers: []map[string]string{{"python/shared/__init__.py": "", "python/shared/extra.py": ""}},
			want:   []string{"shared.extra"}},
		{name: "namespace portions merge", app: "import ns.a\nimport ns.b",
			code:   map[string]string{"ns/a.py": ""},
			layers: []map[string]string{{"python/ns/b.py": ""}}},
		{name: "a later regular package beats an earlier namespace portion", app: "import pkg.only_in_layer\nimport pkg.only_in_task",
			code:   map[string]string{"pkg/only_in_task.py": ""},
			layers: []map[string]string{{"python/pkg/__init__.py": "", "python/pkg/only_in_layer.py": ""}},
			want:   []string{"pkg.only_in_task"}},
		{name: "a module file beats a folder of the same name", app: "from m import X\nimport m.sub",
			code: map[string]string{"m.py": "X = 1", "m/sub.py": ""},
			want: []string{"m.sub"}},
		{name: "extension suffixes decide", app: "import fast\nimport slow\nimport anyabi\nimport plain",
			code: map[string]string{"fast.cpython-312-x86_64-linux-gnu.so": "", "slow.cpython-311-x86_64-linux-gnu.so": "", "anyabi.abi3.so": "", "plain.so": ""},
			want: []string{"slow"}},
		{name: "sourceless pyc loads, __pycache__ does not", app: "import compiled\nimport cached",
			code: map[string]string{"compiled.pyc": "", "__pycache__/cached.cpython-312.pyc": ""},
			want: []string{"cached"}},
		{name: "site-packages of the runtime's version only", runtime: "python3.13", app: "import good\nimport bad",
			layers: []map[string]string{{"python/lib/python3.13/site-packages/good.py": "", "python/lib/python3.12/site-packages/bad.py": ""}},
			want:   []string{"bad"}},
		{name: "pth files in /opt/python extend the path", app: "import viapth",
			layers: []map[string]string{{"python/x.pth": "vendor\n", "python/vendor/viapth.py": ""}}},
		{name: "later layer file wins", app: "from conflict import B",
			layers: []map[string]string{{"python/conflict.py": "A = 1"}, {"python/conflict.py": "B = 1"}}},
		{name: "names of a module", app: "from mod import a, b, c, __name__",
			code: map[string]string{"mod.py": "a = 1\ndef b(): pass\n"},
			want: []string{"mod:c"}},
		{name: "dynamic module names are unknown", app: "from dyn import anything",
			code: map[string]string{"dyn.py": "def __getattr__(n):\n    return n\n"}},
		{name: "runtime provides boto3 and its submodules", app: "import boto3.dynamodb.conditions\nfrom botocore.exceptions import ClientError"},
		{name: "stdlib of the runtime's version", runtime: "python3.12", app: "import imp\nimport tomllib\nimport json.decoder",
			want: []string{"imp"}},
		// Module constants in if tests (consts.go), each checked with python3.12.
		{name: "a version flag of the same module decides its if", app: "import sys\nPY2 = sys.version_info[0] == 2\nPY3 = not PY2\nif PY2:\n    import urlparse\nif PY3:\n    import configparser\nelse:\n    import ConfigParser"},
		{name: "a version flag imported from a compat module", app: "import pkg.opts",
			code: map[string]string{"pkg/__init__.py": "", "pkg/_compat.py": "import sys as _sys\nPY2 = _sys.version_info.major == 2\n",
				"pkg/opts.py": "from ._compat import PY2 as old\nif old:\n    import ConfigParser\n"}},
		{name: "a flag re-exported by a package, read as mod.NAME", app: "import six\nfrom pkg import PY2\nif six.PY2 or PY2:\n    import urllib2",
			code: map[string]string{"six.py": "import sys\nPY2 = sys.version_info[0] == 2\n", "pkg/__init__.py": "from pkg._c import PY2\n", "pkg/_c.py": "import sys\nPY2 = sys.version_info < (3,)\n"}},
		{name: "a flag bound twice is not a constant", app: "import sys\nPY2 = sys.version_info[0] == 2\nif PY2:\n    import urllib2\nPY2 = True\n",
			want: []string{"urllib2"}},
		{name: "a flag bound under a condition is not a constant", app: "import sys\ntry:\n    PY2 = sys.version_info[0] == 2\nexcept Exception:\n    pass\nif PY2:\n    import urllib2\n",
			want: []string{"urllib2"}},
		{name: "a flag true on python3 runs its branch", app: "from compat import PY3\nif not PY3:\n    import urllib2\nelse:\n    import missing3",
			code: map[string]string{"compat.py": "import sys\nPY3 = sys.version_info >= (3, 0)\n"},
			want: []string{"missing3"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rtID := tc.runtime
			if rtID == "" {
				rtID = "python3.12"
			}
			code := map[string]string{"app.py": tc.app + "\ndef handler(e, c): pass\n"}
			for k, v := range tc.code {
				code[k] = v
			}
			env, r := fn(t, rtID, code, tc.layers...)
			res := r.Analyze(env)
			got := problems(res)
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("problems = %v, want %v", got, tc.want)
			}
			if res.Handler.Found == nil || res.Handler.Defined != 1 {
				t.Errorf("handler = %+v", res.Handler)
			}
		})
	}
}

func TestPythonPathTurnsLayersOff(t *testing.T) {
	env, r := fn(t, "python3.12", map[string]string{"app.py": "import fromlayer\nimport vendored\ndef handler(e, c): pass", "vendor/vendored.py": ""},
		map[string]string{"python/fromlayer.py": ""})
	if env.PythonPath {
		t.Fatal("PYTHONPATH set without a variable")
	}
	env.Function.Env["PYTHONPATH"] = model.EnvVar{Value: "/var/task/vendor", Known: true}
	env = r.NewEnv(env.Function, env.Runtime)
	if got := problems(r.Analyze(env)); strings.Join(got, ",") != "fromlayer" {
		t.Errorf("problems = %v, want [fromlayer]", got)
	}
	var paths []string
	for _, e := range env.Path {
		paths = append(paths, e.Path)
	}
	if slices.Contains(paths, "/opt/python") {
		t.Errorf("sys.path with PYTHONPATH still has /opt/python: %v", paths)
	}
}

func TestRelativeImportInTopLevelHandler(t *testing.T) {
	env, r := fn(t, "python3.12", map[string]string{"app.py": "from . import sibling\ndef handler(e, c): pass", "sibling.py": ""})
	res := r.Analyze(env)
	if len(res.Problems) != 1 || res.Problems[0].Failure != NoParent {
		t.Fatalf("problems = %+v", res.Problems)
	}
}

func TestLazyImports(t *testing.T) {
	env, r := fn(t, "python3.12", map[string]string{"app.py": "def handler(e, c):\n    import later\n    import lazymod\n", "lazymod.py": "import deeper\n"})
	res := r.Analyze(env)
	if len(res.Problems) != 2 {
		t.Fatalf("problems = %+v", res.Problems)
	}
	for _, p := range res.Problems {
		if !p.Lazy {
			t.Errorf("%s should be lazy (reached only from a function body)", p.Missing)
		}
	}
}
