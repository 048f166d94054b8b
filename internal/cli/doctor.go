package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/layerkit/layerkit/internal/bytesize"
	"github.com/layerkit/layerkit/internal/check"
	"github.com/layerkit/layerkit/internal/live"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/report"
)

// DoctorOptions are the flags of `layerkit doctor`.
type DoctorOptions struct {
	Functions   []string
	Stacks      []string
	All         bool
	Region      string
	Profile     string
	Compare     string
	Concurrency int
	MaxDownload int // MiB
	CacheDir    string
	Format      string
	FailOn      string
	Ignore      []string
	Quiet       bool
	Today       string
}

func newDoctorCmd(s *IO) *cobra.Command {
	o := &DoctorOptions{}
	cmd := &cobra.Command{
		Use:   "doctor (--function NAME|ARN... | --stack STACK... | --all)",
		Short: "Check what is really deployed: download functions and layers from AWS and check them",
		Long: `Doctor reads deployed Lambda functions — named with --function, every function of a
CloudFormation stack (nested stacks included) with --stack, or every function in the region with
--all — downloads each one's code and layer versions (each checked against the CodeSha256 Lambda
reports, cached on disk by SHA-256 so a layer shared by many functions is downloaded once), and
runs every check on them, plus the live rules:

  LK501  a newer version of an attached layer exists (and how many versions behind)
  LK502  an attached layer version was deleted (still works, cannot be re-attached)
  LK503  with --compare PATH: deployed differs from what 'layerkit check PATH' models
  LK105  a layer that cannot be read (access denied on a cross-account layer names the permission)

Credentials and region come from the usual AWS sources: --region and --profile, AWS_REGION,
AWS_PROFILE, AWS_ACCESS_KEY_ID..., ~/.aws/config and ~/.aws/credentials, SSO, instance roles.
It needs lambda:GetFunction, lambda:GetLayerVersion, lambda:ListLayerVersions, and
lambda:ListFunctions (--all) or cloudformation:ListStackResources (--stack); see the README.

Container-image functions are listed and skipped. Environment variable values are not kept
(only PYTHONPATH/NODE_PATH when they are plain folder lists); presigned URLs and credentials are
never printed. Downloads are cached in $LAYERKIT_CACHE_DIR or the user cache folder
(layerkit/downloads; folders doctor creates are mode 0700, an existing --cache-dir keeps
its mode); delete it at any time.

Exit status: 0 when no finding is at or above --fail-on, 1 when one is, 2 when a function or
package could not be read (the others are still checked and reported) or a flag is wrong, 3 when layerkit crashed (a bug).`,
		Example: `  layerkit doctor --function orders-api
  layerkit doctor --stack my-app --compare .
  layerkit doctor --all --region eu-west-1 --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDoctor(cmd.Context(), s, o)
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&o.Functions, "function", nil, "a function name or ARN (repeatable)")
	f.StringSliceVar(&o.Stacks, "stack", nil, "every function of this CloudFormation stack (repeatable)")
	f.BoolVar(&o.All, "all", false, "every function in the region")
	f.StringVar(&o.Region, "region", "", "AWS region (default: AWS_REGION or the profile's)")
	f.StringVar(&o.Profile, "profile", "", "AWS profile (default: AWS_PROFILE or default)")
	f.StringVar(&o.Compare, "compare", "", "also report where deployed differs from the project at PATH (LK503)")
	f.IntVar(&o.Concurrency, "concurrency", 8, "functions read at the same time")
	f.IntVar(&o.MaxDownload, "max-download", live.DefaultMaxDownload>>20, "largest package to download, in MiB")
	f.StringVar(&o.CacheDir, "cache-dir", "", "download cache (default: $LAYERKIT_CACHE_DIR or the user cache folder)")
	f.StringVarP(&o.Format, "format", "f", "text", "output format: text, json, sarif, github")
	f.StringVar(&o.FailOn, "fail-on", "error", "exit 1 when a finding is at or above: error, warning, info, never")
	f.StringSliceVar(&o.Ignore, "ignore", nil, "drop findings with this code (repeatable, comma-separated)")
	f.BoolVarP(&o.Quiet, "quiet", "q", false, "print nothing when there is no finding (text format)")
	f.StringVar(&o.Today, "today", "", "judge runtime deprecation as of this date (YYYY-MM-DD)")
	_ = f.MarkHidden("today")
	return cmd
}

func runDoctor(ctx context.Context, s *IO, o *DoctorOptions) error {
	if err := validReport(o.Format, o.FailOn); err != nil {
		return err
	}
	if len(o.Functions) == 0 && len(o.Stacks) == 0 && !o.All {
		return usageError{"say what to check: --function NAME, --stack STACK or --all"}
	}
	if o.All && (len(o.Functions) > 0 || len(o.Stacks) > 0) {
		return usageError{"--all checks every function; drop --function and --stack"}
	}
	if o.Concurrency < 1 || o.Concurrency > 64 {
		return usageError{fmt.Sprintf("--concurrency %d: want 1 to 64", o.Concurrency)}
	}
	if o.MaxDownload < 1 {
		return usageError{fmt.Sprintf("--max-download %d: want a size in MiB", o.MaxDownload)}
	}
	opts := check.Options{Ignore: splitList(o.Ignore)}
	if err := parseToday(o.Today, &opts); err != nil {
		return err
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()

	// The local project first: a mistake there should not wait for the downloads.
	var local []*model.App
	if o.Compare != "" {
		_, inputs, err := check.Detect(o.Compare, "", "")
		if err != nil {
			return err
		}
		if local, err = check.LoadAll(inputs); err != nil {
			return err
		}
	}

	clients, err := live.NewClients(ctx, live.AWSConfig{Region: o.Region, Profile: o.Profile})
	if err != nil {
		return err
	}
	dir := o.CacheDir
	if dir == "" {
		if dir, err = live.DefaultCacheDir(s.Getenv); err != nil {
			return err
		}
	}
	cache, err := live.OpenCache(dir)
	if err != nil {
		return err
	}
	loader := &live.Loader{Lambda: clients.Lambda, Stacks: clients.Stacks, Region: clients.Region,
		Concurrency: o.Concurrency,
		Download:    &live.Downloader{Cache: cache, HTTP: clients.HTTP, MaxSize: int64(o.MaxDownload) << 20}}
	targets, err := loader.Targets(ctx, live.Selection{Functions: o.Functions, Stacks: o.Stacks, All: o.All})
	if err != nil {
		return err
	}
	prog := newProgress(s)
	loader.Progress = prog.update
	res := loader.Load(ctx, targets)
	prog.done()

	if o.Compare != "" {
		notes, unmatched := live.Compare(res.Deployed, local, res.LayerLogical)
		res.App.Notes = append(res.App.Notes, notes...)
		if len(unmatched) > 0 {
			shown := unmatched
			if len(shown) > 5 {
				shown = append(shown[:5:5], "...")
			}
			fmt.Fprintf(report.Writer(s.Err), "layerkit: --compare: %d deployed function(s) match no function of %s by CloudFormation logical id or name: %s\n",
				len(unmatched), o.Compare, strings.Join(shown, ", "))
		}
	}
	out, err := check.CheckApp(ctx, opts, "", res.App)
	if err != nil {
		return err
	}
	checked := fmt.Sprintf("deployed functions in %s (%s)", clients.Region, selectionText(o))
	in := report.Input{Findings: out.Findings, Checked: checked, Color: s.ColorEnabled() && o.Format == "text", Version: Version}
	in.Summary = report.Count(countChecked(report.Summary{Functions: out.Functions, Layers: out.Layers}, out.Analyses), out.Findings)
	for _, a := range out.Analyses {
		fl := report.FunctionLine{Name: a.Fn.Name, Kind: a.Fn.Kind, Runtime: a.Fn.Runtime, Arch: a.Fn.Arch, Skipped: a.Skip}
		if a.Fn.PackageType == "Image" {
			fl.Runtime = "container image"
			fl.Skipped = "a container image function (no layers; its image is not downloaded)"
		}
		for _, l := range a.Fn.Layers {
			if l.Layer != nil {
				fl.Layers = append(fl.Layers, l.Layer.Name)
			}
		}
		in.Functions = append(in.Functions, fl)
	}
	if o.Format != "text" {
		fmt.Fprintf(report.Writer(s.Err), "layerkit: checked %s\n", checked)
	}
	if err := writeReport(s.Out, o.Format, o.Quiet, in); err != nil {
		return err
	}
	if len(res.Failures) > 0 {
		for _, f := range res.Failures {
			fmt.Fprintf(report.Writer(s.Err), "layerkit: %s\n", f.Error())
		}
		fmt.Fprintf(s.Err, "layerkit: %d of %d function(s) could not be read\n", len(res.Failures), len(targets))
		return exitError{ExitInput}
	}
	if ctx.Err() != nil {
		return fmt.Errorf("interrupted")
	}
	return failOn(o.FailOn, out.Findings)
}

func selectionText(o *DoctorOptions) string {
	var parts []string
	if o.All {
		parts = append(parts, "all")
	}
	if len(o.Stacks) > 0 {
		parts = append(parts, "stack "+strings.Join(o.Stacks, ", "))
	}
	if len(o.Functions) > 0 {
		parts = append(parts, "function "+strings.Join(o.Functions, ", "))
	}
	return strings.Join(parts, "; ")
}

// progress prints one updating line on stderr, only when stderr is a terminal.
type progress struct {
	mu    sync.Mutex
	w     *os.File
	last  time.Time
	shown bool
}

func newProgress(s *IO) *progress {
	f, ok := s.Err.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) || s.Getenv("TERM") == "dumb" {
		return &progress{}
	}
	return &progress{w: f}
}

func (p *progress) update(pr live.Progress) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if pr.Done < pr.Total && time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	p.shown = true
	fmt.Fprintf(p.w, "\r\x1b[Kdoctor: %d/%d functions, %d package(s) downloaded (%s), %d from cache",
		pr.Done, pr.Total, pr.Downloads, bytesize.Format(pr.Bytes), pr.CacheHits)
}

func (p *progress) done() {
	if p.w != nil && p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
