{{/*
nginx.conf of the authProxy component (templates/auth-proxy.yaml): the server ingress-nginx renders for an Ingress
with the nginx.ingress.kubernetes.io/auth-url and auth-method GET annotations, without the controller. The auth
location proxies through a variable, as ingress-nginx's does, so nginx resolves the auth host with its `resolver`
at request time, on one connected UDP socket per worker until a reload (seed 003). Runs as the chart's non-root
user with a read-only root: pid file and every *_temp_path under /tmp (an emptyDir).
*/}}
{{- define "faultline.authProxyConf" -}}
{{- $cfg := .Values.authProxy -}}
{{- $authUrl := $cfg.authUrl | default (printf "http://external-server.%s.svc.cluster.local/auth" .Release.Namespace) -}}
{{- $upstream := $cfg.upstream | default (printf "http://store-front.%s.svc.cluster.local" .Release.Namespace) -}}
worker_processes 1;
pid /tmp/nginx.pid;
# kubectl logs shows the resolver's "could not be resolved" and auth_request's "auth request unexpected status".
error_log stderr {{ $cfg.errorLogLevel }};

events {
    worker_connections 1024;
}

http {
    access_log /dev/stdout;
    client_body_temp_path /tmp/client_body;
    proxy_temp_path /tmp/proxy;
    fastcgi_temp_path /tmp/fastcgi;
    uwsgi_temp_path /tmp/uwsgi;
    scgi_temp_path /tmp/scgi;

    # As ingress-nginx writes it from the pod's resolv.conf: the cluster DNS Service address.
    resolver {{ $cfg.resolver.address }} valid={{ $cfg.resolver.valid }} ipv6=off;
    resolver_timeout {{ $cfg.resolver.timeout }};

    server {
        listen 8080;

        # The probes' own location: no auth subrequest, so a DNS failure never restarts nginx.
        location = /healthz {
            access_log off;
            default_type text/plain;
            return 200 "ok\n";
        }

        # nginx.ingress.kubernetes.io/auth-url with auth-method GET, as ingress-nginx renders it.
        location = /_external-auth {
            internal;
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
            proxy_set_header X-Forwarded-Proto "";
            proxy_set_header X-Request-ID $request_id;
            proxy_method GET;
            proxy_set_header X-Original-URL $scheme://$http_host$request_uri;
            proxy_set_header X-Original-Method $request_method;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Auth-Request-Redirect $request_uri;
            proxy_buffering off;
            proxy_pass_request_headers on;
            # Through a variable: resolved by `resolver` above when a request comes, not once at start.
            set $target {{ $authUrl }};
            proxy_pass $target;
        }

        location / {
            auth_request /_external-auth;
            # ingress-nginx reaches the backend by its endpoints; here its Service name, through the same resolver.
            set $upstream {{ $upstream }};
            proxy_pass $upstream;
        }
    }
}
{{- end }}
