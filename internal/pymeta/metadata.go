// Package pymeta reads installed Python distributions' metadata — .dist-info (METADATA,
// RECORD, top_level.txt, WHEEL) and .egg-info (PKG-INFO, requires.txt, top_level.txt) —
// and PEP 508 requirements with their environment markers, evaluated for a Lambda
// function's environment. Versions and specifiers are PEP 440
// (github.com/aquasecurity/go-pep440-version).
//
// Every parser is lenient the way pip's are: a malformed line is skipped, never fatal,
// so one broken distribution cannot hide the others.
package pymeta

import (
	"bytes"
	"strings"
)

// Header is one "Name: value" field of an RFC 822-style metadata file.
type Header struct {
	Name  string
	Value string
}

// Headers is a metadata file's header block, in file order.
type Headers []Header

// Get returns the first value of a field (names compare case-insensitively), "" when
// absent.
func (h Headers) Get(name string) string {
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// All returns every value of a repeatable field (Requires-Dist, Tag, ...).
func (h Headers) All(name string) []string {
	var out []string
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			out = append(out, f.Value)
		}
	}
	return out
}

// ParseHeaders reads the header block of METADATA, PKG-INFO or WHEEL: "Name: value"
// lines up to the first empty line; a line starting with a space or tab continues the
// previous value. Like Python's email parser (which pip uses) it does not give up on a
// malformed line: a line without a colon ends the header block, as it does there. A
// UTF-8 BOM and CRLF line ends are accepted. The body (a long description) is ignored.
//
// net/mail would do for well-formed files, but its reader rejects the whole block on
// the first malformed line; tools in the wild write such lines.
func ParseHeaders(data []byte) Headers {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var out Headers
	// The pieces of the last field's value (its first line, then its continuation
	// lines), joined when the next field starts: appending to the value at each line
	// would copy it every time, quadratic in a field of many continuation lines.
	var pieces []string
	finish := func() {
		if len(out) > 0 && len(pieces) > 1 {
			out[len(out)-1].Value = strings.Join(pieces, " ")
		}
		pieces = pieces[:0]
	}
	for len(data) > 0 {
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			// Empty pieces are dropped: the value is its non-empty lines joined by
			// one space.
			if v := strings.TrimSpace(string(line)); len(out) > 0 && v != "" {
				pieces = append(pieces, v)
				if len(pieces) == 1 {
					out[len(out)-1].Value = v
				}
			}
			continue
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		n := strings.TrimSpace(string(name))
		if !ok || n == "" || strings.ContainsAny(n, " \t") {
			break
		}
		finish()
		v := strings.TrimSpace(string(value))
		out = append(out, Header{Name: n, Value: v})
		if v != "" {
			pieces = append(pieces, v)
		}
	}
	finish()
	return out
}

// Metadata is what METADATA (or PKG-INFO) says about a distribution.
type Metadata struct {
	Name    string
	Version string
	// RequiresDist are the Requires-Dist lines as written (PEP 508 strings).
	RequiresDist    []string
	RequiresPython  string
	ProvidesExtra   []string
	MetadataVersion string
}

// ParseMetadata reads METADATA or PKG-INFO.
func ParseMetadata(data []byte) *Metadata {
	h := ParseHeaders(data)
	return &Metadata{
		Name:            h.Get("Name"),
		Version:         h.Get("Version"),
		RequiresDist:    h.All("Requires-Dist"),
		RequiresPython:  h.Get("Requires-Python"),
		ProvidesExtra:   h.All("Provides-Extra"),
		MetadataVersion: h.Get("Metadata-Version"),
	}
}

// Wheel is what a .dist-info/WHEEL file says.
type Wheel struct {
	Version       string // Wheel-Version
	Generator     string
	RootIsPurelib bool
	// Tags are the expanded compatibility tags, one per python-abi-platform triple
	// ("cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64" gives two).
	Tags  []Tag
	Build string
}

// Tag is one wheel compatibility tag.
type Tag struct {
	Python, ABI, Platform string
}

func (t Tag) String() string { return t.Python + "-" + t.ABI + "-" + t.Platform }

// ParseWheel reads a WHEEL file. Compressed tag sets (dotted parts) are expanded.
func ParseWheel(data []byte) *Wheel {
	h := ParseHeaders(data)
	w := &Wheel{
		Version:       h.Get("Wheel-Version"),
		Generator:     h.Get("Generator"),
		RootIsPurelib: strings.EqualFold(h.Get("Root-Is-Purelib"), "true"),
		Build:         h.Get("Build"),
	}
	seen := map[Tag]bool{}
	for _, v := range h.All("Tag") {
		if len(w.Tags) >= MaxWheelTags {
			break
		}
		w.Tags = append(w.Tags, ExpandTag(v, seen)...)
	}
	if len(w.Tags) > MaxWheelTags {
		w.Tags = w.Tags[:MaxWheelTags]
	}
	return w
}

// MaxWheelTags bounds the tags of one WHEEL file (and of one Tag line): a compressed
// tag set expands to the product of its dotted parts, so 800 bytes of
// "a.a.a...-b.b.b...-c.c.c..." would make hundreds of thousands. Real wheels have a
// handful (manylinux wheels list a few platforms).
const MaxWheelTags = 256

// ExpandTag expands "py2.py3-none-any" into its triples (at most MaxWheelTags),
// skipping ones in seen (which may be nil). A value without exactly three
// dash-separated parts gives nothing.
func ExpandTag(v string, seen map[Tag]bool) []Tag {
	parts := strings.Split(strings.TrimSpace(v), "-")
	if len(parts) != 3 {
		return nil
	}
	var out []Tag
	pys, abis, plats := strings.Split(parts[0], "."), strings.Split(parts[1], "."), strings.Split(parts[2], ".")
	for _, py := range pys {
		for _, abi := range abis {
			for _, plat := range plats {
				if py == "" || abi == "" || plat == "" {
					continue
				}
				if len(out) >= MaxWheelTags {
					return out
				}
				t := Tag{py, abi, plat}
				if seen != nil {
					if seen[t] {
						continue
					}
					seen[t] = true
				}
				out = append(out, t)
			}
		}
	}
	return out
}

// Platforms returns the distinct platform tags, in order.
func (w *Wheel) Platforms() []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range w.Tags {
		if !seen[t.Platform] {
			seen[t.Platform] = true
			out = append(out, t.Platform)
		}
	}
	return out
}
