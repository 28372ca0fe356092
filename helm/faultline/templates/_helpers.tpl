{{/* Labels every object carries. `name` is the component's name (app name, rabbitmq, zipkin, ...). */}}
{{- define "faultline.labels" -}}
app: {{ .name }}
app.kubernetes.io/name: {{ .selectorName | default .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/component: {{ .component | default .name }}
app.kubernetes.io/part-of: faultline
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- with .version }}
version: {{ . }}
{{- end }}
{{- end }}

{{/* The labels a selector uses: stable across upgrades. */}}
{{- define "faultline.selectorLabels" -}}
app.kubernetes.io/name: {{ .selectorName | default .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- with .version }}
version: {{ . }}
{{- end }}
{{- end }}

{{/* <repository>/<app>:<tag> */}}
{{- define "faultline.image" -}}
{{- printf "%s/%s:%s" .root.Values.image.repository .app (.root.Values.image.tag | default .root.Chart.AppVersion) -}}
{{- end }}

{{- define "faultline.adminSecretName" -}}faultline-admin{{- end }}
{{- define "faultline.rabbitmqSecretName" -}}faultline-rabbitmq{{- end }}

{{- define "faultline.zipkinEndpoint" -}}
{{- if .Values.tracing.zipkinEndpoint -}}
{{- .Values.tracing.zipkinEndpoint -}}
{{- else -}}
{{- printf "http://zipkin.%s.svc.cluster.local:9411/api/v2/spans" .Release.Namespace -}}
{{- end -}}
{{- end }}

{{/* A secret value kept across upgrades: the given value, else the one already in the cluster, else random. */}}
{{- define "faultline.keptSecret" -}}
{{- $existing := lookup "v1" "Secret" .root.Release.Namespace .secret -}}
{{- if .value -}}
{{- .value | b64enc -}}
{{- else if and $existing (index ($existing.data | default dict) .key) -}}
{{- index $existing.data .key -}}
{{- else -}}
{{- randAlphaNum 32 | b64enc -}}
{{- end -}}
{{- end }}

{{/* Pod spec parts shared by every workload of the chart. */}}
{{- define "faultline.podCommon" -}}
{{- with .root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .cfg.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .cfg.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* Best-effort spread of a workload's replicas over nodes. */}}
{{- define "faultline.spread" -}}
{{- if .cfg.spreadOverNodes }}
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "faultline.selectorLabels" . | nindent 8 }}
{{- end }}
{{- end }}

{{/* The CoreDNS server block that forwards the lab's external zone to the upstream dns-server. Keep in
step with scripts/cluster/coredns-forward.sh. */}}
{{- define "faultline.corednsStanza" -}}
{{ .zone }}:53 {
    errors
    log
    prometheus :9153
    forward . {{ .ip }}:{{ .port }}
}
{{- end }}
