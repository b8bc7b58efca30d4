package proc

import "syscall"

// sysProcAttr puts the child in a process group of its own, so that a
// Ctrl-C on the terminal reaches only otelbench, which then stops the child
// in order, and has the kernel SIGKILL the child when otelbench dies.
//
// Pdeathsig fires when the OS thread that started the child exits, not the
// process. The Go runtime does not end its threads while the process
// lives, except for goroutines that exit while locked to their thread
// (runtime.LockOSThread); do not call Start from such a goroutine.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
