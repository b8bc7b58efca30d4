//go:build unix && !linux

package collector

import "syscall"

// sysProcAttr puts the collector in a process group of its own. Outside
// Linux nothing kills it if we die without calling Stop.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
