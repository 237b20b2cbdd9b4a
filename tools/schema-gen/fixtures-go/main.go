// Command fixtures-go writes protobuf test vectors for Portico's codec from the real Kubernetes
// Go types (k8s.io/api and k8s.io/apimachinery v0.33.1). A maintainer runs it after changing the
// pinned version or the set of objects; tests only read its output:
//
//	go run . -out ../../../libs/api/src/protobuf/fixtures
//
// For each object it writes <name>.pb (the bytes kube-apiserver's protobuf serializer produces:
// "k8s\0" + runtime.Unknown envelope) and <name>.json (encoding/json of the object decoded back
// from those bytes, which is what kube-apiserver would write as JSON). manifest.json records, per
// fixture, whether JSON → Go → protobuf reproduces the .pb bytes exactly ("byteExact").
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	certificatesv1 "k8s.io/api/certificates/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	eventsv1 "k8s.io/api/events/v1"
	flowcontrolv1 "k8s.io/api/flowcontrol/v1"
	networkingv1 "k8s.io/api/networking/v1"
	nodev1 "k8s.io/api/node/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	storagev1 "k8s.io/api/storage/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	"k8s.io/apimachinery/pkg/runtime/serializer/streaming"
	k8stypes "k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
)

type manifestEntry struct {
	Name       string `json:"name"`
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	ByteExact  bool   `json:"byteExact"`
	Note       string `json:"note,omitempty"`
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func ptr[T any](v T) *T { return &v }

func main() {
	out := flag.String("out", "../../../libs/api/src/protobuf/fixtures", "output directory")
	flag.Parse()
	must(os.MkdirAll(*out, 0o755))

	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		corev1.AddToScheme, appsv1.AddToScheme, batchv1.AddToScheme, coordinationv1.AddToScheme,
		eventsv1.AddToScheme, rbacv1.AddToScheme, authorizationv1.AddToScheme, authenticationv1.AddToScheme,
		schedulingv1.AddToScheme, policyv1.AddToScheme, autoscalingv1.AddToScheme, autoscalingv2.AddToScheme,
		networkingv1.AddToScheme, storagev1.AddToScheme, discoveryv1.AddToScheme, nodev1.AddToScheme,
		certificatesv1.AddToScheme, admissionregistrationv1.AddToScheme, flowcontrolv1.AddToScheme,
		apiextensionsv1.AddToScheme,
	} {
		must(add(scheme))
	}
	metav1.AddToGroupVersion(scheme, schema.GroupVersion{Version: "v1"})
	pb := protobuf.NewSerializer(scheme, scheme)

	var manifest []manifestEntry
	for _, f := range fixtures() {
		gvks, _, err := scheme.ObjectKinds(f.obj)
		must(err)
		gvk := gvks[0]
		f.obj.GetObjectKind().SetGroupVersionKind(gvk)

		var buf bytes.Buffer
		must(pb.Encode(f.obj, &buf))
		data := buf.Bytes()

		decoded, _, err := pb.Decode(data, nil, nil)
		must(err)
		decoded.GetObjectKind().SetGroupVersionKind(gvk)
		js, err := json.Marshal(decoded)
		must(err)

		// JSON → Go → protobuf: what Portico's encoder must reproduce from the JSON.
		fresh := reflect.New(reflect.TypeOf(decoded).Elem()).Interface().(runtime.Object)
		must(json.Unmarshal(js, fresh))
		fresh.GetObjectKind().SetGroupVersionKind(gvk)
		var again bytes.Buffer
		must(pb.Encode(fresh, &again))

		var pretty bytes.Buffer
		must(json.Indent(&pretty, js, "", "  "))
		pretty.WriteByte('\n')
		must(os.WriteFile(filepath.Join(*out, f.name+".pb"), data, 0o644))
		must(os.WriteFile(filepath.Join(*out, f.name+".json"), pretty.Bytes(), 0o644))
		manifest = append(manifest, manifestEntry{
			Name: f.name, APIVersion: gvk.GroupVersion().String(), Kind: gvk.Kind,
			ByteExact: bytes.Equal(data, again.Bytes()), Note: f.note,
		})
	}

	// One protobuf watch frame, built as kube-apiserver's watch handler does: the object in the
	// normal envelope, wrapped in a metav1.WatchEvent written raw with a 4-byte length prefix.
	{
		cm := configMap()
		cm.SetGroupVersionKind(schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"})
		var obj bytes.Buffer
		must(pb.Encode(cm, &obj))
		var frame bytes.Buffer
		enc := streaming.NewEncoder(protobuf.LengthDelimitedFramer.NewFrameWriter(&frame), protobuf.NewRawSerializer(scheme, scheme))
		must(enc.Encode(&metav1.WatchEvent{Type: "ADDED", Object: runtime.RawExtension{Raw: obj.Bytes()}}))
		must(os.WriteFile(filepath.Join(*out, "watch-event-configmap.bin"), frame.Bytes(), 0o644))
	}

	sort.Slice(manifest, func(i, j int) bool { return manifest[i].Name < manifest[j].Name })
	m, err := json.MarshalIndent(manifest, "", "  ")
	must(err)
	must(os.WriteFile(filepath.Join(*out, "manifest.json"), append(m, '\n'), 0o644))
	fmt.Printf("wrote %d fixtures to %s\n", len(manifest), *out)
}

type fixture struct {
	name string
	obj  runtime.Object
	note string
}

var (
	created  = metav1.NewTime(time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC))
	later    = metav1.NewTime(time.Date(2024, 5, 6, 8, 0, 0, 0, time.UTC))
	withNano = metav1.NewTime(time.Date(2024, 5, 6, 7, 8, 9, 987654321, time.UTC))
	micro    = metav1.NewMicroTime(time.Date(2024, 5, 6, 7, 8, 9, 123456000, time.UTC))
)

func objectMeta(name, namespace string) metav1.ObjectMeta {
	return metav1.ObjectMeta{
		Name:              name,
		Namespace:         namespace,
		UID:               "6f1d2c1e-8a7b-4c3d-9e0f-123456789abc",
		ResourceVersion:   "12345",
		Generation:        3,
		CreationTimestamp: created,
		Labels:            map[string]string{"app": "web", "tier": "frontend", "zeta": ""},
		Annotations:       map[string]string{"example.com/note": "héllo ✓"},
	}
}

func configMap() *corev1.ConfigMap {
	return &corev1.ConfigMap{
		ObjectMeta: objectMeta("settings", "default"),
		Data:       map[string]string{"a": "1", "b": "two\nlines", "empty": ""},
		BinaryData: map[string][]byte{"blob": {0x00, 0xff, 0x10, 0x80}},
		Immutable:  ptr(false),
	}
}

func podSpec() corev1.PodSpec {
	return corev1.PodSpec{
		Volumes: []corev1.Volume{
			{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
				LocalObjectReference: corev1.LocalObjectReference{Name: "settings"},
				Items:                []corev1.KeyToPath{{Key: "a", Path: "a.txt", Mode: ptr(int32(0o400))}},
				DefaultMode:          ptr(int32(0o644)),
			}}},
			{Name: "scratch", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{
				Medium: corev1.StorageMediumMemory, SizeLimit: ptr(resource.MustParse("64Mi")),
			}}},
		},
		InitContainers: []corev1.Container{{Name: "init", Image: "busybox:1.36", Command: []string{"sh", "-c", "true"}}},
		Containers: []corev1.Container{{
			Name:       "web",
			Image:      "nginx:1.27",
			Args:       []string{"--port", "8080"},
			WorkingDir: "/srv",
			Ports: []corev1.ContainerPort{
				{Name: "http", ContainerPort: 8080, Protocol: corev1.ProtocolTCP},
				{Name: "metrics", ContainerPort: 9090, HostPort: 0, Protocol: corev1.ProtocolUDP},
			},
			Env: []corev1.EnvVar{
				{Name: "MODE", Value: "prod"},
				{Name: "POD_IP", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "status.podIP"}}},
			},
			Resources: corev1.ResourceRequirements{
				Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1500m"), corev1.ResourceMemory: resource.MustParse("1Gi")},
				Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("250m"), corev1.ResourceMemory: resource.MustParse("128Mi"), "example.com/gpu": resource.MustParse("1")},
			},
			VolumeMounts: []corev1.VolumeMount{{Name: "config", MountPath: "/etc/config", ReadOnly: true}},
			LivenessProbe: &corev1.Probe{
				ProbeHandler:        corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromString("http"), Scheme: corev1.URISchemeHTTP}},
				InitialDelaySeconds: 5, PeriodSeconds: 10, TimeoutSeconds: 1, SuccessThreshold: 1, FailureThreshold: 3,
				TerminationGracePeriodSeconds: ptr(int64(30)),
			},
			ReadinessProbe: &corev1.Probe{
				ProbeHandler:  corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt32(8080)}},
				PeriodSeconds: 5,
			},
			Lifecycle:                &corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{Exec: &corev1.ExecAction{Command: []string{"sleep", "5"}}}},
			TerminationMessagePath:   "/dev/termination-log",
			TerminationMessagePolicy: corev1.TerminationMessageReadFile,
			ImagePullPolicy:          corev1.PullIfNotPresent,
			SecurityContext: &corev1.SecurityContext{
				RunAsUser: ptr(int64(1000)), RunAsNonRoot: ptr(true), ReadOnlyRootFilesystem: ptr(true),
				AllowPrivilegeEscalation: ptr(false),
				Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
			},
		}},
		RestartPolicy:                 corev1.RestartPolicyAlways,
		TerminationGracePeriodSeconds: ptr(int64(30)),
		DNSPolicy:                     corev1.DNSClusterFirst,
		NodeSelector:                  map[string]string{"kubernetes.io/os": "linux"},
		ServiceAccountName:            "web",
		SecurityContext: &corev1.PodSecurityContext{
			SupplementalGroups: []int64{1000, 2000, 3000},
			FSGroup:            ptr(int64(2000)),
			SeccompProfile:     &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		},
		Affinity: &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
			PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{{
				Weight: 100,
				PodAffinityTerm: corev1.PodAffinityTerm{
					LabelSelector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "app", Operator: metav1.LabelSelectorOpIn, Values: []string{"web"}}}},
					TopologyKey:   "kubernetes.io/hostname",
				},
			}},
		}},
		Tolerations:        []corev1.Toleration{{Key: "dedicated", Operator: corev1.TolerationOpEqual, Value: "web", Effect: corev1.TaintEffectNoSchedule, TolerationSeconds: ptr(int64(-1))}},
		SchedulerName:      "default-scheduler",
		Priority:           ptr(int32(-5)),
		EnableServiceLinks: ptr(false),
	}
}

func fixtures() []fixture {
	secretMeta := objectMeta("creds", "default")
	secretMeta.Finalizers = []string{"example.com/keep"}
	secretMeta.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "Deployment", Name: "web", UID: "0000-1111", Controller: ptr(true), BlockOwnerDeletion: ptr(true)}}
	secretMeta.ManagedFields = []metav1.ManagedFieldsEntry{{
		Manager: "kubectl-create", Operation: metav1.ManagedFieldsOperationUpdate, APIVersion: "v1", Time: &created,
		FieldsType: "FieldsV1", FieldsV1: &metav1.FieldsV1{Raw: []byte(`{"f:data":{".":{},"f:password":{}},"f:type":{}}`)},
	}}

	deployMeta := objectMeta("web", "default")
	deployMeta.DeletionTimestamp = &later
	deployMeta.DeletionGracePeriodSeconds = ptr(int64(0))

	crdSchema := apiextensionsv1.JSONSchemaProps{
		Type:        "object",
		Description: "A widget.",
		Required:    []string{"spec"},
		Properties: map[string]apiextensionsv1.JSONSchemaProps{
			"apiVersion": {Type: "string"},
			"kind":       {Type: "string"},
			"metadata":   {Type: "object"},
			"spec": {
				Type: "object",
				Properties: map[string]apiextensionsv1.JSONSchemaProps{
					"replicas": {Type: "integer", Format: "int32", Minimum: ptr(0.0), Maximum: ptr(100.0), Default: &apiextensionsv1.JSON{Raw: []byte(`1`)}},
					"ratio":    {Type: "number", MultipleOf: ptr(0.25), ExclusiveMaximum: true, Maximum: ptr(1.5)},
					"mode":     {Type: "string", Enum: []apiextensionsv1.JSON{{Raw: []byte(`"fast"`)}, {Raw: []byte(`"slow"`)}}, Default: &apiextensionsv1.JSON{Raw: []byte(`"fast"`)}, Pattern: "^[a-z]+$", MaxLength: ptr(int64(10))},
					"port":     {XIntOrString: true, AnyOf: []apiextensionsv1.JSONSchemaProps{{Type: "integer"}, {Type: "string"}}},
					"template": {Type: "object", XEmbeddedResource: true, XPreserveUnknownFields: ptr(true)},
					"labels":   {Type: "object", AdditionalProperties: &apiextensionsv1.JSONSchemaPropsOrBool{Allows: true, Schema: &apiextensionsv1.JSONSchemaProps{Type: "string"}}, XMapType: ptr("granular")},
					"extra":    {Type: "object", AdditionalProperties: &apiextensionsv1.JSONSchemaPropsOrBool{Allows: false}},
					"ports": {
						Type:         "array",
						XListType:    ptr("map"),
						XListMapKeys: []string{"name", "protocol"},
						MaxItems:     ptr(int64(8)),
						Items: &apiextensionsv1.JSONSchemaPropsOrArray{Schema: &apiextensionsv1.JSONSchemaProps{
							Type:     "object",
							Required: []string{"name"},
							Properties: map[string]apiextensionsv1.JSONSchemaProps{
								"name":     {Type: "string"},
								"protocol": {Type: "string", Default: &apiextensionsv1.JSON{Raw: []byte(`"TCP"`)}},
							},
						}},
					},
					"tuple": {Type: "array", Items: &apiextensionsv1.JSONSchemaPropsOrArray{JSONSchemas: []apiextensionsv1.JSONSchemaProps{{Type: "string"}, {Type: "integer"}}}},
					"config": {
						Type: "object",
						XValidations: apiextensionsv1.ValidationRules{{
							Rule: "self.minReplicas <= self.maxReplicas", Message: "min must not exceed max", Reason: ptr(apiextensionsv1.FieldValueInvalid), FieldPath: ".minReplicas",
						}},
						Dependencies: apiextensionsv1.JSONSchemaDependencies{
							"a": {Property: []string{"b", "c"}},
							"d": {Schema: &apiextensionsv1.JSONSchemaProps{Type: "object"}},
						},
						Nullable: true,
						Default:  &apiextensionsv1.JSON{Raw: []byte(`{"minReplicas":1,"maxReplicas":3}`)},
						Example:  &apiextensionsv1.JSON{Raw: []byte(`{"minReplicas":2}`)},
					},
					"ref": {Ref: ptr("#/definitions/thing"), Schema: "http://json-schema.org/draft-04/schema#", ID: "thing"},
				},
			},
		},
	}

	return []fixture{
		{name: "namespace", obj: &corev1.Namespace{
			ObjectMeta: metav1.ObjectMeta{Name: "demo"},
		}, note: "what kubectl create namespace sends"},
		{name: "namespace-full", obj: &corev1.Namespace{
			ObjectMeta: objectMeta("team-a", ""),
			Spec:       corev1.NamespaceSpec{Finalizers: []corev1.FinalizerName{corev1.FinalizerKubernetes}},
			Status: corev1.NamespaceStatus{Phase: corev1.NamespaceActive, Conditions: []corev1.NamespaceCondition{{
				Type: corev1.NamespaceDeletionContentFailure, Status: corev1.ConditionFalse, LastTransitionTime: withNano, Reason: "ContentDeleted", Message: "All content successfully deleted",
			}}},
		}, note: "nanoseconds of metav1.Time are dropped by its protobuf marshaller"},
		{name: "configmap", obj: configMap()},
		{name: "secret", obj: &corev1.Secret{
			ObjectMeta: secretMeta,
			Type:       corev1.SecretTypeOpaque,
			Data:       map[string][]byte{"password": []byte("s3cr3t"), "binary": {0xde, 0xad, 0xbe, 0xef, 0x00, 0x01}, "empty": {}},
		}},
		{name: "deployment", obj: &appsv1.Deployment{
			ObjectMeta: deployMeta,
			Spec: appsv1.DeploymentSpec{
				Replicas: ptr(int32(3)),
				Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
				Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}}, Spec: podSpec()},
				Strategy: appsv1.DeploymentStrategy{Type: appsv1.RollingUpdateDeploymentStrategyType, RollingUpdate: &appsv1.RollingUpdateDeployment{
					MaxUnavailable: ptr(intstr.FromString("25%")), MaxSurge: ptr(intstr.FromInt32(1)),
				}},
				RevisionHistoryLimit:    ptr(int32(10)),
				ProgressDeadlineSeconds: ptr(int32(600)),
			},
			Status: appsv1.DeploymentStatus{
				ObservedGeneration: 3, Replicas: 3, UpdatedReplicas: 3, ReadyReplicas: 2, AvailableReplicas: 2, UnavailableReplicas: 1,
				Conditions: []appsv1.DeploymentCondition{{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionTrue, LastUpdateTime: created, LastTransitionTime: later, Reason: "MinimumReplicasAvailable", Message: "Deployment has minimum availability."}},
			},
		}},
		{name: "pod", obj: &corev1.Pod{
			ObjectMeta: objectMeta("web-0", "default"),
			Spec:       podSpec(),
			Status: corev1.PodStatus{
				Phase: corev1.PodRunning, PodIP: "10.0.0.5", PodIPs: []corev1.PodIP{{IP: "10.0.0.5"}}, StartTime: &created, QOSClass: corev1.PodQOSBurstable,
				ContainerStatuses: []corev1.ContainerStatus{{
					Name: "web", Ready: true, RestartCount: 2, Image: "nginx:1.27", ImageID: "sha256:abc", Started: ptr(true),
					State:                corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: later}},
					LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: -1, Signal: 9, Reason: "OOMKilled", StartedAt: created, FinishedAt: later}},
				}},
			},
		}, note: "negative int32 (exitCode) as a 10-byte varint"},
		{name: "service", obj: &corev1.Service{
			ObjectMeta: objectMeta("web", "default"),
			Spec: corev1.ServiceSpec{
				Type:     corev1.ServiceTypeNodePort,
				Selector: map[string]string{"app": "web"},
				Ports: []corev1.ServicePort{
					{Name: "http", Protocol: corev1.ProtocolTCP, Port: 80, TargetPort: intstr.FromString("http"), NodePort: 30080},
					{Name: "metrics", Protocol: corev1.ProtocolTCP, Port: 9090, TargetPort: intstr.FromInt32(9090), AppProtocol: ptr("http")},
				},
				ClusterIP: "10.96.0.10", ClusterIPs: []string{"10.96.0.10"},
				IPFamilies: []corev1.IPFamily{corev1.IPv4Protocol}, IPFamilyPolicy: ptr(corev1.IPFamilyPolicySingleStack),
				SessionAffinity:       corev1.ServiceAffinityClientIP,
				SessionAffinityConfig: &corev1.SessionAffinityConfig{ClientIP: &corev1.ClientIPConfig{TimeoutSeconds: ptr(int32(10800))}},
				ExternalTrafficPolicy: corev1.ServiceExternalTrafficPolicyCluster,
			},
			Status: corev1.ServiceStatus{LoadBalancer: corev1.LoadBalancerStatus{Ingress: []corev1.LoadBalancerIngress{{IP: "192.0.2.1", Ports: []corev1.PortStatus{{Port: 80, Protocol: corev1.ProtocolTCP}}}}}},
		}},
		{name: "job", obj: &batchv1.Job{
			ObjectMeta: objectMeta("migrate", "default"),
			Spec: batchv1.JobSpec{
				Parallelism: ptr(int32(2)), Completions: ptr(int32(4)), BackoffLimit: ptr(int32(6)), CompletionMode: ptr(batchv1.IndexedCompletion),
				ActiveDeadlineSeconds: ptr(int64(3600)), TTLSecondsAfterFinished: ptr(int32(100)),
				Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyNever, Containers: []corev1.Container{{Name: "m", Image: "migrate:1"}}}},
				PodFailurePolicy: &batchv1.PodFailurePolicy{Rules: []batchv1.PodFailurePolicyRule{{
					Action:      batchv1.PodFailurePolicyActionFailJob,
					OnExitCodes: &batchv1.PodFailurePolicyOnExitCodesRequirement{Operator: batchv1.PodFailurePolicyOnExitCodesOpIn, Values: []int32{1, 2, 42}},
				}}},
			},
			Status: batchv1.JobStatus{StartTime: &created, Active: 2, Succeeded: 1, Ready: ptr(int32(2)), CompletedIndexes: "0", UncountedTerminatedPods: &batchv1.UncountedTerminatedPods{}},
		}, note: "repeated int32 (onExitCodes.values) unpacked"},
		{name: "cronjob", obj: &batchv1.CronJob{
			ObjectMeta: objectMeta("nightly", "default"),
			Spec: batchv1.CronJobSpec{
				Schedule: "0 3 * * *", TimeZone: ptr("Europe/Paris"), ConcurrencyPolicy: batchv1.ForbidConcurrent, Suspend: ptr(false),
				SuccessfulJobsHistoryLimit: ptr(int32(3)), FailedJobsHistoryLimit: ptr(int32(1)),
				JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
					RestartPolicy: corev1.RestartPolicyOnFailure, Containers: []corev1.Container{{Name: "c", Image: "backup:2"}},
				}}}},
			},
			Status: batchv1.CronJobStatus{LastScheduleTime: &later, Active: []corev1.ObjectReference{{Kind: "Job", Namespace: "default", Name: "nightly-1", UID: "u1", APIVersion: "batch/v1", ResourceVersion: "9"}}},
		}},
		{name: "lease", obj: &coordinationv1.Lease{
			ObjectMeta: objectMeta("kube-scheduler", "kube-system"),
			Spec: coordinationv1.LeaseSpec{
				HolderIdentity: ptr("node-1_0a1b"), LeaseDurationSeconds: ptr(int32(15)), AcquireTime: &micro,
				RenewTime: ptr(metav1.NewMicroTime(time.Date(2024, 5, 6, 7, 8, 30, 5000, time.UTC))), LeaseTransitions: ptr(int32(0)),
			},
		}, note: "MicroTime with 6 fractional digits"},
		{name: "event", obj: &eventsv1.Event{
			ObjectMeta:          objectMeta("web-0.17c", "default"),
			EventTime:           micro,
			Series:              &eventsv1.EventSeries{Count: 4, LastObservedTime: metav1.NewMicroTime(time.Date(2024, 5, 6, 7, 9, 0, 0, time.UTC))},
			ReportingController: "kubelet", ReportingInstance: "kubelet-node-1", Action: "Pulling", Reason: "Pulling",
			Regarding: corev1.ObjectReference{Kind: "Pod", Namespace: "default", Name: "web-0", UID: "u", APIVersion: "v1", FieldPath: "spec.containers{web}"},
			Related:   &corev1.ObjectReference{Kind: "Node", Name: "node-1"},
			Note:      "Pulling image \"nginx:1.27\"", Type: "Normal",
			DeprecatedSource: corev1.EventSource{Component: "kubelet", Host: "node-1"},
			DeprecatedCount:  4,
		}, note: "zero metav1.Time values are null"},
		{name: "core-event", obj: &corev1.Event{
			ObjectMeta:     objectMeta("web-0.17d", "default"),
			InvolvedObject: corev1.ObjectReference{Kind: "Pod", Namespace: "default", Name: "web-0"},
			Reason:         "Started", Message: "Started container web", Source: corev1.EventSource{Component: "kubelet"},
			FirstTimestamp: created, LastTimestamp: later, Count: 1, Type: corev1.EventTypeNormal,
		}},
		{name: "rolebinding", obj: &rbacv1.RoleBinding{
			ObjectMeta: objectMeta("read-pods", "default"),
			Subjects: []rbacv1.Subject{
				{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "jane"},
				{Kind: rbacv1.ServiceAccountKind, Name: "default", Namespace: "kube-system"},
			},
			RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "pod-reader"},
		}},
		{name: "role-empty", obj: &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "nothing", Namespace: "default"}}, note: "a nil slice without omitempty is null"},
		{name: "crd", obj: &apiextensionsv1.CustomResourceDefinition{
			ObjectMeta: objectMeta("widgets.example.com", ""),
			Spec: apiextensionsv1.CustomResourceDefinitionSpec{
				Group: "example.com",
				Names: apiextensionsv1.CustomResourceDefinitionNames{Plural: "widgets", Singular: "widget", Kind: "Widget", ListKind: "WidgetList", ShortNames: []string{"wd"}, Categories: []string{"all"}},
				Scope: apiextensionsv1.NamespaceScoped,
				Versions: []apiextensionsv1.CustomResourceDefinitionVersion{{
					Name: "v1", Served: true, Storage: true,
					Schema:                   &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &crdSchema},
					Subresources:             &apiextensionsv1.CustomResourceSubresources{Status: &apiextensionsv1.CustomResourceSubresourceStatus{}, Scale: &apiextensionsv1.CustomResourceSubresourceScale{SpecReplicasPath: ".spec.replicas", StatusReplicasPath: ".status.replicas"}},
					AdditionalPrinterColumns: []apiextensionsv1.CustomResourceColumnDefinition{{Name: "Replicas", Type: "integer", JSONPath: ".spec.replicas", Priority: 0}},
					SelectableFields:         []apiextensionsv1.SelectableField{{JSONPath: ".spec.mode"}},
				}},
				Conversion: &apiextensionsv1.CustomResourceConversion{Strategy: apiextensionsv1.WebhookConverter, Webhook: &apiextensionsv1.WebhookConversion{
					ClientConfig:             &apiextensionsv1.WebhookClientConfig{Service: &apiextensionsv1.ServiceReference{Namespace: "default", Name: "conv", Path: ptr("/convert"), Port: ptr(int32(443))}, CABundle: []byte{0x30, 0x82, 0x01}},
					ConversionReviewVersions: []string{"v1"},
				}},
			},
			Status: apiextensionsv1.CustomResourceDefinitionStatus{
				Conditions:     []apiextensionsv1.CustomResourceDefinitionCondition{{Type: apiextensionsv1.Established, Status: apiextensionsv1.ConditionTrue, LastTransitionTime: created, Reason: "InitialNamesAccepted"}},
				AcceptedNames:  apiextensionsv1.CustomResourceDefinitionNames{Plural: "widgets", Kind: "Widget"},
				StoredVersions: []string{"v1"},
			},
		}},
		{name: "selfsubjectaccessreview", obj: &authorizationv1.SelfSubjectAccessReview{
			Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &authorizationv1.ResourceAttributes{Namespace: "default", Verb: "create", Resource: "pods"}},
		}, note: "what kubectl auth can-i sends"},
		{name: "tokenrequest", obj: &authenticationv1.TokenRequest{
			ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: "default"},
			Spec:       authenticationv1.TokenRequestSpec{Audiences: []string{"https://kubernetes.default.svc"}, ExpirationSeconds: ptr(int64(3600)), BoundObjectRef: &authenticationv1.BoundObjectReference{Kind: "Pod", APIVersion: "v1", Name: "web-0", UID: "u"}},
			Status:     authenticationv1.TokenRequestStatus{Token: "eyJhbGciOi", ExpirationTimestamp: later},
		}},
		{name: "tokenreview", obj: &authenticationv1.TokenReview{
			Spec: authenticationv1.TokenReviewSpec{Token: "abc"},
			Status: authenticationv1.TokenReviewStatus{Authenticated: true, User: authenticationv1.UserInfo{
				Username: "jane", UID: "42", Groups: []string{"dev", "system:authenticated"},
				Extra: map[string]authenticationv1.ExtraValue{"scopes": {"read", "write"}, "empty": {}},
			}},
		}, note: "ExtraValue (a named slice) as map values"},
		{name: "controllerrevision", obj: &appsv1.ControllerRevision{
			ObjectMeta: objectMeta("web-7d9f", "default"),
			Data:       runtime.RawExtension{Raw: []byte(`{"spec":{"template":{"metadata":{"labels":{"app":"web"}}}}}`)},
			Revision:   7,
		}, note: "runtime.RawExtension holding JSON"},
		{name: "priorityclass", obj: &schedulingv1.PriorityClass{
			ObjectMeta: metav1.ObjectMeta{Name: "low"}, Value: -100, Description: "below normal", PreemptionPolicy: ptr(corev1.PreemptNever),
		}},
		{name: "pdb", obj: &policyv1.PodDisruptionBudget{
			ObjectMeta: objectMeta("web", "default"),
			Spec:       policyv1.PodDisruptionBudgetSpec{MinAvailable: ptr(intstr.FromString("50%")), Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}},
			Status: policyv1.PodDisruptionBudgetStatus{
				ObservedGeneration: 1, DisruptedPods: map[string]metav1.Time{"web-1": created}, DisruptionsAllowed: 1, CurrentHealthy: 3, DesiredHealthy: 2, ExpectedPods: 3,
				Conditions: []metav1.Condition{{Type: "DisruptionAllowed", Status: metav1.ConditionTrue, ObservedGeneration: 1, LastTransitionTime: created, Reason: "SufficientPods", Message: ""}},
			},
		}},
		{name: "hpa", obj: &autoscalingv2.HorizontalPodAutoscaler{
			ObjectMeta: objectMeta("web", "default"),
			Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
				ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{Kind: "Deployment", Name: "web", APIVersion: "apps/v1"},
				MinReplicas:    ptr(int32(2)), MaxReplicas: 10,
				Metrics: []autoscalingv2.MetricSpec{
					{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{Name: corev1.ResourceCPU, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: ptr(int32(80))}}},
					{Type: autoscalingv2.PodsMetricSourceType, Pods: &autoscalingv2.PodsMetricSource{Metric: autoscalingv2.MetricIdentifier{Name: "rps"}, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: ptr(resource.MustParse("500m"))}}},
				},
				Behavior: &autoscalingv2.HorizontalPodAutoscalerBehavior{ScaleDown: &autoscalingv2.HPAScalingRules{
					StabilizationWindowSeconds: ptr(int32(300)), SelectPolicy: ptr(autoscalingv2.MinChangePolicySelect),
					Policies:  []autoscalingv2.HPAScalingPolicy{{Type: autoscalingv2.PercentScalingPolicy, Value: 10, PeriodSeconds: 60}},
					Tolerance: ptr(resource.MustParse("50m")),
				}},
			},
			Status: autoscalingv2.HorizontalPodAutoscalerStatus{CurrentReplicas: 3, DesiredReplicas: 3, LastScaleTime: &later},
		}},
		{name: "configmaplist", obj: &corev1.ConfigMapList{
			ListMeta: metav1.ListMeta{ResourceVersion: "777", Continue: "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ", RemainingItemCount: ptr(int64(5))},
			Items:    []corev1.ConfigMap{*configMap(), {ObjectMeta: metav1.ObjectMeta{Name: "other", Namespace: "default"}, Data: map[string]string{"k": "v"}}},
		}, note: "list kinds: items carry no apiVersion/kind"},
		{name: "apiresourcelist", obj: &metav1.APIResourceList{
			GroupVersion: "apps/v1",
			APIResources: []metav1.APIResource{
				{Name: "deployments", SingularName: "deployment", Namespaced: true, Kind: "Deployment", Verbs: metav1.Verbs{"create", "delete", "get", "list"}, ShortNames: []string{"deploy"}, Categories: []string{"all"}},
				{Name: "deployments/scale", Namespaced: true, Group: "autoscaling", Version: "v1", Kind: "Scale", Verbs: metav1.Verbs{}},
				{Name: "nothing", Kind: "Nothing"},
			},
		}, note: "metav1.Verbs: nil is null, empty is []"},
		{name: "status", obj: &metav1.Status{
			Status: metav1.StatusFailure, Message: `configmaps "x" not found`, Reason: metav1.StatusReasonNotFound,
			Details: &metav1.StatusDetails{Name: "x", Kind: "configmaps", Causes: []metav1.StatusCause{{Type: metav1.CauseTypeFieldValueInvalid, Message: "m", Field: "f"}}, RetryAfterSeconds: 1},
			Code:    404,
		}},
		{name: "deleteoptions", obj: &metav1.DeleteOptions{
			GracePeriodSeconds: ptr(int64(0)), PropagationPolicy: ptr(metav1.DeletePropagationForeground), DryRun: []string{"All"},
			Preconditions: &metav1.Preconditions{UID: ptr(k8stypes.UID("u1")), ResourceVersion: ptr("5")},
		}},
		{name: "validatingwebhookconfiguration", obj: &admissionregistrationv1.ValidatingWebhookConfiguration{
			ObjectMeta: metav1.ObjectMeta{Name: "policy"},
			Webhooks: []admissionregistrationv1.ValidatingWebhook{{
				Name:                    "policy.example.com",
				ClientConfig:            admissionregistrationv1.WebhookClientConfig{URL: ptr("https://policy.example.com/validate"), CABundle: []byte("PEM")},
				Rules:                   []admissionregistrationv1.RuleWithOperations{{Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create}, Rule: admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"pods"}, Scope: ptr(admissionregistrationv1.NamespacedScope)}}},
				FailurePolicy:           ptr(admissionregistrationv1.Fail),
				SideEffects:             ptr(admissionregistrationv1.SideEffectClassNone),
				TimeoutSeconds:          ptr(int32(5)),
				AdmissionReviewVersions: []string{"v1"},
				MatchConditions:         []admissionregistrationv1.MatchCondition{{Name: "not-system", Expression: "!request.userInfo.username.startsWith('system:')"}},
			}},
		}, note: "proto field name Webhooks differs from JSON webhooks"},
		{name: "endpointslice", obj: &discoveryv1.EndpointSlice{
			ObjectMeta:  objectMeta("web-abc", "default"),
			AddressType: discoveryv1.AddressTypeIPv4,
			Endpoints: []discoveryv1.Endpoint{{
				Addresses: []string{"10.0.0.5"}, Conditions: discoveryv1.EndpointConditions{Ready: ptr(true), Serving: ptr(true), Terminating: ptr(false)},
				TargetRef: &corev1.ObjectReference{Kind: "Pod", Name: "web-0", Namespace: "default"}, NodeName: ptr("node-1"),
			}},
			Ports: []discoveryv1.EndpointPort{{Name: ptr("http"), Protocol: ptr(corev1.ProtocolTCP), Port: ptr(int32(8080))}},
		}},
	}
}
