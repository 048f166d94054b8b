package layerbuild

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/layerkit/layerkit/internal/iac/iactest"
)

// TestPackageIndex: the index probed is the one the installer asks first.
func TestPackageIndex(t *testing.T) {
	home := t.TempDir()
	iactest.WriteFiles(t, home, map[string]string{
		".config/pip/pip.conf": "[global]\nindex-url = https://global.example/simple\n[install]\nindex-url = https://install.example/simple\n",
	})
	env := []string{"HOME=" + home, "XDG_CONFIG_DIRS=" + t.TempDir()}
	b := &builder{o: Options{Env: env}}
	for _, tc := range []struct {
		req        string
		uv         bool
		env        []string
		want, from string
	}{
		{"", false, nil, "https://install.example/simple", "pip.conf"},
		{"", true, nil, defaultIndex, "default"},
		{"-i https://req.example/simple\nrequests\n", false, nil, "https://req.example/simple", "requirements file"},
		{"--index-url=https://req.example/simple\n", true, nil, "https://req.example/simple", "requirements file"},
		{"", false, []string{"PIP_INDEX_URL=https://env.example/simple"}, "https://env.example/simple", "PIP_INDEX_URL"},
		{"", true, []string{"UV_INDEX_URL=https://uv.example/simple"}, "https://uv.example/simple", "UV_INDEX_URL"},
		{"", true, []string{"UV_DEFAULT_INDEX=https://uvd.example/simple"}, "https://uvd.example/simple", "UV_DEFAULT_INDEX"},
		{"", false, []string{"PIP_CONFIG_FILE=" + os.DevNull}, defaultIndex, "default"},
	} {
		b.o.Env = append(append([]string(nil), env...), tc.env...)
		got, from := b.packageIndex([]byte(tc.req), tc.uv)
		if got != tc.want || !strings.Contains(from, tc.from) {
			t.Errorf("req %q, uv %v, env %v: %s (%s), want %s (%s)", tc.req, tc.uv, tc.env, got, from, tc.want, tc.from)
		}
	}
}

// silentIndex accepts connections and never answers (an index behind a firewall that
// drops packets after the handshake, a hung proxy); it returns its URL.
func silentIndex(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + l.Addr().String() + "/simple/"
}

// refusedIndex is the URL of a port nothing listens on.
func refusedIndex(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr + "/simple/"
}

func shortBudget(t *testing.T) {
	old := indexBudget
	indexBudget = 500 * time.Millisecond
	t.Cleanup(func() { indexBudget = old })
}

// TestProbeIndex: any HTTP answer is reachable (even a 404, even with credentials in
// the URL, which are not sent); no answer, a refused connection or a name that does not
// resolve is not.
func TestProbeIndex(t *testing.T) {
	shortBudget(t)
	var auth []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = append(auth, r.Header.Get("Authorization"))
		http.NotFound(w, r)
	}))
	defer srv.Close()
	withUser := strings.Replace(srv.URL, "http://", "http://me:secret@", 1) + "/simple/"
	if err := probeIndex(context.Background(), withUser); err != nil {
		t.Errorf("a reachable index: %v", err)
	}
	if len(auth) != 1 || auth[0] != "" {
		t.Errorf("the probe sent %q; want one request without credentials", auth)
	}
	for _, tc := range []struct{ index, want string }{
		{silentIndex(t), "did not answer"},
		{refusedIndex(t), "cannot connect"},
		{"https://index.invalid/simple/", "does not resolve"},
	} {
		if err := probeIndex(context.Background(), tc.index); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.index, err, tc.want)
		}
	}
	if err := probeIndex(context.Background(), "file:///srv/index"); err != nil {
		t.Errorf("a file: index is not probed: %v", err)
	}
}

// TestBuildIndexUnreachable: with an index that does not answer, pip is stopped and the
// build says that the index is unreachable and how to build offline; with one that
// answers (the control), pip's own error stands.
func TestBuildIndexUnreachable(t *testing.T) {
	slowInstall(t)
	needPip(t)
	shortBudget(t)
	run := func(index string) error {
		src := t.TempDir()
		iactest.WriteFiles(t, src, map[string]string{"requirements.txt": "purelib==1.0\n"})
		o := Options{Src: src, Out: filepath.Join(t.TempDir(), "l.zip"), Runtime: "python3.12", Installer: "pip",
			Env: append(hermeticEnv(t), "PIP_INDEX_URL="+index, "PIP_RETRIES=0"), Today: today}
		_, err := Run(context.Background(), o)
		return err
	}
	err := run(silentIndex(t))
	if !isInputErr(err) || !strings.Contains(err.Error(), "is unreachable") || !strings.Contains(err.Error(), "PIP_INDEX_URL") ||
		!strings.Contains(err.Error(), "--find-links wheels/ --no-index") {
		t.Errorf("silent index: %v", err)
	}
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	err = run(srv.URL + "/simple/")
	if err == nil || strings.Contains(err.Error(), "unreachable") || !strings.Contains(err.Error(), "purelib") {
		t.Errorf("reachable index without the package: %v, want pip's own error", err)
	}
}

// TestProgress: while a tool runs, a progress line naming it is rewritten in place on
// Options.Progress and erased when it ends; without Progress, or with Verbose, nothing.
func TestProgress(t *testing.T) {
	old := progressEvery
	progressEvery = 20 * time.Millisecond
	t.Cleanup(func() { progressEvery = old })
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	run := func(o Options) string {
		var buf bytes.Buffer
		if o.Progress != nil {
			o.Progress = &buf
		}
		b := &builder{ctx: context.Background(), o: o, tmp: t.TempDir()}
		if err := b.run("pip", "", nil, sh, "-c", "sleep 0.5"); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	got := run(Options{Progress: io.Discard})
	if !strings.HasPrefix(got, "\r  pip: running for 0s (Ctrl-C stops it)\x1b[K") || !strings.HasSuffix(got, "\r\x1b[K") {
		t.Errorf("progress %q: want lines rewritten with \\r, erased at the end", got)
	}
	if got := run(Options{Progress: io.Discard, Verbose: true, Log: io.Discard}); got != "" {
		t.Errorf("with --verbose: %q", got)
	}
	if got := run(Options{}); got != "" {
		t.Errorf("without a terminal: %q", got)
	}
}
