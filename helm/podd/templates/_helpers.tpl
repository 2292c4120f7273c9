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
Render-time guards. Included by every template that depends on them, so `helm template`, `helm lint`
and `helm install` all fail with the reason.
*/}}
{{- define "podd.validate" -}}
{{- $v := .Values }}
{{- if and (or (gt (int $v.replicaCount) 1) $v.autoscaling.enabled) (not (include "podd.scaleOut" .)) }}
{{- fail (printf "replicaCount=%v / autoscaling.enabled=%v needs postgresql.enabled=true and redis.enabled=true: with the embedded storage every pod would have its own SQLite database (users registered on one pod could not log in on another), its own in-memory rate limits (N times looser) and its own reminder scheduler (each reminder fired N times). Configure PostgreSQL and Redis, or keep replicaCount: 1." $v.replicaCount $v.autoscaling.enabled) }}
{{- end }}
{{- if and $v.postgresql.enabled (not $v.secrets.existingSecret) }}
{{- fail "postgresql.enabled=true needs secrets.existingSecret: a Secret holding JWT_SECRET created before the install (the pre-install migration Job and every replica read it; a generated secret would not exist yet)." }}
{{- end }}
{{- if and (not $v.secrets.existingSecret) (not $v.secrets.generateJwtSecret) }}
{{- fail "No JWT secret: set secrets.existingSecret to a Secret holding JWT_SECRET, or secrets.generateJwtSecret=true." }}
{{- end }}
{{- if and $v.postgresql.enabled (not (or $v.postgresql.existingSecret $v.secrets.existingSecret)) }}
{{- fail "postgresql.enabled=true needs postgresql.existingSecret (or secrets.existingSecret) holding the connection URL under postgresql.urlKey." }}
{{- end }}
{{- if and $v.podDisruptionBudget.enabled (not $v.podDisruptionBudget.minAvailable) (not $v.podDisruptionBudget.maxUnavailable) }}
{{- fail "podDisruptionBudget.enabled=true needs maxUnavailable or minAvailable." }}
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
