// Package zipwrite writes deterministic zip archives: the same entries give the same
// bytes, whatever the file system's order, timestamps, umask or owner.
//
// What is fixed:
//   - entries are sorted by name (a folder's entry is "name/"), and every folder that
//     holds a file has its own entry;
//   - every entry has the same modification time (MS-DOS date and time, UTC, no
//     extended-timestamp or other extra field);
//   - modes are normalized: 0755 for folders and executables, 0644 for other files,
//     created-by Unix, version 2.0;
//   - files are deflated at a fixed level, or stored when that does not make them
//     smaller; sizes and CRC are in the local header (no data descriptors);
//   - no archive comment.
//
// The bytes depend on this package and on Go's compress/flate, so they are stable for
// one layerkit binary; a different Go release may compress differently.
package zipwrite

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// DefaultTime is the timestamp used when none is given: 1980-01-01 00:00:00, the
// earliest an MS-DOS timestamp can hold.
var DefaultTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// File is one entry. Name is slash-separated and relative ("python/x.py"). A folder has
// Dir set; a file's bytes come from Data or, when Data is nil, from the file at Src.
type File struct {
	Name string
	Dir  bool
	Exec bool
	Src  string
	Data []byte
}

// Stat is what was written for one entry.
type Stat struct {
	Name       string // as in the archive ("python/", "python/x.py")
	Dir        bool
	Size       int64 // uncompressed
	Compressed int64
	Deflated   bool
}

// Options tune the archive.
type Options struct {
	// Modified is every entry's timestamp; zero means DefaultTime. Times before 1980
	// become 1980-01-01 and after 2107 become 2107-12-31 (what MS-DOS time can hold).
	Modified time.Time
}

// level is the deflate level every archive is written at.
const level = 6

// Write writes files to w as a deterministic zip archive and returns what it wrote, in
// archive order. Names must be clean, relative and unique; folders implied by a file's
// name are added.
func Write(w io.Writer, files []File, opt Options) ([]Stat, error) {
	entries, err := normalize(files)
	if err != nil {
		return nil, err
	}
	date, tm := msDosTime(opt.Modified)
	zw := zip.NewWriter(w)
	stats := make([]Stat, 0, len(entries))
	var buf bytes.Buffer
	fw, err := flate.NewWriter(&buf, level)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		fh := &zip.FileHeader{Name: e.name, ReaderVersion: 20, CreatorVersion: 20}
		fh.ModifiedDate, fh.ModifiedTime = date, tm // not Modified: that adds an extra field
		if !isASCII(e.name) {
			fh.Flags |= 0x800 // names are UTF-8
		}
		st := Stat{Name: e.name, Dir: e.dir}
		if e.dir {
			fh.SetMode(0o755 | os.ModeDir)
			fh.Method = zip.Store
			if _, err := zw.CreateRaw(fh); err != nil {
				return nil, err
			}
			stats = append(stats, st)
			continue
		}
		data := e.file.Data
		if data == nil {
			if data, err = os.ReadFile(e.file.Src); err != nil {
				return nil, err
			}
		}
		mode := os.FileMode(0o644)
		if e.file.Exec {
			mode = 0o755
		}
		fh.SetMode(mode)
		fh.CRC32 = crc32.ChecksumIEEE(data)
		fh.UncompressedSize64 = uint64(len(data))
		body := data
		fh.Method = zip.Store
		if len(data) > 0 {
			buf.Reset()
			fw.Reset(&buf)
			if _, err := fw.Write(data); err != nil {
				return nil, err
			}
			if err := fw.Close(); err != nil {
				return nil, err
			}
			if buf.Len() < len(data) {
				body = buf.Bytes()
				fh.Method = zip.Deflate
				st.Deflated = true
			}
		}
		fh.CompressedSize64 = uint64(len(body))
		out, err := zw.CreateRaw(fh)
		if err != nil {
			return nil, err
		}
		if _, err := out.Write(body); err != nil {
			return nil, err
		}
		st.Size, st.Compressed = int64(len(data)), int64(len(body))
		stats = append(stats, st)
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return stats, nil
}

type entry struct {
	name string
	dir  bool
	file File
}

// normalize checks names, adds the implied folders and sorts.
func normalize(files []File) ([]entry, error) {
	seen := map[string]bool{}
	var out []entry
	addDir := func(d string) {
		for d != "." && d != "" && !seen[d+"/"] {
			seen[d+"/"] = true
			out = append(out, entry{name: d + "/", dir: true})
			d = path.Dir(d)
		}
	}
	for _, f := range files {
		name := strings.TrimSuffix(f.Name, "/")
		if name == "" || name != path.Clean(name) || strings.HasPrefix(name, "/") || name == ".." ||
			strings.HasPrefix(name, "../") || strings.ContainsAny(name, "\\\x00") {
			return nil, fmt.Errorf("zipwrite: bad entry name %q", f.Name)
		}
		if f.Dir {
			addDir(name)
			continue
		}
		if seen[name] || seen[name+"/"] {
			return nil, fmt.Errorf("zipwrite: duplicate entry %q", name)
		}
		seen[name] = true
		out = append(out, entry{name: name, file: f})
		addDir(path.Dir(name))
	}
	for _, e := range out {
		if !e.dir && seen[e.name+"/"] {
			return nil, fmt.Errorf("zipwrite: %q is both a file and a folder", e.name)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

func msDosTime(t time.Time) (date, tm uint16) {
	if t.IsZero() {
		t = DefaultTime
	}
	t = t.UTC()
	if t.Before(DefaultTime) {
		t = DefaultTime
	}
	if max := time.Date(2107, 12, 31, 23, 59, 58, 0, time.UTC); t.After(max) {
		t = max
	}
	date = uint16(t.Day() + int(t.Month())<<5 + (t.Year()-1980)<<9)
	tm = uint16(t.Second()/2 + t.Minute()<<5 + t.Hour()<<11)
	return date, tm
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
