package profile

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// yamlLine matches the line number in the YAML library's syntax errors.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlAnchor matches the library's error for an alias to no anchor, which
// carries no line.
var yamlAnchor = regexp.MustCompile(`^yaml: unknown anchor '(.*)' referenced$`)

// syntax records a YAML syntax error in data as an *Error with its line.
// The library leaves the line out of an unknown alias, and out of a
// problem on line 1 (it takes its 0-based line 0 to mean "no line").
func (d *decoder) syntax(data []byte, err error) {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		d.errorf(line, "", "invalid YAML: %s", m[2])
		return
	}
	line := 1
	if m := yamlAnchor.FindStringSubmatch(msg); m != nil {
		line = aliasLine(data, m[1])
	}
	d.errorf(line, "", "invalid YAML: %s", strings.TrimPrefix(msg, "yaml: "))
}

// aliasLine returns the line of the first alias *name in data, or 1.
func aliasLine(data []byte, name string) int {
	alias := []byte("*" + name)
	for off := 0; ; {
		i := bytes.Index(data[off:], alias)
		if i < 0 {
			return 1
		}
		end := off + i + len(alias)
		// The alias ends where its name does: at a space, a flow
		// indicator or the end of the data.
		if end == len(data) || strings.IndexByte(" \t\r\n,]}", data[end]) >= 0 {
			return lineOf(data, off+i)
		}
		off = end
	}
}

// encoding records the first byte of data that is not UTF-8, or the first
// character YAML does not allow, with its line and column, and reports
// whether there is none. The YAML library refuses both without a line.
func (d *decoder) encoding(data []byte) bool {
	for off := 0; off < len(data); {
		r, size := utf8.DecodeRune(data[off:])
		switch {
		case r == utf8.RuneError && size <= 1:
			line, col := position(data, off)
			d.errorf(line, "", "invalid UTF-8 (byte %#x in column %d); a profile must be UTF-8", data[off], col)
			return false
		case !yamlPrintable(r):
			line, col := position(data, off)
			d.errorf(line, "", "control character %U in column %d is not allowed in YAML", r, col)
			return false
		}
		off += size
	}
	return true
}

// yamlPrintable reports whether YAML allows r in a document: tab, line
// breaks and the printable characters of YAML 1.2 (section 5.1), as the
// library checks them.
func yamlPrintable(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r' || r == 0x85:
		return true
	case r >= 0x20 && r <= 0x7e:
		return true
	case r >= 0xa0 && r <= 0xd7ff, r >= 0xe000 && r <= 0xfffd, r >= 0x10000 && r <= 0x10ffff:
		return true
	}
	return false
}

// lineOf returns the 1-based line of the byte at offset off in data,
// counting line breaks as the YAML library does: LF, CR, CR LF, and NEL,
// LS and PS, so that every line of an error message agrees.
func lineOf(data []byte, off int) int {
	line, _ := lineStart(data, off)
	return line
}

// position returns the 1-based line and column, in bytes, of offset off.
func position(data []byte, off int) (line, col int) {
	line, start := lineStart(data, off)
	return line, off - start + 1
}

// lineStart returns the line of offset off and the offset where it starts.
func lineStart(data []byte, off int) (line, start int) {
	line = 1
	for i := 0; i < off; {
		n := breakLen(data[i:])
		if n == 0 {
			i++
			continue
		}
		i += n
		line, start = line+1, i
	}
	return line, start
}

// breakLen returns the length of the line break at the start of b, or 0.
func breakLen(b []byte) int {
	switch {
	case bytes.HasPrefix(b, []byte("\r\n")):
		return 2
	case len(b) > 0 && (b[0] == '\r' || b[0] == '\n'):
		return 1
	case bytes.HasPrefix(b, []byte("\u0085")):
		return 2
	case bytes.HasPrefix(b, []byte("\u2028")), bytes.HasPrefix(b, []byte("\u2029")):
		return 3
	}
	return 0
}
