package native

import "testing"

// FuzzParseName: extension file names and wheel platform tags never panic, and a name
// judged native has a kind.
func FuzzParseName(f *testing.F) {
	f.Add("_speedups.cpython-312-x86_64-linux-gnu.so", "manylinux_2_17_aarch64")
	f.Add("x.cpython-313t-darwin.so", "musllinux_1_2_x86_64")
	f.Add("libfoo.so.1.2.3", "manylinux2014_x86_64")
	f.Add("m.cp312-win_amd64.pyd", "macosx_11_0_arm64")
	f.Add("a.abi3.so", "linux_armv7l")
	for _, base := range []string{".so", "x.so", "x.so.bak", "libx.so.1.", "x.so.1", "x.pyd", "x.dylib", ".pyd", "x.py", "a.b.so", "x.SO", "so"} {
		f.Add(base, "any")
	}
	f.Fuzz(func(t *testing.T, base, tag string) {
		n := ParseName(base)
		if n.Kind == NotNative && n.Module != "" {
			t.Fatalf("ParseName(%q): not native, yet module %q", base, n.Module)
		}
		if IsNativeName(base) != (n.Kind != NotNative) {
			t.Fatalf("IsNativeName(%q) = %v, ParseName's kind %v", base, IsNativeName(base), n.Kind)
		}
		ParsePlatform(tag)
		ParseGlibcTag(tag)
		ParseGlibc(tag)
		MachineArch(tag)
	})
}
