package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
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
	Regions     []string
	RoleARNs    []string
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
	f.StringSliceVar(&o.Regions, "regions", nil, "read these regions (comma-separated); functions are shown as REGION/NAME")
	f.StringSliceVar(&o.RoleARNs, "role-arn", nil, "read the account of this IAM role, assumed through STS with your credentials (repeatable: one per account of an organisation); functions are shown as ACCOUNT/REGION/NAME")
	f.StringVar(&o.Profile, "profile", "", "AWS profile (default: AWS_PROFILE or default)")
	f.StringVar(&o.Compare, "compare", "", "also report where deployed differs from the project at PATH (LK503)")
	f.IntVar(&o.Concurrency, "concurrency", 8, "functions read at the same time (1 to 64; AWS calls are retried with backoff, honouring Retry-After, when throttled)")
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
	if o.Region != "" && len(o.Regions) > 0 {
		return usageError{"--region and --regions: give the regions with one of them"}
	}
	for _, r := range o.RoleARNs {
		if live.RoleAccount(r) == "" {
			return usageError{fmt.Sprintf("--role-arn %q: want an IAM role ARN, arn:aws:iam::ACCOUNT:role/NAME", r)}
		}
	}
	if o.Compare != "" && (len(o.Regions) > 1 || len(o.RoleARNs) > 1) {
		return usageError{"--compare compares one project with one account and region: drop the other regions or roles"}
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

	region := o.Region
	if len(o.Regions) > 0 {
		region = o.Regions[0]
	}
	base, err := live.LoadConfig(ctx, live.AWSConfig{Region: region, Profile: o.Profile})
	if err != nil {
		return err
	}
	scopes := doctorScopes(base, o)
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
	clients := live.ClientsFromConfig(base)
	loader := &live.Loader{Lambda: clients.Lambda, Stacks: clients.Stacks, Region: clients.Region,
		Concurrency: o.Concurrency,
		Download:    &live.Downloader{Cache: cache, HTTP: clients.HTTP, MaxSize: int64(o.MaxDownload) << 20}}
	prog := newProgress(s)
	loader.Progress = prog.update
	res := loader.Run(ctx, scopes, live.Selection{Functions: o.Functions, Stacks: o.Stacks, All: o.All})
	prog.done()
	if len(res.ListErrors) > 0 && len(res.Deployed) == 0 && len(res.Failures) == 0 {
		if len(res.ListErrors) == 1 {
			return res.ListErrors[0]
		}
		return errors.Join(res.ListErrors...)
	}

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
	checked := fmt.Sprintf("deployed functions in %s (%s)", scopeText(scopes), selectionText(o))
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
	for _, err := range res.ListErrors {
		fmt.Fprintf(report.Writer(s.Err), "layerkit: %s\n", err)
	}
	if len(res.Failures) > 0 {
		for _, f := range res.Failures {
			fmt.Fprintf(report.Writer(s.Err), "layerkit: %s\n", f.Error())
		}
		fmt.Fprintf(s.Err, "layerkit: %d of %d function(s) could not be read\n", len(res.Failures), len(res.Failures)+len(res.Deployed))
	}
	if len(res.Failures) > 0 || len(res.ListErrors) > 0 {
		return exitError{ExitInput}
	}
	if ctx.Err() != nil {
		return fmt.Errorf("interrupted")
	}
	return failOn(o.FailOn, out.Findings)
}

// doctorScopes is every account × region doctor reads: the credentials' own account
// (or each --role-arn's) in the configured region (or each of --regions).
func doctorScopes(base aws.Config, o *DoctorOptions) []*live.Scope {
	regions := o.Regions
	if len(regions) == 0 {
		regions = []string{base.Region}
	}
	type account struct{ label, role string }
	accounts := []account{{}}
	if len(o.RoleARNs) > 0 {
		accounts = nil
		for _, r := range o.RoleARNs {
			accounts = append(accounts, account{label: live.RoleAccount(r), role: r})
		}
	}
	var out []*live.Scope
	for _, a := range accounts {
		var creds aws.Config
		if a.role != "" {
			creds = live.AssumeRole(base, a.role)
		} else {
			creds = base.Copy()
		}
		for _, r := range regions {
			cfg := creds.Copy()
			cfg.Region = r
			c := live.ClientsFromConfig(cfg)
			var label string // names are prefixed only with what varies
			switch {
			case len(accounts) > 1 && len(regions) > 1:
				label = a.label + "/" + r
			case len(accounts) > 1:
				label = a.label
			case len(regions) > 1:
				label = r
			}
			out = append(out, &live.Scope{Label: label, Region: r, Lambda: c.Lambda, Stacks: c.Stacks})
		}
	}
	return out
}

func scopeText(scopes []*live.Scope) string {
	if len(scopes) == 1 {
		return scopes[0].Region
	}
	var labels []string
	for _, sc := range scopes {
		labels = append(labels, sc.Label)
	}
	return strings.Join(labels, ", ")
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
	if (pr.Done < pr.Total || pr.Listing) && time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	p.shown = true
	more := ""
	if pr.Listing {
		more = "+ (listing)"
	}
	fmt.Fprintf(p.w, "\r\x1b[Kdoctor: %d/%d%s functions, %d package(s) downloaded, %s received, %d from cache",
		pr.Done, pr.Total, more, pr.Downloads, bytesize.Format(pr.Received), pr.CacheHits)
}

func (p *progress) done() {
	if p.w != nil && p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
