// Command layerkit finds AWS Lambda import errors before deployment. See README.md.
package main

import (
	"os"

	"github.com/layerkit/layerkit/internal/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:], cli.System())) }
