// Package live is layerkit doctor's view of AWS: it lists the deployed functions
// (by name, CloudFormation stack, or the whole region), reads each one's
// configuration, downloads its code and its layer versions into an on-disk cache
// (verified against the CodeSha256 Lambda reports), and builds the model.App the
// checks run on, with the live findings (LK501 newer layer version, LK502 deleted
// layer version, LK105 layer not readable, LK503 deployed differs from local) as
// notes. AWS is reached only through the small interfaces in aws.go.
package live

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
	"github.com/layerkit/layerkit/internal/tree"
)

// Selection says which functions to read.
type Selection struct {
	Functions []string // names or ARNs
	Stacks    []string // CloudFormation stack names or ids (nested stacks included)
	All       bool     // every function in the region
}

// Target is one function to read.
type Target struct {
	Name    string // name or ARN, as given to GetFunction
	Logical string // CloudFormation logical id, when known from the stack
	Stack   string
	Scope   *Scope // nil: the Loader's own clients
}

// Scope is one account and region to read: its clients, and the label that
// prefixes its functions' names when doctor reads several ("123456789012/eu-west-1").
type Scope struct {
	Label  string
	Region string
	Lambda LambdaClient
	Stacks StackClient
}

// Progress is reported after each function, and every progressEvery while functions
// are read (downloads can be long).
type Progress struct {
	Done, Total int
	Listing     bool  // functions are still being listed: Total is what is known so far
	Downloads   int64 // packages downloaded so far
	Bytes       int64
	CacheHits   int64
	// Received is every byte received so far, downloads in flight included.
	Received int64
}

// progressEvery is how often Progress is reported while functions are read; a variable
// for the tests.
var progressEvery = 500 * time.Millisecond

// Loader reads what is deployed.
type Loader struct {
	Lambda   LambdaClient
	Stacks   StackClient // needed for Selection.Stacks
	Download *Downloader
	Region   string
	// Concurrency bounds the AWS calls and downloads in flight at once (0: 8); more
	// functions than that are read side by side, so that a function waiting for a
	// layer another one is reading does not hold a slot.
	Concurrency int
	// Progress, when set, is called after each function (from several goroutines,
	// never concurrently).
	Progress func(Progress)

	mu         sync.Mutex
	layers     map[string]*layerVersion // by scope label + " " + layer version ARN
	versions   map[string]*layerHistory // by scope label + " " + layer ARN (no version)
	layerStack map[string]string        // layer version ARN → CloudFormation logical id
	progressMu sync.Mutex
	slots      chan struct{} // Concurrency tokens: one per call or download in flight
}

// Deployed is one function as read from AWS.
type Deployed struct {
	Fn         *model.Function
	ARN        string
	Logical    string // CloudFormation logical id (from the stack listing or the function's tags)
	Stack      string
	CodeSha256 string
	LayerARNs  []string
	scope      *Scope
}

// Failure is a function (or one of its packages) that could not be read.
type Failure struct {
	Function string
	Err      error
}

func (f Failure) Error() string { return f.Function + ": " + f.Err.Error() }

// Result is what Load read.
type Result struct {
	App      *model.App
	Deployed []*Deployed
	Failures []Failure
	// ListErrors are the listings that failed (a stack, ListFunctions, a role that
	// could not be assumed): the functions they would have named are not read.
	ListErrors []error
	// LayerLogical maps a layer version ARN to its CloudFormation logical id, for the
	// layers the listed stacks define.
	LayerLogical map[string]string
}

type layerVersion struct {
	once    sync.Once
	scope   *Scope
	arn     string
	layer   string // ARN without the version
	name    string // layer name
	account string
	version int64

	content         *model.Code
	runtimes, archs []string
	deleted         bool
	denied          string // the error AWS gave, when access was denied
	err             error  // any other failure
	model           *model.Layer
}

type layerHistory struct {
	once     sync.Once
	versions []int64 // every listed version
	known    bool    // false when the versions could not be listed
}

// layerARN: arn:PARTITION:lambda:REGION:ACCOUNT:layer:NAME:VERSION
var layerARN = regexp.MustCompile(`^(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:(\d{12}):layer:([a-zA-Z0-9-_]+)):(\d+)$`)

// Targets lists the functions sel names. Stacks are read with ListStackResources
// (nested stacks too); the whole region with ListFunctions.
func (l *Loader) Targets(ctx context.Context, sel Selection) ([]Target, error) {
	var out []Target
	err := l.list(ctx, l.defaultScope(), sel, func(t Target) { out = append(out, t) })
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (l *Loader) defaultScope() *Scope {
	return &Scope{Region: l.Region, Lambda: l.Lambda, Stacks: l.Stacks}
}

// list calls emit for each function sel names in scope, once each, as the pages
// arrive.
func (l *Loader) list(ctx context.Context, sc *Scope, sel Selection, emit func(Target)) error {
	lim := l.limited(sc) // for the calls; targets keep sc
	seen := map[string]bool{}
	add := func(t Target) {
		if !seen[t.Name] {
			seen[t.Name] = true
			t.Scope = sc
			emit(t)
		}
	}
	for _, f := range sel.Functions {
		add(Target{Name: f})
	}
	for _, s := range sel.Stacks {
		if sc.Stacks == nil {
			return errors.New("no CloudFormation client")
		}
		if err := l.stackTargets(ctx, lim, s, s, 0, add); err != nil {
			return err
		}
	}
	if sel.All {
		p := lambda.NewListFunctionsPaginator(lim.Lambda, &lambda.ListFunctionsInput{})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return describe("listing the functions (lambda:ListFunctions)"+sc.in(), err)
			}
			for _, f := range page.Functions {
				add(Target{Name: aws.ToString(f.FunctionName)})
			}
		}
	}
	return nil
}

// in is " in LABEL" for messages, when the scope has a label.
func (sc *Scope) in() string {
	if sc == nil || sc.Label == "" {
		return ""
	}
	return " in " + sc.Label
}

func (l *Loader) stackTargets(ctx context.Context, sc *Scope, stack, top string, depth int, add func(Target)) error {
	if depth > 5 {
		return nil
	}
	p := cloudformation.NewListStackResourcesPaginator(sc.Stacks, &cloudformation.ListStackResourcesInput{StackName: aws.String(stack)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return describe(fmt.Sprintf("listing the resources of stack %s%s (cloudformation:ListStackResources)", stack, sc.in()), err)
		}
		for _, r := range page.StackResourceSummaries {
			phys := aws.ToString(r.PhysicalResourceId)
			if phys == "" {
				continue
			}
			switch aws.ToString(r.ResourceType) {
			case "AWS::Lambda::Function", "AWS::Serverless::Function":
				add(Target{Name: phys, Logical: aws.ToString(r.LogicalResourceId), Stack: top})
			case "AWS::Lambda::LayerVersion", "AWS::Serverless::LayerVersion":
				l.mu.Lock()
				if l.layerStack == nil {
					l.layerStack = map[string]string{}
				}
				l.layerStack[phys] = aws.ToString(r.LogicalResourceId)
				l.mu.Unlock()
			case "AWS::CloudFormation::Stack":
				if err := l.stackTargets(ctx, sc, phys, top, depth+1, add); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// describe turns an AWS error into a message that names what was being done, the
// permission when access was denied, and AWS's own message.
func describe(what string, err error) error {
	switch {
	case isAccessDenied(err):
		return fmt.Errorf("%s: access denied: %s", what, apiMessage(err))
	case isNotFound(err):
		return fmt.Errorf("%s: not found: %s", what, apiMessage(err))
	case apiCode(err) != "":
		return fmt.Errorf("%s: %s", what, apiMessage(err))
	}
	return fmt.Errorf("%s: %w", what, err)
}

// Load reads every target: configuration, code and layers, concurrently.
func (l *Loader) Load(ctx context.Context, targets []Target) *Result {
	return l.run(ctx, func(emit func(Target)) []error {
		for _, t := range targets {
			if ctx.Err() != nil {
				break
			}
			emit(t)
		}
		return nil
	})
}

// Run lists what sel names in every scope and reads it, listing and reading side by
// side: the first functions are read while later pages are still being listed, so
// a long ListFunctions does not delay the work. A listing that fails is reported in
// Result.ListErrors; the other scopes are still read.
func (l *Loader) Run(ctx context.Context, scopes []*Scope, sel Selection) *Result {
	return l.run(ctx, func(emit func(Target)) []error {
		errs := make([]error, len(scopes))
		var wg sync.WaitGroup
		var mu sync.Mutex
		for i, sc := range scopes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = l.list(ctx, sc, sel, func(t Target) {
					mu.Lock()
					defer mu.Unlock()
					emit(t)
				})
			}()
		}
		wg.Wait()
		var out []error
		for _, err := range errs {
			if err != nil {
				out = append(out, err)
			}
		}
		return out
	})
}

// run reads the targets produce emits (produce returns when it has emitted them
// all) with Concurrency calls in flight.
func (l *Loader) run(ctx context.Context, produce func(emit func(Target)) []error) *Result {
	conc := l.Concurrency
	if conc <= 0 {
		conc = 8
	}
	l.slots = make(chan struct{}, conc)
	l.Download.Slots = l.slots
	workers := min(4*conc, 256)
	l.mu.Lock()
	if l.layers == nil {
		l.layers = map[string]*layerVersion{}
	}
	if l.versions == nil {
		l.versions = map[string]*layerHistory{}
	}
	l.mu.Unlock()

	type slot struct {
		t   Target
		d   *Deployed
		err error
	}
	var (
		slotsMu sync.Mutex
		slots   []*slot
		listing = true
		done    int
	)
	report := func() {
		if l.Progress == nil {
			return
		}
		l.progressMu.Lock()
		defer l.progressMu.Unlock()
		slotsMu.Lock()
		pr := Progress{Done: done, Total: len(slots), Listing: listing}
		slotsMu.Unlock()
		pr.Downloads, pr.Bytes, pr.CacheHits = l.Download.Downloads.Load(), l.Download.Bytes.Load(), l.Download.Hits.Load()
		pr.Received = l.Download.Received.Load()
		l.Progress(pr)
	}
	stopTicker := l.tick(report)
	work := make(chan *slot, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range work {
				if ctx.Err() == nil {
					s.d, s.err = l.loadFunction(ctx, s.t)
				}
				slotsMu.Lock()
				done++
				slotsMu.Unlock()
				report()
			}
		}()
	}
	listErrs := produce(func(t Target) {
		s := &slot{t: t}
		slotsMu.Lock()
		slots = append(slots, s)
		slotsMu.Unlock()
		work <- s
	})
	slotsMu.Lock()
	listing = false
	slotsMu.Unlock()
	close(work)
	wg.Wait()
	stopTicker()
	report()

	source := "lambda:" + l.Region
	if len(slots) > 0 && slots[0].t.Scope != nil && slots[0].t.Scope.Label != "" {
		source = "lambda"
	}
	res := &Result{App: &model.App{Kind: "live", Source: source, Built: true}, ListErrors: listErrs}
	byARN := map[string]bool{}
	for _, s := range slots {
		switch {
		case s.err != nil:
			res.Failures = append(res.Failures, Failure{Function: s.t.label(), Err: s.err})
		case s.d == nil:
			res.Failures = append(res.Failures, Failure{Function: s.t.label(), Err: errors.New("not read (interrupted)")})
		case !byARN[s.d.ARN]:
			byARN[s.d.ARN] = true
			res.Deployed = append(res.Deployed, s.d)
		}
	}
	sort.Slice(res.Deployed, func(i, j int) bool { return res.Deployed[i].Fn.Name < res.Deployed[j].Fn.Name })
	l.mu.Lock()
	res.LayerLogical = l.layerStack
	l.mu.Unlock()
	l.finish(res)
	return res
}

// label is the target's name as reports show it: prefixed by its scope's label.
func (t Target) label() string {
	if t.Scope != nil && t.Scope.Label != "" {
		return t.Scope.Label + "/" + t.Name
	}
	return t.Name
}

// loadFunction reads one function and everything it needs.
func (l *Loader) loadFunction(ctx context.Context, t Target) (*Deployed, error) {
	sc := t.Scope
	if sc == nil {
		sc = l.defaultScope()
		t.Scope = sc
	}
	lim := l.limited(sc)
	out, err := lim.Lambda.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(t.Name)})
	if err != nil {
		if isNotFound(err) {
			return nil, fmt.Errorf("no such function in %s", sc.Region)
		}
		return nil, describe("reading the function (lambda:GetFunction)", err)
	}
	cfg := out.Configuration
	if cfg == nil {
		return nil, errors.New("GetFunction returned no configuration")
	}
	name := aws.ToString(cfg.FunctionName)
	arn := aws.ToString(cfg.FunctionArn)
	pos := model.Pos{File: arn}
	shown := name
	if sc.Label != "" {
		shown = sc.Label + "/" + name
	}
	fn := &model.Function{
		Name: shown, Kind: "live", Pos: pos,
		Runtime: string(cfg.Runtime), RuntimePos: pos,
		Arch: "x86_64", ArchPos: pos,
		Handler: aws.ToString(cfg.Handler), HandlerPos: pos,
		PackageType: string(cfg.PackageType), LayersPos: pos,
	}
	if fn.PackageType == "" {
		fn.PackageType = "Zip"
	}
	if len(cfg.Architectures) > 0 {
		fn.Arch = string(cfg.Architectures[0])
	}
	if cfg.Environment != nil && len(cfg.Environment.Variables) > 0 {
		fn.Env = map[string]model.EnvVar{}
		for k, v := range cfg.Environment.Variables {
			fn.Env[k] = envVar(k, v, pos)
		}
		cfg.Environment.Variables = nil // values are never kept
	}
	d := &Deployed{Fn: fn, ARN: arn, Logical: t.Logical, Stack: t.Stack, CodeSha256: aws.ToString(cfg.CodeSha256), scope: sc}
	if d.Logical == "" && out.Tags != nil {
		d.Logical = out.Tags["aws:cloudformation:logical-id"]
		d.Stack = out.Tags["aws:cloudformation:stack-name"]
	}
	if fn.PackageType == "Image" {
		return d, nil // listed, skipped by the checks: container images have no layers
	}
	if out.Code == nil {
		return nil, errors.New("GetFunction returned no code location")
	}
	// The code and the layers side by side (each layer version read once, whoever
	// asks first); errors in the order the function names them, its code first.
	var wg sync.WaitGroup
	var codeErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		path, err := l.Download.Fetch(ctx, Blob{What: "code of " + name, URL: aws.ToString(out.Code.Location),
			SHA256: d.CodeSha256, Size: cfg.CodeSize})
		if err != nil {
			codeErr = err
			return
		}
		z, err := tree.Zip(path, name+".zip")
		if err != nil {
			codeErr = fmt.Errorf("code of %s is not a readable zip: %v", name, stripPath(err, path))
			return
		}
		fn.Code = &model.Code{Tree: z, Display: name + ".zip"}
	}()
	lvs := make([]*layerVersion, len(cfg.Layers))
	for i, ly := range cfg.Layers {
		la := aws.ToString(ly.Arn)
		d.LayerARNs = append(d.LayerARNs, la)
		wg.Add(1)
		go func() {
			defer wg.Done()
			lvs[i] = l.layer(ctx, sc, la)
		}()
	}
	wg.Wait()
	if codeErr != nil {
		return nil, codeErr
	}
	for _, lv := range lvs {
		if lv.err != nil {
			return nil, lv.err
		}
	}
	return d, nil
}

// limited is sc with its clients' calls counted against Concurrency.
func (l *Loader) limited(sc *Scope) *Scope {
	if l.slots == nil {
		return sc
	}
	c := *sc
	c.Lambda = limitedLambda{sc.Lambda, l.slots}
	if sc.Stacks != nil {
		c.Stacks = limitedStacks{sc.Stacks, l.slots}
	}
	return &c
}

// take waits for a Concurrency slot (or ctx); give returns it.
func take(ctx context.Context, slots chan struct{}) error {
	select {
	case slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func give(slots chan struct{}) { <-slots }

type limitedLambda struct {
	c     LambdaClient
	slots chan struct{}
}

func (l limitedLambda) GetFunction(ctx context.Context, in *lambda.GetFunctionInput, opts ...func(*lambda.Options)) (*lambda.GetFunctionOutput, error) {
	if err := take(ctx, l.slots); err != nil {
		return nil, err
	}
	defer give(l.slots)
	return l.c.GetFunction(ctx, in, opts...)
}

func (l limitedLambda) GetLayerVersionByArn(ctx context.Context, in *lambda.GetLayerVersionByArnInput, opts ...func(*lambda.Options)) (*lambda.GetLayerVersionByArnOutput, error) {
	if err := take(ctx, l.slots); err != nil {
		return nil, err
	}
	defer give(l.slots)
	return l.c.GetLayerVersionByArn(ctx, in, opts...)
}

func (l limitedLambda) ListLayerVersions(ctx context.Context, in *lambda.ListLayerVersionsInput, opts ...func(*lambda.Options)) (*lambda.ListLayerVersionsOutput, error) {
	if err := take(ctx, l.slots); err != nil {
		return nil, err
	}
	defer give(l.slots)
	return l.c.ListLayerVersions(ctx, in, opts...)
}

func (l limitedLambda) ListFunctions(ctx context.Context, in *lambda.ListFunctionsInput, opts ...func(*lambda.Options)) (*lambda.ListFunctionsOutput, error) {
	if err := take(ctx, l.slots); err != nil {
		return nil, err
	}
	defer give(l.slots)
	return l.c.ListFunctions(ctx, in, opts...)
}

type limitedStacks struct {
	c     StackClient
	slots chan struct{}
}

func (l limitedStacks) ListStackResources(ctx context.Context, in *cloudformation.ListStackResourcesInput, opts ...func(*cloudformation.Options)) (*cloudformation.ListStackResourcesOutput, error) {
	if err := take(ctx, l.slots); err != nil {
		return nil, err
	}
	defer give(l.slots)
	return l.c.ListStackResources(ctx, in, opts...)
}

// safePath matches a search-path value that is only folders: kept so that imports
// resolve as on Lambda, and safe to print.
var safePath = regexp.MustCompile(`^/[A-Za-z0-9_./:+@-]*$`)

// envVar keeps a variable's name; its value only for the search-path variables
// (PYTHONPATH, NODE_PATH) and only when it is a plain list of folders. Other values
// may be secrets: they are dropped here and never stored or printed.
func envVar(name, value string, pos model.Pos) model.EnvVar {
	if (name == "PYTHONPATH" || name == "NODE_PATH") && safePath.MatchString(value) {
		return model.EnvVar{Value: value, Known: true, Pos: pos}
	}
	return model.EnvVar{Value: "(value not read)", Pos: pos}
}

func stripPath(err error, path string) string {
	return strings.ReplaceAll(err.Error(), path, "download")
}

// layer reads one layer version, once however many functions of a scope use it
// (its download once for every scope: the cache is by content).
func (l *Loader) layer(ctx context.Context, sc *Scope, arn string) *layerVersion {
	l.mu.Lock()
	lv, ok := l.layers[sc.Label+" "+arn]
	if !ok {
		lv = &layerVersion{arn: arn, scope: sc}
		l.layers[sc.Label+" "+arn] = lv
	}
	l.mu.Unlock()
	lv.once.Do(func() { l.readLayer(ctx, lv) })
	return lv
}

func (l *Loader) readLayer(ctx context.Context, lv *layerVersion) {
	m := layerARN.FindStringSubmatch(lv.arn)
	if m == nil {
		lv.name, lv.layer = lv.arn, lv.arn
		lv.err = fmt.Errorf("layer %s: not a layer version ARN", lv.arn)
		return
	}
	lv.layer, lv.account, lv.name = m[1], m[2], m[3]
	lv.version, _ = strconv.ParseInt(m[4], 10, 64)
	out, err := l.limited(lv.scope).Lambda.GetLayerVersionByArn(ctx, &lambda.GetLayerVersionByArnInput{Arn: aws.String(lv.arn)})
	switch {
	case err != nil && isNotFound(err):
		lv.deleted = true
		l.history(ctx, lv.scope, lv.layer)
		return
	case err != nil && isAccessDenied(err):
		lv.denied = apiMessage(err)
		return
	case err != nil:
		lv.err = describe(fmt.Sprintf("reading layer %s (lambda:GetLayerVersion)", lv.arn), err)
		return
	}
	for _, r := range out.CompatibleRuntimes {
		lv.runtimes = append(lv.runtimes, string(r))
	}
	for _, a := range out.CompatibleArchitectures {
		lv.archs = append(lv.archs, string(a))
	}
	if out.Content == nil {
		lv.err = fmt.Errorf("layer %s: GetLayerVersionByArn returned no content", lv.arn)
		return
	}
	what := "layer " + lv.name + ":" + m[4]
	path, err := l.Download.Fetch(ctx, Blob{What: what, URL: aws.ToString(out.Content.Location),
		SHA256: aws.ToString(out.Content.CodeSha256), Size: out.Content.CodeSize})
	if err != nil {
		lv.err = err
		return
	}
	disp := lv.name + "-" + m[4] + ".zip"
	z, err := tree.Zip(path, disp)
	if err != nil {
		lv.err = fmt.Errorf("%s is not a readable zip: %v", what, stripPath(err, path))
		return
	}
	lv.content = &model.Code{Tree: z, Display: disp}
	l.history(ctx, lv.scope, lv.layer)
}

// history lists a layer's versions once (for LK501). Access denied (usual for a
// layer in another account) leaves it unknown.
func (l *Loader) history(ctx context.Context, sc *Scope, layer string) *layerHistory {
	l.mu.Lock()
	h, ok := l.versions[sc.Label+" "+layer]
	if !ok {
		h = &layerHistory{}
		l.versions[sc.Label+" "+layer] = h
	}
	l.mu.Unlock()
	h.once.Do(func() {
		p := lambda.NewListLayerVersionsPaginator(l.limited(sc).Lambda, &lambda.ListLayerVersionsInput{LayerName: aws.String(layer)})
		var vs []int64
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return
			}
			for _, v := range page.LayerVersions {
				vs = append(vs, v.Version)
			}
		}
		h.versions, h.known = vs, true
	})
	return h
}

// finish builds the app from what was read: one model.Layer per layer version
// (shared by the functions that use it), the functions in name order, and the notes.
func (l *Loader) finish(res *Result) {
	app := res.App
	l.mu.Lock()
	var lvs []*layerVersion
	for _, lv := range l.layers {
		lvs = append(lvs, lv)
	}
	l.mu.Unlock()
	sort.Slice(lvs, func(i, j int) bool {
		if lvs[i].arn != lvs[j].arn {
			return lvs[i].arn < lvs[j].arn
		}
		return lvs[i].scope.Label < lvs[j].scope.Label
	})
	short := map[string]int{} // by scope label + short name
	for _, lv := range lvs {
		short[lv.scope.Label+" "+lv.shortName()]++
	}
	for _, lv := range lvs {
		if lv.err != nil {
			continue
		}
		name := lv.shortName()
		if short[lv.scope.Label+" "+name] > 1 { // the same name and version in two accounts
			name = lv.arn
		}
		if lv.scope.Label != "" { // read from several accounts or regions: named as its functions are
			name = lv.scope.Label + "/" + name
		}
		ml := &model.Layer{Name: name, Pos: model.Pos{File: lv.arn}, Content: lv.content,
			CompatibleRuntimes: lv.runtimes, CompatibleArchitectures: lv.archs}
		ml.CompatibleRuntimesPos, ml.CompatibleArchsPos = ml.Pos, ml.Pos
		switch {
		case lv.deleted:
			ml.NotInspectable = "the layer version was deleted"
		case lv.denied != "":
			ml.NotInspectable = "access denied"
		}
		lv.model = ml
		app.Layers = append(app.Layers, ml)
	}
	for _, d := range res.Deployed {
		fn := d.Fn
		app.Functions = append(app.Functions, fn)
		label := ""
		if d.scope != nil {
			label = d.scope.Label
		}
		for _, arn := range d.LayerARNs {
			l.mu.Lock()
			lv := l.layers[label+" "+arn]
			l.mu.Unlock()
			pos := model.Pos{File: arn}
			fn.Layers = append(fn.Layers, model.LayerRef{Pos: pos, Layer: lv.model})
			app.Notes = append(app.Notes, l.layerNotes(fn, lv, pos)...)
		}
	}
}

func (lv *layerVersion) shortName() string {
	if lv.version == 0 {
		return lv.arn
	}
	return lv.name + ":" + strconv.FormatInt(lv.version, 10)
}

func (l *Loader) layerNotes(fn *model.Function, lv *layerVersion, pos model.Pos) []model.Note {
	var notes []model.Note
	name := lv.model.Name
	switch {
	case lv.deleted:
		notes = append(notes, model.Note{Code: rulecode.LK502, Severity: model.Warning, Function: fn.Name, Layer: name, Pos: pos,
			Message: fmt.Sprintf("%s uses layer version %s, which has been deleted: the function keeps working, but this version cannot be attached again (the next deployment with this Layers list fails) and its content cannot be checked; layerkit assumes it may provide any module %s imports", fn.Name, lv.arn, fn.Name),
			Hint:    fmt.Sprintf("Attach an existing version of %s (or publish its content again) and redeploy %s.", lv.name, fn.Name)})
	case lv.denied != "":
		perm := "lambda:GetLayerVersion"
		owner := fmt.Sprintf("the owner of account %s must grant it to your account (aws lambda add-layer-version-permission --layer-name %s --version-number %d --statement-id layerkit --action lambda:GetLayerVersion --principal YOUR_ACCOUNT_ID)", lv.account, lv.name, lv.version)
		notes = append(notes, model.Note{Code: rulecode.LK105, Severity: model.Info, Function: fn.Name, Layer: name, Pos: pos,
			Message: fmt.Sprintf("layer %s cannot be read: access denied (%s on %s); its content is not checked, and layerkit assumes it may provide any module %s imports", lv.arn, perm, lv.arn, fn.Name),
			Hint:    fmt.Sprintf("Allow %s on %s for the identity running doctor; for a layer in another account, %s.", perm, lv.arn, owner)})
	}
	l.mu.Lock()
	h := l.versions[lv.scope.Label+" "+lv.layer]
	l.mu.Unlock()
	if h != nil && h.known {
		newer, latest := 0, lv.version
		for _, v := range h.versions {
			if v > lv.version {
				newer++
			}
			latest = max(latest, v)
		}
		if newer > 0 {
			word := "versions exist"
			if newer == 1 {
				word = "version exists"
			}
			notes = append(notes, model.Note{Code: rulecode.LK501, Severity: model.Warning, Function: fn.Name, Layer: name, Pos: pos,
				Message: fmt.Sprintf("%s uses layer %s version %d; %d newer %s (latest: %d), and the function does not pick it up until it is redeployed", fn.Name, lv.name, lv.version, newer, word, latest),
				Hint:    fmt.Sprintf("Redeploy %s with %s:%d, or ignore LK501 if version %d is pinned on purpose.", fn.Name, lv.layer, latest, lv.version)})
		}
	}
	return notes
}

// tick calls report every progressEvery (downloads can be long) until the returned
// func is called; nothing without Progress.
func (l *Loader) tick(report func()) (stop func()) {
	if l.Progress == nil {
		return func() {}
	}
	quit, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				report()
			}
		}
	}()
	return func() { close(quit); <-finished }
}
