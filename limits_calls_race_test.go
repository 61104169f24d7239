//go:build race

package instagram_test

// manyCalls is how many distinct ids TestLimitsMemoryBounded calls: fewer
// under the race detector, which makes each call many times slower.
const manyCalls = 20_000
