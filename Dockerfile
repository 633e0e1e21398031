# The packflow image: every service and the operator CLI; the chart picks which runs.
FROM node:20-bookworm-slim
ENV COREPACK_INTEGRITY_KEYS=0 NODE_ENV=production LOG_FORMAT=json
# git: the stream worker and `packflow source-git` run the git binary. krb5-user (kinit) and
# curl: the upstream worker's Koji login by keytab (KOJI_KEYTAB).
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends git ca-certificates krb5-user curl \
 && rm -rf /var/lib/apt/lists/* \
 && npm install -g pnpm@10 && useradd --create-home packflow
WORKDIR /app
COPY --chown=packflow . .
USER packflow
RUN pnpm install --frozen-lockfile
# Default: the scheduler; the chart sets the command of each deployment.
CMD ["pnpm", "--filter", "./services/scheduler", "start"]
