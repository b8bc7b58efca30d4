// Package k8s lays out a profile's run on Kubernetes as objects of the
// Kubernetes API types (k8s.io/api), one cell at a time as the local
// runner measures them:
//
//   - shared objects, applied once: the namespace, the volume the shards
//     write their results to (a ReadWriteMany claim, since the shards run
//     on different nodes), a pod that mounts it for `kubectl cp`, the
//     target's Service, and a real Collector as a Deployment and Service
//     when the profile says `collector: otelcol`;
//   - per cell: the target as a pod of Guaranteed QoS (requests = limits,
//     whole CPUs for the target) with the variant's environment as the
//     runner builds it (runner.VariantEnv), with `otelbench sink` beside it
//     on the pod's loopback otherwise (the sink listens on loopback only),
//     and the load as an Indexed Job of `otelbench attack` shards
//     (completionMode Indexed, parallelism = shards, the shard from
//     JOB_COMPLETION_INDEX, pod anti-affinity against each other and the
//     target, so each lands on a node of its own).
//
// The shards start at a common time read from the ConfigMap StartConfigMap
// (key StartKey), set just before each cell's Job is created, and write
// their folders to ResultsMount/<run>/<cell>/shard-<i>, which `otelbench
// merge` puts together. Build makes the objects; Write writes them as YAML
// (sigs.k8s.io/yaml). The package knows nothing of the runner: the caller
// gives each cell's environment and flags.
package k8s
