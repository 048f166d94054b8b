package live

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/layerkit/layerkit/internal/live/awsfake"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		h    string
		want time.Duration
		ok   bool
	}{
		{"1", time.Second, true},
		{" 2 ", 2 * time.Second, true},
		{"0.25", 250 * time.Millisecond, true},
		{"0", 0, true},
		{"3600", time.Minute, true}, // capped
		{"Fri, 04 Dec 2026 12:00:05 GMT", 5 * time.Second, true},
		{"Fri, 04 Dec 2026 11:00:00 GMT", 0, true}, // in the past
		{"", 0, false},
		{"-1", 0, false},
		{"NaN", 0, false},
		{"soon", 0, false},
	} {
		got, ok := RetryAfter(c.h, now)
		if got != c.want || ok != c.ok {
			t.Errorf("RetryAfter(%q) = %v, %v; want %v, %v", c.h, got, ok, c.want, c.ok)
		}
	}
}

// The retry delay after a throttle is at least the service's Retry-After (and at
// most 10 % more); without one it is the jittered exponential backoff.
func TestRetryDelayHonoursRetryAfter(t *testing.T) {
	resp := &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {"3"}}}
	err := &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: resp}, Err: fmt.Errorf("TooManyRequestsException")}
	for i := 0; i < 200; i++ {
		if d := RetryDelay(1, err); d < 3*time.Second || d > 3300*time.Millisecond {
			t.Fatalf("RetryDelay with Retry-After: 3 = %v", d)
		}
		if d := RetryDelay(1, fmt.Errorf("plain")); d <= 0 || d > 200*time.Millisecond {
			t.Fatalf("RetryDelay(1) without Retry-After = %v, want the backoff's at most 200ms", d)
		}
	}
}

// fleet is an account of n functions sharing layers*versions layer versions, served
// with a latency per call and every 10th call throttled with a Retry-After.
func fleet(n, layers, versions int, latency time.Duration) (*awsfake.Fake, int) {
	f := awsfake.New()
	f.PageSize = 50
	var arns []string
	for l := 0; l < layers; l++ {
		for v := 0; v < versions; v++ {
			arns = append(arns, f.AddLayer(awsfake.LayerSpec{Name: fmt.Sprintf("layer%03d", l),
				Files: map[string]string{fmt.Sprintf("python/mod%03d.py", l): fmt.Sprintf("# version %d\n", v)}}))
		}
	}
	for i := 0; i < n; i++ {
		a, b := arns[i%len(arns)], arns[(i*7+3)%len(arns)]
		f.AddFunction(awsfake.FunctionSpec{Name: fmt.Sprintf("fn-%05d", i), Runtime: "python3.12", Handler: "app.handler",
			Layers: []string{a, b}, Files: map[string]string{"app.py": fmt.Sprintf("# %d\ndef handler(e, c):\n    pass\n", i)}})
	}
	f.Latency = latency
	f.ThrottleEvery = 10
	f.RetryAfter = "0.05"
	return f, len(arns)
}

func fleetLoader(t testing.TB, f *awsfake.Fake, conc int) *Loader {
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(f.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDFAKE", "SECRETFAKE", ""),
		Retryer:     func() aws.Retryer { return Retryer(10) }, HTTPClient: APIClient()}
	c := ClientsFromConfig(cfg)
	cache, err := OpenCache(filepath.Join(t.TempDir(), "cache"))
	if err != nil {
		t.Fatal(err)
	}
	return &Loader{Lambda: c.Lambda, Stacks: c.Stacks, Region: c.Region, Concurrency: conc,
		Download: &Downloader{Cache: cache, HTTP: c.HTTP}}
}

// TestDoctorFleet: 5,000 functions sharing 300 layer versions, 50 ms per call, 10 %
// of calls (downloads included) throttled with Retry-After: every function is read,
// every layer version read and downloaded exactly once, and the wall time is logged
// against the ideal calls × latency / concurrency (docs/benchmarks.md reports it; no
// timing is asserted). -short runs 500 functions over 30 layer versions.
func TestDoctorFleet(t *testing.T) {
	n, layers, latency := 5000, 100, 50*time.Millisecond
	if testing.Short() {
		n, layers = 500, 10
	}
	f, nv := fleet(n, layers, 3, latency)
	defer f.Close()
	const conc = 64
	l := fleetLoader(t, f, conc)
	start := time.Now()
	res := l.Run(context.Background(), []*Scope{l.defaultScope()}, Selection{All: true})
	wall := time.Since(start)
	if len(res.ListErrors) > 0 || len(res.Failures) > 0 || len(res.Deployed) != n {
		t.Fatalf("%d deployed of %d, list errors %v, failures %v", len(res.Deployed), n, res.ListErrors, res.Failures)
	}
	if got := l.Download.Downloads.Load(); got != int64(n+nv) {
		t.Errorf("%d downloads, want %d (each function and each layer version once)", got, n+nv)
	}
	throttled := f.Calls("throttled")
	if get := f.Calls("GetLayerVersionByArn"); get-throttled > nv || get < nv {
		t.Errorf("GetLayerVersionByArn called %d times (%d calls throttled in all), want %d once each", get, throttled, nv)
	}
	if throttled == 0 {
		t.Error("no call was throttled: the fake's ThrottleEvery is not in effect")
	}
	calls := f.Calls("*")
	ideal := time.Duration(calls) * latency / conc
	t.Logf("%d functions, %d layer versions: %d calls (%d throttled), wall %v, ideal %v (calls × latency / concurrency), ratio %.2f",
		n, nv, calls, throttled, wall.Round(time.Millisecond), ideal.Round(time.Millisecond), float64(wall)/float64(ideal))
}

// BenchmarkDoctorFleet reports the fleet run's wall time as a ratio of the ideal
// (x-ideal): go test ./internal/live -run '^$' -bench DoctorFleet -benchtime 1x
func BenchmarkDoctorFleet(b *testing.B) {
	const conc = 64
	latency := 50 * time.Millisecond
	for b.Loop() {
		b.StopTimer()
		f, _ := fleet(5000, 100, 3, latency)
		l := fleetLoader(b, f, conc)
		b.StartTimer()
		start := time.Now()
		res := l.Run(context.Background(), []*Scope{l.defaultScope()}, Selection{All: true})
		wall := time.Since(start)
		b.StopTimer()
		if len(res.Deployed) != 5000 {
			b.Fatalf("%d deployed", len(res.Deployed))
		}
		ideal := time.Duration(f.Calls("*")) * latency / conc
		b.ReportMetric(float64(wall)/float64(ideal), "x-ideal")
		b.ReportMetric(float64(f.Calls("*")), "calls")
		f.Close()
		b.StartTimer()
	}
}
