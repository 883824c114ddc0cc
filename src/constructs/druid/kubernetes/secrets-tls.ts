import type { ICertificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate';
import type { IIssuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Issuer';
import type { IExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret';
import type { ISecretStore } from '@kubernetes-models/external-secrets/external-secrets.io/v1/SecretStore';
import { K8S_SECRETS, type K8sObject, LABELS, obj } from './types';

/** SecretStore (External Secrets, the controller's Pod Identity) and the Secrets the pods read. */
export function secretObjects(
  ns: string,
  region: string,
  arns: { metadata: string; admin: string; internal: string; keystore: string },
): K8sObject[] {
  const store: ISecretStore = {
    apiVersion: 'external-secrets.io/v1',
    kind: 'SecretStore',
    metadata: { name: 'aws-secrets-manager', namespace: ns, labels: LABELS },
    spec: { provider: { aws: { service: 'SecretsManager', region } } },
  };
  const sync = (name: string, arn: string, mapping: Record<string, string | undefined>): IExternalSecret => ({
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name, namespace: ns, labels: LABELS },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { kind: 'SecretStore', name: 'aws-secrets-manager' },
      target: { name, creationPolicy: 'Owner' },
      data: Object.entries(mapping).map(([secretKey, property]) => ({
        secretKey,
        remoteRef: { key: arn, ...(property ? { property } : {}) },
      })),
    },
  });
  return [
    obj(store),
    obj(sync(K8S_SECRETS.metadata, arns.metadata, { password: 'password' })),
    obj(sync(K8S_SECRETS.admin, arns.admin, { password: undefined })),
    obj(sync(K8S_SECRETS.internal, arns.internal, { password: undefined })),
    obj(sync(K8S_SECRETS.keystore, arns.keystore, { password: undefined })),
  ];
}

/**
 * TLS: a namespace CA (self-signed root) issuing the Druid certificate with a PKCS12 keystore. cert-manager
 * renews the leaf every 75 days; Druid reloads the rewritten keystore (`reloadSslContext`).
 */
export function tlsObjects(ns: string, crName: string, routerService: string, hostname: string): K8sObject[] {
  const selfSigned: IIssuer = {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Issuer',
    metadata: { name: 'druid-selfsigned', namespace: ns, labels: LABELS },
    spec: { selfSigned: {} },
  };
  const caCert: ICertificate = {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: 'druid-ca', namespace: ns, labels: LABELS },
    spec: {
      isCA: true,
      commonName: `druid-${crName}-ca`,
      secretName: 'druid-ca',
      duration: '87600h',
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      issuerRef: { name: 'druid-selfsigned', kind: 'Issuer' },
    },
  };
  const caIssuer: IIssuer = {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Issuer',
    metadata: { name: 'druid-ca', namespace: ns, labels: LABELS },
    spec: { ca: { secretName: 'druid-ca' } },
  };
  const tlsCert: ICertificate = {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: K8S_SECRETS.tls, namespace: ns, labels: LABELS },
    spec: {
      secretName: K8S_SECRETS.tls,
      duration: '2160h',
      renewBefore: '360h',
      commonName: `${routerService}.${ns}.svc`,
      dnsNames: [`*.${ns}.svc`, `*.${ns}.svc.cluster.local`, `*.${ns}.pod.cluster.local`, hostname],
      privateKey: { algorithm: 'RSA', size: 2048, rotationPolicy: 'Always' },
      usages: ['server auth', 'client auth', 'digital signature', 'key encipherment'],
      issuerRef: { name: 'druid-ca', kind: 'Issuer' },
      keystores: {
        pkcs12: { create: true, passwordSecretRef: { name: K8S_SECRETS.keystore, key: 'password' } },
      },
    },
  };
  return [obj(selfSigned), obj(caCert), obj(caIssuer), obj(tlsCert)];
}
