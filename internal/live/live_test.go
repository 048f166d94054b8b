package live

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/layerkit/layerkit/internal/check"
	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/live/awsfake"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
)

// setup returns a loader that reaches fake through the real SDK (REST-JSON and
// awsQuery over HTTP), with fast retries, and a cache in a temp folder.
func setup(t *testing.T, fake *awsfake.Fake) (*Loader, *Downloader) {
	t.Helper()
	cfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDFAKE", "SECRETFAKE", ""),
		BaseEndpoint: aws.String(fake.URL()),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = 5
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Millisecond, nil })
				o.RateLimiter = ratelimit.None
			})
		},
	}
	c := ClientsFromConfig(cfg)
	cache, err := OpenCache(filepath.Join(t.TempDir(), "cache"))
	if err != nil {
		t.Fatal(err)
	}
	d := &Downloader{Cache: cache, HTTP: c.HTTP, Backoff: func(int) time.Duration { return time.Millisecond }}
	return &Loader{Lambda: c.Lambda, Stacks: c.Stacks, Download: d, Region: c.Region}, d
}

func load(t *testing.T, l *Loader, sel Selection) *Result {
	t.Helper()
	ctx := context.Background()
	targets, err := l.Targets(ctx, sel)
	if err != nil {
		t.Fatal(err)
	}
	return l.Load(ctx, targets)
}

func runChecks(t *testing.T, res *Result) []finding.Finding {
	t.Helper()
	out, err := check.CheckApp(context.Background(), check.Options{Today: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)}, "", res.App)
	if err != nil {
		t.Fatal(err)
	}
	return out.Findings
}

func codes(fs []finding.Finding, fn string) []string {
	var out []string
	for _, f := range fs {
		if fn == "" || f.Function == fn {
			out = append(out, f.Code.String())
		}
	}
	return out
}

func has(fs []finding.Finding, code, fn, substr string) bool {
	for _, f := range fs {
		if f.Code.String() == code && f.Function == fn && strings.Contains(f.Message+" "+f.Hint, substr) {
			return true
		}
	}
	return false
}

func noteCodes(notes []model.Note) string {
	var out []string
	for _, n := range notes {
		out = append(out, n.Code.String()+" "+n.Function+": "+n.Message)
	}
	return strings.Join(out, "\n")
}

func TestDoctorChecksDeployedFunctions(t *testing.T) {
	fake := awsfake.New()
	defer fake.Close()
	utils1 := fake.AddLayer(awsfake.LayerSpec{Name: "utils", Files: map[string]string{"python/layer_utils/__init__.py": "", "python/layer_utils/aws_utils.py": "def read(): pass\n"},
		Runtimes: []string{"python3.12"}})
	fake.AddLayer(awsfake.LayerSpec{Name: "utils", Files: map[string]string{"python/layer_utils/__init__.py": "# v2\n"}})
	fake.AddLayer(awsfake.LayerSpec{Name: "utils", Files: map[string]string{"python/layer_utils/__init__.py": "# v3\n"}})
	fake.AddFunction(awsfake.FunctionSpec{Name: "provider", Runtime: "python3.12", Handler: "provider.main.handler", Layers: []string{utils1},
		Files: map[string]string{"provider/__init__.py": "", "provider/main.py": "from aws_utils import read\n\ndef handler(e, c):\n    return read()\n"},
		Env:   map[string]string{"DB_PASSWORD": "hunter2-very-secret", "PYTHONPATH": "/var/task/vendor"}})
	fake.AddFunction(awsfake.FunctionSpec{Name: "healthy", Runtime: "python3.12", Handler: "app.handler", Arch: "arm64", Layers: []string{utils1},
		Files: map[string]string{"app.py": "from layer_utils.aws_utils import read\n\ndef handler(e, c):\n    return read()\n"}})
	fake.AddFunction(awsfake.FunctionSpec{Name: "container", Image: true})

	l, d := setup(t, fake)
	res := load(t, l, Selection{Functions: []string{"provider", "healthy", "container"}})
	if len(res.Failures) > 0 {
		t.Fatalf("failures: %v", res.Failures)
	}
	if len(res.App.Functions) != 3 || len(res.App.Layers) != 1 {
		t.Fatalf("got %d functions, %d layers", len(res.App.Functions), len(res.App.Layers))
	}
	if got := res.App.Layers[0].Name; got != "utils:1" {
		t.Errorf("layer name %q, want utils:1", got)
	}
	healthy := res.App.Functions[1]
	if healthy.Name != "healthy" || healthy.Arch != "arm64" || healthy.Runtime != "python3.12" {
		t.Errorf("healthy = %+v", healthy)
	}
	if c := res.App.Functions[0]; c.Name != "container" || c.PackageType != "Image" || c.Code != nil {
		t.Errorf("container = %+v", c)
	}
	// Environment values are never kept, except a search path that is only folders.
	p := res.App.Functions[2]
	if v := p.Env["DB_PASSWORD"]; v.Known || strings.Contains(v.Value, "hunter2") {
		t.Errorf("DB_PASSWORD kept its value: %+v", v)
	}
	if v := p.Env["PYTHONPATH"]; !v.Known || v.Value != "/var/task/vendor" {
		t.Errorf("PYTHONPATH = %+v", v)
	}
	if got := d.Downloads.Load(); got != 3 { // two functions, one layer
		t.Errorf("%d downloads, want 3", got)
	}
	fs := runChecks(t, res)
	if !has(fs, "LK501", "provider", "2 newer versions exist (latest: 3)") || !has(fs, "LK501", "healthy", "2 newer versions") {
		t.Errorf("no LK501 for both functions: %v", fs)
	}
	if !has(fs, "LK101", "provider", "aws_utils") {
		t.Errorf("no LK101 for provider: %v", fs)
	}
	if c := codes(fs, "healthy"); len(c) != 1 {
		t.Errorf("healthy: %v, want only LK501", c)
	}
	for _, f := range fs {
		if strings.Contains(f.Message+f.Hint, "hunter2") || strings.Contains(f.Message+f.Hint, "FAKE-SESSION") {
			t.Errorf("secret in finding: %+v", f)
		}
	}
}

func TestDoctorPagination(t *testing.T) {
	fake := awsfake.New()
	defer fake.Close()
	fake.PageSize = 2
	var arn string
	for i := 0; i < 5; i++ {
		arn = fake.AddLayer(awsfake.LayerSpec{Name: "deps", Files: map[string]string{"python/deps.py": fmt.Sprint(i)}})
	}
	first := strings.TrimSuffix(arn, ":5") + ":1"
	var res []awsfake.StackResource
	for i := 0; i < 5; i++ {
		name := fmt.Sprintf("fn%d", i)
		fake.AddFunction(awsfake.FunctionSpec{Name: name, Runtime: "python3.12", Handler: "app.handler", Layers: []string{first},
			Files: map[string]string{"app.py": "import deps\n\ndef handler(e, c):\n    pass\n"}})
		res = append(res, awsfake.StackResource{LogicalID: fmt.Sprintf("Fn%d", i), PhysicalID: name, Type: "AWS::Lambda::Function"})
	}
	res = append(res, awsfake.StackResource{LogicalID: "Deps", PhysicalID: arn, Type: "AWS::Lambda::LayerVersion"})
	fake.AddStack("app", res)

	l, _ := setup(t, fake)
	all := load(t, l, Selection{All: true})
	if len(all.Deployed) != 5 || fake.Calls("ListFunctions") != 3 {
		t.Fatalf("--all: %d functions in %d ListFunctions calls, want 5 in 3", len(all.Deployed), fake.Calls("ListFunctions"))
	}
	if !strings.Contains(noteCodes(all.App.Notes), "4 newer versions exist (latest: 5)") {
		t.Errorf("LK501 across ListLayerVersions pages: %s", noteCodes(all.App.Notes))
	}
	if fake.Calls("ListLayerVersions") != 3 {
		t.Errorf("ListLayerVersions called %d times, want 3 (pages of 2, once per layer)", fake.Calls("ListLayerVersions"))
	}

	l2, _ := setup(t, fake)
	st := load(t, l2, Selection{Stacks: []string{"app"}})
	if len(st.Deployed) != 5 || fake.Calls("ListStackResources") != 3 {
		t.Fatalf("--stack: %d functions in %d calls", len(st.Deployed), fake.Calls("ListStackResources"))
	}
	if st.Deployed[3].Logical != "Fn3" || st.LayerLogical[arn] != "Deps" {
		t.Errorf("logical ids: %q, %v", st.Deployed[3].Logical, st.LayerLogical)
	}
}

func TestDoctorRetriesThrottling(t *testing.T) {
	fake := awsfake.New()
	defer fake.Close()
	la := fake.AddLayer(awsfake.LayerSpec{Name: "deps", Files: map[string]string{"python/deps.py": ""}})
	fake.AddFunction(awsfake.FunctionSpec{Name: "fn", Runtime: "python3.12", Handler: "app.handler", Layers: []string{la},
		Files: map[string]string{"app.py": "import deps\n"}})
	fake.AddStack("app", []awsfake.StackResource{{LogicalID: "Fn", PhysicalID: "fn", Type: "AWS::Lambda::Function"}})
	for _, op := range []string{"GetFunction", "GetLayerVersionByArn", "ListLayerVersions", "ListStackResources", "Download"} {
		fake.Throttle(op, 1)
	}
	l, _ := setup(t, fake)
	res := load(t, l, Selection{Stacks: []string{"app"}})
	if len(res.Failures) > 0 || len(res.Deployed) != 1 {
		t.Fatalf("failures: %v", res.Failures)
	}
	for _, op := range []string{"GetFunction", "GetLayerVersionByArn", "ListLayerVersions", "ListStackResources"} {
		if n := fake.Calls(op); n != 2 {
			t.Errorf("%s called %d times, want 2 (429, then success)", op, n)
		}
	}
	if n := fake.Calls("Download"); n != 3 { // one 503 SlowDown, then the code and the layer
		t.Errorf("%d downloads, want 3", n)
	}
}

// TestProgressWhileDownloading: while a package downloads, Progress is reported with
// the bytes received so far, before any function is done.
func TestProgressWhileDownloading(t *testing.T) {
	old := progressEvery
	progressEvery = 5 * time.Millisecond
	t.Cleanup(func() { progressEvery = old })
	fake := awsfake.New()
	defer fake.Close()
	fake.AddFunction(awsfake.FunctionSpec{Name: "big", Runtime: "python3.12", Handler: "app.handler",
		Files: map[string]string{"app.py": strings.Repeat("# padding\n", 5000)}})
	release := fake.Hold("big")
	defer release()
	l, _ := setup(t, fake)
	seen := make(chan Progress, 1)
	var mu sync.Mutex
	var final Progress
	l.Progress = func(p Progress) {
		mu.Lock()
		final = p
		mu.Unlock()
		if p.Done == 0 && p.Received > 0 {
			select {
			case seen <- p:
			default:
			}
		}
	}
	inFlight := make(chan bool, 1)
	go func() {
		select {
		case <-seen:
			inFlight <- true
		case <-time.After(30 * time.Second):
			inFlight <- false
		}
		release()
	}()
	res := load(t, l, Selection{Functions: []string{"big"}})
	if len(res.Failures) > 0 || len(res.Deployed) != 1 {
		t.Fatalf("failures: %v", res.Failures)
	}
	if !<-inFlight {
		t.Errorf("no progress while the download was held (bytes received, no function done)")
	}
	mu.Lock()
	defer mu.Unlock()
	if final.Done != 1 || final.Received == 0 || final.Received != final.Bytes {
		t.Errorf("last progress %+v; want 1 done, every byte received counted", final)
	}
}

func TestDoctorErrors(t *testing.T) {
	fake := awsfake.New()
	defer fake.Close()
	other := fake.AddLayer(awsfake.LayerSpec{Name: "vendor", Account: "999999999999", Files: map[string]string{"python/vendor.py": ""}})
	fake.Deny(other)
	gone := fake.AddLayer(awsfake.LayerSpec{Name: "old", Files: map[string]string{"python/old.py": ""}})
	fake.AddLayer(awsfake.LayerSpec{Name: "old", Files: map[string]string{"python/old.py": "# 2"}})
	fake.DeleteLayerVersion(gone)
	fake.AddFunction(awsfake.FunctionSpec{Name: "fn", Runtime: "python3.12", Handler: "app.handler", Layers: []string{other, gone},
		Files: map[string]string{"app.py": "import vendor\nimport old\nimport nowhere\n\ndef handler(e, c):\n    pass\n"}})
	fake.AddFunction(awsfake.FunctionSpec{Name: "truncated", Runtime: "python3.12", Handler: "app.handler", Files: map[string]string{"app.py": strings.Repeat("# padding\n", 200)}})
	fake.AddFunction(awsfake.FunctionSpec{Name: "flaky", Runtime: "python3.12", Handler: "app.handler", Files: map[string]string{"app.py": strings.Repeat("# flaky\n", 200)}})
	fake.AddFunction(awsfake.FunctionSpec{Name: "corrupt", Runtime: "python3.12", Handler: "app.handler", Files: map[string]string{"app.py": "x = 1\n"}})
	fake.Truncate("truncated", -1)
	fake.Truncate("flaky", 1)
	fake.Corrupt("corrupt")

	l, d := setup(t, fake)
	res := load(t, l, Selection{Functions: []string{"fn", "missing", "truncated", "flaky", "corrupt"}})
	fails := map[string]string{}
	for _, f := range res.Failures {
		fails[f.Function] = f.Err.Error()
	}
	if len(fails) != 3 {
		t.Errorf("failures %v, want missing, truncated, corrupt", fails)
	}
	if !strings.Contains(fails["missing"], "no such function in us-east-1") {
		t.Errorf("missing: %q", fails["missing"])
	}
	if !strings.Contains(fails["truncated"], "unexpected EOF") && !strings.Contains(fails["truncated"], "truncated") {
		t.Errorf("truncated: %q", fails["truncated"])
	}
	if !strings.Contains(fails["corrupt"], "SHA-256 mismatch: Lambda reports CodeSha256") {
		t.Errorf("corrupt: %q", fails["corrupt"])
	}
	for _, msg := range fails {
		if strings.Contains(msg, "FAKE-SESSION") || strings.Contains(msg, "/blob/") {
			t.Errorf("download URL in error: %q", msg)
		}
	}
	if len(res.Deployed) != 2 { // fn and flaky (one truncated download, then a good one)
		t.Errorf("deployed: %d, want 2", len(res.Deployed))
	}
	// nothing unverified lands in the cache
	entries, _ := os.ReadDir(d.Cache.Dir())
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".part") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
	fs := runChecks(t, res)
	if !has(fs, "LK105", "fn", "access denied (lambda:GetLayerVersion on "+other) || !has(fs, "LK105", "fn", "account 999999999999") {
		t.Errorf("no LK105 naming the permission: %v", fs)
	}
	if !has(fs, "LK502", "fn", "has been deleted") || !has(fs, "LK501", "fn", "1 newer version exists") {
		t.Errorf("no LK502/LK501 for the deleted version: %v", fs)
	}
	// Unreadable layers may provide anything: the unresolved import is a warning.
	for _, f := range fs {
		if f.Code == rulecode.LK101 && f.Severity == model.Error {
			t.Errorf("LK101 error with uninspectable layers: %+v", f)
		}
	}
	// a stack that does not exist is an error naming the stack
	_, err := l.Targets(context.Background(), Selection{Stacks: []string{"nope"}})
	if err == nil || !strings.Contains(err.Error(), "Stack with id nope does not exist") {
		t.Errorf("missing stack: %v", err)
	}
}

func TestDoctorSizeCap(t *testing.T) {
	fake := awsfake.New()
	defer fake.Close()
	fake.AddFunction(awsfake.FunctionSpec{Name: "big", Runtime: "python3.12", Handler: "app.handler", Files: map[string]string{"app.py": strings.Repeat("x", 5000)}})
	l, d := setup(t, fake)
	d.MaxSize = 100
	res := load(t, l, Selection{Functions: []string{"big"}})
	if len(res.Failures) != 1 || !strings.Contains(res.Failures[0].Err.Error(), "over the download cap") {
		t.Fatalf("failures: %v", res.Failures)
	}
	if fake.Calls("Download") != 0 {
		t.Errorf("downloaded past a CodeSize over the cap")
	}
}

func TestCacheFolderIsPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "cache")
	if _, err := OpenCache(dir); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o700 {
		t.Errorf("cache folder mode %v, want 0700", st.Mode().Perm())
	}
}

// TestCacheFolderExistingModeKept: an existing cache folder (a shared 1777 one) is
// used as it is; only the folders OpenCache makes are 0700.
func TestCacheFolderExistingModeKept(t *testing.T) {
	shared := filepath.Join(t.TempDir(), "shared")
	if err := os.Mkdir(shared, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(shared, 0o777|fs.ModeSticky); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenCache(shared); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(shared)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode()&(fs.ModePerm|fs.ModeSticky) != 0o777|fs.ModeSticky {
		t.Errorf("existing cache folder mode changed to %v, want drwxrwxrwt", st.Mode())
	}
	sub := filepath.Join(shared, "me", "layerkit")
	if _, err := OpenCache(sub); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{filepath.Join(shared, "me"), sub} {
		st, err := os.Stat(d)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o700 {
			t.Errorf("%s: mode %v, want 0700 (made by OpenCache)", d, st.Mode().Perm())
		}
	}
	if st, _ := os.Stat(shared); st.Mode()&fs.ModeSticky == 0 {
		t.Errorf("parent of a new cache folder lost its mode: %v", st.Mode())
	}
	file := filepath.Join(shared, "file")
	os.WriteFile(file, nil, 0o644)
	if _, err := OpenCache(file); err == nil {
		t.Errorf("a file as the cache folder: no error")
	}
}

// TestDoctorThousandFunctions: a 1,000-function account where every function shares
// a few layers: each layer version is read and downloaded once, and a second run
// downloads nothing.
func TestDoctorThousandFunctions(t *testing.T) {
	fake := awsfake.New()
	defer fake.Close()
	var layers []string
	for i := 0; i < 3; i++ {
		layers = append(layers, fake.AddLayer(awsfake.LayerSpec{Name: fmt.Sprintf("shared%d", i),
			Files: map[string]string{fmt.Sprintf("python/shared%d/__init__.py", i): "def f(): pass\n"}}))
	}
	for i := 0; i < 1000; i++ {
		fake.AddFunction(awsfake.FunctionSpec{Name: fmt.Sprintf("fn-%04d", i), Runtime: "python3.12", Handler: "app.handler",
			Layers: []string{layers[i%3], layers[(i+1)%3]},
			Files:  map[string]string{"app.py": fmt.Sprintf("import shared%d\nimport shared%d\n# %d\n\ndef handler(e, c):\n    pass\n", i%3, (i+1)%3, i)}})
	}
	l, d := setup(t, fake)
	cache := d.Cache
	res := load(t, l, Selection{All: true})
	if len(res.Failures) > 0 || len(res.Deployed) != 1000 {
		t.Fatalf("%d deployed, failures %v", len(res.Deployed), res.Failures)
	}
	for i := 0; i < 3; i++ {
		if n := fake.Calls(fmt.Sprintf("Download:layer:shared%d", i)); n != 1 {
			t.Errorf("layer shared%d downloaded %d times, want 1", i, n)
		}
	}
	if n := fake.Calls("GetLayerVersionByArn"); n != 3 {
		t.Errorf("GetLayerVersionByArn called %d times, want 3", n)
	}
	if n := fake.Calls("ListFunctions"); n != 20 {
		t.Errorf("ListFunctions called %d times, want 20 pages", n)
	}
	fs := runChecks(t, res)
	if len(fs) != 0 {
		t.Errorf("%d findings, first %+v", len(fs), fs[0])
	}

	// second run, same cache: nothing is downloaded again
	l2, d2 := setup(t, fake)
	d2.Cache = cache
	res2 := load(t, l2, Selection{All: true})
	if len(res2.Deployed) != 1000 || d2.Downloads.Load() != 0 || d2.Hits.Load() != 1003 {
		t.Errorf("second run: %d deployed, %d downloads, %d cache hits", len(res2.Deployed), d2.Downloads.Load(), d2.Hits.Load())
	}
}
