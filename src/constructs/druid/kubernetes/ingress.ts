import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { DRUID_PORTS, type DruidKubernetesProps, LABELS } from './types';

/**
 * The router behind an internal ALB (AWS Load Balancer Controller) with TLS to the pods. No deletion
 * protection: the controller deletes the ALB when the Ingress goes, and a protected ALB would fail that
 * delete and leave the stack's deletion stuck on the Ingress finalizer.
 */
export function routerIngress(props: DruidKubernetesProps, ns: string, service: string): IIngress {
  const cidrs = props.ingress.allowedCidrs.length > 0 ? props.ingress.allowedCidrs : [props.vpcCidr];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: 'druid-router',
      namespace: ns,
      labels: LABELS,
      annotations: {
        'alb.ingress.kubernetes.io/scheme': 'internal',
        'alb.ingress.kubernetes.io/target-type': 'ip',
        'alb.ingress.kubernetes.io/listen-ports': '[{"HTTPS":443}]',
        'alb.ingress.kubernetes.io/ssl-policy': 'ELBSecurityPolicy-TLS13-1-2-2021-06',
        'alb.ingress.kubernetes.io/backend-protocol': 'HTTPS',
        'alb.ingress.kubernetes.io/healthcheck-protocol': 'HTTPS',
        'alb.ingress.kubernetes.io/healthcheck-path': '/status/health',
        'alb.ingress.kubernetes.io/inbound-cidrs': cidrs.join(','),
        'alb.ingress.kubernetes.io/load-balancer-attributes':
          'routing.http.drop_invalid_header_fields.enabled=true',
        ...(props.ingress.certificateArn
          ? { 'alb.ingress.kubernetes.io/certificate-arn': props.ingress.certificateArn }
          : {}),
      },
    },
    spec: {
      ingressClassName: props.ingress.ingressClass,
      tls: [{ hosts: [props.ingress.hostname] }],
      rules: [
        {
          host: props.ingress.hostname,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: service, port: { number: DRUID_PORTS.router } } },
              },
            ],
          },
        },
      ],
    },
  };
}
