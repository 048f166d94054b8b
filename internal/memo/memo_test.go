package memo

import (
	"sync"
	"sync/atomic"
	"testing"
)

// Callers asking side by side for the same key get one value, made once.
func TestGetMakesOnce(t *testing.T) {
	var m Map[string, *int]
	var made atomic.Int32
	var wg sync.WaitGroup
	got := make([]*int, 16)
	for i := range got {
		wg.Go(func() {
			got[i] = m.Get("k", func() *int { made.Add(1); v := i; return &v })
		})
	}
	wg.Wait()
	if made.Load() != 1 {
		t.Fatalf("made %d times", made.Load())
	}
	for _, g := range got {
		if g != got[0] {
			t.Fatal("callers got different values")
		}
	}
	if v := m.Get("other", func() *int { v := -1; return &v }); *v != -1 {
		t.Errorf("another key: %d", *v)
	}
}

// Go starts the making once; a Get, before or after the background start, gets the
// one value made.
func TestGoThenGet(t *testing.T) {
	var m Map[int, string]
	var made atomic.Int32
	release := make(chan struct{})
	mk := func() string { made.Add(1); <-release; return "v" }
	m.Go(1, mk)
	m.Go(1, mk)
	done := make(chan string)
	go func() { done <- m.Get(1, mk) }()
	close(release)
	if v := <-done; v != "v" {
		t.Fatalf("Get = %q", v)
	}
	m.Go(1, mk) // made: nothing starts
	if v := m.Get(1, mk); v != "v" || made.Load() != 1 {
		t.Fatalf("Get = %q, made %d times", v, made.Load())
	}
}

func TestDeleteMakesAgain(t *testing.T) {
	var m Map[string, int]
	made := 0
	mk := func() int { made++; return made }
	m.Get("a", mk)
	m.Get("b", mk)
	if v := m.Delete("a"); v != 1 {
		t.Errorf("Delete(a) = %d, want the value made, 1", v)
	}
	if v := m.Delete("zz"); v != 0 {
		t.Errorf("Delete of a key never made = %d, want 0", v)
	}
	if v := m.Get("a", mk); v != 3 {
		t.Errorf("Get(a) after Delete = %d, want it made again (3)", v)
	}
	m.DeleteFunc(func(k string) bool { return k == "b" })
	if v := m.Get("b", mk); v != 4 {
		t.Errorf("Get(b) after DeleteFunc = %d, want it made again (4)", v)
	}
	if v := m.Get("a", mk); v != 3 {
		t.Errorf("Get(a) = %d, want 3 kept", v)
	}
}
