package proc

import (
	"context"
	"fmt"
	"os"
	"time"
)

// helperEnv makes the test binary run helperMain instead of the tests.
const helperEnv = "PROC_TEST_HELPER"

// helperMain starts `sleep 30` under proc, prints its pid and waits to be
// killed, so that a test can see what becomes of the child when its parent
// dies.
func helperMain() {
	p, err := Start(context.Background(), Options{Path: "/bin/sh", Args: []string{"-c", "exec sleep 30"}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(p.Pid())
	time.Sleep(time.Minute)
	os.Exit(2)
}
