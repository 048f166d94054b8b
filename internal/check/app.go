package check

import (
	"context"
	"time"

	"github.com/layerkit/layerkit/internal/model"
)

// CheckApp runs every rule over an app that was built elsewhere (layerkit doctor's
// model of what is deployed). root is the folder the app was read from, used for
// hints about code that exists only outside a function's package; "" when the app
// comes from no folder, and then no such hint is given.
func CheckApp(ctx context.Context, opts Options, root string, app *model.App) (*Result, error) {
	if opts.Today.IsZero() {
		opts.Today = time.Now()
	}
	return checkApps(ctx, opts, root, []*model.App{app})
}
