package shard

import (
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/otelbench/otelbench/internal/profile"
)

// Pacer is shard Shard of Shards of one attack at Total requests per
// second (with Burst's spike, if any): its hit k is the whole attack's hit
// Shard+k·Shards, due when that one is (profile.Burst.Due). N shards that
// start together therefore send, between them, exactly what one attacker
// at Total would, interleaved.
type Pacer struct {
	Total         float64
	Burst         *profile.Burst
	Shard, Shards int
	// Duration, when set, ends the shard's hits with the last one due
	// before it, as vegeta's ConstantPacer does for one attacker (rate ×
	// duration hits). vegeta's own check comes before the wait, so without
	// it each shard would send one hit more.
	Duration time.Duration
	// Late is how late the shard's attack began against the common start:
	// its hits keep to the common schedule, so a late shard sends the
	// hits already due at once rather than shift all of its own.
	Late time.Duration
}

var _ vegeta.Pacer = Pacer{}

// Pace returns how long to wait before the shard's next hit, given the
// time since its attack began and the hits it sent so far. Behind
// schedule it sends at once; it stops after the last hit due before
// Duration.
func (p Pacer) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	if p.Total <= 0 || p.Shards < 1 {
		return 0, true
	}
	due := p.Burst.Due(p.Total, float64(p.global(hits)))
	if p.Duration > 0 && due >= p.Duration {
		return 0, true
	}
	return max(due-elapsed-p.Late, 0), false
}

// Rate returns the shard's rate at elapsed: its share of the attack's.
func (p Pacer) Rate(elapsed time.Duration) float64 {
	return p.Burst.RateAt(p.Total, elapsed) / float64(max(p.Shards, 1))
}

// global is the place of the shard's hit k in the whole attack.
func (p Pacer) global(k uint64) uint64 {
	return uint64(p.Shard) + k*uint64(p.Shards)
}
