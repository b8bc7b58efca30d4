//go:build unix && !linux

package proc

import "syscall"

// sysProcAttr puts the child in a process group of its own. Outside Linux
// nothing kills it if otelbench dies without calling Stop or Kill.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
