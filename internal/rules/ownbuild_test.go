package rules

import "testing"

// isTargetInstall: a pip install into a folder, in the spellings build files use.
func TestIsTargetInstall(t *testing.T) {
	for line, want := range map[string]bool{
		"\t$(VENV)/bin/pip install -r $< -t $(subst requirements-installed.sentinel,python,$@)": true,
		"pip3 install -r requirements.txt --target ./layer/python":                              true,
		"python -m pip install --target=build/python -r req.txt":                                true,
		"pip install -tpython requests":                                                         true,
		"pip install -r requirements.txt":                                                       false, // into the environment
		"pip install --upgrade pip":                                                             false,
		"tar -tf layer.zip":                                                                     false,
		"pip download -d wheels -r requirements.txt":                                            false,
	} {
		if got := isTargetInstall(line); got != want {
			t.Errorf("%q: %v, want %v", line, got, want)
		}
	}
}
