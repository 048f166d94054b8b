// Package cli is layerkit's command line: one cobra command per subcommand, each an
// options struct and a run function; the exit codes live here (0 nothing at or above
// --fail-on, 1 findings, 2 usage or input error).
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/report"
)

// Exit codes.
const (
	ExitOK       = 0
	ExitFindings = 1
	ExitInput    = 2
)

// IO is where a command reads and writes, and what it knows about the terminal.
type IO struct {
	In       io.Reader
	Out, Err io.Writer
	Getenv   func(string) string
	// OutTTY is true when Out is a terminal; Width is then its width in columns (0:
	// unknown).
	OutTTY bool
	Width  int
	// ErrTTY is true when Err is a terminal (progress lines are shown there).
	ErrTTY bool
}

// ColorEnabled decides colour for Out: only on a terminal, never with NO_COLOR or
// TERM=dumb; FORCE_COLOR or CLICOLOR_FORCE (set, not "0") forces it.
func (s *IO) ColorEnabled() bool {
	if s.Getenv("NO_COLOR") != "" {
		return false
	}
	for _, force := range []string{"FORCE_COLOR", "CLICOLOR_FORCE"} {
		if v := s.Getenv(force); v != "" && v != "0" && v != "false" {
			return true
		}
	}
	return s.OutTTY && s.Getenv("TERM") != "dumb"
}

// System returns the process's IO.
func System() *IO {
	s := &IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Getenv: os.Getenv,
		OutTTY: term.IsTerminal(int(os.Stdout.Fd())), ErrTTY: term.IsTerminal(int(os.Stderr.Fd()))}
	if s.OutTTY {
		if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil {
			s.Width = w
		}
	}
	return s
}

// exitError carries an exit code through cobra.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// usageError is a bad flag or argument: exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// Main runs layerkit with args and returns the exit code.
func Main(args []string, s *IO) int {
	root := newRoot(s)
	root.SetArgs(args)
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	var ies *iac.InputErrors
	if errors.As(err, &ies) {
		for _, ie := range ies.List {
			fmt.Fprintf(report.Writer(s.Err), "layerkit: %s\n", inputErrorText(ie))
		}
		return ExitInput
	}
	var ie *iac.InputError
	if errors.As(err, &ie) {
		fmt.Fprintf(report.Writer(s.Err), "layerkit: %s\n", inputErrorText(ie))
		return ExitInput
	}
	msg := err.Error()
	fmt.Fprintf(report.Writer(s.Err), "layerkit: %s\n", msg)
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(msg) {
		fmt.Fprintf(report.Writer(s.Err), "Run 'layerkit %s --help' for usage.\n", commandName(args))
	}
	return ExitInput
}

// inputErrorText is ie with its file named relative to the current folder, as the
// files of findings are in text output.
func inputErrorText(ie *iac.InputError) string {
	if cwd, err := os.Getwd(); err == nil {
		return ie.Display(cwd)
	}
	return ie.Error()
}

func isCobraUsage(msg string) bool {
	for _, p := range []string{"unknown flag", "unknown shorthand", "unknown command", "flag needs an argument", "invalid argument", "accepts ", "requires "} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

func commandName(args []string) string {
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			return a
		}
	}
	return ""
}

func newRoot(s *IO) *cobra.Command {
	root := &cobra.Command{
		Use:   "layerkit",
		Short: "Find Lambda import errors before you deploy",
		Long: `layerkit answers, before deployment and without Docker or an AWS account: will every
function's handler import on Lambda, on its runtime and architecture, with its own package plus
its layers in order? If not, it says exactly why and what to change.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       Version,
	}
	// --version prints the same line as `layerkit version` (version.go).
	root.SetVersionTemplate(versionLine(Version, readBuildInfo()) + "\n")
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(newVersionCmd(s))
	root.AddCommand(newCheckCmd(s), newExplainCmd(s))
	root.AddCommand(newBuildCmd(s))
	root.AddCommand(newDoctorCmd(s))
	root.AddCommand(newInspectCmd(s))
	root.AddCommand(newVerifyCmd(s))
	return root
}
