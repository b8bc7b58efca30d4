package runner

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/shard"
)

// MergeOptions says which shard folders Merge puts together.
type MergeOptions struct {
	// Profile is the profile the shards measured (the one given to
	// otelbench k8s); each shard's cell must be one of its cells.
	Profile *profile.Profile
	// ResultsRoot receives the new run directory.
	ResultsRoot string
	// Folders are shard folders (results.ShardFile and results.ResultsGob)
	// or folders holding them at any depth, such as a copy of a pod's
	// results volume.
	Folders []string
}

// InputError is an error of Merge's input: a folder that holds no shard,
// shards of different runs, a cell with a shard missing or twice, a cell
// the profile does not have. Nothing is written then.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// foundShard is a shard folder and its record.
type foundShard struct {
	dir string
	rec results.Shard
}

// Merge puts shard folders from anywhere (attack processes on other
// machines, pods) into a new run directory under o.ResultsRoot that
// `otelbench report` reads, and returns its path: for each cell, its
// shards' results merged in timestamp order into results.gob, the load
// figures over them, each shard's record and a copy of its folder under
// shards/. The cells hold the load generator's view alone
// (results.Cell.LoadOnly): the target and the sink were not measured
// here. It checks everything before it writes anything; a bad input is an
// *InputError.
func Merge(ctx context.Context, o MergeOptions) (string, error) {
	p := o.Profile
	if p == nil {
		return "", &InputError{errors.New("merge: no profile")}
	}
	found, err := findShards(o.Folders)
	if err != nil {
		return "", &InputError{err}
	}
	cells, err := groupShards(found, p)
	if err != nil {
		return "", &InputError{err}
	}
	now := time.Now()
	dir, err := results.Create(o.ResultsRoot, p.Name, now)
	if err != nil {
		return "", err
	}
	run := results.Run{
		Schema: results.SchemaVersion, ID: filepath.Base(dir), Status: results.StatusComplete,
		Profile: p, Sink: results.SinkInfo{Kind: "not measured"},
		Environment: results.Environment{Recorded: now.UTC()},
	}
	for _, v := range p.Variants {
		run.Variants = append(run.Variants, results.VariantSetup{Name: v.Name, Kind: v.Kind})
	}
	for _, name := range slices.Sorted(maps.Keys(cells)) {
		if ctx.Err() != nil {
			return dir, ctx.Err()
		}
		c, err := mergeCell(dir, name, cells[name], p)
		if err != nil {
			return dir, fmt.Errorf("merging cell %s: %w", name, err)
		}
		run.Cells = append(run.Cells, name)
		if run.Started.IsZero() || c.Started.Before(run.Started) {
			run.Started = c.Started
		}
		run.Finished = maxTime(run.Finished, c.Finished)
	}
	return dir, results.WriteJSON(filepath.Join(dir, results.RunFile), run)
}

// findShards finds every shard folder in folders.
func findShards(folders []string) ([]foundShard, error) {
	if len(folders) == 0 {
		return nil, errors.New("no shard folders given")
	}
	var out []foundShard
	var errs []error
	for _, root := range folders {
		n := 0
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || d.Name() != results.ShardFile {
				return nil
			}
			dir := filepath.Dir(path)
			rec, err := shard.ReadRecord(dir)
			if err != nil {
				return err
			}
			if _, err := os.Stat(filepath.Join(dir, results.ResultsGob)); err != nil {
				return fmt.Errorf("%s: shard %d of %d has no %s", dir, rec.Index, rec.Of, results.ResultsGob)
			}
			out = append(out, foundShard{dir, rec})
			n++
			return nil
		})
		switch {
		case err != nil:
			errs = append(errs, err)
		case n == 0:
			errs = append(errs, fmt.Errorf("%s: no shard folder in it (no %s)", root, results.ShardFile))
		}
	}
	return out, errors.Join(errs...)
}

// groupShards groups the shards by cell and checks that they make whole
// cells of p and of one run.
func groupShards(found []foundShard, p *profile.Profile) (map[string][]foundShard, error) {
	cells := map[string][]foundShard{}
	runs := map[string]string{} // run → a folder of it
	var errs []error
	for _, f := range found {
		if f.rec.Cell == "" {
			errs = append(errs, fmt.Errorf("%s: the shard names no cell (attack -cell)", f.dir))
			continue
		}
		runs[f.rec.Run] = f.dir
		cells[f.rec.Cell] = append(cells[f.rec.Cell], f)
	}
	if len(runs) > 1 {
		var parts []string
		for _, r := range slices.Sorted(maps.Keys(runs)) {
			parts = append(parts, fmt.Sprintf("%q (%s)", r, runs[r]))
		}
		errs = append(errs, fmt.Errorf("shards of %d runs: %s; merge one run at a time", len(runs), strings.Join(parts, ", ")))
	}
	for _, name := range slices.Sorted(maps.Keys(cells)) {
		if err := checkCell(name, cells[name], p); err != nil {
			errs = append(errs, err)
		}
	}
	return cells, errors.Join(errs...)
}

// checkCell checks that a cell's shards are each of its shards once, and
// that the profile has the cell.
func checkCell(name string, fs []foundShard, p *profile.Profile) error {
	_, variant, rate, _, err := results.ParseCellDirName(name)
	if err != nil {
		return fmt.Errorf("%s: %w", fs[0].dir, err)
	}
	if variantOf(p, variant) == nil {
		return fmt.Errorf("cell %s: profile %s has no variant %q", name, p.Path, variant)
	}
	if !slices.Contains(p.Rates, rate) {
		return fmt.Errorf("cell %s: profile %s has no rate %d", name, p.Path, rate)
	}
	of := fs[0].rec.Of
	seen := make([]string, of)
	for _, f := range fs {
		switch {
		case f.rec.Of != of:
			return fmt.Errorf("cell %s: %s says %d shards, %s says %d", name, fs[0].dir, of, f.dir, f.rec.Of)
		case seen[f.rec.Index] != "":
			return fmt.Errorf("cell %s: shard %d twice: %s and %s", name, f.rec.Index, seen[f.rec.Index], f.dir)
		}
		seen[f.rec.Index] = f.dir
	}
	var missing []string
	for i, d := range seen {
		if d == "" {
			missing = append(missing, strconv.Itoa(i))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("cell %s: shard(s) %s of %d missing", name, strings.Join(missing, ", "), of)
	}
	return nil
}

// mergeCell writes one cell of shards into the run directory dir.
func mergeCell(dir, name string, fs []foundShard, p *profile.Profile) (results.Cell, error) {
	slices.SortFunc(fs, func(a, b foundShard) int { return cmp.Compare(a.rec.Index, b.rec.Index) })
	index, variant, rate, rep, _ := results.ParseCellDirName(name)
	cdir := filepath.Join(dir, results.CellsDir, name)
	c := results.Cell{Schema: results.SchemaVersion, Index: index, Rep: rep, Rate: rate, Variant: variant,
		Kind: variantOf(p, variant).Kind, Dir: name, Status: results.StatusOK, LoadOnly: true}
	var gobs []string
	for _, f := range fs {
		sd := filepath.Join(cdir, results.ShardsDir, strconv.Itoa(f.rec.Index))
		for _, file := range []string{results.ResultsGob, results.ShardFile} {
			if err := copyFile(filepath.Join(f.dir, file), filepath.Join(sd, file)); err != nil {
				return c, err
			}
		}
		gobs = append(gobs, filepath.Join(sd, results.ResultsGob))
		c.Shards = append(c.Shards, f.rec)
		c.Load.LoadGenCPU += f.rec.CPU
		c.Load.LoadGenCPUs += f.rec.CPUs
		c.Load.WarmupRequests += f.rec.WarmupRequests
		if c.Started.IsZero() || f.rec.Started.Before(c.Started) {
			c.Started = f.rec.Started
		}
		c.Finished = maxTime(c.Finished, f.rec.Ended)
	}
	start := fs[0].rec.StartAt
	tl := newTimeline(start)
	var m vegeta.Metrics
	var successes uint64
	_, err := mergeInto(filepath.Join(cdir, results.ResultsGob), gobs, func(res *vegeta.Result) {
		tl.add(res)
		m.Add(res)
		if res.Code >= 200 && res.Code < 400 { // vegeta's own definition of success
			successes++
		}
	})
	if err != nil {
		return c, err
	}
	m.Close()
	fillLoad(&c.Load, &m, successes, rate, fs[0].rec.TracePrefix != "")
	c.Timeline = tl.result(nil)
	return c, results.WriteJSON(filepath.Join(cdir, results.CellFile), c)
}

// copyFile copies src to dst, creating dst's directory.
func copyFile(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// variantOf returns p's variant named name, nil if it has none.
func variantOf(p *profile.Profile, name string) *profile.Variant {
	for i := range p.Variants {
		if p.Variants[i].Name == name {
			return &p.Variants[i]
		}
	}
	return nil
}
