// Package native tells what a compiled file in a function package or a layer is, and
// whether Lambda can load it: the object format (ELF, Mach-O, PE), the ELF class and
// machine, the GLIBC_x.y versions an ELF object needs (its SHT_GNU_verneed entries),
// the CPython ABI tag and architecture an extension module's file name carries, and the
// platform a wheel tag (.dist-info/WHEEL) names.
//
// The analysis (Read, ParseName, Check) works on the bytes and names it is handed;
// Reader, Find and HasLoadableSibling fetch those from a tree.Tree. Everything here is
// pure Go (debug/elf), so it runs wherever layerkit runs.
package native

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Format is an object file format.
type Format int

const (
	Unknown Format = iota // not an object file layerkit recognises (text, a stub, ...)
	ELF                   // Linux (and other Unix) objects
	MachO                 // macOS
	PE                    // Windows
)

func (f Format) String() string {
	switch f {
	case ELF:
		return "ELF"
	case MachO:
		return "Mach-O"
	case PE:
		return "PE"
	}
	return "unknown"
}

// Binary is what the bytes of one compiled file say.
type Binary struct {
	Format Format
	// Class is 32 or 64 (ELF, Mach-O, PE); 0 when unknown.
	Class int
	// Machine is the CPU the object is for, in the spelling CPython's multiarch uses:
	// "x86_64", "aarch64", "i386", "arm", "powerpc64le", "s390x", "riscv64"; a Mach-O
	// universal binary lists its slices joined by "+" ("x86_64+arm64"); "" when unknown.
	Machine string
	// GlibcNeeds are the GLIBC_x.y versions the object needs from libc and friends,
	// sorted oldest first, without duplicates (ELF only).
	GlibcNeeds []Glibc
	// Needed are the shared libraries it links against (DT_NEEDED, ELF only).
	Needed []string
	// Musl is true when it links against musl libc (libc.musl-*.so.1): built on Alpine
	// or from a musllinux wheel.
	Musl bool
	// Node is what the dynamic symbols say about the Node.js addon ABI (ELF only).
	Node NodeAddon
}

// NodeAddon is the Node.js ABI an ELF object's dynamic symbols show, read the way
// Node's DLOpen (src/node_binding.cc) looks for an addon's entry points.
type NodeAddon struct {
	// NodeAPI is true for a Node-API addon: it exports napi_register_module_v1 or
	// imports napi_* functions. Node-API is stable across Node.js versions, so
	// NODE_MODULE_VERSION does not apply.
	NodeAPI bool
	// ModuleVersions are the N of the node_register_module_vN functions it exports
	// (NODE_MODULE_INIT and the context-aware macros), sorted: the NODE_MODULE_VERSION
	// it was built against.
	ModuleVersions []int
	// Internals is true when it imports V8 or node C++ symbols (_ZN2v8…, _ZN4node…) or
	// node_module_register: an addon against Node's own ABI. Without a version export
	// (the old NODE_MODULE macro registers from a static constructor), the version
	// is not readable from the symbols.
	Internals bool
}

// NodeABI says which Node.js ABI the addon was built against, in words: "Node-API",
// "NODE_MODULE_VERSION 108", "NODE_MODULE_VERSION not readable" (V8/node symbols, no
// version export), or "" when the symbols say nothing of Node.js.
func (n NodeAddon) NodeABI() string {
	switch {
	case n.NodeAPI:
		return "Node-API"
	case len(n.ModuleVersions) > 0:
		vs := make([]string, len(n.ModuleVersions))
		for i, v := range n.ModuleVersions {
			vs[i] = strconv.Itoa(v)
		}
		return "NODE_MODULE_VERSION " + strings.Join(vs, ", ")
	case n.Internals:
		return "NODE_MODULE_VERSION not readable"
	}
	return ""
}

// Mismatch reports whether a Node.js whose NODE_MODULE_VERSION is want refuses the
// addon for its ABI: not Node-API, and none of its version exports is want. An addon
// whose version is not readable is not a mismatch. want 0 (unknown) never is.
func (n NodeAddon) Mismatch(want int) bool {
	return want != 0 && !n.NodeAPI && len(n.ModuleVersions) > 0 && !slices.Contains(n.ModuleVersions, want)
}

// ReadNodeAddon reads the Node.js entry points of an ELF object from its dynamic symbol
// table. It is asked only of .node files: building every symbol's name costs time and
// memory on large shared libraries (a Python package's .so files) that no Node.js
// check reads.
func ReadNodeAddon(data []byte) NodeAddon {
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return NodeAddon{}
	}
	defer f.Close()
	syms, err := f.DynamicSymbols()
	if err != nil {
		return NodeAddon{}
	}
	return readNodeAddon(syms)
}

// readNodeAddon reads the Node.js entry points from the dynamic symbol table.
func readNodeAddon(syms []elf.Symbol) NodeAddon {
	var n NodeAddon
	for _, s := range syms {
		defined := s.Section != elf.SHN_UNDEF
		switch {
		case s.Name == "napi_register_module_v1" && defined,
			!defined && (strings.HasPrefix(s.Name, "napi_") || strings.HasPrefix(s.Name, "node_api_")):
			n.NodeAPI = true
		case defined && strings.HasPrefix(s.Name, "node_register_module_v"):
			if v, err := strconv.Atoi(strings.TrimPrefix(s.Name, "node_register_module_v")); err == nil && v > 0 && !slices.Contains(n.ModuleVersions, v) {
				n.ModuleVersions = append(n.ModuleVersions, v)
			}
		case !defined && (strings.HasPrefix(s.Name, "_ZN2v8") || strings.HasPrefix(s.Name, "_ZN4node") || s.Name == "node_module_register"):
			n.Internals = true
		}
	}
	sort.Ints(n.ModuleVersions)
	return n
}

// MaxGlibc returns the newest GLIBC version the object needs; the zero Glibc when none.
func (b *Binary) MaxGlibc() Glibc {
	if b == nil || len(b.GlibcNeeds) == 0 {
		return Glibc{}
	}
	return b.GlibcNeeds[len(b.GlibcNeeds)-1]
}

// LambdaArch says which Lambda architecture ("x86_64" or "arm64") the object runs on;
// "" when it runs on neither or is unknown.
func (b *Binary) LambdaArch() string {
	if b == nil {
		return ""
	}
	return ArchOfMachine(b.Machine)
}

// Sniff tells the format from the first bytes of a file (4 are enough for ELF and
// Mach-O; PE needs the "MZ" stub, whose header is checked by Read).
func Sniff(head []byte) Format {
	switch {
	case bytes.HasPrefix(head, []byte("\x7fELF")):
		return ELF
	case len(head) >= 4 && isMachOMagic(binary.BigEndian.Uint32(head)):
		return MachO
	case bytes.HasPrefix(head, []byte("MZ")):
		return PE
	}
	return Unknown
}

func isMachOMagic(m uint32) bool {
	switch m {
	case 0xfeedface, 0xcefaedfe, 0xfeedfacf, 0xcffaedfe, 0xcafebabe, 0xbebafeca:
		return true
	}
	return false
}

// ErrNotObject is returned by Read for bytes that are not an object file.
var ErrNotObject = errors.New("not an ELF, Mach-O or PE object")

// Read analyses a whole file held in memory.
func Read(data []byte) (*Binary, error) {
	return ReadAt(bytes.NewReader(data), int64(len(data)))
}

// ReadAt analyses a file through r (a zip entry stored uncompressed can be read in
// place with an io.SectionReader). It returns ErrNotObject for anything that is not
// ELF, Mach-O or PE; a malformed object of a known format returns a Binary with what
// could be read and an error.
func ReadAt(r io.ReaderAt, size int64) (*Binary, error) {
	head := make([]byte, 64)
	n, _ := r.ReadAt(head, 0)
	head = head[:n]
	switch Sniff(head) {
	case ELF:
		return readELF(r, head)
	case MachO:
		return readMachO(r, size, head)
	case PE:
		if b, ok := readPE(r, size, head); ok {
			return b, nil
		}
	}
	return &Binary{Format: Unknown}, ErrNotObject
}

func readELF(r io.ReaderAt, head []byte) (b *Binary, err error) {
	b = &Binary{Format: ELF}
	if len(head) > elf.EI_CLASS {
		switch elf.Class(head[elf.EI_CLASS]) {
		case elf.ELFCLASS32:
			b.Class = 32
		case elf.ELFCLASS64:
			b.Class = 64
		}
	}
	// The header's machine field is readable even when the rest is not.
	if len(head) >= 20 {
		var bo binary.ByteOrder = binary.LittleEndian
		if head[elf.EI_DATA] == byte(elf.ELFDATA2MSB) {
			bo = binary.BigEndian
		}
		b.Machine = elfMachine(elf.Machine(bo.Uint16(head[18:20])), b.Class, bo)
	}
	defer func() {
		// debug/elf is hardened, but a hostile file must never take the check down.
		if p := recover(); p != nil {
			err = fmt.Errorf("malformed ELF: %v", p)
		}
	}()
	f, err := elf.NewFile(r)
	if err != nil {
		return b, fmt.Errorf("malformed ELF: %w", err)
	}
	b.Machine = elfMachine(f.Machine, b.Class, f.ByteOrder)
	if libs, err := f.ImportedLibraries(); err == nil {
		b.Needed = libs
		for _, l := range libs {
			if strings.HasPrefix(l, "libc.musl-") || strings.HasPrefix(l, "ld-musl-") {
				b.Musl = true
			}
		}
	}
	needs, _ := f.DynamicVersionNeeds()
	seen := map[Glibc]bool{}
	for _, n := range needs {
		for _, d := range n.Needs {
			g, ok := ParseGlibcTag(d.Dep)
			if ok && !seen[g] {
				seen[g] = true
				b.GlibcNeeds = append(b.GlibcNeeds, g)
			}
		}
	}
	sort.Slice(b.GlibcNeeds, func(i, j int) bool { return b.GlibcNeeds[i].Less(b.GlibcNeeds[j]) })
	return b, nil
}

func elfMachine(m elf.Machine, class int, bo binary.ByteOrder) string {
	switch m {
	case elf.EM_X86_64:
		return "x86_64"
	case elf.EM_AARCH64:
		return "aarch64"
	case elf.EM_386:
		return "i386"
	case elf.EM_ARM:
		return "arm"
	case elf.EM_PPC64:
		if bo == binary.LittleEndian {
			return "powerpc64le"
		}
		return "powerpc64"
	case elf.EM_S390:
		return "s390x"
	case elf.EM_RISCV:
		if class == 32 {
			return "riscv32"
		}
		return "riscv64"
	}
	return strings.ToLower(strings.TrimPrefix(m.String(), "EM_"))
}

// Mach-O CPU types (mach/machine.h).
const (
	cpuArch64     = 0x01000000
	cpuTypeX86    = 7
	cpuTypeARM    = 12
	cpuTypePPC    = 18
	cpuTypeX86_64 = cpuTypeX86 | cpuArch64
	cpuTypeARM64  = cpuTypeARM | cpuArch64
)

func machOCPU(t uint32) string {
	switch t {
	case cpuTypeX86_64:
		return "x86_64"
	case cpuTypeARM64:
		return "arm64"
	case cpuTypeX86:
		return "i386"
	case cpuTypeARM:
		return "arm"
	case cpuTypePPC, cpuTypePPC | cpuArch64:
		return "ppc"
	}
	return fmt.Sprintf("cputype-%#x", t)
}

// readMachO reads the header of a thin or universal (fat) Mach-O file. Machine uses
// Apple's spelling ("arm64"); ArchOfMachine understands both.
func readMachO(r io.ReaderAt, size int64, head []byte) (*Binary, error) {
	b := &Binary{Format: MachO}
	if len(head) < 8 {
		return b, errors.New("short Mach-O header")
	}
	switch magic := binary.BigEndian.Uint32(head); magic {
	case 0xcafebabe, 0xbebafeca: // universal: big-endian fat header (0xcafebabe)
		var bo binary.ByteOrder = binary.BigEndian
		if magic == 0xbebafeca {
			bo = binary.LittleEndian
		}
		n := bo.Uint32(head[4:8])
		if n == 0 || n > 32 {
			// 0xcafebabe is also a Java class file, whose next word is a small version.
			return b, errors.New("implausible universal Mach-O header")
		}
		var archs []string
		buf := make([]byte, 20)
		for i := uint32(0); i < n; i++ {
			if _, err := r.ReadAt(buf, int64(8+20*i)); err != nil {
				return b, fmt.Errorf("universal Mach-O header: %w", err)
			}
			archs = append(archs, machOCPU(bo.Uint32(buf[0:4])))
		}
		b.Machine = strings.Join(archs, "+")
		b.Class = 64
		return b, nil
	case 0xfeedface, 0xcefaedfe, 0xfeedfacf, 0xcffaedfe:
		var bo binary.ByteOrder = binary.BigEndian
		if magic == 0xcefaedfe || magic == 0xcffaedfe {
			bo = binary.LittleEndian
		}
		b.Class = 32
		if magic == 0xfeedfacf || magic == 0xcffaedfe {
			b.Class = 64
		}
		b.Machine = machOCPU(bo.Uint32(head[4:8]))
		return b, nil
	}
	return b, errors.New("not a Mach-O header")
}

// readPE checks the PE signature behind the MZ stub and reads the COFF machine.
func readPE(r io.ReaderAt, size int64, head []byte) (*Binary, bool) {
	if len(head) < 0x40 {
		return nil, false
	}
	off := int64(binary.LittleEndian.Uint32(head[0x3c:0x40]))
	if off <= 0 || off+6 > size {
		return nil, false
	}
	buf := make([]byte, 6)
	if _, err := r.ReadAt(buf, off); err != nil || string(buf[:4]) != "PE\x00\x00" {
		return nil, false
	}
	b := &Binary{Format: PE, Class: 32}
	switch m := binary.LittleEndian.Uint16(buf[4:6]); m {
	case 0x8664:
		b.Machine, b.Class = "x86_64", 64
	case 0xaa64:
		b.Machine, b.Class = "arm64", 64
	case 0x14c:
		b.Machine = "i386"
	case 0x1c4:
		b.Machine = "arm"
	default:
		b.Machine = fmt.Sprintf("machine-%#x", m)
	}
	return b, true
}

// ArchOfMachine maps a machine name (ELF multiarch, Mach-O, PE, wheel tag spelling) to
// the Lambda architecture that runs it: "x86_64" or "arm64"; "" for anything else.
func ArchOfMachine(m string) string {
	switch strings.ToLower(m) {
	case "x86_64", "amd64", "x86-64":
		return "x86_64"
	case "aarch64", "arm64":
		return "arm64"
	}
	return ""
}

// MachineOfArch is the ELF multiarch machine for a Lambda architecture: "x86_64" or
// "aarch64" (arm64); "" for anything else.
func MachineOfArch(arch string) string {
	switch arch {
	case "x86_64", "":
		return "x86_64"
	case "arm64", "aarch64":
		return "aarch64"
	}
	return ""
}

// Glibc is a glibc version, e.g. 2.34.
type Glibc struct{ Major, Minor int }

// ParseGlibc parses "2.34" (a further ".N" is ignored).
func ParseGlibc(s string) (Glibc, bool) {
	a, rest, ok := strings.Cut(s, ".")
	if !ok {
		return Glibc{}, false
	}
	b, _, _ := strings.Cut(rest, ".")
	maj, err1 := strconv.Atoi(a)
	min, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || maj < 0 || min < 0 {
		return Glibc{}, false
	}
	return Glibc{maj, min}, true
}

// ParseGlibcTag parses a symbol version "GLIBC_2.34" ("GLIBC_PRIVATE" is not one).
func ParseGlibcTag(s string) (Glibc, bool) {
	v, ok := strings.CutPrefix(s, "GLIBC_")
	if !ok {
		return Glibc{}, false
	}
	return ParseGlibc(v)
}

// IsZero reports whether g is the zero version (unknown, none).
func (g Glibc) IsZero() bool { return g == Glibc{} }

// Less reports whether g is older than h.
func (g Glibc) Less(h Glibc) bool {
	if g.Major != h.Major {
		return g.Major < h.Major
	}
	return g.Minor < h.Minor
}

func (g Glibc) String() string {
	if g.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d.%d", g.Major, g.Minor)
}
