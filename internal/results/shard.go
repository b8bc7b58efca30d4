package results

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Files of a shard's folder: what one `otelbench attack` process writes.
// In a sharded cell they lie in cells/<cell>/shards/<i>/; a folder copied
// from anywhere else (a pod's volume) has the same two files.
const (
	// ShardsDir holds a sharded cell's shard folders, one per shard index.
	ShardsDir = "shards"
	// ShardFile is a shard's own record (Shard), written after its results.
	ShardFile = "shard.json"
	// ShardLog is the attack process's stderr, in a run's shard folders.
	ShardLog = "attack.log"
)

// ShardSchema is the version of the shard.json layout.
const ShardSchema = 1

// Shard is shard.json: what one attack process, one shard of a cell's load,
// measured of itself. cell.json keeps a copy of each in Cell.Shards.
type Shard struct {
	Schema int `json:"schema"`
	// Index is the shard's number, from 0; Of is how many shards the cell
	// has. Shard Index sends the cell's requests Index, Index+Of, …
	Index int `json:"shard"`
	Of    int `json:"shards"`
	// Run and Cell name the run and the cell directory the shard belongs
	// to, when they were given (-run, -cell); `otelbench merge` groups
	// folders by them.
	Run  string `json:"run,omitempty"`
	Cell string `json:"cell,omitempty"`
	// Host is the machine (or pod) the shard ran on.
	Host string `json:"host,omitempty"`
	// URL is the route loaded, {id} marking the item number.
	URL string `json:"url"`
	// FirstItem is the item number of the cell's first measured request;
	// this shard's are FirstItem+Index+k·Of. TracePrefix is the hex of the
	// trace ids' high 8 bytes; empty when requests carried no traceparent.
	FirstItem   uint64 `json:"first_item"`
	TracePrefix string `json:"trace_prefix,omitempty"`
	// RequestedRate is this shard's share of the cell's rate; AchievedRate
	// what it sent (vegeta's Metrics.Rate), in requests per second.
	RequestedRate float64 `json:"requested_rate"`
	AchievedRate  float64 `json:"achieved_rate"`
	Requests      uint64  `json:"requests"`
	Successes     uint64  `json:"successes"`
	// Duration is from the first send to the last (vegeta's).
	Duration time.Duration `json:"duration_ns"`
	// WarmupRequests counts the requests of the shard's own warm-up
	// (-warmup), sent before StartAt's measured attack; 0 when the runner
	// warmed the target up itself.
	WarmupRequests uint64 `json:"warmup_requests,omitempty"`
	// StartAt is the common wall-clock start of the measured attack;
	// Started is when this shard's began by its own clock, and Skew is
	// Started − StartAt: how late it began (negative: early, by a clock
	// that runs ahead).
	StartAt time.Time     `json:"start_at"`
	Started time.Time     `json:"started"`
	Skew    time.Duration `json:"start_skew_ns"`
	// Ended is when the shard's last result came back.
	Ended time.Time `json:"ended"`
	// CPU is the attack process's own CPU time (user+sys) during the
	// measured attack, encoding its results included; CPUs how many CPUs
	// it could run on.
	CPU  time.Duration `json:"cpu_ns"`
	CPUs int           `json:"cpus"`
	// Interrupted says the attack was stopped before its end (a signal):
	// its results are partial.
	Interrupted bool `json:"interrupted,omitempty"`
}

// CPUPerRequest is the shard's CPU time per request sent; 0 without
// requests.
func (s Shard) CPUPerRequest() time.Duration {
	if s.Requests == 0 {
		return 0
	}
	return s.CPU / time.Duration(s.Requests)
}

// cellDirPattern is what CellDirName writes; a variant's name may hold
// dashes, the rate and repetition cannot.
var cellDirPattern = regexp.MustCompile(`^(\d{3,})-(.+)-r(\d+)-rep(\d+)$`)

// ParseCellDirName is the inverse of CellDirName: the index, variant, rate
// and repetition a cell directory's name says.
func ParseCellDirName(name string) (index int, variant string, rate, rep int, err error) {
	m := cellDirPattern.FindStringSubmatch(name)
	if m == nil {
		return 0, "", 0, 0, fmt.Errorf("cell name %q is not NNN-<variant>-r<rate>-rep<k>", name)
	}
	index, _ = strconv.Atoi(m[1])
	rate, _ = strconv.Atoi(m[3])
	rep, _ = strconv.Atoi(m[4])
	return index, m[2], rate, rep, nil
}
