package pymeta

import "testing"

// FuzzRequirement: PEP 508 requirements, PEP 440 specifiers and versions never panic;
// a parsed requirement renders to something that parses the same; version comparison
// is antisymmetric.
func FuzzRequirement(f *testing.F) {
	f.Add(`requests[socks,security] >=2.8.1, ==2.8.* ; python_version < "2.7"`, "2.8.1", "2.10")
	f.Add(`name @ https://example.com/x.whl ; os_name == "posix"`, "1.0.post1", "1.0")
	f.Add(`a~=1.4.5,!=1.4.7,<2`, "1!2.0a1.dev3+local.7", "2.0rc1")
	f.Add(`x===arbitrary`, "v1.0", "01.0.0")
	f.Fuzz(func(t *testing.T, line, a, b string) {
		if r, err := ParseRequirement(line); err == nil {
			again, err := ParseRequirement(r.String())
			if err != nil {
				t.Fatalf("%q → %q does not parse: %v", line, r.String(), err)
			}
			if again.String() != r.String() {
				t.Fatalf("%q: %q then %q", line, r.String(), again.String())
			}
		}
		if s, err := ParseSpecifier(line); err == nil && s != nil {
			_ = s.String()
			s.Contains(a)
			s.Contains(b)
		}
		ValidVersion(a)
		if ValidVersion(a) && ValidVersion(b) {
			if x, y := CompareVersions(a, b), CompareVersions(b, a); x != -y {
				t.Fatalf("CompareVersions(%q, %q) = %d, reversed %d", a, b, x, y)
			}
		}
	})
}
