//go:build race

package instagram_test

// manyCalls is how many distinct ids each round of TestLimitsMemoryBounded
// calls: fewer under the race detector, which makes each call many times
// slower, and still past the default MemoryLimitStore's 10,000 keys.
const manyCalls = 12_000
