package cli

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestVersionLine(t *testing.T) {
	plat := "go1.26.0 " + runtime.GOOS + "/" + runtime.GOARCH
	vcs := func(rev, when, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev},
			{Key: "vcs.time", Value: when}, {Key: "vcs.modified", Value: modified}}
	}
	for _, tc := range []struct {
		name     string
		version  string
		settings []debug.BuildSetting
		want     string
	}{
		// A tagged release built by goreleaser from a clean checkout.
		{"release", "v1.2.3", vcs("e5839fd6cf8d9f848cc76e8ea1d949df7115cf02", "2026-12-04T21:31:05Z", "false"),
			"layerkit v1.2.3 (commit e5839fd6cf8d, 2026-12-04T21:31:05Z, " + plat + ")"},
		// go build in a clone with uncommitted changes: Go stamps a +dirty pseudo-version.
		{"dirty clone", "v0.0.0-20261204213105-e5839fd6cf8d+dirty", vcs("e5839fd6cf8d9f848cc76e8ea1d949df7115cf02", "2026-12-04T21:31:05Z", "true"),
			"layerkit v0.0.0-20261204213105-e5839fd6cf8d+dirty (commit e5839fd6cf8d+dirty, 2026-12-04T21:31:05Z, " + plat + ")"},
		// go install module@commit: no VCS settings, the pseudo-version names the commit.
		{"go install pseudo", "v0.0.0-20261204213105-e5839fd6cf8d", nil,
			"layerkit v0.0.0-20261204213105-e5839fd6cf8d (commit e5839fd6cf8d, " + plat + ")"},
		{"go install pseudo after tag", "v1.2.4-0.20261204213105-e5839fd6cf8d", nil,
			"layerkit v1.2.4-0.20261204213105-e5839fd6cf8d (commit e5839fd6cf8d, " + plat + ")"},
		// go install module@v1.2.3: the module zip carries no commit.
		{"go install tag", "v1.2.3", nil, "layerkit v1.2.3 (commit not recorded, " + plat + ")"},
		// A git worktree, -buildvcs=false, go run.
		{"devel", "(devel)", nil, "layerkit (devel) (commit not recorded, " + plat + ")"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bi := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Path: "github.com/layerkit/layerkit", Version: tc.version}, Settings: tc.settings}
			if got := versionLine(buildVersion(bi), bi); got != tc.want {
				t.Errorf("versionLine:\n got %s\nwant %s", got, tc.want)
			}
		})
	}
	if got := buildVersion(nil); got != "(devel)" {
		t.Errorf("buildVersion(nil) = %q, want (devel)", got)
	}
}
