{{/* A `helm test` pod: runs `script` with node in the store-front image, as an unprivileged user. */}}
{{- define "faultline.testPod" -}}
{{- $ctx := dict "root" .root "name" .name "component" "test" }}
apiVersion: v1
kind: Pod
metadata:
  name: {{ .name }}
  labels:
    {{- include "faultline.labels" $ctx | nindent 4 }}
  annotations:
    helm.sh/hook: test
    helm.sh/hook-delete-policy: before-hook-creation
spec:
  restartPolicy: Never
  automountServiceAccountToken: false
  enableServiceLinks: false
  securityContext:
    {{- toYaml .root.Values.common.podSecurityContext | nindent 4 }}
  containers:
    - name: test
      image: {{ include "faultline.image" (dict "root" .root "app" .root.Values.tests.image) }}
      imagePullPolicy: {{ .root.Values.image.pullPolicy }}
      command: ["node", "-e"]
      args:
        - |
          const base = 'http://store-front.{{ .root.Release.Namespace }}.svc.cluster.local:{{ (index .root.Values.apps "store-front").service.port }}';
          // Retries with a deadline: the Deployment is Available, its endpoints may still be propagating.
          async function call(path, init, want) {
            const deadline = Date.now() + 30000;
            for (;;) {
              let detail;
              try {
                const res = await fetch(base + path, { ...init, signal: AbortSignal.timeout(10000) });
                const body = await res.text();
                if (res.status === want) return body;
                detail = `${res.status} ${body.slice(0, 300)}`;
              } catch (error) {
                detail = error.cause?.code ?? error.message;
              }
              if (Date.now() > deadline) throw new Error(`${init?.method ?? 'GET'} ${path}: wanted ${want}, got ${detail}`);
              await new Promise((r) => setTimeout(r, 1000));
            }
          }
          (async () => {
            {{- .script | nindent 12 }}
          })().then(() => console.log('ok'), (error) => { console.error(error.message); process.exit(1); });
      resources:
        requests: { cpu: 10m, memory: 32Mi }
        limits: { cpu: 200m, memory: 128Mi }
      securityContext:
        {{- toYaml .root.Values.common.securityContext | nindent 8 }}
{{- end }}
