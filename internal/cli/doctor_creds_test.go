package cli

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDoctorNoCredentials: without credentials, doctor prints one line on stderr that
// names the sources tried and how to set one — not the SDK's chain of errors (the
// instance metadata service here answers 403, as outside EC2 behind some proxies) —
// prints nothing on stdout, and exits 2; a profile that does not exist is named.
func TestDoctorNoCredentials(t *testing.T) {
	imds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "forbidden", http.StatusForbidden)
	}))
	defer imds.Close()
	home := t.TempDir()
	config := filepath.Join(home, "config")
	if err := os.WriteFile(config, []byte("[profile ops]\nregion = us-east-1\n[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"HOME": home, "AWS_CONFIG_FILE": config, "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(home, "credentials"),
		"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "",
		"AWS_PROFILE": "", "AWS_WEB_IDENTITY_TOKEN_FILE": "", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI": "", "AWS_EC2_METADATA_DISABLED": "",
		"AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.URL, "LAYERKIT_CACHE_DIR": t.TempDir(),
	} {
		t.Setenv(k, v)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"doctor", "--all"}, "layerkit: no AWS credentials: tried --profile/AWS_PROFILE, the environment"},
		{[]string{"doctor", "--all", "--profile", "nope"}, `layerkit: no AWS profile "nope" in ~/.aws/config or ~/.aws/credentials`},
		{[]string{"doctor", "--all", "--profile", "ops"}, "layerkit: no AWS credentials: tried "},
		{[]string{"doctor", "--all", "--profile", "sso"}, "layerkit: no AWS credentials: tried "},
	} {
		var out, errb bytes.Buffer
		s := &IO{Out: &out, Err: &errb, Getenv: os.Getenv}
		code := Main(tc.args, s)
		stderr := errb.String()
		if code != ExitInput || out.Len() != 0 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tc.want) ||
			strings.Contains(stderr, "SDK") || strings.Contains(stderr, "operation error") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2, no stdout, one line with %q", tc.args, code, out.String(), stderr, tc.want)
		}
	}
}
