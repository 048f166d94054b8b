package verify

import (
	"path/filepath"
	"testing"

	"github.com/layerkit/layerkit/internal/pysyntax"
)

func TestMapLambdaPath(t *testing.T) {
	cfg := harnessConfig{Task: "/t/task", RuntimeDir: "/t/runtime", LangSite: "/t/langsite"}
	for in, want := range map[string]string{
		"/var/task":                              "/t/task",
		"/var/task/vendor/":                      "/t/task/vendor",
		"$LAMBDA_TASK_ROOT/lib":                  "/t/task/lib",
		"${LAMBDA_TASK_ROOT}":                    "/t/task",
		"vendor":                                 "/t/task/vendor",
		"/opt/python":                            "/t/opt/python",
		"/var/runtime":                           "/t/runtime",
		"/var/lang/lib/python3.12/site-packages": "/t/langsite",
		"/usr/lib/python3/dist-packages":         "",
		"":                                       "",
	} {
		got, ok := mapLambdaPath(in, "3.12", cfg, "/t/opt")
		if want == "" {
			if ok {
				t.Errorf("%q: mapped to %q, want dropped", in, got)
			}
			continue
		}
		if !ok || got != filepath.FromSlash(want) {
			t.Errorf("%q: got %q %v, want %q", in, got, ok, want)
		}
	}
}

func TestLambdaText(t *testing.T) {
	msg := "`import x`: no module named 'x' on the path of F (python3.12); Lambda will fail with Runtime.ImportModuleError: Unable to import module 'app': No module named 'x'. The same import fails at a.py:3"
	if got, want := lambdaText(msg), "Runtime.ImportModuleError: Unable to import module 'app': No module named 'x'"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestIdentifier(t *testing.T) {
	for s, want := range map[string]bool{"boto3": true, "_x": true, "3x": false, "a.b": false, "": false, "a-b": false} {
		if pysyntax.IsIdentifier(s) != want { // verify's stand-in names use the one identifier check
			t.Errorf("IsIdentifier(%q) = %v", s, !want)
		}
	}
}
