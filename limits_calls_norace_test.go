//go:build !race

package instagram_test

// manyCalls is how many distinct ids TestLimitsMemoryBounded calls.
const manyCalls = 200_000
