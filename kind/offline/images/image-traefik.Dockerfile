# docker.io/library/traefik: Traefik built from its module (recipe_go_module_cmd), static. kind/flagger/traefik.yaml
# passes its arguments (the Gateway API provider, the entry point, Prometheus metrics).
FROM scratch
COPY traefik /traefik
EXPOSE 8000 8080
ENTRYPOINT ["/traefik"]
