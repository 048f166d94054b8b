package terraform

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/layerkit/layerkit/internal/iac"
)

// otherVarFiles finds the variable files of the root folder dir that Terraform does not
// read by itself and that were not given (develop.tfvars, prod.tfvars, terraform.tfvars.example,
// ...), and returns, for each variable one of them sets, the files that set it (paths
// relative to root, in name order). A variable with no value is then explained with the
// file to give to --var-file instead of a bare "it has no value": the value is in the
// repository, only the choice of file is the user's (as `terraform apply -var-file` is).
// Unreadable or invalid files are skipped: they only feed a hint.
func otherVarFiles(lim iac.Limits, root, dir string, given []source) map[string][]string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	seen := map[string]bool{}
	for _, s := range given {
		seen[s.name] = true
	}
	out := map[string][]string{}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !isOtherVarFile(n) {
			continue
		}
		name := iac.Rel(root, filepath.Join(dir, n))
		if seen[name] {
			continue
		}
		info, err := e.Info()
		if err != nil || info.Size() > 1<<20 {
			continue
		}
		b, err := lim.ReadConfig(filepath.Join(dir, n))
		if err != nil {
			continue
		}
		// parse by the file's real syntax: "x.tfvars.example" is HCL, "x.tfvars.json" JSON
		f, err := parse(source{name: trimTemplate(name), data: b})
		if err != nil {
			continue
		}
		attrs, diags := f.Body.JustAttributes()
		if diags.HasErrors() && len(attrs) == 0 {
			continue
		}
		for v := range attrs {
			out[v] = append(out[v], name)
		}
	}
	for _, files := range out {
		sort.Strings(files)
	}
	return out
}

// isOtherVarFile reports whether a file name is a Terraform variable file that
// `terraform plan` does not load by itself: "*.tfvars" and "*.tfvars.json" other than
// terraform.tfvars and *.auto.tfvars, and the templates "*.tfvars.example", ".sample",
// ".dist".
func isOtherVarFile(n string) bool {
	plain := trimTemplate(n)
	base := strings.TrimSuffix(plain, ".json")
	if !strings.HasSuffix(base, ".tfvars") {
		return false
	}
	if plain != n { // a template: never loaded, whatever its name
		return true
	}
	return base != "terraform.tfvars" && !strings.HasSuffix(base, ".auto.tfvars")
}

// trimTemplate drops a template suffix: "terraform.tfvars.example" -> "terraform.tfvars".
func trimTemplate(n string) string {
	for _, suf := range []string{".example", ".sample", ".dist"} {
		if strings.HasSuffix(n, suf) {
			return strings.TrimSuffix(n, suf)
		}
	}
	return n
}

// unsetHint is the reason a root variable has no value, naming the variable files of the
// folder that set it.
func unsetHint(files []string) string {
	const base = "it has no default and no value in terraform.tfvars, *.auto.tfvars or --var-file"
	switch len(files) {
	case 0:
		return base
	case 1:
		return fmt.Sprintf("%s; %s sets it: give it with --var-file %s", base, files[0], files[0])
	}
	return fmt.Sprintf("%s; %s set it: give the one to check with --var-file (--var-file %s)", base, strings.Join(files, ", "), files[0])
}
