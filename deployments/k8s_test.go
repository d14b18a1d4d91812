package deployments

import (
	"fmt"
	"maps"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/schemas"
	sinkch "github.com/floorwatch/floorwatch/sinks/clickhouse"
)

// overlays are the kustomizations rendered and checked: the base alone
// and every overlay.
var overlays = []string{"k8s/base", "k8s/overlays/production"}

// render builds a kustomization as `kustomize build` does, from disk.
func render(t *testing.T, dir string) objects {
	t.Helper()
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	m, err := k.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	var out objects
	for _, r := range m.Resources() {
		o, err := r.Map()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, obj(o))
	}
	if len(out) == 0 {
		t.Fatalf("%s renders nothing", dir)
	}
	return out
}

func TestEveryRenderedManifestMatchesItsSchema(t *testing.T) {
	v := newValidator(t)
	for _, dir := range overlays {
		kinds := map[string]int{}
		for _, o := range render(t, dir) {
			kinds[o.str("kind")]++
			if err := v.validate(o); err != nil {
				t.Errorf("%s: %s %s: %v", dir, o.str("kind"), o.str("metadata", "name"), err)
			}
		}
		for _, k := range []string{"Deployment", "StatefulSet", "Job", "Service", "ConfigMap", "Secret",
			"PodDisruptionBudget", "HorizontalPodAutoscaler", "ScaledObject"} {
			if kinds[k] == 0 {
				t.Errorf("%s renders no %s", dir, k)
			}
		}
	}
}

// The validation is not vacuous: broken manifests are refused.
func TestTheValidatorRefusesBrokenManifests(t *testing.T) {
	v := newValidator(t)
	objs := render(t, "k8s/base")
	find := func(kind, name string) obj {
		for _, o := range objs {
			if o.str("kind") == kind && o.str("metadata", "name") == name {
				return deepCopy(t, o)
			}
		}
		t.Fatalf("no %s %s", kind, name)
		return nil
	}
	cases := []struct {
		name    string
		breakIt func() obj
	}{
		{"a misspelt Deployment field", func() obj {
			o := find("Deployment", "floorwatch-ingest")
			o.m("spec")["replica"] = 2
			return o
		}},
		{"a string where a port number goes", func() obj {
			o := find("Service", "floorwatch-ingest")
			o.list("spec", "ports")[0].(map[string]any)["port"] = "eighty"
			return o
		}},
		{"a probe without its handler's path type", func() obj {
			o := find("StatefulSet", "floorwatch-process")
			c := o.containers()[0]
			c["readinessProbe"] = map[string]any{"httpGet": map[string]any{"path": 3, "port": "metrics"}}
			return o
		}},
		{"a ScaledObject with a misspelt field", func() obj {
			o := find("ScaledObject", "floorwatch-process")
			o.m("spec")["maxReplicas"] = 12
			return o
		}},
		{"a ScaledObject without its target", func() obj {
			o := find("ScaledObject", "floorwatch-sink")
			delete(o.m("spec"), "scaleTargetRef")
			return o
		}},
		{"an unknown kind", func() obj {
			o := find("ConfigMap", objs.configMapName(t))
			o["kind"] = "ConfigMapp"
			return o
		}},
	}
	for _, c := range cases {
		if err := v.validate(c.breakIt()); err == nil {
			t.Errorf("%s: accepted", c.name)
		}
	}
}

// The workloads run every role, with the probes, resources, security and
// configuration they need, and everything they name exists.
func TestKubernetesWorkloadsRunEveryRoleConsistentlyWithTheConfiguration(t *testing.T) {
	for _, dir := range overlays {
		t.Run(dir, func(t *testing.T) {
			objs := render(t, dir)
			secret := objs.get(t, "Secret", "floorwatch-secrets")
			values := secret.stringMap("stringData")
			roles := map[string]struct{ kind, name string }{
				"ingest":  {"Deployment", "floorwatch-ingest"},
				"process": {"StatefulSet", "floorwatch-process"},
				"sink":    {"Deployment", "floorwatch-sink"},
				"api":     {"Deployment", "floorwatch-api"},
				"migrate": {"Job", "floorwatch-migrate"},
			}
			var cfg *config.Config
			for role, w := range roles {
				o := objs.get(t, w.kind, w.name)
				pod := o.m("spec", "template")
				labels := pod.stringMap("metadata", "labels")
				if labels["app.kubernetes.io/component"] != role {
					t.Errorf("%s: pods labelled %v", w.name, labels)
				}
				if sel := o.stringMap("spec", "selector", "matchLabels"); w.kind != "Job" && !subset(sel, labels) {
					t.Errorf("%s: selector %v does not match its pods %v", w.name, sel, labels)
				}
				cs := o.containers()
				if len(cs) != 1 {
					t.Fatalf("%s: %d containers", w.name, len(cs))
				}
				c := obj(cs[0])
				if args := c.strings("args"); !slices.Equal(args, []string{role}) {
					t.Errorf("%s: args %v, want [%s]", w.name, args, role)
				}
				if img := c.str("image"); img != "floorwatch" && !strings.HasPrefix(img, "floorwatch:") && !strings.Contains(img, "/floorwatch:") {
					t.Errorf("%s: image %q is not floorwatch's", w.name, img)
				}
				checkSecurity(t, w.name, pod, c)
				checkResources(t, w.name, c)
				checkVolumes(t, w.name, objs, pod, c)
				env := containerEnv(t, w.name, c, values, "pod-0")
				checkMemoryLimit(t, w.name, c, env)
				if w.kind == "StatefulSet" && env["FLOORWATCH_INSTANCE"] != "pod-0" {
					t.Errorf("%s: FLOORWATCH_INSTANCE is %q, want the pod name (fieldRef metadata.name)", w.name, env["FLOORWATCH_INSTANCE"])
				}
				cfg = loadMountedConfig(t, w.name, objs, env, values)
				ports := c.namedPorts()
				if role == "migrate" {
					continue
				}
				checkProbes(t, w.name, c)
				if ports["metrics"] != port(t, cfg.Metrics.Listen) {
					t.Errorf("%s: port metrics %d, metrics.listen %s", w.name, ports["metrics"], cfg.Metrics.Listen)
				}
				switch role {
				case "ingest":
					if ports["http"] != port(t, cfg.Ingest.Listen) {
						t.Errorf("%s: port http %d, ingest.listen %s", w.name, ports["http"], cfg.Ingest.Listen)
					}
				case "api":
					if ports["http"] != port(t, env["FLOORWATCH_API_LISTEN"]) {
						t.Errorf("%s: port http %d, FLOORWATCH_API_LISTEN %q", w.name, ports["http"], env["FLOORWATCH_API_LISTEN"])
					}
				}
				checkPDB(t, objs, w.name, labels)
				checkServices(t, objs, w.name, labels, ports)
			}
			if ss := objs.get(t, "StatefulSet", "floorwatch-process"); objs.find("Service", ss.str("spec", "serviceName")) == nil {
				t.Errorf("the processors' StatefulSet names Service %q, which does not exist", ss.str("spec", "serviceName"))
			}
			checkScaledObjects(t, objs, cfg, values)
			checkHPAs(t, objs, "floorwatch-ingest", "floorwatch-api")
		})
	}
}

func checkSecurity(t *testing.T, name string, pod, c obj) {
	if pod.val("spec", "securityContext", "runAsNonRoot") != true {
		t.Errorf("%s: pods do not run as non-root", name)
	}
	if c.val("securityContext", "readOnlyRootFilesystem") != true || c.val("securityContext", "allowPrivilegeEscalation") != false {
		t.Errorf("%s: the container's root file system is writable or it may escalate", name)
	}
	if pod.val("spec", "automountServiceAccountToken") != false {
		t.Errorf("%s: a service account token is mounted that floorwatch never uses", name)
	}
}

func checkResources(t *testing.T, name string, c obj) {
	for _, r := range []string{"requests/cpu", "requests/memory", "limits/memory"} {
		kind, res, _ := strings.Cut(r, "/")
		if c.str("resources", kind, res) == "" {
			t.Errorf("%s: no resources.%s.%s", name, kind, res)
		}
	}
}

// checkMemoryLimit: the Go heap's soft limit (GOMEMLIMIT) is set, and
// between 80% and 95% of the container's memory limit, so that an overlay
// that changes one without the other fails here, not as an OOM kill.
func checkMemoryLimit(t *testing.T, name string, c obj, env map[string]string) {
	limit, err := bytesOf(c.str("resources", "limits", "memory"), map[string]int64{"Mi": 1 << 20, "Gi": 1 << 30})
	if err != nil {
		t.Errorf("%s: limits.memory: %v", name, err)
		return
	}
	soft, err := bytesOf(env["GOMEMLIMIT"], map[string]int64{"MiB": 1 << 20, "GiB": 1 << 30})
	if err != nil {
		t.Errorf("%s: GOMEMLIMIT: %v", name, err)
		return
	}
	if share := float64(soft) / float64(limit); share < 0.8 || share > 0.95 {
		t.Errorf("%s: GOMEMLIMIT %s is %.0f%% of limits.memory %s, want 80%% to 95%%",
			name, env["GOMEMLIMIT"], 100*share, c.str("resources", "limits", "memory"))
	}
}

// bytesOf reads a whole number followed by one of units.
func bytesOf(q string, units map[string]int64) (int64, error) {
	for u, n := range units {
		if v, ok := strings.CutSuffix(q, u); ok {
			i, err := strconv.ParseInt(v, 10, 64)
			if err != nil || i <= 0 {
				return 0, fmt.Errorf("%q is not a whole number of %s", q, u)
			}
			return i * n, nil
		}
	}
	return 0, fmt.Errorf("%q: no unit of %v", q, slices.Sorted(maps.Keys(units)))
}

func checkProbes(t *testing.T, name string, c obj) {
	for probe, path := range map[string]string{"readinessProbe": "/readyz", "livenessProbe": "/healthz"} {
		if got, p := c.str(probe, "httpGet", "path"), c.str(probe, "httpGet", "port"); got != path || p != "metrics" {
			t.Errorf("%s: %s on %q port %q, want %s on port metrics", name, probe, got, p, path)
		}
	}
}

// checkVolumes: the config and secret volumes exist, are mounted where
// FLOORWATCH_CONFIG and the configuration's relative secret files expect.
func checkVolumes(t *testing.T, name string, objs objects, pod, c obj) {
	mounts := map[string]string{}
	for _, m := range c.list("volumeMounts") {
		mo := obj(m.(map[string]any))
		mounts[mo.str("name")] = mo.str("mountPath")
	}
	for _, v := range pod.list("spec", "volumes") {
		vo := obj(v.(map[string]any))
		switch {
		case vo.str("configMap", "name") != "":
			if objs.find("ConfigMap", vo.str("configMap", "name")) == nil {
				t.Errorf("%s: volume %s names ConfigMap %q, which does not exist", name, vo.str("name"), vo.str("configMap", "name"))
			}
			if mounts[vo.str("name")] != "/etc/floorwatch/config" {
				t.Errorf("%s: the ConfigMap is mounted at %q", name, mounts[vo.str("name")])
			}
		case vo.str("secret", "secretName") != "":
			if objs.find("Secret", vo.str("secret", "secretName")) == nil {
				t.Errorf("%s: volume names Secret %q, which does not exist", name, vo.str("secret", "secretName"))
			}
			if mounts[vo.str("name")] != "/etc/floorwatch/secrets" {
				t.Errorf("%s: the Secret is mounted at %q", name, mounts[vo.str("name")])
			}
		}
	}
}

// containerEnv resolves a container's environment: values, secret keys
// (from the rendered Secret) and the pod's name.
func containerEnv(t *testing.T, name string, c obj, secret map[string]string, pod string) map[string]string {
	env := map[string]string{}
	for _, e := range c.list("env") {
		eo := obj(e.(map[string]any))
		k := eo.str("name")
		switch {
		case eo.val("value") != nil:
			env[k] = eo.str("value")
		case eo.str("valueFrom", "secretKeyRef", "key") != "":
			key := eo.str("valueFrom", "secretKeyRef", "key")
			v, ok := secret[key]
			if !ok || eo.str("valueFrom", "secretKeyRef", "name") != "floorwatch-secrets" {
				t.Errorf("%s: %s reads secret key %q, which floorwatch-secrets does not hold", name, k, key)
			}
			env[k] = v
		case eo.str("valueFrom", "fieldRef", "fieldPath") == "metadata.name":
			env[k] = pod
		default:
			t.Errorf("%s: env %s has a source the test cannot resolve", name, k)
		}
	}
	if env["FLOORWATCH_CONFIG"] != "/etc/floorwatch/config/config.yaml" {
		t.Errorf("%s: FLOORWATCH_CONFIG is %q", name, env["FLOORWATCH_CONFIG"])
	}
	return env
}

// loadMountedConfig lays the ConfigMap and the Secret out as the pod sees
// them (config/config.yaml next to secrets/) and loads the configuration
// strictly with the container's environment: every secret it names must
// resolve.
func loadMountedConfig(t *testing.T, name string, objs objects, env, secret map[string]string) *config.Config {
	t.Helper()
	root := t.TempDir()
	cm := objs.get(t, "ConfigMap", objs.configMapName(t))
	for dir, files := range map[string]map[string]string{"config": cm.stringMap("data"), "secrets": secret} {
		if err := os.MkdirAll(filepath.Join(root, dir), 0o700); err != nil {
			t.Fatal(err)
		}
		for f, v := range files {
			if err := os.WriteFile(filepath.Join(root, dir, f), []byte(v), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	cfg, err := config.Load(filepath.Join(root, "config", "config.yaml"), func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("%s: the mounted configuration does not load: %v", name, err)
	}
	return cfg
}

func checkPDB(t *testing.T, objs objects, workload string, labels map[string]string) {
	pdb := objs.find("PodDisruptionBudget", workload)
	if pdb == nil {
		t.Errorf("%s: no PodDisruptionBudget", workload)
		return
	}
	if sel := pdb.stringMap("spec", "selector", "matchLabels"); len(sel) == 0 || !subset(sel, labels) {
		t.Errorf("%s: the PodDisruptionBudget's selector %v does not match the pods %v", workload, sel, labels)
	}
}

// checkServices: the workload's Service selects its pods and targets
// ports they declare.
func checkServices(t *testing.T, objs objects, workload string, labels map[string]string, ports map[string]int) {
	svc := objs.find("Service", workload)
	if svc == nil {
		t.Errorf("%s: no Service", workload)
		return
	}
	if sel := svc.stringMap("spec", "selector"); !subset(sel, labels) {
		t.Errorf("Service %s selects %v, not the pods %v", workload, sel, labels)
	}
	for _, p := range svc.list("spec", "ports") {
		po := obj(p.(map[string]any))
		if _, ok := ports[po.str("targetPort")]; !ok {
			t.Errorf("Service %s targets port %q, which the pods do not declare", workload, po.str("targetPort"))
		}
	}
}

// checkScaledObjects: processors and sinks scale on their group's lag,
// capped at the partition count, against the configured brokers.
func checkScaledObjects(t *testing.T, objs objects, cfg *config.Config, secret map[string]string) {
	want := map[string]struct {
		kind, group, topic string
	}{
		"floorwatch-process": {"StatefulSet", "floorwatch-process", schemas.TopicEvents},
		"floorwatch-sink":    {"Deployment", sinkch.DefaultGroup, ""},
	}
	for name, w := range want {
		so := objs.find("ScaledObject", name)
		if so == nil {
			t.Errorf("no ScaledObject %s", name)
			continue
		}
		if k, n := so.str("spec", "scaleTargetRef", "kind"), so.str("spec", "scaleTargetRef", "name"); k != w.kind || n != name || objs.find(k, n) == nil {
			t.Errorf("ScaledObject %s scales %s %s", name, k, n)
		}
		if max := so.val("spec", "maxReplicaCount"); fmt.Sprint(max) != fmt.Sprint(cfg.Kafka.Partitions) {
			t.Errorf("ScaledObject %s: maxReplicaCount %v, kafka.partitions %d", name, max, cfg.Kafka.Partitions)
		}
		triggers := so.list("spec", "triggers")
		if len(triggers) != 1 {
			t.Fatalf("ScaledObject %s: %d triggers", name, len(triggers))
		}
		tr := obj(triggers[0].(map[string]any))
		md := tr.stringMap("metadata")
		if tr.str("type") != "kafka" || md["consumerGroup"] != w.group || md["topic"] != w.topic || md["lagThreshold"] == "" {
			t.Errorf("ScaledObject %s: trigger %s %v, want kafka on group %s topic %q with a lagThreshold", name, tr.str("type"), md, w.group, w.topic)
		}
		if md["bootstrapServers"] != strings.Join(cfg.Kafka.Brokers, ",") {
			t.Errorf("ScaledObject %s: bootstrapServers %q, kafka.brokers %v", name, md["bootstrapServers"], cfg.Kafka.Brokers)
		}
		auth := tr.str("authenticationRef", "name")
		if (auth != "") != (cfg.Kafka.SASL.Mechanism != "" || cfg.Kafka.TLS.Enabled) {
			t.Errorf("ScaledObject %s: authenticationRef %q, but Kafka SASL %q TLS %v", name, auth, cfg.Kafka.SASL.Mechanism, cfg.Kafka.TLS.Enabled)
		}
		if auth == "" {
			continue
		}
		ta := objs.find("TriggerAuthentication", auth)
		if ta == nil {
			t.Errorf("ScaledObject %s: TriggerAuthentication %s does not exist", name, auth)
			continue
		}
		params := map[string]string{}
		for _, r := range ta.list("spec", "secretTargetRef") {
			ro := obj(r.(map[string]any))
			v, ok := secret[ro.str("key")]
			if !ok {
				t.Errorf("TriggerAuthentication %s: key %q is not in floorwatch-secrets", auth, ro.str("key"))
			}
			params[ro.str("parameter")] = v
		}
		if params["username"] != cfg.Kafka.SASL.Username || params["password"] != cfg.Kafka.SASL.Password.Value() {
			t.Errorf("TriggerAuthentication %s: another SASL user or password than floorwatch's", auth)
		}
		keda := map[string]string{"PLAIN": "plaintext", "SCRAM-SHA-256": "scram_sha256", "SCRAM-SHA-512": "scram_sha512"}
		if want := keda[strings.ToUpper(cfg.Kafka.SASL.Mechanism)]; params["sasl"] != want {
			t.Errorf("TriggerAuthentication %s: sasl %q, floorwatch uses %s (%q for KEDA)", auth, params["sasl"], cfg.Kafka.SASL.Mechanism, want)
		}
		if tls := params["tls"] == "enable"; tls != cfg.Kafka.TLS.Enabled {
			t.Errorf("TriggerAuthentication %s: tls %q, floorwatch's kafka.tls.enabled %v", auth, params["tls"], cfg.Kafka.TLS.Enabled)
		}
	}
}

func checkHPAs(t *testing.T, objs objects, names ...string) {
	for _, n := range names {
		h := objs.find("HorizontalPodAutoscaler", n)
		if h == nil {
			t.Errorf("no HorizontalPodAutoscaler %s", n)
			continue
		}
		if k, target := h.str("spec", "scaleTargetRef", "kind"), h.str("spec", "scaleTargetRef", "name"); objs.find(k, target) == nil || target != n {
			t.Errorf("HPA %s scales %s %s", n, k, target)
		}
		ms := h.list("spec", "metrics")
		if len(ms) == 0 || obj(ms[0].(map[string]any)).str("resource", "name") != "cpu" {
			t.Errorf("HPA %s does not scale on CPU", n)
		}
	}
}

func subset(sel, labels map[string]string) bool {
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return len(sel) > 0
}

func port(t *testing.T, hostport string) int {
	t.Helper()
	_, p, err := net.SplitHostPort(hostport)
	if err != nil {
		t.Fatalf("%q: %v", hostport, err)
	}
	var n int
	if _, err := fmt.Sscan(p, &n); err != nil {
		t.Fatalf("%q: %v", hostport, err)
	}
	return n
}
