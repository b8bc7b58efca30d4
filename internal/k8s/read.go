package k8s

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"
)

// Decode decodes YAML documents (separated by ---) into the API types of
// their kind, strictly: a field the type does not have, a duplicate key or
// a kind Write never writes is an error naming the document.
func Decode(data []byte) ([]runtime.Object, error) {
	var out []runtime.Object
	for i, doc := range bytes.Split(data, []byte("\n---\n")) {
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		js, err := yaml.YAMLToJSONStrict(doc)
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i+1, err)
		}
		var tm struct{ Kind string }
		if err := json.Unmarshal(js, &tm); err != nil {
			return nil, fmt.Errorf("document %d: %w", i+1, err)
		}
		var obj runtime.Object
		switch tm.Kind {
		case "Namespace":
			obj = &corev1.Namespace{}
		case "PersistentVolumeClaim":
			obj = &corev1.PersistentVolumeClaim{}
		case "Pod":
			obj = &corev1.Pod{}
		case "Service":
			obj = &corev1.Service{}
		case "ConfigMap":
			obj = &corev1.ConfigMap{}
		case "Deployment":
			obj = &appsv1.Deployment{}
		case "Job":
			obj = &batchv1.Job{}
		default:
			return nil, fmt.Errorf("document %d: kind %q is none that otelbench k8s writes", i+1, tm.Kind)
		}
		dec := json.NewDecoder(bytes.NewReader(js))
		dec.DisallowUnknownFields()
		if err := dec.Decode(obj); err != nil {
			return nil, fmt.Errorf("document %d (%s): %w", i+1, tm.Kind, err)
		}
		out = append(out, obj)
	}
	return out, nil
}

// Read reads the manifests Write wrote into dir, strictly (Decode), the
// cells in the order of their file names (the plan's).
func Read(dir string) (*Manifests, error) {
	m := &Manifests{}
	var err error
	if m.Shared, err = readFile(filepath.Join(dir, SharedFile)); err != nil {
		return nil, err
	}
	files, err := filepath.Glob(filepath.Join(dir, CellsDir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no cells (%s/*.yaml)", dir, CellsDir)
	}
	slices.Sort(files)
	for _, f := range files {
		objs, err := readFile(f)
		if err != nil {
			return nil, err
		}
		pod, ok1 := first[*corev1.Pod](objs)
		job, ok2 := first[*batchv1.Job](objs)
		if len(objs) != 2 || !ok1 || !ok2 {
			return nil, fmt.Errorf("%s: want a target pod and an attack Job", f)
		}
		m.Cells = append(m.Cells, CellObjects{Dir: strings.TrimSuffix(filepath.Base(f), ".yaml"), Target: pod, Attack: job})
	}
	return m, nil
}

func readFile(path string) ([]runtime.Object, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: no such file (write the manifests with otelbench k8s)", path)
		}
		return nil, err
	}
	objs, err := Decode(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return objs, nil
}

func first[T runtime.Object](objs []runtime.Object) (T, bool) {
	for _, o := range objs {
		if t, ok := o.(T); ok {
			return t, true
		}
	}
	var zero T
	return zero, false
}
