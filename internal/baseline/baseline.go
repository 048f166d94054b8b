// Package baseline records the findings a repository has today, so that a check
// reports only new ones (--baseline FILE, written with --write-baseline): the way a team
// adopts a checker on an existing codebase. Findings are matched by
// finding.Fingerprint (code, function, layer, file and message without line numbers),
// so moving code does not make an old finding new; each entry counts how many findings
// share its fingerprint.
package baseline

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/model"
)

// Version is the file format's version.
const Version = 1

// File is a baseline as written: sorted, one entry per fingerprint.
type File struct {
	Version  int     `json:"version"`
	Findings []Entry `json:"findings"`
}

// Entry is one recorded fingerprint; Code, Function and File say what it was, for the
// people reading the file (matching uses Fingerprint only).
type Entry struct {
	Fingerprint string `json:"fingerprint"`
	Code        string `json:"code"`
	Function    string `json:"function,omitempty"`
	File        string `json:"file,omitempty"`
	Count       int    `json:"count,omitempty"` // omitted when 1
}

// Make records fs.
func Make(fs []finding.Finding) File {
	byFP := map[string]*Entry{}
	for _, f := range fs {
		fp := finding.Fingerprint(f)
		if e, ok := byFP[fp]; ok {
			e.Count++
			continue
		}
		byFP[fp] = &Entry{Fingerprint: fp, Code: f.Code.String(), Function: f.Function, File: f.Pos.File, Count: 1}
	}
	out := File{Version: Version, Findings: []Entry{}}
	for _, e := range byFP {
		if e.Count == 1 {
			e.Count = 0
		}
		out.Findings = append(out.Findings, *e)
	}
	sort.Slice(out.Findings, func(i, j int) bool {
		a, b := out.Findings[i], out.Findings[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		if a.Function != b.Function {
			return a.Function < b.Function
		}
		return a.Fingerprint < b.Fingerprint
	})
	return out
}

// Write writes b as JSON (the CLI writes the file whole: a temporary file renamed).
func Write(w io.Writer, b File) error {
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}

// Read reads the baseline at path; a malformed file is an input error with its line.
func Read(path string, lim iac.Limits) (File, error) {
	data, err := lim.ReadConfig(path)
	if err != nil {
		return File{}, iac.Errorf(model.Pos{File: path}, "--baseline: cannot read: %v (write one with --write-baseline)", err)
	}
	var b File
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(&b); err != nil {
		pos := model.Pos{File: path}
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			pos.Line = lineAt(data, se.Offset)
		case errors.As(err, &te):
			pos.Line = lineAt(data, te.Offset)
		}
		return File{}, iac.Errorf(pos, "not a layerkit baseline: %v", err)
	}
	if b.Version != Version {
		return File{}, iac.Errorf(model.Pos{File: path}, "baseline version %d: this layerkit reads version %d; rewrite it with --write-baseline", b.Version, Version)
	}
	for i, e := range b.Findings {
		if e.Fingerprint == "" || e.Count < 0 {
			return File{}, iac.Errorf(model.Pos{File: path}, "baseline entry %d has no fingerprint (or a negative count); rewrite it with --write-baseline", i+1)
		}
	}
	return b, nil
}

func lineAt(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// Filter reports which of fs b does not record (keep[i]: fs[i] is new) and the number
// of b's findings that matched nothing (fixed, or changed beyond recognition).
func Filter(b File, fs []finding.Finding) (keep []bool, stale int) {
	left := map[string]int{}
	for _, e := range b.Findings {
		n := e.Count
		if n == 0 {
			n = 1
		}
		left[e.Fingerprint] += n
	}
	keep = make([]bool, len(fs))
	for i, f := range fs {
		fp := finding.Fingerprint(f)
		if left[fp] > 0 {
			left[fp]--
			continue
		}
		keep[i] = true
	}
	for _, n := range left {
		stale += n
	}
	return keep, stale
}

// StaleMessage says that stale entries of the baseline at path no longer match.
func StaleMessage(stale int, path string) string {
	if stale == 1 {
		return fmt.Sprintf("1 baseline entry in %s no longer matches a finding (fixed?); rewrite it with --write-baseline", path)
	}
	return fmt.Sprintf("%d baseline entries in %s no longer match a finding (fixed?); rewrite it with --write-baseline", stale, path)
}
