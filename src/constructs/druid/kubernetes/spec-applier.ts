import { createHash } from 'node:crypto';
import { Stack } from 'aws-cdk-lib';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { DruidApiCall } from '../specs';
import { DRUID_PORTS, type DruidKubernetesProps, K8S_SECRETS, LABELS } from './types';

/** Shell run by the applier: waits for the router, then posts each file; basic auth via curl's stdin config. */
export function applierScript(base: string, calls: readonly DruidApiCall[]): string {
  const lines = [
    '#!/bin/sh',
    'set -eu',
    `BASE='${base}'`,
    'auth() { printf \'user = "admin:%s"\\n\' "$DRUID_ADMIN_PASSWORD"; }',
    'call() {',
    '  auth | curl --config - --fail-with-body -sS --retry 60 --retry-all-errors --retry-delay 10 \\',
    '    --cacert /tls/ca.crt -H "Content-Type: $3" -X POST --data-binary "@/specs/$2" "$BASE$1"',
    '  echo',
    '}',
    'auth | curl --config - -fsS --retry 90 --retry-all-errors --retry-delay 10 --cacert /tls/ca.crt "$BASE/status/health"',
    'echo',
  ];
  for (const c of calls) lines.push(`call '${c.path}' '${c.file}' 'application/json'`);
  return `${lines.join('\n')}\n`;
}

/**
 * Jobs posting the datasource calls through the router. Each Job's name carries a hash of what it posts:
 * `druid-apply-specs-*` (supervisors, rules, compaction: re-posting is idempotent) runs again when any of
 * them changes; `druid-backfill-*` (one-off batch tasks, whose REPLACE overwrites its interval) hashes
 * only the backfills, so a spec change never re-runs a backfill over data the stream has written since.
 */
export function specApplierJobs(
  props: DruidKubernetesProps,
  ns: string,
  routerService: string,
): { specs: Array<IConfigMap | IJob>; backfill: Array<IConfigMap | IJob> } {
  const specs = props.apiCalls.filter((c) => !c.once);
  const once = props.apiCalls.filter((c) => c.once);
  return {
    specs: specs.length > 0 ? applierJob(props, ns, routerService, 'druid-apply-specs', specs) : [],
    backfill: once.length > 0 ? applierJob(props, ns, routerService, 'druid-backfill', once) : [],
  };
}

function applierJob(
  props: DruidKubernetesProps,
  ns: string,
  routerService: string,
  prefix: string,
  calls: readonly DruidApiCall[],
): Array<IConfigMap | IJob> {
  const stack = Stack.of(props.cluster);
  const base = `https://${routerService}.${ns}.svc:${DRUID_PORTS.router}`;
  const data: Record<string, string> = { 'apply.sh': applierScript(base, calls) };
  for (const call of calls) data[call.file] = stack.toJsonString(call.body);
  const digest = createHash('sha256')
    .update(JSON.stringify(stack.resolve(data)))
    .digest('hex')
    .slice(0, 10);
  const name = `${prefix}-${digest}`;
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels: LABELS }, data },
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name, namespace: ns, labels: LABELS },
      spec: {
        backoffLimit: 3,
        ttlSecondsAfterFinished: 604_800,
        activeDeadlineSeconds: 3_600,
        template: {
          metadata: { labels: { ...LABELS, 'druid.fastish.io/job': prefix.replace(/^druid-/, '') } },
          spec: {
            restartPolicy: 'OnFailure',
            automountServiceAccountToken: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 100,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [
              {
                name: 'apply',
                image: props.curlImage,
                command: ['/bin/sh', '/specs/apply.sh'],
                env: [
                  {
                    name: 'DRUID_ADMIN_PASSWORD',
                    valueFrom: { secretKeyRef: { name: K8S_SECRETS.admin, key: 'password' } },
                  },
                ],
                resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { memory: '64Mi' } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
                volumeMounts: [
                  { name: 'specs', mountPath: '/specs', readOnly: true },
                  { name: 'tls', mountPath: '/tls', readOnly: true },
                ],
              },
            ],
            volumes: [
              { name: 'specs', configMap: { name } },
              {
                name: 'tls',
                secret: { secretName: K8S_SECRETS.tls, items: [{ key: 'ca.crt', path: 'ca.crt' }] },
              },
            ],
          },
        },
      },
    },
  ];
}
