package pymeta

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"unsafe"
)

// RecordEntry is one line of a .dist-info/RECORD file.
type RecordEntry struct {
	Path string // relative to the folder holding the .dist-info ("numpy/__init__.py", "../../bin/f2py")
	Hash string // "sha256=<urlsafe-b64-nopad>", "" when none
	Size int64  // -1 when not given
}

// ParseRecord reads RECORD (CSV: path,hash,size). Rows that cannot be read are skipped.
func ParseRecord(data []byte) []RecordEntry {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if bytes.IndexByte(data, '"') < 0 && bytes.IndexByte(data, '\r') < 0 {
		return parsePlainRecord(data)
	}
	return parseCSVRecord(data)
}

// parsePlainRecord is ParseRecord for a RECORD without quotes or carriage returns (what
// pip writes for names without commas): lines split on commas, as encoding/csv would,
// with the paths sharing one string. FuzzRecord compares the two.
func parsePlainRecord(data []byte) []RecordEntry {
	text := string(data)
	out := make([]RecordEntry, 0, strings.Count(text, "\n")+1)
	for line := range strings.SplitSeq(text, "\n") {
		if line == "" {
			continue
		}
		p, rest, _ := strings.Cut(line, ",")
		if strings.TrimSpace(p) == "" {
			continue
		}
		e := RecordEntry{Path: p, Size: -1}
		hash, rest, more := strings.Cut(rest, ",")
		e.Hash = strings.TrimSpace(hash)
		if more {
			size, _, _ := strings.Cut(rest, ",")
			if n, err := strconv.ParseInt(strings.TrimSpace(size), 10, 64); err == nil && n >= 0 {
				e.Size = n
			}
		}
		out = append(out, e)
	}
	return out
}

// eachRecordPath calls fn with the Path of each entry ParseRecord(data) gives, in
// order, without making the entries: a layer's RECORDs list hundreds of thousands of
// files and the rules keep a few. The strings fn gets may share data's bytes: fn must
// copy what it keeps, and data must not change while fn runs.
func eachRecordPath(data []byte, fn func(p string)) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(data) == 0 {
		return
	}
	if bytes.IndexByte(data, '"') >= 0 || bytes.IndexByte(data, '\r') >= 0 {
		for _, e := range parseCSVRecord(data) {
			fn(e.Path)
		}
		return
	}
	// parsePlainRecord's split, over data's own bytes.
	text := unsafe.String(unsafe.SliceData(data), len(data))
	for line := range strings.SplitSeq(text, "\n") {
		if line == "" {
			continue
		}
		if p, _, _ := strings.Cut(line, ","); strings.TrimSpace(p) != "" {
			fn(p)
		}
	}
}

func parseCSVRecord(data []byte) []RecordEntry {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = true
	var out []RecordEntry
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				continue
			}
			break
		}
		if len(row) == 0 || strings.TrimSpace(row[0]) == "" {
			continue
		}
		e := RecordEntry{Path: row[0], Size: -1}
		if len(row) > 1 {
			e.Hash = strings.TrimSpace(row[1])
		}
		if len(row) > 2 {
			if n, err := strconv.ParseInt(strings.TrimSpace(row[2]), 10, 64); err == nil && n >= 0 {
				e.Size = n
			}
		}
		out = append(out, e)
	}
	return out
}

// ParseTopLevel reads top_level.txt: one import name a line; blank lines dropped. A
// line with a slash ("google/protobuf") names a nested package; its first part is the
// top-level name.
func ParseTopLevel(data []byte) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		l = strings.SplitN(strings.ReplaceAll(l, "\\", "/"), "/", 2)[0]
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}

// TopLevelFromRecord derives the top-level import names a distribution installs from
// its RECORD paths: first path parts that are packages (a folder) or modules (x.py,
// x.cpython-312-….so, x.abi3.so, x.pyc). Metadata folders, __pycache__, scripts outside
// the site folder ("../") and *.pth files are skipped.
func TopLevelFromRecord(rec []RecordEntry) []string {
	var t topLevels
	for _, e := range rec {
		t.add(e.Path)
	}
	return t.out
}

// topLevels collects TopLevelFromRecord's names one RECORD path at a time.
type topLevels struct {
	out  []string
	seen map[string]bool
}

func (t *topLevels) add(p string) {
	p = strings.TrimPrefix(strings.ReplaceAll(p, "\\", "/"), "./")
	if p == "" || strings.HasPrefix(p, "../") || strings.HasPrefix(p, "/") {
		return
	}
	first, _, nested := strings.Cut(p, "/")
	switch {
	case strings.HasSuffix(first, ".dist-info"), strings.HasSuffix(first, ".egg-info"),
		strings.HasSuffix(first, ".data"), first == "__pycache__", strings.HasSuffix(first, ".libs"):
		return
	}
	name := first
	if !nested {
		switch {
		case strings.HasSuffix(first, ".py"), strings.HasSuffix(first, ".pyc"),
			strings.HasSuffix(first, ".so"), strings.HasSuffix(first, ".pyd"):
			name = first[:strings.IndexByte(first, '.')]
		default:
			return // .pth files, stray data
		}
	}
	if name != "" && !t.seen[name] {
		if t.seen == nil {
			t.seen = map[string]bool{}
		}
		name = strings.Clone(name) // p may share a RECORD's bytes
		t.seen[name] = true
		t.out = append(t.out, name)
	}
}
