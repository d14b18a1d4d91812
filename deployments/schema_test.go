package deployments

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

const (
	k8sSchemas = "testdata/kubernetes-json-schema/v1.37.0-local-strict"
	crdDir     = "testdata/crds"
)

// schemaFiles maps apiVersion/kind to its schema: a file of the
// Kubernetes schemas, or "crd:" and a CRD file of testdata/crds. A kind
// missing here fails the validation: every manifest is checked.
var schemaFiles = map[string]string{
	"v1/ConfigMap":                           "configmap-v1.json",
	"v1/Secret":                              "secret-v1.json",
	"v1/Service":                             "service-v1.json",
	"v1/ServiceAccount":                      "serviceaccount-v1.json",
	"apps/v1/Deployment":                     "deployment-apps-v1.json",
	"apps/v1/StatefulSet":                    "statefulset-apps-v1.json",
	"batch/v1/Job":                           "job-batch-v1.json",
	"policy/v1/PodDisruptionBudget":          "poddisruptionbudget-policy-v1.json",
	"autoscaling/v2/HorizontalPodAutoscaler": "horizontalpodautoscaler-autoscaling-v2.json",
	"keda.sh/v1alpha1/ScaledObject":          "crd:keda.sh_scaledobjects.yaml",
	"keda.sh/v1alpha1/TriggerAuthentication": "crd:keda.sh_triggerauthentications.yaml",
}

// validator checks objects against the schemas, compiled once per kind.
type validator struct {
	c       *jsonschema.Compiler
	schemas map[string]*jsonschema.Schema
}

// newValidator loads the Kubernetes definitions and the CRDs as resources
// of one compiler, with no network: the kind files reference
// /api/_definitions.json relative to their $id, so the definitions are
// added under the URL that resolves to (their own $id); nothing is fetched.
func newValidator(t *testing.T) *validator {
	t.Helper()
	c := jsonschema.NewCompiler()
	add := func(url, path string) {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if err := c.AddResource(url, doc); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	add("https://kubernetes.io/api/_definitions.json", filepath.Join(k8sSchemas, "_definitions.json"))
	for _, file := range schemaFiles {
		if crd, ok := strings.CutPrefix(file, "crd:"); ok {
			doc := crdSchema(t, filepath.Join(crdDir, crd))
			if err := c.AddResource("file:///crd/"+crd, doc); err != nil {
				t.Fatal(err)
			}
			continue
		}
		add("file:///api/"+file, filepath.Join(k8sSchemas, file))
	}
	return &validator{c: c, schemas: map[string]*jsonschema.Schema{}}
}

// validate returns the schema errors of one object (nil: valid).
func (v *validator) validate(obj map[string]any) error {
	key := fmt.Sprintf("%v/%v", obj["apiVersion"], obj["kind"])
	file, ok := schemaFiles[key]
	if !ok {
		return fmt.Errorf("no schema for %s: add it to testdata and schemaFiles", key)
	}
	s, ok := v.schemas[key]
	if !ok {
		url := "file:///api/" + file
		if crd, isCRD := strings.CutPrefix(file, "crd:"); isCRD {
			url = "file:///crd/" + crd
		}
		var err error
		if s, err = v.c.Compile(url); err != nil {
			return fmt.Errorf("compile %s: %w", url, err)
		}
		v.schemas[key] = s
	}
	doc, err := jsonValue(obj)
	if err != nil {
		return err
	}
	return s.Validate(doc)
}

// jsonValue converts a decoded YAML value to the JSON value model the
// validator expects (numbers as json.Number).
func jsonValue(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return jsonschema.UnmarshalJSON(bytes.NewReader(b))
}

// crdSchema returns a CRD's openAPIV3Schema (its first served version) as
// a strict JSON schema: every object that lists its properties, and says
// nothing of others, gets additionalProperties false, as kubeconform's CRD
// conversion does in strict mode, so a misspelt field is an error.
func crdSchema(t *testing.T, path string) any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var crd struct {
		Spec struct {
			Versions []struct {
				Name   string `yaml:"name"`
				Served bool   `yaml:"served"`
				Schema struct {
					OpenAPIV3Schema map[string]any `yaml:"openAPIV3Schema"`
				} `yaml:"schema"`
			} `yaml:"versions"`
		} `yaml:"spec"`
	}
	if err := yaml.Unmarshal(b, &crd); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for _, v := range crd.Spec.Versions {
		if v.Served && v.Schema.OpenAPIV3Schema != nil {
			strict(v.Schema.OpenAPIV3Schema)
			doc, err := jsonValue(v.Schema.OpenAPIV3Schema)
			if err != nil {
				t.Fatal(err)
			}
			return doc
		}
	}
	t.Fatalf("%s: no served version with a schema", path)
	return nil
}

func strict(s map[string]any) {
	if _, ok := s["properties"]; ok {
		_, said := s["additionalProperties"]
		_, preserve := s["x-kubernetes-preserve-unknown-fields"]
		if !said && !preserve {
			s["additionalProperties"] = false
		}
	}
	for _, k := range []string{"properties", "patternProperties"} {
		if ps, ok := s[k].(map[string]any); ok {
			for _, p := range ps {
				if m, ok := p.(map[string]any); ok {
					strict(m)
				}
			}
		}
	}
	for _, k := range []string{"items", "additionalProperties", "not"} {
		if m, ok := s[k].(map[string]any); ok {
			strict(m)
		}
	}
	for _, k := range []string{"allOf", "anyOf", "oneOf"} {
		if l, ok := s[k].([]any); ok {
			for _, p := range l {
				if m, ok := p.(map[string]any); ok {
					strict(m)
				}
			}
		}
	}
}
