package profile

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Load reads the profile at path and parses it with Parse. It reads at
// most MaxFileSize bytes, so that a path such as /dev/zero fails at once.
// A directory or a larger file is an *Error; a file that cannot be read is
// an os error wrapped with the path, not an *Error.
func Load(path string) (*Profile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading profile: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, &Error{File: path, Msg: "is a directory, not a profile file"}
	}
	// One byte more than the limit tells a file at the limit from a
	// larger one, which Parse refuses.
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading profile: %w", err)
	}
	return Parse(path, data)
}

// Parse decodes a profile from data, applies the defaults for keys it leaves
// out and validates it. name is the file the data came from; it prefixes
// every error and becomes Profile.Path. When the profile is invalid, Parse
// returns a nil profile and an errors.Join of one *Error per problem, in
// line order. Data larger than MaxFileSize is refused unread.
func Parse(name string, data []byte) (*Profile, error) {
	if len(data) > MaxFileSize {
		return nil, &Error{File: name, Msg: fmt.Sprintf("is larger than %d MiB; a profile is a short YAML file", MaxFileSize>>20)}
	}
	d := &decoder{file: name}
	var p *Profile
	if root := d.document(data); root != nil {
		p = d.profile(root)
		p.Path = name
	}
	if err := d.err(); err != nil {
		return nil, err
	}
	return p, nil
}

// maxErrors is how many problems Parse reports before it only counts
// them: aliases can repeat a bad block many times over.
const maxErrors = 100

// decoder walks a profile's YAML nodes and collects every problem it finds,
// up to maxErrors.
type decoder struct {
	file string
	errs []*Error
	// lines, when not nil, receives the line of every key read, by
	// dotted path (see keyLine).
	lines map[string]int
	// more counts the problems beyond maxErrors, the first of them on
	// line moreLine.
	more, moreLine int
}

// entry is one key and its value in a mapping, or one element of a list
// (then key is the element itself, so that errors point at its line).
type entry struct {
	key, val *yaml.Node
	path     string // dotted path, such as "variants[1].queue_size"
}

// short returns the last segment of the entry's path, the key as written.
func (e entry) short() string {
	return e.path[strings.LastIndex(e.path, ".")+1:]
}

// errorf records a problem at line that is not about one key's value.
func (d *decoder) errorf(line int, key, format string, args ...any) {
	if d.full(line) {
		return
	}
	d.errs = append(d.errs, &Error{File: d.file, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)})
}

// keyErrorf records a problem with e's value, naming its key.
func (d *decoder) keyErrorf(e entry, format string, args ...any) {
	if d.full(e.key.Line) {
		return
	}
	d.errorf(e.key.Line, e.path, "key %q: %s", e.short(), fmt.Sprintf(format, args...))
}

// full reports whether maxErrors problems are recorded already, and if so
// counts one more, on line.
func (d *decoder) full(line int) bool {
	if len(d.errs) < maxErrors {
		return false
	}
	if d.more == 0 || line < d.moreLine {
		d.moreLine = line
	}
	d.more++
	return true
}

// err returns every recorded problem, sorted by line, as one joined error,
// and last, when there were more than maxErrors, how many were left out.
func (d *decoder) err() error {
	if len(d.errs) == 0 {
		return nil
	}
	slices.SortStableFunc(d.errs, func(a, b *Error) int { return cmp.Compare(a.Line, b.Line) })
	errs := make([]error, len(d.errs), len(d.errs)+1)
	for i, e := range d.errs {
		errs[i] = e
	}
	if d.more > 0 {
		errs = append(errs, &Error{File: d.file, Line: d.moreLine,
			Msg: fmt.Sprintf("%d more problems not shown, the first of them on this line; fix those above first", d.more)})
	}
	return errors.Join(errs...)
}

// document decodes data as exactly one YAML document whose top level is a
// mapping and returns that mapping, or nil when there is none to validate.
func (d *decoder) document(data []byte) *yaml.Node {
	if !d.encoding(data) {
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.errorf(0, "", "empty profile: want a mapping with at least name, rates, duration and variants")
		} else {
			d.syntax(data, err)
		}
		return nil
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		d.errorf(next.Line, "", "a second YAML document starts here; a profile is exactly one document")
	case !errors.Is(err, io.EOF):
		d.syntax(data, err)
	}
	root := resolve(doc.Content[0])
	switch {
	case root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null":
		d.errorf(0, "", "empty profile: want a mapping with at least name, rates, duration and variants")
		return nil
	case root.Kind != yaml.MappingNode:
		d.errorf(root.Line, "", "the top level must be a mapping of keys such as name, rates and variants, got %s", describe(root))
		return nil
	}
	return root
}

// fields checks that e's value is a mapping and returns its entries by key.
// It reports keys that are not strings, duplicate keys (keeping the first)
// and, unless known is nil, keys not in known, with the nearest known key as
// a suggestion or, failing that, hint(key). A nil map means e is not a
// mapping.
func (d *decoder) fields(e entry, known []string, hint func(string) string) map[string]entry {
	n := e.val
	if n.Kind != yaml.MappingNode {
		d.keyErrorf(e, "must be a mapping of keys, got %s", describe(n))
		return nil
	}
	prefix := ""
	if e.path != "" {
		prefix = e.path + "."
	}
	m := make(map[string]entry, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		name := k.Value
		switch {
		case k.Kind != yaml.ScalarNode:
			d.errorf(k.Line, e.path, "keys must be plain strings, got %s", describe(k))
			continue
		case k.ShortTag() == "!!merge":
			d.errorf(k.Line, prefix+name, "merge keys (<<) are not supported; write the keys out")
			continue
		}
		if first, dup := m[name]; dup {
			d.errorf(k.Line, prefix+name, "duplicate key %q (first on line %d)", name, first.key.Line)
			continue
		}
		if known != nil && !slices.Contains(known, name) {
			if d.full(k.Line) {
				continue
			}
			s := suggest(name, known)
			if s == "" && hint != nil {
				s = hint(name)
			}
			if s != "" {
				d.errorf(k.Line, prefix+name, "unknown key %q (did you mean %q?)", name, s)
			} else {
				d.errorf(k.Line, prefix+name, "unknown key %q (known keys: %s)", name, strings.Join(known, ", "))
			}
			continue
		}
		m[name] = entry{key: k, val: v, path: prefix + name}
		if d.lines != nil {
			d.lines[prefix+name] = k.Line
		}
	}
	return m
}

// require reports each of keys missing from m. owner is the line of the
// mapping's own key (0 at the top level) and path its dotted path.
func (d *decoder) require(m map[string]entry, owner int, path string, keys ...string) {
	for _, k := range keys {
		if _, ok := m[k]; ok {
			continue
		}
		full := k
		if path != "" {
			full = path + "." + k
		}
		if path == "" {
			d.errorf(owner, full, "missing required key %q", k)
		} else {
			d.errorf(owner, full, "missing required key %q in %s", k, path)
		}
	}
}

// resolve follows an alias (*name) to the node it refers to.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// describe names a node's type and value for "got ..." in error messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!str":
			return fmt.Sprintf("string %q", n.Value)
		case "!!int":
			return "integer " + n.Value
		case "!!float":
			return "number " + n.Value
		case "!!bool":
			return "boolean " + n.Value
		case "!!null":
			return "null"
		}
		return fmt.Sprintf("%s %q", n.ShortTag(), n.Value)
	}
	return "an unexpected node"
}
