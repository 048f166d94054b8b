package rules

// The package's tests hold every rule to its Requires: a rule that reads an analysis it
// does not require panics (Pass.need).
func init() { strictRequires = true }
