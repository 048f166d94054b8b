package cli

import (
	"archive/zip"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"layerkit": func() { os.Exit(Main(os.Args[1:], System())) },
	})
}

// TestScripts runs the CLI acceptance scripts in testdata/script: exit codes, stdout and
// stderr of every command and output format.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("NO_COLOR", "")
			// NATIVE is internal/native/testdata: compiled .so files (see build.sh there).
			native, err := filepath.Abs(filepath.Join("..", "native", "testdata"))
			if err != nil {
				return err
			}
			env.Setenv("NATIVE", native)
			return nil
		},
		Condition: func(cond string) (bool, error) {
			if cond == "sarif" {
				return sarifCondition()
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// zipdir DIR OUT.zip: zip DIR's contents (paths relative to DIR).
			"zipdir": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: zipdir DIR OUT.zip")
				}
				ts.Check(zipDir(ts.MkAbs(args[0]), ts.MkAbs(args[1])))
			},
			// pad FILE N [MARK]: append N bytes of comment lines starting with MARK ("#" by
			// default) to FILE: a file over --max-file-size without megabytes in a script.
			"pad": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 && len(args) != 3 {
					ts.Fatalf("usage: pad FILE BYTES [MARK]")
				}
				mark := "#"
				if len(args) == 3 {
					mark = args[2]
				}
				n, err := strconv.Atoi(args[1])
				ts.Check(err)
				f, err := os.OpenFile(ts.MkAbs(args[0]), os.O_APPEND|os.O_WRONLY, 0)
				ts.Check(err)
				line := mark + strings.Repeat("-", 78) + "\n"
				_, err = f.WriteString(strings.Repeat(line, n/len(line)+1))
				ts.Check(err)
				ts.Check(f.Close())
			},
			// awsfake start SCENARIO | throttle | truncate | corrupt | calls: see doctor_test.go.
			"awsfake": cmdAWSFake,
			// mkwheel DIR DIST VERSION TAG FILES: see build_test.go.
			"mkwheel": cmdMkWheel,
			// needtool pip|npm: skip without the tool, fail when CI is set; see build_test.go.
			"needtool": cmdNeedTool,
			// sarifvalidate FILE: FILE passes Microsoft's SARIF validator; see sarif_test.go.
			"sarifvalidate": cmdSarifValidate,
		},
	})
}

func zipDir(dir, out string) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(f)
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		w, err := zw.Create(filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
	if err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return f.Close()
}
