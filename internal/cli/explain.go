package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/layerkit/layerkit/internal/rules"
)

func newExplainCmd(s *IO) *cobra.Command {
	var list bool
	cmd := &cobra.Command{
		Use:   "explain [CODE]",
		Short: "Print a rule's documentation (or --list every rule)",
		Example: `  layerkit explain LK101
  layerkit explain unresolved-import
  layerkit explain --list`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if list || len(args) == 0 {
				for _, r := range rules.All() {
					fmt.Fprintf(s.Out, "%s  %-28s %-8s %s\n", r.Code, r.Name(), r.Severity, r.Summary)
				}
				return nil
			}
			q := strings.TrimSpace(args[0])
			for _, r := range rules.All() {
				if strings.EqualFold(r.Code.String(), q) || r.Name() == q {
					fmt.Fprint(s.Out, rules.Text(r))
					return nil
				}
			}
			return usageError{fmt.Sprintf("no rule %q; 'layerkit explain --list' lists them", q)}
		},
	}
	cmd.Flags().BoolVar(&list, "list", false, "list every rule")
	return cmd
}
