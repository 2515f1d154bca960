{{/* Names and labels shared by the templates. */}}

{{- define "switchyard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* "<release>-switchyard", or the release name when it already contains the chart name. */}}
{{- define "switchyard.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* The controller's objects: Deployment, ClusterRole(Binding) ("-controller" as in deploy/base). */}}
{{- define "switchyard.controller" -}}
{{- printf "%s-controller" (include "switchyard.fullname" .) }}
{{- end }}

{{- define "switchyard.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "switchyard.controller" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The host provisioned proxies dial for xDS: this chart's Service. */}}
{{- define "switchyard.xdsHost" -}}
{{- printf "%s.%s.svc.%s" (include "switchyard.fullname" .) .Release.Namespace .Values.controller.clusterDomain }}
{{- end }}

{{- define "switchyard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "switchyard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: controller
{{- end }}

{{- define "switchyard.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "switchyard.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The rules of a deploy/base RBAC file (files/base links to deploy/base): one source for both installs. */}}
{{- define "switchyard.baseRules" -}}
{{- $doc := regexSplit "(?m)^---\\s*$" (.root.Files.Get (printf "files/base/%s.yaml" .file)) -1 | first | fromYaml }}
{{- if not $doc.rules }}{{ fail (printf "files/base/%s.yaml has no rules (is the link files/base to deploy/base intact?)" .file) }}{{ end }}
{{- toYaml $doc.rules }}
{{- end }}

{{/* Cross-field checks the schema cannot word well. */}}
{{- define "switchyard.validate" -}}
{{- if and .Values.controller.enabled (not .Values.controller.leaderElection.enabled) (gt (int .Values.controller.replicas) 1) }}
{{- fail (printf "controller.replicas is %d but controller.leaderElection.enabled is false: without leader election every replica writes status; use one replica or enable leader election" (int .Values.controller.replicas)) }}
{{- end }}
{{- end }}
