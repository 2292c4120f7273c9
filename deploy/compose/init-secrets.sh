#!/bin/sh
# Creates what docker-compose.yml reads and git never stores (idempotent: existing files are kept):
#   deploy/compose/podd.env                   from podd.env.example, with a random JWT_SECRET
#   deploy/compose/secrets/postgres_password  random, for the postgres profile
#   deploy/compose/secrets/redis_password     random, for the redis profile
#   deploy/compose/secrets/podd.crt / .key    self-signed certificate for the nginx profile (replace it)
# With --scale-out it also writes DATABASE_URL and REDIS_URL (using those passwords) into podd.env.
# Env: PODD_HOSTNAME (certificate name, default localhost).
set -eu
cd "$(dirname "$0")"
umask 077
mkdir -p secrets
chmod 700 secrets

rand() { openssl rand -hex 24; }
for name in postgres_password redis_password; do
  if [ ! -s "secrets/$name" ]; then
    rand > "secrets/$name"
    echo "created secrets/$name"
  fi
  # Readable by the containers' non-root users; the folder (0700) keeps other host users out.
  chmod 644 "secrets/$name"
done

if [ ! -s secrets/podd.crt ] || [ ! -s secrets/podd.key ]; then
  host="${PODD_HOSTNAME:-localhost}"
  openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=$host" \
    -addext "subjectAltName=DNS:$host" -keyout secrets/podd.key -out secrets/podd.crt 2>/dev/null
  echo "created a self-signed certificate for $host (secrets/podd.crt); use a real one in production"
fi
# nginx's master process reads the key as the container's root, which has no DAC_OVERRIDE (cap_drop: ALL):
# a 0600 key owned by the host user who ran this script would be unreadable ("Permission denied" at start).
# 0644 inside the 0700 folder, like the passwords above: other host users still cannot reach it.
chmod 644 secrets/podd.crt secrets/podd.key

if [ ! -s podd.env ]; then
  sed "s/^JWT_SECRET=.*/JWT_SECRET=$(openssl rand -hex 32)/" podd.env.example > podd.env
  echo "created podd.env with a random JWT_SECRET"
fi

if [ "${1:-}" = "--scale-out" ]; then
  if ! grep -q '^DATABASE_URL=' podd.env; then
    echo "DATABASE_URL=postgres://podd:$(cat secrets/postgres_password)@postgres:5432/podd" >> podd.env
    echo "added DATABASE_URL to podd.env"
  fi
  if ! grep -q '^REDIS_URL=' podd.env; then
    echo "REDIS_URL=redis://:$(cat secrets/redis_password)@redis:6379/0" >> podd.env
    echo "added REDIS_URL to podd.env"
  fi
fi
