{{/* Names */}}
{{- define "podd.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "podd.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "podd.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "podd.baseLabels" -}}
app.kubernetes.io/name: {{ include "podd.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Selects the API pods only (not the migration Job's or the helm test's pods). */}}
{{- define "podd.selectorLabels" -}}
{{ include "podd.baseLabels" . }}
app.kubernetes.io/component: api
{{- end }}

{{- define "podd.labels" -}}
helm.sh/chart: {{ include "podd.chart" . }}
{{ include "podd.baseLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "podd.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "podd.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "podd.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* True ("true") when the release runs on PostgreSQL + Redis and may scale out. */}}
{{- define "podd.scaleOut" -}}
{{- if and .Values.postgresql.enabled .Values.redis.enabled }}true{{ end }}
{{- end }}

{{/* Embedded mode: SQLite files in DATA_DIR, one pod, StatefulSet with a claim. */}}
{{- define "podd.embedded" -}}
{{- if not .Values.postgresql.enabled }}true{{ end }}
{{- end }}

{{- define "podd.generatedSecretName" -}}
{{- printf "%s-jwt" (include "podd.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Render-time guards, included by every template that depends on them. The rules values.schema.json can
express (replicas need PostgreSQL + Redis, a JWT secret, a PDB that allows drains...) are checked there first,
so `helm lint --strict` fails on them too; they are repeated here with the full reason for
`--skip-schema-validation`. The others compare two fields, which JSON Schema (draft 7) cannot do.

`helm lint` turns a template `fail` into an [INFO] line and exits 0, so after the fail (which only returns
in lint mode) this emits YAML no parser accepts: lint then reports an [ERROR] and fails, the reason in the
[INFO] line above it.
*/}}
{{- define "podd.validate" -}}
{{- $v := .Values }}
{{- $errors := list }}
{{- if and (or (gt (int $v.replicaCount) 1) $v.autoscaling.enabled) (not (include "podd.scaleOut" .)) }}
{{- $errors = append $errors (printf "replicaCount=%v / autoscaling.enabled=%v needs postgresql.enabled=true and redis.enabled=true: with the embedded storage every pod would have its own SQLite database (users registered on one pod could not log in on another), its own in-memory rate limits (N times looser) and its own reminder scheduler (each reminder fired N times). Configure PostgreSQL and Redis, or keep replicaCount: 1." $v.replicaCount $v.autoscaling.enabled) }}
{{- end }}
{{- if and $v.postgresql.enabled (not $v.secrets.existingSecret) }}
{{- $errors = append $errors "postgresql.enabled=true needs secrets.existingSecret: a Secret holding JWT_SECRET created before the install (the pre-install migration Job and every replica read it; a generated secret would not exist yet)." }}
{{- end }}
{{- if and (not $v.secrets.existingSecret) (not $v.secrets.generateJwtSecret) }}
{{- $errors = append $errors "No JWT secret: set secrets.existingSecret to a Secret holding JWT_SECRET, or secrets.generateJwtSecret=true." }}
{{- end }}
{{- if and $v.autoscaling.enabled (gt (int $v.autoscaling.minReplicas) (int $v.autoscaling.maxReplicas)) }}
{{- $errors = append $errors (printf "autoscaling.minReplicas=%v is above autoscaling.maxReplicas=%v." $v.autoscaling.minReplicas $v.autoscaling.maxReplicas) }}
{{- end }}
{{- with $v.podDisruptionBudget }}
{{- if .enabled }}
{{- $replicas := int (ternary $v.autoscaling.minReplicas $v.replicaCount $v.autoscaling.enabled) }}
{{- $min := toString .minAvailable }}
{{- $max := toString .maxUnavailable }}
{{- if and (not $min) (or (not $max) (eq $max "0") (eq $max "0%")) }}
{{- $errors = append $errors (printf "podDisruptionBudget.maxUnavailable=%q with no minAvailable blocks every node drain: no pod may ever be evicted. Set maxUnavailable: 1." $max) }}
{{- else if $min }}
{{- $need := 0 }}
{{- if hasSuffix "%" $min }}
{{- $need = div (add (mul (int (trimSuffix "%" $min)) $replicas) 99) 100 }}
{{- else }}
{{- $need = int $min }}
{{- end }}
{{- if ge $need $replicas }}
{{- $errors = append $errors (printf "podDisruptionBudget.minAvailable=%s keeps all %d pod(s) available (%d needed), which blocks every node drain. Use maxUnavailable: 1, or a minAvailable below the replica count." $min $replicas $need) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- $drainMs := int (default "10000" (toString (index $v.config "SHUTDOWN_GRACE_MS" | default ""))) }}
{{- $drainS := div (add $drainMs 999) 1000 }}
{{- if le (int $v.terminationGracePeriodSeconds) (add (int $v.preStopSleepSeconds) $drainS) }}
{{- $errors = append $errors (printf "terminationGracePeriodSeconds=%v must exceed preStopSleepSeconds (%v) + the app's shutdown drain (config.SHUTDOWN_GRACE_MS=%v ms, %d s): Kubernetes would SIGKILL pods in the middle of their in-flight requests." $v.terminationGracePeriodSeconds $v.preStopSleepSeconds $drainMs $drainS) }}
{{- end }}
{{- with $errors }}
{{- fail (join "\n" .) }}
podd-invalid-values: [{{ join "; " . | quote }}
{{- end }}
{{- end }}

{{/*
Environment variables fixed by the chart, plus the secret references. Used by the app pods (which also
get the ConfigMap via envFrom) and by the migration Job (which inlines the config, because pre-install
hooks run before the ConfigMap exists).
*/}}
{{- define "podd.fixedEnv" -}}
- name: NODE_ENV
  value: production
- name: HOST
  value: "0.0.0.0"
- name: PORT
  value: "8000"
- name: DATA_DIR
  value: /data
{{- if .Values.postgresql.enabled }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ default .Values.secrets.existingSecret .Values.postgresql.existingSecret }}
      key: {{ .Values.postgresql.urlKey }}
{{- if .Values.postgresql.eventStoreUrlKey }}
- name: EVENT_STORE_URL
  valueFrom:
    secretKeyRef:
      name: {{ default .Values.secrets.existingSecret .Values.postgresql.existingSecret }}
      key: {{ .Values.postgresql.eventStoreUrlKey }}
{{- end }}
{{- end }}
{{- if .Values.redis.enabled }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ default .Values.secrets.existingSecret .Values.redis.existingSecret }}
      key: {{ .Values.redis.urlKey }}
{{- end }}
{{- if not .Values.secrets.existingSecret }}
- name: JWT_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ include "podd.generatedSecretName" . }}
      key: JWT_SECRET
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "podd.secretEnvFrom" -}}
{{- if .Values.secrets.existingSecret -}}
- secretRef:
    name: {{ .Values.secrets.existingSecret }}
{{- end }}
{{- end }}

{{- define "podd.podSecurity" -}}
{{- with .Values.podSecurityContext -}}
securityContext:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}
