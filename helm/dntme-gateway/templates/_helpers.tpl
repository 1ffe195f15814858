{{- define "dntme-gateway.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "dntme-gateway.fullname" -}}
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

{{- define "dntme-gateway.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "dntme-gateway.selectorLabels" -}}
app.kubernetes.io/name: {{ include "dntme-gateway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "dntme-gateway.labels" -}}
helm.sh/chart: {{ include "dntme-gateway.chart" . }}
{{ include "dntme-gateway.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "dntme-gateway.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "dntme-gateway.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "dntme-gateway.secretName" -}}
{{- default (include "dntme-gateway.fullname" .) .Values.existingSecret }}
{{- end }}

{{/*
State that lives in the pod (embedded S3Proxy without s3.endpoint, H2 without postgresql.url) is not
shared between replicas and dies with the pod: refuse to run more than one replica on it.
*/}}
{{- define "dntme-gateway.checkState" -}}
{{- $multi := or .Values.autoscaling.enabled (gt (int .Values.replicaCount) 1) }}
{{- if and $multi (not .Values.s3.endpoint) }}
{{- fail "s3.endpoint is empty: the embedded S3 server keeps objects inside one pod; set s3.endpoint, or run one replica with autoscaling.enabled=false" }}
{{- end }}
{{- if and $multi (not .Values.postgresql.url) }}
{{- fail "postgresql.url is empty: the embedded H2 catalog lives inside one pod; set postgresql.url, or run one replica with autoscaling.enabled=false" }}
{{- end }}
{{- if not (has .Values.s3.publicRead (list "object-acl" "bucket-policy")) }}
{{- fail "s3.publicRead must be object-acl or bucket-policy" }}
{{- end }}
{{- end }}
