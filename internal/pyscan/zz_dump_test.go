package pyscan

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestZZDump(t *testing.T) {
	out := os.Getenv("PYSCAN_DUMP")
	if out == "" {
		t.Skip()
	}
	root := "/root/.pyenv/versions/3.11.7/lib/python3.11"
	type rec struct {
		Module string
		Level  int
		Line   int
		Col    int
		Scope  int
		Alias  string
		Names  []Name
		Guards []Guard
		TC     bool
		Main   bool
		Dyn    bool
	}
	type frec struct {
		Imports []rec
		Names   map[string]bool
	}
	res := map[string]frec{}
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".py") {
			return nil
		}
		src, _ := os.ReadFile(p)
		f := Scan(src)
		rs := []rec{}
		for _, im := range f.Imports {
			rs = append(rs, rec{im.Module, im.Level, im.Line, im.Col, int(im.Scope), im.Alias, im.Names, im.Guards, im.TypeChecking, im.MainBlock, im.Dynamic})
		}
		res[p] = frec{rs, f.Names}
		return nil
	})
	b, _ := json.Marshal(res)
	os.WriteFile(out, b, 0o644)
}
