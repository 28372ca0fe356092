{{/*
One service of the lab: a Deployment running its image, and (with .withService) its Service.
Arguments: root, name (the app: image, labels, OTEL_SERVICE_NAME), resourceName, version, cfg (the
app's values merged over .Values.common), withService; optional selectorName (the app.kubernetes.io/name label, the
app's name by default).
*/}}
{{- define "faultline.appDeployment" -}}
{{- $cfg := .cfg -}}
{{- /* A Deployment with its own selectorName (Flagger's target) is released by changing its template: no version label. */}}
{{- $versionLabel := ternary "" .version (hasKey . "selectorName") -}}
{{- $ctx := dict "root" .root "name" .name "selectorName" .selectorName "version" $versionLabel "component" $cfg.component "cfg" $cfg -}}
{{- $isDns := eq .name "dns-server" -}}
{{- $graceSeconds := add (div (int $cfg.shutdownDelayMs) 1000) (div (int $cfg.shutdownTimeoutMs) 1000) 5 -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .resourceName }}
  labels:
    {{- include "faultline.labels" $ctx | nindent 4 }}
spec:
  replicas: {{ $cfg.replicas }}
  revisionHistoryLimit: 3
  selector:
    matchLabels:
      {{- include "faultline.selectorLabels" $ctx | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "faultline.labels" $ctx | nindent 8 }}
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: {{ $cfg.port | quote }}
        prometheus.io/path: /metrics
        {{- with $cfg.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      automountServiceAccountToken: false
      enableServiceLinks: false
      terminationGracePeriodSeconds: {{ $graceSeconds }}
      securityContext:
        {{- toYaml $cfg.podSecurityContext | nindent 8 }}
      {{- with (include "faultline.podCommon" $ctx | trim) }}{{ . | nindent 6 }}{{ end }}
      {{- with (include "faultline.spread" $ctx | trim) }}{{ . | nindent 6 }}{{ end }}
      containers:
        - name: {{ .name }}
          image: {{ include "faultline.image" (dict "root" .root "app" .name) }}
          imagePullPolicy: {{ .root.Values.image.pullPolicy }}
          {{- if and $isDns $cfg.dns.serviceRecords }}
          # DNS_RECORDS gets the static records plus, for each name of dns.serviceRecords, the ClusterIP of that
          # Service, resolved through cluster DNS when the pod starts (the Service exists before this pod).
          command: ["/bin/sh", "-c"]
          args:
            - |
              DNS_RECORDS="$(node -e '
                const dns = require("node:dns").promises;
                const ns = process.env.POD_NAMESPACE;
                const records = JSON.parse(process.env.DNS_STATIC_RECORDS || "{}");
                const services = JSON.parse(process.env.DNS_SERVICE_RECORDS || "{}");
                Promise.all(Object.entries(services).map(async ([name, service]) => {
                  const { address } = await dns.lookup(`${service}.${ns}.svc.cluster.local.`, { family: 4 });
                  records[name] = [address];
                })).then(() => process.stdout.write(JSON.stringify(records)),
                  (error) => { console.error(`cannot resolve a service record: ${error.message}`); process.exit(1); });
              ')" || exit 1
              export DNS_RECORDS
              exec node --require ./dist/apps/dns-server/tracing.js dist/apps/dns-server/main.js
          {{- end }}
          ports:
            - name: http
              containerPort: {{ $cfg.port }}
              protocol: TCP
            {{- if $isDns }}
            - name: dns-udp
              containerPort: {{ $cfg.dns.containerPort }}
              protocol: UDP
            - name: dns-tcp
              containerPort: {{ $cfg.dns.containerPort }}
              protocol: TCP
            {{- end }}
          env:
            - { name: PORT, value: {{ $cfg.port | quote }} }
            - { name: HOST, value: "0.0.0.0" }
            - name: ADMIN_TOKEN
              valueFrom:
                secretKeyRef: { name: {{ include "faultline.adminSecretName" . }}, key: token }
            - { name: LOG_LEVEL, value: {{ $cfg.logLevel | quote }} }
            - { name: BODY_LIMIT_BYTES, value: {{ $cfg.bodyLimitBytes | quote }} }
            - { name: SHUTDOWN_DELAY_MS, value: {{ $cfg.shutdownDelayMs | quote }} }
            - { name: SHUTDOWN_TIMEOUT_MS, value: {{ $cfg.shutdownTimeoutMs | quote }} }
            {{- if $cfg.faults }}
            - { name: FAULTS, value: {{ toJson $cfg.faults | quote }} }
            {{- end }}
            - { name: OTEL_SERVICE_NAME, value: {{ .name | quote }} }
            - { name: OTEL_TRACES_EXPORTER, value: {{ .root.Values.tracing.exporter | quote }} }
            - { name: OTEL_EXPORTER_ZIPKIN_ENDPOINT, value: {{ include "faultline.zipkinEndpoint" .root | quote }} }
            {{- if eq .root.Values.tracing.exporter "otlp" }}
            - { name: OTEL_EXPORTER_OTLP_ENDPOINT, value: {{ .root.Values.tracing.otlpEndpoint | quote }} }
            - { name: OTEL_EXPORTER_OTLP_PROTOCOL, value: "http/protobuf" }
            {{- end }}
            - { name: OTEL_PROPAGATORS, value: {{ .root.Values.tracing.propagators | quote }} }
            - { name: OTEL_TRACES_SAMPLER, value: {{ .root.Values.tracing.sampler | quote }} }
            - { name: OTEL_TRACES_SAMPLER_ARG, value: {{ .root.Values.tracing.samplerArg | quote }} }
            - { name: OTEL_SDK_DISABLED, value: {{ .root.Values.tracing.sdkDisabled | quote }} }
            - { name: SERVICE_VERSION, value: {{ .version | quote }} }
            - name: POD_NAME
              valueFrom: { fieldRef: { fieldPath: metadata.name } }
            - name: POD_NAMESPACE
              valueFrom: { fieldRef: { fieldPath: metadata.namespace } }
            {{- if eq .name "retry-backend" }}
            - { name: VERSION, value: {{ .version | quote }} }
            {{- end }}
            {{- if and $cfg.useRabbitmq .root.Values.rabbitmq.enabled }}
            - { name: ORDER_QUEUE_HOSTNAME, value: rabbitmq }
            - { name: ORDER_QUEUE_PORT, value: "5672" }
            - name: ORDER_QUEUE_USERNAME
              valueFrom:
                secretKeyRef: { name: {{ include "faultline.rabbitmqSecretName" . }}, key: username }
            - name: ORDER_QUEUE_PASSWORD
              valueFrom:
                secretKeyRef: { name: {{ include "faultline.rabbitmqSecretName" . }}, key: password }
            {{- end }}
            {{- if $isDns }}
            - { name: DNS_ROLE, value: {{ $cfg.dns.role | quote }} }
            - { name: DNS_HOST, value: "0.0.0.0" }
            - { name: DNS_PORT, value: {{ $cfg.dns.containerPort | quote }} }
            {{- if $cfg.dns.serviceRecords }}
            - { name: DNS_STATIC_RECORDS, value: {{ toJson $cfg.dns.records | quote }} }
            - { name: DNS_SERVICE_RECORDS, value: {{ toJson $cfg.dns.serviceRecords | quote }} }
            {{- else }}
            - { name: DNS_RECORDS, value: {{ toJson $cfg.dns.records | quote }} }
            {{- end }}
            {{- end }}
            {{- range $key, $value := $cfg.env }}
            {{- if and (eq $key "EXTERNAL_SERVER_URL") ($.root.Values.ndotsDemo | default dict).before }}
            {{- /* ndotsDemo.before: the host without its trailing dot (seed 000's ndots "before" state) */}}
            {{- $value = regexReplaceAll "^(https?://[^/:]+)\\.((:[0-9]+)?(/.*)?)$" ($value | toString) "${1}${2}" }}
            {{- end }}
            - { name: {{ $key }}, value: {{ $value | toString | quote }} }
            {{- end }}
          livenessProbe:
            {{- toYaml $cfg.livenessProbe | nindent 12 }}
          readinessProbe:
            {{- toYaml $cfg.readinessProbe | nindent 12 }}
          startupProbe:
            {{- toYaml $cfg.startupProbe | nindent 12 }}
          resources:
            {{- toYaml $cfg.resources | nindent 12 }}
          securityContext:
            {{- toYaml $cfg.securityContext | nindent 12 }}
          volumeMounts:
            - { name: tmp, mountPath: /tmp }
      volumes:
        - name: tmp
          emptyDir: { sizeLimit: 16Mi }
{{- end }}

{{- define "faultline.appService" -}}
{{- $cfg := .cfg -}}
{{- $ctx := dict "root" .root "name" .name "version" .version "component" $cfg.component -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ .resourceName }}
  labels:
    {{- include "faultline.labels" $ctx | nindent 4 }}
spec:
  type: ClusterIP
  {{- with $cfg.service.clusterIP }}
  clusterIP: {{ . }}
  {{- end }}
  selector:
    {{- include "faultline.selectorLabels" $ctx | nindent 4 }}
  ports:
    - name: http
      port: {{ $cfg.service.port }}
      targetPort: {{ $cfg.service.targetPort | default $cfg.port }}
      protocol: TCP
    {{- if eq .name "dns-server" }}
    - name: dns-udp
      port: {{ $cfg.dns.servicePort }}
      targetPort: dns-udp
      protocol: UDP
    - name: dns-tcp
      port: {{ $cfg.dns.servicePort }}
      targetPort: dns-tcp
      protocol: TCP
    {{- end }}
{{- end }}
