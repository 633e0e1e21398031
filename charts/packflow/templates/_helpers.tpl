{{- define "packflow.labels" -}}
app.kubernetes.io/name: packflow
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{- define "packflow.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag }}
{{- end -}}

{{/* Environment variables every container gets (list items, to be indented under env:). */}}
{{- define "packflow.commonEnv" -}}
{{- range $k, $v := .Values.env }}
- name: {{ $k }}
  value: {{ $v | quote }}
{{- end }}
- name: HOST
  value: "0.0.0.0"
{{- with .Values.instance }}
- name: PACKFLOW_INSTANCE
  value: {{ . | quote }}
{{- end }}
{{- end -}}

{{/* Pod annotations that tell Prometheus where GET /metrics is (the port is the argument). */}}
{{- define "packflow.scrapeAnnotations" -}}
prometheus.io/scrape: "true"
prometheus.io/port: {{ . | quote }}
prometheus.io/path: /metrics
{{- end -}}
