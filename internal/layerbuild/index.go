package layerbuild

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// An installer that cannot reach its package index does not say so: pip retries each
// request (5 times, 15 s each by default; minutes with a long PIP_DEFAULT_TIMEOUT) and
// then reports that no wheel matches, which blames the packages. While the installer
// runs, build asks the index itself, once, with a deadline (indexBudget); when there is
// no answer it stops the installer and says that the index is unreachable, and how to
// build offline (--find-links with --no-index).

// indexBudget is how long the index has to answer (DNS, connection, TLS and the first
// byte of an HTTP answer); a variable for the tests.
var indexBudget = 7 * time.Second

// defaultIndex is where pip and uv look when nothing says otherwise.
const defaultIndex = "https://pypi.org/simple/"

// packageIndex is the index the installer asks first, and what chose it (for the
// message): --index-url in the requirements file (pip and uv read it there), the
// installer's environment (uv: UV_DEFAULT_INDEX, UV_INDEX_URL; pip: PIP_INDEX_URL),
// pip's configuration files (uv runs with --no-config), else PyPI.
func (b *builder) packageIndex(req []byte, uv bool) (index, from string) {
	if u := requirementsIndex(req); u != "" {
		return u, "--index-url in the requirements file"
	}
	vars := []string{"PIP_INDEX_URL"}
	if uv {
		vars = []string{"UV_DEFAULT_INDEX", "UV_INDEX_URL"}
	}
	for _, v := range vars {
		if u := b.getenv(v); u != "" {
			return u, v
		}
	}
	if !uv {
		if u, file := pipConfigIndex(b.getenv); u != "" {
			return u, "index-url in " + file
		}
	}
	return defaultIndex, "the default index"
}

// getenv reads the tools' environment (Options.Env, else the process's).
func (b *builder) getenv(name string) string {
	v := ""
	for _, kv := range b.env() {
		if val, ok := strings.CutPrefix(kv, name+"="); ok {
			v = val
		}
	}
	return v
}

// requirementsIndex is the --index-url (-i) a requirements file sets; "" when none.
func requirementsIndex(data []byte) string {
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		switch {
		case (f[0] == "--index-url" || f[0] == "-i") && len(f) > 1:
			return f[1]
		case strings.HasPrefix(f[0], "--index-url="):
			return strings.TrimPrefix(f[0], "--index-url=")
		}
	}
	return ""
}

// pipConfigIndex is the index-url pip's configuration files set ([install] over
// [global]; later files over earlier ones, in pip's order: global, user, site, then
// PIP_CONFIG_FILE), and the file that set it.
func pipConfigIndex(getenv func(string) string) (index, file string) {
	var files []string
	xdgDirs := getenv("XDG_CONFIG_DIRS")
	if xdgDirs == "" {
		xdgDirs = "/etc/xdg"
	}
	for _, d := range filepath.SplitList(xdgDirs) {
		files = append(files, filepath.Join(d, "pip", "pip.conf"))
	}
	files = append(files, "/etc/pip.conf")
	if home := getenv("HOME"); home != "" {
		files = append(files, filepath.Join(home, ".pip", "pip.conf"))
		cfg := getenv("XDG_CONFIG_HOME")
		if cfg == "" {
			cfg = filepath.Join(home, ".config")
		}
		files = append(files, filepath.Join(cfg, "pip", "pip.conf"))
	}
	if venv := getenv("VIRTUAL_ENV"); venv != "" {
		files = append(files, filepath.Join(venv, "pip.conf"))
	}
	if f := getenv("PIP_CONFIG_FILE"); f != "" {
		if f == os.DevNull {
			return "", "" // pip reads no configuration file at all
		}
		files = append(files, f)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if u := iniIndex(string(data)); u != "" {
			index, file = u, f
		}
	}
	return index, file
}

// iniIndex is index-url (or index_url) of a pip.conf, from [install] over [global].
func iniIndex(text string) string {
	section, global, install := "", "", ""
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "["):
			section = strings.Trim(line, "[] ")
			continue
		case line == "" || line[0] == '#' || line[0] == ';':
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		if k = strings.TrimSpace(k); k != "index-url" && k != "index_url" {
			continue
		}
		switch section {
		case "global":
			global = strings.TrimSpace(v)
		case "install":
			install = strings.TrimSpace(v)
		}
	}
	if install != "" {
		return install
	}
	return global
}

// errIndex is the cause the installer is stopped with when its index does not answer.
type errIndex struct {
	index, from string
	err         error
	// download is the pip download command that fetches the wheels elsewhere.
	download string
}

func (e *errIndex) Error() string {
	return fmt.Sprintf("the package index %s (%s) is unreachable: %v; pip/uv cannot download the requirements.\n"+
		"  To build offline, download the wheels where the index is reachable:\n"+
		"    %s\n"+
		"  then run layerkit build with --find-links wheels/ --no-index",
		e.index, e.from, e.err, e.download)
}

// probeIndex asks index for an answer within indexBudget: any HTTP answer, whatever its
// status or certificate, means the index is reachable (pip will say what is wrong with
// it); no answer, a name that does not resolve or a refused connection means it is not.
// The index's credentials (user:password@) are not sent.
func probeIndex(ctx context.Context, index string) error {
	u, err := url.Parse(index)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil // a file: index or something pip will complain about itself
	}
	u.User = nil
	ctx, cancel := context.WithTimeout(ctx, indexBudget)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, u.String(), nil)
	if err != nil {
		return nil
	}
	client := &http.Client{
		Transport: &http.Transport{
			Proxy:           http.ProxyFromEnvironment,
			TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, // reachability only: nothing read is trusted
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err == nil {
		resp.Body.Close()
		return nil
	}
	var dns *net.DNSError
	var op *net.OpError
	switch {
	case errors.As(err, &dns):
		return fmt.Errorf("the name %s does not resolve (%s)", dns.Name, dns.Err)
	case ctx.Err() != nil:
		return fmt.Errorf("%s did not answer within %s", u.Host, indexBudget)
	case errors.As(err, &op) && (op.Op == "dial" || op.Op == "proxyconnect"):
		return fmt.Errorf("cannot connect to %s: %v", u.Host, op.Err)
	}
	return nil // it answered, if not with HTTP (pip will say what is wrong)
}
