package iac

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestCheckInside(t *testing.T) {
	root := t.TempDir()
	other := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "src", "fn"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(other, filepath.Join(root, "escape")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "src"), filepath.Join(root, "inlink")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		p       string
		outside bool
	}{
		{filepath.Join(root, "src", "fn"), false},
		{root, false},
		{filepath.Join(root, "src", "missing", "deeper"), false},
		{filepath.Join(root, "inlink", "fn"), false},
		{filepath.Join(root, ".."), true},
		{"/", true},
		{filepath.Join(root, "src", "..", "..", "x"), true},
		{filepath.Join(root, "escape"), true},
		{filepath.Join(root, "escape", "not-yet"), true},
		{root + "-sibling", true},
	} {
		err := Limits{}.CheckInside(root, tc.p)
		var oe *OutsideError
		if got := errors.As(err, &oe); got != tc.outside {
			t.Errorf("CheckInside(%s) = %v, want outside=%v", tc.p, err, tc.outside)
		}
	}
	allow, err := ResolveOutside([]string{other})
	if err != nil {
		t.Fatal(err)
	}
	l := Limits{AllowOutside: allow}
	if err := l.CheckInside(root, filepath.Join(root, "escape")); err != nil {
		t.Errorf("allowed place still refused: %v", err)
	}
	if err := (Limits{}).CheckInside(root, filepath.Join(root, "escape")); err == nil {
		t.Error("another Limits value sees the allowed place")
	}
	if err := l.CheckInside(root, "/"); err == nil {
		t.Error("/ allowed although only another folder was")
	}
}
