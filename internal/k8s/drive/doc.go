// Package drive runs a run's Kubernetes manifests (package k8s) on a
// cluster with client-go, one cell at a time as the local runner does:
// apply the shared objects once; then for each cell set the common start,
// create the target pod and wait until it is ready, create the attack Job
// and wait until it completes, delete both (the target gets SIGTERM, so it
// flushes), and collect the cell's shard folders from the results volume.
//
// It is its own package so that nothing else of otelbench links client-go.
// Its tests run against client-go's fake clientset (no cluster is
// available where otelbench is developed); the copy from the volume
// (ExecCopier, over the API server's exec) has run against no cluster at
// all.
package drive
