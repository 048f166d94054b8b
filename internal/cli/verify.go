package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/layerkit/layerkit/internal/check"
	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/report"
	"github.com/layerkit/layerkit/internal/verify"
)

// VerifyOptions are the flags of `layerkit verify`.
type VerifyOptions struct {
	Path      string
	Format    string
	Functions []string
	Kind      string
	Template  string
	Python    string
	Node      string
	Timeout   time.Duration
	Exact     bool
	MaxSize   int64 // MiB
	// Fixes names a fix flag given to verify (--fix, --diff, --unsafe-fixes): refused,
	// verify never changes PATH.
	Fixes    []string
	VarFiles []string
}

func newVerifyCmd(s *IO) *cobra.Command {
	o := &VerifyOptions{}
	cmd := &cobra.Command{
		Use:   "verify [PATH]",
		Short: "Prove check's verdicts by loading each handler with a real Python or node (runs your code)",
		Long: `Verify checks PATH as check does, then proves each function's verdict with the real
interpreter: it lays out /var/task and /opt (the layers merged in order) in a private temporary
folder, loads the handler module there as Lambda's runtime client does, and prints, per function,
layerkit's verdict, the interpreter's (the error Lambda would log) and whether they agree.

Python: a local python3.X of the function's runtime version runs with the sys.path the Lambda
bootstrap builds (PYTHONPATH rule and .pth files included), imports the handler module and looks
the handler up as awslambdaric does.

Node.js: a local node loads the handler as the runtime interface client does (the module up to
the first dot of the handler's base name, the property path after it; the load order: the bare
path, a file or a directory, then .js — CommonJS or ES module by the nearest package.json "type"
— then .mjs, .cjs, then require.resolve from /var/task; the errors Runtime.ImportModuleError,
Runtime.HandlerNotFound, Runtime.UserCodeSyntaxError, and raw Error with Node's code for ES
modules). NODE_PATH is Lambda's (/opt/nodejs/nodeNN/node_modules, /opt/nodejs/node_modules,
/var/runtime/node_modules, /var/runtime, /var/task), or the function's own NODE_PATH, which
replaces it. Lambda's node, from Node 18, also searches NODE_PATH for an ES module's bare
import when the ordinary node_modules walk fails (AWS documents it; upstream node never does):
verify emulates that with a resolve hook, trying each NODE_PATH entry ending in node_modules,
and keeping the original error when none has the package. Node starts with Lambda's
--no-experimental-require-module and --no-experimental-detect-module. Paths and messages read as
on Lambda (/var/task/app.js, /opt/nodejs/...).

WARNING: loading a module runs its top-level code. verify runs YOUR CODE (and your layers'):
only run it on code you trust. It runs the interpreter (python -I -S, or node) with an
environment holding only what Lambda sets (dummy values) and the function's own variables, the
function's /var/task copy as working folder, in a session of its own that is killed entirely at
the end or after --timeout, writable only below verify's private folder and /tmp where the
kernel has Landlock; the verdict comes back on a pipe, never a file; the temporary folder is
removed when done or interrupted. It never writes into PATH.

The interpreter is python3.X from PATH for a python3.X function, else python3 (the output says
so, and marks results that depend on standard-library differences as approximate), or --python;
node from PATH for every Node.js runtime, or --node: the output names the node that judged, and
notes when its major is not the runtime's (results that depend on it are marked approximate).
With --exact-version, a function whose python3.X (or Node.js major) is not the local one is
skipped instead.
What layerkit assumes is stood in by empty packages and listed: distributions a build would
install (source mode, npm install), the runtime's own packages (boto3, @aws-sdk/*, ...), modules
a layer that cannot be read might provide.

Exit status: 0 when every verified function agrees, 1 when one disagrees or cannot be run to a
verdict, 2 when the input cannot be read or a flag is wrong, 3 when layerkit crashed (a bug).`,
		Example: `  layerkit verify .
  layerkit verify template.yaml --function OrdersFunction --format json
  layerkit verify . --python /usr/bin/python3.12 --timeout 30s
  layerkit verify . --node /usr/local/bin/node --exact-version`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.Path = args[0]
			}
			return runVerify(cmd.Context(), s, o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.Format, "format", "f", "text", "output format: text, json")
	f.StringSliceVar(&o.Functions, "function", nil, "verify only this function (repeatable)")
	f.StringVar(&o.Kind, "kind", "", "force the input kind: sam, cdk, terraform, serverless")
	f.StringVar(&o.Template, "template", "", "the template file to use inside PATH")
	f.StringVar(&o.Python, "python", "", "the interpreter to run (default: python3.X of each runtime from PATH, else python3)")
	f.StringVar(&o.Node, "node", "", "the node that loads Node.js handlers (default: node from PATH)")
	f.DurationVar(&o.Timeout, "timeout", verify.DefaultTimeout, "time limit of each function's import")
	f.BoolVar(&o.Exact, "exact-version", false, "skip functions whose runtime's python3.X (or Node.js major) is not the local one instead of running another version")
	f.StringArrayVar(&o.VarFiles, "var-file", nil, "a Terraform variable file, as for check (repeatable; later ones win)")
	f.Int64Var(&o.MaxSize, "max-materialize", verify.DefaultMaxSize>>20, "MiB verify may write to lay out all functions (their packages and layers); past it a function has no verdict")
	// check's fix flags, known here only to refuse them with a reason.
	for _, name := range []string{"fix", "diff", "unsafe-fixes"} {
		f.BoolFunc(name, "refused: verify never changes PATH (use layerkit check --"+name+")", func(string) error {
			o.Fixes = append(o.Fixes, "--"+name)
			return nil
		})
		_ = f.MarkHidden(name)
	}
	return cmd
}

func runVerify(ctx context.Context, s *IO, o *VerifyOptions) error {
	if len(o.Fixes) > 0 {
		return usageError{fmt.Sprintf("%s: verify never changes PATH; fixes are made by layerkit check (check --diff shows them, check --fix applies them, then run verify again)", strings.Join(o.Fixes, ", "))}
	}
	if o.Format != "text" && o.Format != "json" {
		return usageError{fmt.Sprintf("unknown --format %q (want text or json)", o.Format)}
	}
	switch o.Kind {
	case "", "sam", "cloudformation", "cdk", "terraform", "serverless":
	default:
		return usageError{fmt.Sprintf("unknown --kind %q (want sam, cdk, terraform or serverless)", o.Kind)}
	}
	if o.Timeout <= 0 {
		return usageError{fmt.Sprintf("--timeout must be positive, not %s", o.Timeout)}
	}
	if o.MaxSize <= 0 {
		return usageError{fmt.Sprintf("--max-materialize must be positive, not %d", o.MaxSize)}
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := verify.Run(ctx, verify.Options{
		Check:   check.Options{Path: o.Path, Kind: o.Kind, Template: o.Template, Functions: o.Functions, Load: iac.Options{VarFiles: o.VarFiles}},
		Python:  o.Python,
		Node:    o.Node,
		Exact:   o.Exact,
		Timeout: o.Timeout,
		PathEnv: s.Getenv("PATH"),
		MaxSize: o.MaxSize << 20,
	})
	if err != nil {
		var ie *verify.InputError
		if errors.As(err, &ie) {
			return usageError{ie.Msg}
		}
		if errors.Is(err, context.Canceled) {
			return errors.New("interrupted; the temporary folder was removed")
		}
		return err
	}
	if len(o.Functions) > 0 && len(rep.Functions) == 0 {
		return usageError{fmt.Sprintf("no function named %s", strings.Join(o.Functions, ", "))}
	}
	if o.Format == "json" {
		if rep.Checked != "" {
			fmt.Fprintf(report.Writer(s.Err), "layerkit: checked %s\n", rep.Checked)
		}
		if err := report.JSON(s.Out, struct {
			Version int `json:"version"`
			*verify.Report
		}{1, rep}); err != nil {
			return err
		}
	} else {
		writeVerifyText(safeOut(s), rep)
	}
	if rep.Summary.Disagree > 0 || rep.Summary.Errors > 0 {
		return exitError{ExitFindings}
	}
	return nil
}

// safeOut is s.Out made inert for a terminal or CI log (report.Writer).
func safeOut(s *IO) io.Writer { return report.Writer(s.Out) }

func writeVerifyText(w io.Writer, rep *verify.Report) {
	if rep.Checked != "" {
		fmt.Fprintf(w, "Checked %s; loaded each handler with a local Python or node (this ran the functions' top-level code)\n\n", rep.Checked)
	}
	for _, f := range rep.Functions {
		head := fmt.Sprintf("%s (%s, handler %s): %s", f.Name, f.Runtime, f.Handler, strings.ToUpper(f.Status))
		if f.Interpreter != nil && f.Interpreter.Approximate {
			head += " (approximate)"
		}
		fmt.Fprintln(w, head)
		if f.Reason != "" {
			fmt.Fprintf(w, "  %s\n", f.Reason)
		}
		if f.Status == verify.Skipped {
			continue
		}
		if f.Static.Fails {
			fmt.Fprintf(w, "  layerkit:    fails (%s): %s\n", strings.Join(f.Static.Errors, ", "), f.Static.Message)
		} else {
			fmt.Fprintf(w, "  layerkit:    imports\n")
		}
		if in := f.Interpreter; in != nil {
			who := fmt.Sprintf("python%s", in.Version)
			if in.Node != "" {
				who = "node v" + in.Version
			}
			switch {
			case f.Status == verify.Failed:
				fmt.Fprintf(w, "  %-12s no verdict\n", who+":")
			case in.Fails:
				code := ""
				if in.Code != "" && !strings.HasPrefix(in.ErrorType, "Runtime.") {
					code = " [" + in.Code + "]"
				}
				fmt.Fprintf(w, "  %-12s fails: %s%s: %s\n", who+":", in.ErrorType, code, strings.ReplaceAll(in.Message, "\n", "\n                 "))
				if in.Where != "" {
					fmt.Fprintf(w, "               at %s\n", in.Where)
				}
			default:
				fmt.Fprintf(w, "  %-12s imports\n", who+":")
			}
			if in.Trace != "" && f.Status != verify.Agree {
				for _, l := range strings.Split(strings.TrimRight(in.Trace, "\n"), "\n") {
					fmt.Fprintf(w, "      %s\n", l)
				}
			}
			if in.Output != "" && f.Status != verify.Agree {
				fmt.Fprintf(w, "  output:\n")
				for _, l := range strings.Split(strings.TrimRight(in.Output, "\n"), "\n") {
					fmt.Fprintf(w, "      %s\n", l)
				}
			}
		}
		for _, si := range f.StandIns {
			if si.Imported {
				fmt.Fprintf(w, "  stood in:    %s (%s)\n", si.Module, si.Why)
			}
		}
		for _, n := range f.Notes {
			fmt.Fprintf(w, "  note:        %s\n", n)
		}
	}
	sm := rep.Summary
	fmt.Fprintf(w, "\n%d function(s): %d agree, %d disagree", sm.Functions, sm.Agree, sm.Disagree)
	if sm.Unverifiable > 0 {
		fmt.Fprintf(w, ", %d unverifiable", sm.Unverifiable)
	}
	if sm.Errors > 0 {
		fmt.Fprintf(w, ", %d without a verdict", sm.Errors)
	}
	if sm.Skipped > 0 {
		fmt.Fprintf(w, ", %d skipped", sm.Skipped)
	}
	fmt.Fprintln(w)
}
