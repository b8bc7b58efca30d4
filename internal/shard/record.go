package shard

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/otelbench/otelbench/internal/results"
)

// A shard's folder holds its results (results.ResultsGob) and its record
// (results.ShardFile), written last: a folder without a record is a shard
// that did not finish.

// WriteRecord writes rec into the shard folder dir, atomically.
func WriteRecord(dir string, rec results.Shard) error {
	return results.WriteJSON(filepath.Join(dir, results.ShardFile), rec)
}

// ReadRecord reads the record of the shard folder dir. A missing,
// garbled or other-schema record is an error naming the file.
func ReadRecord(dir string) (results.Shard, error) {
	path := filepath.Join(dir, results.ShardFile)
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return results.Shard{}, fmt.Errorf("%s: no %s (the shard did not finish, or this is no shard folder)", dir, results.ShardFile)
		}
		return results.Shard{}, err
	}
	var rec results.Shard
	if err := json.Unmarshal(b, &rec); err != nil {
		return results.Shard{}, fmt.Errorf("%s: %w", path, err)
	}
	if rec.Schema != results.ShardSchema {
		return results.Shard{}, fmt.Errorf("%s: schema %d, want %d", path, rec.Schema, results.ShardSchema)
	}
	if rec.Of < 1 || rec.Index < 0 || rec.Index >= rec.Of {
		return results.Shard{}, fmt.Errorf("%s: shard %d of %d is not a shard", path, rec.Index, rec.Of)
	}
	return rec, nil
}
