package native

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/tree"
)

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadELF(t *testing.T) {
	for _, tc := range []struct {
		file    string
		machine string
		arch    string
		max     string
	}{
		{"plain.x86_64.so", "x86_64", "x86_64", "2.2"},
		{"plain.aarch64.so", "aarch64", "arm64", "2.17"},
		{"glibc234.x86_64.so", "x86_64", "x86_64", "2.34"},
		{"glibc234.aarch64.so", "aarch64", "arm64", "2.34"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			b, err := Read(readTestdata(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if b.Format != ELF || b.Class != 64 || b.Machine != tc.machine || b.LambdaArch() != tc.arch {
				t.Errorf("got %+v", b)
			}
			if got := b.MaxGlibc().String(); got != tc.max {
				t.Errorf("MaxGlibc = %q, want %q (needs %v)", got, tc.max, b.GlibcNeeds)
			}
			if len(b.Needed) == 0 || b.Musl {
				t.Errorf("Needed = %v, Musl = %v", b.Needed, b.Musl)
			}
		})
	}
}

// TestReadFromZip reads ELF objects straight from a zip: a stored entry in place
// (io.SectionReader over the archive), a deflated one through memory.
func TestReadFromZip(t *testing.T) {
	so := readTestdata(t, "glibc234.aarch64.so")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, m := range []uint16{zip.Store, zip.Deflate} {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: map[uint16]string{zip.Store: "stored.so", zip.Deflate: "deflated.so"}[m], Method: m})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(so)
	}
	zw.Close()
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		var b *Binary
		if f.Method == zip.Store {
			off, err := f.DataOffset()
			if err != nil {
				t.Fatal(err)
			}
			b, err = ReadAt(io.NewSectionReader(bytes.NewReader(buf.Bytes()), off, int64(f.UncompressedSize64)), int64(f.UncompressedSize64))
			if err != nil {
				t.Fatal(err)
			}
		} else {
			rc, _ := f.Open()
			data, _ := io.ReadAll(io.LimitReader(rc, 1<<20))
			rc.Close()
			if b, err = Read(data); err != nil {
				t.Fatal(err)
			}
		}
		if b.Machine != "aarch64" || b.MaxGlibc() != (Glibc{2, 34}) {
			t.Errorf("%s: %+v", f.Name, b)
		}
	}
}

func TestReadMachOAndPE(t *testing.T) {
	b, err := Read(readTestdata(t, "macho-arm64.so"))
	if err != nil || b.Format != MachO || b.Machine != "arm64" || b.Class != 64 {
		t.Errorf("macho: %+v %v", b, err)
	}
	b, err = Read(readTestdata(t, "pe-amd64.pyd"))
	if err != nil || b.Format != PE || b.Machine != "x86_64" || b.LambdaArch() != "x86_64" {
		t.Errorf("pe: %+v %v", b, err)
	}
	// A universal (fat) header with two slices.
	fat := make([]byte, 8+2*20)
	binary.BigEndian.PutUint32(fat[0:], 0xcafebabe)
	binary.BigEndian.PutUint32(fat[4:], 2)
	binary.BigEndian.PutUint32(fat[8:], cpuTypeX86_64)
	binary.BigEndian.PutUint32(fat[28:], cpuTypeARM64)
	b, err = Read(fat)
	if err != nil || b.Format != MachO || b.Machine != "x86_64+arm64" {
		t.Errorf("fat: %+v %v", b, err)
	}
	// A Java class file shares the magic; it is not Mach-O.
	class := []byte{0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52}
	if _, err := Read(class); err == nil {
		t.Errorf("class file read as Mach-O")
	}
}

func TestReadNotObject(t *testing.T) {
	for _, data := range [][]byte{nil, []byte("# a text file\n"), []byte("MZ but no PE header"), []byte("\x7fELF\x02\x01\x01")} {
		b, err := Read(data)
		if err == nil {
			t.Errorf("%q: no error, got %+v", data, b)
		}
	}
	// A truncated ELF still says its machine from the header.
	so := readTestdata(t, "plain.aarch64.so")
	b, err := Read(so[:64])
	if err == nil {
		t.Log("truncated ELF parsed without error")
	}
	if b == nil || b.Format != ELF || b.Machine != "aarch64" {
		t.Errorf("truncated: %+v", b)
	}
}

func TestParseName(t *testing.T) {
	for _, tc := range []struct {
		base string
		want Name
	}{
		{"_speed.cpython-311-x86_64-linux-gnu.so", Name{Kind: Versioned, Module: "_speed", Python: "3.11", Machine: "x86_64", OS: "linux-gnu"}},
		{"_core.cpython-312-aarch64-linux-gnu.so", Name{Kind: Versioned, Module: "_core", Python: "3.12", Machine: "aarch64", OS: "linux-gnu"}},
		{"_x.cpython-313t-x86_64-linux-gnu.so", Name{Kind: Versioned, Module: "_x", Python: "3.13", FreeThreaded: true, Machine: "x86_64", OS: "linux-gnu"}},
		{"_x.cpython-37m-x86_64-linux-gnu.so", Name{Kind: Versioned, Module: "_x", Python: "3.7", Machine: "x86_64", OS: "linux-gnu"}},
		{"_x.cpython-311-arm-linux-gnueabihf.so", Name{Kind: Versioned, Module: "_x", Python: "3.11", Machine: "arm", OS: "linux-gnu"}},
		{"_x.cpython-312-x86_64-linux-musl.so", Name{Kind: Versioned, Module: "_x", Python: "3.12", Machine: "x86_64", OS: "linux-musl"}},
		{"_pydantic_core.cpython-312-darwin.so", Name{Kind: Versioned, Module: "_pydantic_core", Python: "3.12", OS: "darwin"}},
		{"_x.cpython-312.so", Name{Kind: Versioned, Module: "_x", Python: "3.12"}},
		{"_cffi_backend.abi3.so", Name{Kind: ABI3, Module: "_cffi_backend"}},
		{"_x.so", Name{Kind: PlainSO, Module: "_x"}},
		{"libopenblas64_p-r0-0cf96a72.3.23.dev.so", Name{Kind: SharedLib}},
		{"libgfortran-040039e1.so.5.0.0", Name{Kind: SharedLib}},
		{"_x.cp311-win_amd64.pyd", Name{Kind: WindowsPYD, Module: "_x", Python: "3.11", Machine: "amd64", OS: "win"}},
		{"_x.pyd", Name{Kind: WindowsPYD, Module: "_x", OS: "win"}},
		{"libssl.3.dylib", Name{Kind: MacDylib, OS: "darwin"}},
		{"_x.pypy39-pp73-x86_64-linux-gnu.so", Name{Kind: PyPy, Module: "_x", Machine: "x86_64", OS: "linux-gnu"}},
		{"x.py", Name{}},
		{"notes.so.txt", Name{}},
		{".so", Name{}},
	} {
		if got := ParseName(tc.base); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseName(%q) = %+v, want %+v", tc.base, got, tc.want)
		}
	}
}

func TestParsePlatform(t *testing.T) {
	g217, g228, g234 := Glibc{2, 17}, Glibc{2, 28}, Glibc{2, 34}
	for _, tc := range []struct {
		tag          string
		os, machine  string
		glibc        Glibc
		arch         string
		runtimeGlibc Glibc
		fits         bool
	}{
		{"any", "any", "", Glibc{}, "arm64", g234, true},
		{"manylinux2014_x86_64", "manylinux", "x86_64", g217, "x86_64", Glibc{2, 26}, true},
		{"manylinux2014_aarch64", "manylinux", "aarch64", g217, "x86_64", Glibc{2, 26}, false},
		{"manylinux_2_28_aarch64", "manylinux", "aarch64", g228, "arm64", Glibc{2, 26}, false},
		{"manylinux_2_28_aarch64", "manylinux", "aarch64", g228, "arm64", g234, true},
		{"manylinux1_x86_64", "manylinux", "x86_64", Glibc{2, 5}, "x86_64", g234, true},
		{"musllinux_1_1_x86_64", "musllinux", "x86_64", Glibc{}, "x86_64", g234, false},
		{"macosx_11_0_arm64", "macosx", "arm64", Glibc{}, "arm64", g234, false},
		{"macosx_10_9_universal2", "macosx", "universal2", Glibc{}, "x86_64", g234, false},
		{"win_amd64", "win", "amd64", Glibc{}, "x86_64", g234, false},
		{"linux_x86_64", "linux", "x86_64", Glibc{}, "x86_64", g234, true},
	} {
		p := ParsePlatform(tc.tag)
		if p.OS != tc.os || p.Machine != tc.machine || p.Glibc != tc.glibc {
			t.Errorf("ParsePlatform(%q) = %+v", tc.tag, p)
		}
		if ok, why := p.Fits(tc.arch, tc.runtimeGlibc); ok != tc.fits {
			t.Errorf("%s on %s/%s: fits=%v (%s)", tc.tag, tc.arch, tc.runtimeGlibc, ok, why)
		}
	}
}

func TestCheck(t *testing.T) {
	read := func(name string) *Binary {
		b, err := Read(readTestdata(t, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	py312x86 := Target{Python: "3.12", Arch: "x86_64", Glibc: Glibc{2, 34}}
	py311x86 := Target{Python: "3.11", Arch: "x86_64", Glibc: Glibc{2, 26}}
	py312arm := Target{Python: "3.12", Arch: "arm64", Glibc: Glibc{2, 34}}
	for _, tc := range []struct {
		name string
		t    Target
		base string
		bin  *Binary
		want []ProblemKind
	}{
		{"fits", py312x86, "_m.cpython-312-x86_64-linux-gnu.so", read("plain.x86_64.so"), nil},
		{"abi3 fits", py312arm, "_m.abi3.so", read("plain.aarch64.so"), nil},
		{"other python", py312x86, "_m.cpython-311-x86_64-linux-gnu.so", read("plain.x86_64.so"), []ProblemKind{ABI}},
		{"other arch by name", py312arm, "_m.cpython-312-x86_64-linux-gnu.so", nil, []ProblemKind{Arch}},
		{"other arch by ELF", py312arm, "_m.abi3.so", read("plain.x86_64.so"), []ProblemKind{Arch}},
		{"glibc 2.34 on AL2", py311x86, "_m.cpython-311-x86_64-linux-gnu.so", read("glibc234.x86_64.so"), []ProblemKind{GlibcTooNew}},
		{"glibc 2.34 on AL2023", py312x86, "_m.cpython-312-x86_64-linux-gnu.so", read("glibc234.x86_64.so"), nil},
		{"mach-o", py312arm, "_m.cpython-312-darwin.so", read("macho-arm64.so"), []ProblemKind{Foreign}},
		{"mach-o with a linux name", py312arm, "_m.abi3.so", read("macho-arm64.so"), []ProblemKind{Foreign}},
		{"pyd", py312x86, "_m.cp312-win_amd64.pyd", read("pe-amd64.pyd"), []ProblemKind{Foreign}},
		{"dylib", py312x86, "libx.dylib", nil, []ProblemKind{Foreign}},
		{"musl", py312x86, "_m.cpython-312-x86_64-linux-musl.so", nil, []ProblemKind{Foreign}},
		{"everything wrong", py311x86, "_m.cpython-312-aarch64-linux-gnu.so", read("glibc234.aarch64.so"), []ProblemKind{ABI, Arch, GlibcTooNew}},
		{"pypy", py312x86, "_m.pypy39-pp73-x86_64-linux-gnu.so", nil, []ProblemKind{ABI}},
		{"free-threaded", py312x86, "_m.cpython-312t-x86_64-linux-gnu.so", nil, []ProblemKind{ABI}},
		{"shared library, old glibc", py311x86, "libfoo.so.1", read("plain.x86_64.so"), nil},
	} {
		got := Check(tc.t, tc.base, tc.bin)
		var kinds []ProblemKind
		for _, p := range got {
			kinds = append(kinds, p.Kind)
			if p.Why == "" {
				t.Errorf("%s: empty Why", tc.name)
			}
		}
		if !reflect.DeepEqual(kinds, tc.want) {
			t.Errorf("%s: got %v (%+v), want %v", tc.name, kinds, got, tc.want)
		}
	}
}

func TestLoadable(t *testing.T) {
	tg := Target{Python: "3.12", Arch: "arm64"}
	for base, want := range map[string]bool{
		"_m.cpython-312-aarch64-linux-gnu.so": true,
		"_m.cpython-312-x86_64-linux-gnu.so":  false,
		"_m.cpython-311-aarch64-linux-gnu.so": false,
		"_m.abi3.so":                          true,
		"_m.so":                               true,
		"_mx.so":                              false,
	} {
		if got := Loadable(tg, "_m", base); got != want {
			t.Errorf("Loadable(%s) = %v", base, got)
		}
	}
}

func FuzzRead(f *testing.F) {
	for _, n := range []string{"plain.x86_64.so", "macho-arm64.so", "pe-amd64.pyd"} {
		b, err := os.ReadFile(filepath.Join("testdata", n))
		if err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, _ := Read(data)
		if b == nil {
			t.Fatal("nil Binary")
		}
	})
}

// TestFindIsWalk: Find lists what a tree.Walk filtered by name lists, in the same order.
func TestFindIsWalk(t *testing.T) {
	m := tree.NewMap("m", map[string]string{
		"python/a/_x.cpython-312-x86_64-linux-gnu.so": "", "python/a/__init__.py": "", "python/a/b/libz.so.1": "",
		"python/a/__pycache__/c.so": "", "python/.hidden/d.so": "", "python/a-1.0.dist-info/e.so": "",
		"python/lib/python3.12/site-packages/f/g.abi3.so": "", "python/h.pyd": "", "python/i.so.bak": "", "j.dylib": "",
	})
	skip := func(name string) bool { return strings.HasPrefix(name, "python/lib/python") }
	for _, dir := range []string{"", "python", "python/", "./python", "python/lib/python3.12/site-packages", "nope"} {
		for _, sk := range []func(string) bool{nil, skip} {
			var want []string
			_ = tree.Walk(m, dir, func(name string, info tree.Info) error {
				if info.Dir {
					b := path.Base(name)
					if b == "__pycache__" || strings.HasPrefix(b, ".") || strings.HasSuffix(b, ".dist-info") || strings.HasSuffix(b, ".egg-info") || (sk != nil && sk(name)) {
						return fs.SkipDir
					}
					return nil
				}
				if IsNativeName(info.Name) {
					want = append(want, name)
				}
				return nil
			})
			if got := Find(m, dir, sk); !reflect.DeepEqual(got, want) {
				t.Errorf("Find(%q) = %q, want %q", dir, got, want)
			}
		}
	}
}

func TestHasLoadableSibling(t *testing.T) {
	tg := Target{Python: "3.11", Arch: "x86_64"}
	files := map[string]string{
		"cn/md.cpython-310-x86_64-linux-gnu.so":        "",
		"cn/md.py":                                     "",
		"cn/md__mypyc.cpython-310-x86_64-linux-gnu.so": "",
		"fj/_accel.cp311-win_amd64.pyd":                "",
		"fj/_accel.py":                                 "",
		"two/_x.cpython-310-x86_64-linux-gnu.so":       "",
		"two/_x.cpython-311-x86_64-linux-gnu.so":       "",
		"pk/core.cpython-310-x86_64-linux-gnu.so":      "",
		"pk/core/__init__.py":                          "",
		"cmp/m.cpython-310-x86_64-linux-gnu.so":        "",
		"cmp/m.pyc":                                    "",
	}
	m := tree.NewMap("t", files)
	for name, want := range map[string]bool{
		"cn/md.cpython-310-x86_64-linux-gnu.so":        true,  // md.py loads instead
		"cn/md__mypyc.cpython-310-x86_64-linux-gnu.so": false, // nothing else provides md__mypyc
		"fj/_accel.cp311-win_amd64.pyd":                true,
		"two/_x.cpython-310-x86_64-linux-gnu.so":       true,
		"two/_x.cpython-311-x86_64-linux-gnu.so":       false, // its sibling is the 3.10 build
		"pk/core.cpython-310-x86_64-linux-gnu.so":      true,  // the package folder wins
		"cmp/m.cpython-310-x86_64-linux-gnu.so":        true,
	} {
		if got := HasLoadableSibling(m, name, tg); got != want {
			t.Errorf("HasLoadableSibling(%s) = %v, want %v", name, got, want)
		}
	}
}
