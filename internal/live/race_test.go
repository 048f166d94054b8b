//go:build race

package live

// raceEnabled: timings are not checked under the race detector (it is 5-10x slower).
const raceEnabled = true
