# docker.io/kindest/local-path-helper: runs the provisioner's setup/teardown shell scripts (sh, mkdir, rm).
FROM faultline-kit/debian:trixie
CMD ["sh"]
