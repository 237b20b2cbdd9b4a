{{- define "portico.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "portico.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* The name of one service's Deployment and Service: <fullname>-<component>. */}}
{{- define "portico.componentName" -}}
{{- printf "%s-%s" (include "portico.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "portico.selectorLabels" -}}
app.kubernetes.io/name: {{ include "portico.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "portico.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
{{ include "portico.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: portico
{{- end -}}

{{- define "portico.image" -}}
{{- $values := index .root.Values .component -}}
{{- if $values.image -}}
{{- $values.image -}}
{{- else -}}
{{- printf "%s-%s:%s" .root.Values.image.repository .component (default .root.Chart.AppVersion .root.Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/*
gRPC target of a service: dns:/// over its headless Service, so that clients see every replica
and balance round-robin.
*/}}
{{- define "portico.grpcTarget" -}}
{{- printf "dns:///%s.%s.svc:%v" (include "portico.componentName" .) .root.Release.Namespace .root.Values.grpcPort -}}
{{- end -}}

{{- define "portico.env" -}}
{{- if .Values.otel.endpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ .Values.otel.endpoint | quote }}
{{- end }}
{{- with .Values.env }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Pod fields every service shares. */}}
{{- define "portico.podCommon" -}}
{{- $values := index .root.Values .component -}}
{{- with .root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .root.Values.podSecurityContext | nindent 2 }}
{{- with $values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* A headless Service for a gRPC service. */}}
{{- define "portico.grpcService" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "portico.componentName" . }}
  labels:
    {{- include "portico.labels" . | nindent 4 }}
spec:
  # Headless: DNS answers with every ready replica and the gRPC clients balance over them.
  clusterIP: None
  selector:
    {{- include "portico.selectorLabels" . | nindent 4 }}
  ports:
    - name: grpc
      port: {{ .root.Values.grpcPort }}
      targetPort: grpc
      appProtocol: grpc
{{- end -}}


{{/*
One service's Deployment. Takes root, component, args (the app's flags), port (the container port),
portName and pki (mount the PKI Secret).
*/}}
{{- define "portico.deployment" -}}
{{- $values := index .root.Values .component -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "portico.componentName" . }}
  labels:
    {{- include "portico.labels" . | nindent 4 }}
spec:
  replicas: {{ $values.replicas }}
  selector:
    matchLabels:
      {{- include "portico.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "portico.labels" . | nindent 8 }}
      {{- if .pki }}
      annotations:
        # Replaced certificates only reach the pods through a restart.
        portico.dev/pki-secret: {{ .root.Values.pki.secretName | quote }}
      {{- end }}
    spec:
      {{- include "portico.podCommon" . | trim | nindent 6 }}
      # Long enough for the gRPC server's 10 s drain.
      terminationGracePeriodSeconds: 30
      containers:
        - name: {{ .component }}
          image: {{ include "portico.image" . | quote }}
          imagePullPolicy: {{ .root.Values.image.pullPolicy }}
          args:
            {{- toYaml .args | nindent 12 }}
          {{- with (include "portico.env" .root | trim) }}
          env:
            {{- . | nindent 12 }}
          {{- end }}
          ports:
            - name: {{ .portName }}
              containerPort: {{ .port }}
              protocol: TCP
          readinessProbe:
            tcpSocket:
              port: {{ .portName }}
            periodSeconds: 5
          livenessProbe:
            tcpSocket:
              port: {{ .portName }}
            initialDelaySeconds: 10
            periodSeconds: 20
          securityContext:
            {{- toYaml .root.Values.securityContext | nindent 12 }}
          {{- with $values.resources }}
          resources:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- if .pki }}
          volumeMounts:
            - name: pki
              mountPath: /var/lib/portico/pki
              readOnly: true
          {{- end }}
      {{- if .pki }}
      volumes:
        - name: pki
          secret:
            secretName: {{ .root.Values.pki.secretName }}
            # 0440 in decimal: YAML 1.1 and 1.2 parsers disagree about a leading zero.
            defaultMode: 288
      {{- end }}
{{- end -}}
