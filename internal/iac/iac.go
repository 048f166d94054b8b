// Package iac holds what the infrastructure-as-code loaders share: the input error they
// return for input that cannot be read. Each front-end lives in a sub-package
// (sam, cdk, terraform, serverless, artifacts) and produces a model.App.
package iac

import (
	"fmt"

	"github.com/layerkit/layerkit/internal/model"
)

// InputError is input that cannot be read at all: malformed YAML/JSON/HCL, a template
// that is not a template. The CLI prints it and exits 2. Problems inside a readable
// template (a Ref to nothing, a missing CodeUri folder) are model.Notes instead.
type InputError struct {
	Pos model.Pos
	Msg string
}

func (e *InputError) Error() string {
	switch {
	case e.Pos.Line > 0 && e.Pos.Col > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.Pos.File, e.Pos.Line, e.Pos.Col, e.Msg)
	case e.Pos.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.Pos.File, e.Pos.Line, e.Msg)
	case e.Pos.File != "":
		return fmt.Sprintf("%s: %s", e.Pos.File, e.Msg)
	}
	return e.Msg
}

// Errorf returns an *InputError at pos.
func Errorf(pos model.Pos, format string, args ...any) error {
	return &InputError{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}
