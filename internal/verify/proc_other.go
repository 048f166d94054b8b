//go:build !unix

package verify

import "os/exec"

func ownGroup(cmd *exec.Cmd) {}

func reapGroup(cmd *exec.Cmd) {}

func intermediateGroup(cmd *exec.Cmd) {}
