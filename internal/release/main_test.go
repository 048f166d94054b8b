package release

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// root is the repository's root, where the files under test live.
const root = "../.."

var (
	binDir   string
	buildMu  sync.Mutex
	built    string
	buildErr error
)

func TestMain(m *testing.M) {
	var err error
	binDir, err = os.MkdirTemp("", "layerkit-release-test-")
	if err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(binDir)
	os.Exit(code)
}

// layerkitBinary builds cmd/layerkit once for this machine (CGO_ENABLED=0, as released)
// and returns its path.
func layerkitBinary(t *testing.T) string {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	if built == "" && buildErr == nil {
		p := filepath.Join(binDir, "layerkit")
		if runtime.GOOS == "windows" {
			p += ".exe"
		}
		cmd := exec.Command("go", "build", "-o", p, "github.com/layerkit/layerkit/cmd/layerkit")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = err
			t.Fatalf("go build: %v\n%s", err, out)
		}
		built = p
	}
	if buildErr != nil {
		t.Fatalf("go build failed: %v", buildErr)
	}
	return built
}
