package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// sarifMultitool is the npm package of Microsoft's SARIF validator, pinned.
const sarifMultitool = "@microsoft/sarif-multitool@5.7.0"

var (
	multitoolOnce sync.Once
	multitoolPath string
	multitoolErr  error
)

// installMultitool installs the SARIF multitool with npm into the user's cache folder
// (once per machine and version) and returns its command.
func installMultitool() (string, error) {
	multitoolOnce.Do(func() {
		if _, err := exec.LookPath("npm"); err != nil {
			multitoolErr = fmt.Errorf("npm: %w", err)
			return
		}
		cache, err := os.UserCacheDir()
		if err != nil {
			cache = os.TempDir()
		}
		dir := filepath.Join(cache, "layerkit-test", strings.NewReplacer("@", "", "/", "-").Replace(sarifMultitool))
		bin := filepath.Join(dir, "node_modules", ".bin", "sarif-multitool")
		if _, err := os.Stat(bin); err != nil {
			cmd := exec.Command("npm", "install", "--no-audit", "--no-fund", "--prefix", dir, sarifMultitool)
			if out, err := cmd.CombinedOutput(); err != nil {
				multitoolErr = fmt.Errorf("npm install %s: %v\n%s", sarifMultitool, err, out)
				return
			}
		}
		// The platform package's postinstall (chmod u+x) may not have run: npm can hold
		// install scripts back.
		natives, _ := filepath.Glob(filepath.Join(dir, "node_modules", "@microsoft", "sarif-multitool-*", "Sarif.Multitool"))
		for _, n := range natives {
			os.Chmod(n, 0o755)
		}
		multitoolPath = bin
	})
	return multitoolPath, multitoolErr
}

// sarifCondition is the script condition [sarif]: the SARIF validator is installed
// (npm is here); without it, an error when CI is set. Under -short it is false: the
// validator (.NET) takes seconds to start, twice a script; the full run (CI) validates.
func sarifCondition() (bool, error) {
	if testing.Short() {
		return false, nil
	}
	if _, err := installMultitool(); err != nil {
		if os.Getenv("CI") != "" {
			return false, fmt.Errorf("the SARIF validator is needed (CI is set): %v", err)
		}
		return false, nil
	}
	return true, nil
}

// cmdSarifValidate is `sarifvalidate FILE...`: each FILE passes `sarif-multitool
// validate` with no error (guard it with [sarif]); with !, some error is reported (the
// control that the validator catches what this test is about). One run for all: the
// tool takes seconds to start.
func cmdSarifValidate(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 0 {
		ts.Fatalf("usage: sarifvalidate FILE...")
	}
	bin, err := installMultitool()
	ts.Check(err)
	// The tool's launcher runs it through a shell: no spaces in its arguments.
	out := ts.MkAbs("validation.sarif")
	os.Remove(out)
	cargs := []string{"validate", "-o", out}
	for _, a := range args {
		cargs = append(cargs, ts.MkAbs(a))
	}
	cmd := exec.Command(bin, cargs...)
	cmd.Env = append(os.Environ(), "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1", "DOTNET_CLI_TELEMETRY_OPTOUT=1")
	msg, err := cmd.CombinedOutput()
	if err != nil {
		ts.Fatalf("sarif-multitool validate: %v\n%s", err, msg)
	}
	data, err := os.ReadFile(out)
	ts.Check(err)
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID  string `json:"ruleId"`
				Level   string `json:"level"`
				Message struct {
					Arguments []string `json:"arguments"`
				} `json:"message"`
			} `json:"results"`
		} `json:"runs"`
	}
	ts.Check(json.Unmarshal(data, &log))
	var problems []string
	for _, run := range log.Runs {
		for _, r := range run.Results {
			ts.Logf("%s %s %v", r.Level, r.RuleID, r.Message.Arguments)
			if r.Level == "error" {
				problems = append(problems, fmt.Sprintf("%s %v", r.RuleID, r.Message.Arguments))
			}
		}
	}
	if neg {
		if len(problems) == 0 {
			ts.Fatalf("%s validate, want errors", strings.Join(args, ", "))
		}
		return
	}
	if len(problems) > 0 {
		ts.Fatalf("%s do not validate:\n%s", strings.Join(args, ", "), strings.Join(problems, "\n"))
	}
}
