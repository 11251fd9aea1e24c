{{/* The chart's name, or nameOverride. */}}
{{- define "presencehub.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's full name: fullnameOverride, or release-chart (the release alone when it already names the chart). */}}
{{- define "presencehub.fullname" -}}
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

{{- define "presencehub.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "presencehub.labels" -}}
helm.sh/chart: {{ include "presencehub.chart" . }}
{{ include "presencehub.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: gateway
{{- end }}

{{- define "presencehub.selectorLabels" -}}
app.kubernetes.io/name: {{ include "presencehub.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "presencehub.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "presencehub.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret with the Graph client secret, the admin key and the encryption certificate. */}}
{{- define "presencehub.secretName" -}}
{{- default (include "presencehub.fullname" .) .Values.existingSecret }}
{{- end }}

{{/* Whether /metrics is served. */}}
{{- define "presencehub.metricsEnabled" -}}
{{- if or .Values.metrics.enabled .Values.serviceMonitor.enabled }}true{{- end }}
{{- end }}

{{/*
Refuses combinations that cannot work; the schema checks types and shapes. Missing Graph settings are left to the
gateway, which refuses to start with a message naming the setting, so `helm lint` passes on the defaults.
*/}}
{{- define "presencehub.validate" -}}
{{- if and (gt (int .Values.replicaCount) 1) (not .Values.externalRedis.enabled) }}
{{- fail "replicaCount above 1 needs externalRedis.enabled: replicas share the relay, consents and subscriptions through Redis." }}
{{- end }}
{{- if and .Values.externalRedis.enabled (not .Values.externalRedis.configuration) (not .Values.externalRedis.existingSecret) }}
{{- fail "externalRedis.enabled needs externalRedis.configuration or externalRedis.existingSecret." }}
{{- end }}
{{- end }}
