//go:build !race

package instagram_test

// manyCalls is how many distinct ids each round of TestLimitsMemoryBounded
// calls: twice the default MemoryLimitStore's keys.
const manyCalls = 20_000
