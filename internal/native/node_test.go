package native

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/runtimes"
)

func TestReadNodeAddon(t *testing.T) {
	undef := func(n string) elf.Symbol { return elf.Symbol{Name: n, Section: elf.SHN_UNDEF} }
	def := func(n string) elf.Symbol { return elf.Symbol{Name: n, Section: 12} }
	for _, tc := range []struct {
		name string
		syms []elf.Symbol
		want NodeAddon
		abi  string
	}{
		{"napi export", []elf.Symbol{def("napi_register_module_v1")}, NodeAddon{NodeAPI: true}, "Node-API"},
		{"napi import", []elf.Symbol{undef("napi_module_register"), def("init")}, NodeAddon{NodeAPI: true}, "Node-API"},
		{"napi beats version", []elf.Symbol{def("node_register_module_v108"), undef("napi_create_object")}, NodeAddon{NodeAPI: true, ModuleVersions: []int{108}}, "Node-API"},
		{"context aware", []elf.Symbol{def("node_register_module_v115"), undef("_ZN2v86Object3NewEPNS_7IsolateE")}, NodeAddon{ModuleVersions: []int{115}, Internals: true}, "NODE_MODULE_VERSION 115"},
		{"old NODE_MODULE", []elf.Symbol{undef("node_module_register"), undef("_ZN4node14MakeCallbackEv")}, NodeAddon{Internals: true}, "NODE_MODULE_VERSION not readable"},
		// an import of node_register_module_vN is not an export; a malformed N is ignored
		{"not an export", []elf.Symbol{undef("node_register_module_v93"), def("node_register_module_vX")}, NodeAddon{}, ""},
		{"plain library", []elf.Symbol{undef("memcpy"), def("foo")}, NodeAddon{}, ""},
	} {
		got := readNodeAddon(tc.syms)
		if !reflect.DeepEqual(got, tc.want) || got.NodeABI() != tc.abi {
			t.Errorf("%s: got %+v %q, want %+v %q", tc.name, got, got.NodeABI(), tc.want, tc.abi)
		}
	}
	mod := NodeAddon{ModuleVersions: []int{108}}
	if !mod.Mismatch(115) || mod.Mismatch(108) || mod.Mismatch(0) {
		t.Error("Mismatch: a v108 addon must mismatch 115 only")
	}
	if (NodeAddon{NodeAPI: true, ModuleVersions: []int{108}}).Mismatch(115) || (NodeAddon{Internals: true}).Mismatch(115) {
		t.Error("Mismatch: Node-API and unreadable addons never mismatch")
	}
}

// TestNodeAddonFiles reads the committed addons (testdata/node, built by its build.sh).
func TestNodeAddonFiles(t *testing.T) {
	for file, want := range map[string]string{
		"node/abi108.node": "NODE_MODULE_VERSION 108",
		"node/napi.node":   "Node-API",
		"plain.x86_64.so":  "",
	} {
		data := readTestdata(t, file)
		b, err := Read(data)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(file, ".node") { // as Reader.Binary does
			b.Node = ReadNodeAddon(data)
		}
		if got := b.Node.NodeABI(); got != want {
			t.Errorf("%s: NodeABI %q, want %q", file, got, want)
		}
	}
	tg := Target{Arch: "x86_64", Glibc: Glibc{2, 34}, NodeModuleVersion: 115}
	data := readTestdata(t, "node/abi108.node")
	b, _ := Read(data)
	b.Node = ReadNodeAddon(data)
	probs := Check(tg, "abi108.node", b)
	if len(probs) != 1 || probs[0].Kind != ABI || probs[0].Kind.Code().String() != "LK301" ||
		!strings.Contains(probs[0].Why, "NODE_MODULE_VERSION 108") || !strings.Contains(probs[0].Why, "requires NODE_MODULE_VERSION 115") {
		t.Errorf("abi108.node on 115: %+v", probs)
	}
	tg.NodeModuleVersion = 108
	if probs := Check(tg, "abi108.node", b); len(probs) != 0 {
		t.Errorf("abi108.node on 108: %+v", probs)
	}
	// The machine comes first: Node never reaches its version check.
	tg.Arch, tg.NodeModuleVersion = "arm64", 115
	if probs := Check(tg, "abi108.node", b); len(probs) != 2 || probs[0].Kind != Arch || probs[1].Kind != ABI {
		t.Errorf("abi108.node on arm64, 115: %+v", probs)
	}
}

// TestNodeAddonsAgainstNode loads the committed addons with the node on PATH and
// compares with Check for that node's NODE_MODULE_VERSION, which must also be the
// catalogue's for its major version. Skipped without node, except under CI=true.
func TestNodeAddonsAgainstNode(t *testing.T) {
	bin, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node is not on PATH (this test needs it in CI)")
		}
		t.Skip("node is not on PATH")
	}
	out, err := exec.Command(bin, "-p", "process.versions.modules + ' ' + process.versions.node.split('.')[0] + ' ' + process.arch").Output()
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(out))
	abi, _ := strconv.Atoi(f[0])
	if rt, ok := runtimes.Lookup("nodejs" + f[1] + ".x"); ok && rt.NodeModuleVersion != abi {
		t.Errorf("runtimes.json: %s has nodeModuleVersion %d, node %s says %d", rt.ID, rt.NodeModuleVersion, f[1], abi)
	}
	if f[2] != "x64" {
		t.Skipf("the addons are x86_64, node runs on %s", f[2])
	}
	tg := Target{Arch: "x86_64", NodeModuleVersion: abi}
	for _, file := range []string{"abi108.node", "napi.node"} {
		p, _ := filepath.Abs(filepath.Join("testdata", "node", file))
		data := readTestdata(t, "node/"+file)
		b, err := Read(data)
		if err != nil {
			t.Fatal(err)
		}
		b.Node = ReadNodeAddon(data)
		probs := Check(tg, file, b)
		o, err := exec.Command(bin, "-e", "try { require(process.argv[1]); console.log('LOADED') } catch (e) { console.log(e.code + ' ' + e.message.replace(/\\n/g, ' ')) }", p).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", file, err, o)
		}
		got := strings.TrimSpace(string(o))
		t.Logf("node %s, %s: %s; layerkit: %+v", f[1], file, got, probs)
		switch {
		case len(probs) == 0 && got != "LOADED":
			t.Errorf("%s: layerkit finds nothing, node says %s", file, got)
		case len(probs) > 0 && got == "LOADED":
			t.Errorf("%s: layerkit says %s, node loads it", file, probs[0].Why)
		case len(probs) > 0 && !strings.Contains(got, "ERR_DLOPEN_FAILED") || len(probs) > 0 && !strings.Contains(got, "NODE_MODULE_VERSION "+strconv.Itoa(b.Node.ModuleVersions[0])+". This version of Node.js requires NODE_MODULE_VERSION "+f[0]):
			t.Errorf("%s: node says %s, not the NODE_MODULE_VERSION error", file, got)
		}
	}
}
