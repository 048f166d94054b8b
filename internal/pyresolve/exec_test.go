package pyresolve

import "testing"

// TestCatches: what an except clause naming a class catches, for the exceptions a
// failing import raises and those a handler raises.
func TestCatches(t *testing.T) {
	for _, c := range []struct {
		handler, exc string
		want         bool
	}{
		{"ImportError", "ModuleNotFoundError", true},
		{"ModuleNotFoundError", "ModuleNotFoundError", true},
		{"ModuleNotFoundError", "ImportError", false}, // from m import MISSING
		{"Exception", "ImportError", true},
		{"BaseException", "AttributeError", true},
		{"KeyError", "ImportError", false},
		{"ValueError", "ModuleNotFoundError", false},
		{"AttributeError", "ImportError", false},
		{"AttributeError", "AttributeError", true}, // a star import's __all__, a.X in a cycle
		{"LookupError", "KeyError", true},
		{"RuntimeError", "NotImplementedError", true},
		{"Exception", "MyError", true},    // a class of the code: some Exception
		{"ImportError", "MyError", false}, // not known to be an ImportError
		{"MyError", "ImportError", false}, // a handler class layerkit does not know catches nothing here
		{"Exception", "KeyboardInterrupt", false},
	} {
		if got := catches(c.handler, c.exc); got != c.want {
			t.Errorf("except %s catching %s: got %v, want %v", c.handler, c.exc, got, c.want)
		}
	}
}
