package cli

import (
	"fmt"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Version is the module version the binary was built as: "v1.2.3" from `go install
// …@v1.2.3` or a tagged release, a pseudo-version ("v0.0.0-20261204213105-e5839fd6cf8d",
// "+dirty" when the work tree had changes) from `go build` in a git clone, "(devel)" when
// Go recorded none (a git worktree, -buildvcs=false, a test binary). It comes from the
// build info Go embeds (runtime/debug.ReadBuildInfo), so no -ldflags are needed; a
// packager that must can still set it with -ldflags "-X
// github.com/layerkit/layerkit/internal/cli.Version=...".
var Version = buildVersion(readBuildInfo())

func readBuildInfo() *debug.BuildInfo {
	bi, _ := debug.ReadBuildInfo()
	return bi
}

func buildVersion(bi *debug.BuildInfo) string {
	if bi == nil || bi.Main.Version == "" {
		return "(devel)"
	}
	return bi.Main.Version
}

// pseudoRev is the commit at the end of a pseudo-version (v0.0.0-20261204213105-e5839fd6cf8d).
var pseudoRev = regexp.MustCompile(`-(?:0\.)?\d{14}-([0-9a-f]{12})(?:\+dirty)?$`)

// versionLine is what `layerkit version` and `layerkit --version` print: the module
// version, the VCS commit (with "+dirty" when the tree had uncommitted changes) and its
// time when Go recorded them, else the commit a pseudo-version names, else "commit not
// recorded"; then the Go version and platform.
func versionLine(version string, bi *debug.BuildInfo) string {
	var rev, when string
	dirty := false
	if bi != nil {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	if rev == "" {
		if m := pseudoRev.FindStringSubmatch(version); m != nil {
			rev = m[1]
			dirty = strings.HasSuffix(version, "+dirty")
		}
	}
	var parts []string
	switch {
	case rev == "":
		parts = append(parts, "commit not recorded")
	default:
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if dirty {
			rev += "+dirty"
		}
		parts = append(parts, "commit "+rev)
		if when != "" {
			parts = append(parts, when)
		}
	}
	gover := runtime.Version()
	if bi != nil && bi.GoVersion != "" {
		gover = bi.GoVersion
	}
	parts = append(parts, fmt.Sprintf("%s %s/%s", gover, runtime.GOOS, runtime.GOARCH))
	return fmt.Sprintf("layerkit %s (%s)", version, strings.Join(parts, ", "))
}

func newVersionCmd(s *IO) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print layerkit's version and the commit it was built from",
		Long: `Print layerkit's module version and the VCS commit it was built from, read from the build
information Go embeds in the binary ("(devel)" and "commit not recorded" when Go recorded none,
as in a build from a git worktree). Same as layerkit --version.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(s.Out, versionLine(Version, readBuildInfo()))
			return nil
		},
	}
}
