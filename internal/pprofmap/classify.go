package pprofmap

import "strings"

// gcBackground are frames that mark a stack as the GC's background work.
var gcBackground = map[string]bool{
	"runtime.gcBgMarkWorker": true,
	"runtime.bgsweep":        true,
	"runtime.bgscavenge":     true,
	"runtime._GC":            true,
}

// gcAssist are frames that mark a stack as GC work done by an allocating
// goroutine.
var gcAssist = map[string]bool{
	"runtime.gcAssistAlloc":     true,
	"runtime.gcAssistAlloc1":    true,
	"runtime.gcParkAssist":      true,
	"runtime.deductSweepCredit": true,
}

// Classify returns the component of one sample's stack: function names
// from the leaf (stack[0]) to the root, inlined functions included.
func Classify(stack []string) Component {
	for _, f := range stack {
		if gcBackground[f] {
			return GCBackground
		}
	}
	for _, f := range stack {
		if gcAssist[f] {
			return GCAssist
		}
	}
	runtime := false
	for _, f := range stack {
		if strings.HasPrefix(f, "type:") { // compiler-generated (type:.eq.…)
			continue
		}
		pkg, fn := splitName(f)
		if pkg == "runtime" {
			runtime = true
		}
		if generic(pkg) {
			continue
		}
		if c, ok := match(pkg, fn); ok {
			return c
		}
		return App
	}
	if runtime {
		return Runtime
	}
	return Other
}
