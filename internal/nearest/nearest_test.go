package nearest

import "testing"

func TestNearest(t *testing.T) {
	names := []string{"OrdersFunction", "OrderFunction", "BillingFunction", "LK101", "unresolved-import"}
	for v, want := range map[string]string{
		"ordersfunction":     "OrdersFunction",
		"OrdersFunctoin":     "OrdersFunction",
		"unresolved-imports": "unresolved-import",
		"LK11":               "LK101",
		"Billing":            "BillingFunction",
	} {
		if got := Names(v, names, 3); len(got) == 0 || got[0] != want {
			t.Errorf("nearest(%q) = %v, want %s first", v, got, want)
		}
	}
	if got := Names("zzzz", names, 3); len(got) != 0 {
		t.Errorf("nearest(zzzz) = %v, want none", got)
	}
}
