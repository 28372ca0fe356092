# stale-dns-server's ingress on a cluster (the chart's authProxy.image): Debian's nginx, which has the
# auth_request module ingress-nginx's auth-url is built on. Runs as the chart's non-root user, on port 8080.
FROM faultline-kit/debian:trixie
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx \
 && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/default
CMD ["nginx", "-g", "daemon off;"]
