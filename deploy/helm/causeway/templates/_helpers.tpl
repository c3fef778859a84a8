{{/* Labels on every object; app.kubernetes.io/name and component select the router pod. */}}
{{- define "causeway.labels" -}}
app.kubernetes.io/name: causeway
app.kubernetes.io/part-of: causeway
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "causeway.selector" -}}
app.kubernetes.io/name: causeway
app.kubernetes.io/component: router
{{- end -}}

{{- define "causeway.image" -}}
{{ printf "%s:%s" .Values.image.repository .Values.image.tag }}
{{- end -}}

{{- define "causeway.siteId" -}}
{{ required "site.id is required: the site id of this cluster, as in Secret causeway-site" .Values.site.id }}
{{- end -}}

{{- define "causeway.containerSecurity" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end -}}
