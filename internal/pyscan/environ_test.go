package pyscan

import (
	"fmt"
	"strings"
	"testing"
)

func TestEnvReads(t *testing.T) {
	for _, c := range []struct {
		src      string
		want     string // reads as NAME@line:col, space-separated
		noWrites bool
	}{
		{"import os\nTABLE = os.environ[\"TABLE\"]\n", "TABLE@2:9", true},
		{"import os\nx = os.environ['A']; y = os.environ['B']\n", "A@2:5 B@2:26", true},
		{"import os\nx = os.environ.get('A')\nt = os.environ['T']\n", "T@3:5", true},
		// not run unconditionally
		{"import os\ndef f():\n    return os.environ['A']\n", "", true},
		{"import os\nif x:\n    a = os.environ['A']\n", "", true},
		{"import os\ntry:\n    a = os.environ['A']\nexcept KeyError:\n    a = None\n", "", true},
		{"import os\ntry: a = os.environ['A']\nexcept KeyError: pass\n", "", true},
		{"import os\na = os.environ['A'] if x else None\n", "", true},
		{"import os\na = x or os.environ['A']\n", "", true},
		{"import os\nf = lambda: os.environ['A']\n", "", true},
		{"import os\nclass C:\n    a = os.environ['A']\n", "", true},
		{"import os\na = [os.environ[k] for k in ks]\n", "", true},
		{"import os\na = os.environ[f'A']\n", "", true},
		{"import os\na = '''\nos.environ['A']\n'''\n", "", true},
		{"import os\na = (1,\nos.environ['A'])\n", "A@3:1", true},
		// what may set the variable stops the reads
		{"import os\nos.environ['A'] = '1'\na = os.environ['A']\n", "", false},
		{"import os\nos.environ.setdefault('A', '1')\na = os.environ['A']\n", "", false},
		{"import os\na = os.environ['A']\nos.environ.update(x)\nb = os.environ['B']\n", "A@2:5", false},
		{"from dotenv import load_dotenv\nload_dotenv()\na = os.environ['A']\n", "", false},
		{"import os\ndef setup():\n    os.environ['A'] = 'x'\nsetup()\na = os.environ['A']\n", "", false},
		{"import os\nenv = os.environ\na = os.environ['A']\n", "", false},
		{"import os\nif 'A' not in os.environ:\n    pass\na = os.environ['A']\n", "", false},
		{"from os import environ\nenviron['A'] = '1'\n", "", false},
		{"import os\ndel os.environ['A']\n", "", false},
		{"x = 1\n", "", true},
	} {
		reads, noWrites := EnvReads([]byte(c.src))
		var got []string
		for _, r := range reads {
			got = append(got, fmt.Sprintf("%s@%d:%d", r.Name, r.Line, r.Col))
		}
		if g := strings.Join(got, " "); g != c.want || noWrites != c.noWrites {
			t.Errorf("EnvReads(%q) = %q, %v; want %q, %v", c.src, g, noWrites, c.want, c.noWrites)
		}
	}
}

func FuzzEnvReads(f *testing.F) {
	f.Add([]byte("import os\nA = os.environ['A']\n"))
	f.Fuzz(func(t *testing.T, b []byte) { EnvReads(b) })
}
