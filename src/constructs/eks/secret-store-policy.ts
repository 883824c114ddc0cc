/**
 * Admission rules that keep the External Secrets controller's own AWS identity out of team namespaces. A
 * SecretStore (or AWS generator) without credentials of its own reads with the controller's Pod Identity,
 * which may read platform secrets (Druid's passwords, the Grafana Cloud token): in a namespace a team can
 * write to, that would copy them into the team's Secrets. Enforced by the API server itself
 * (ValidatingAdmissionPolicy, admissionregistration.k8s.io/v1, GA since Kubernetes 1.30), so no webhook
 * has to be running for the rule to hold.
 */
import type { IValidatingAdmissionPolicy } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy';
import type { IValidatingAdmissionPolicyBinding } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding';
import type { K8sObject } from './manifests';

/** `has(<path>.auth)` with one of the AWSAuth members that bring credentials other than the controller's. */
function ownCredentials(path: string): string {
  return `has(${path}.auth) && (has(${path}.auth.secretRef) || has(${path}.auth.jwt))`;
}

/** CEL: a SecretStore either has no AWS provider or names its own AWS credentials. */
export const SECRET_STORE_EXPRESSION = `!has(object.spec.provider.aws) || (${ownCredentials('object.spec.provider.aws')})`;
/** CEL: an AWS generator (ECR token, STS session token) names its own AWS credentials. */
export const AWS_GENERATOR_EXPRESSION = ownCredentials('object.spec');

export interface OwnCredentialsPolicyOptions {
  /** Label every namespace the rule covers carries (its value does not matter). */
  readonly namespaceLabel: string;
}

const LABELS = { 'app.kubernetes.io/managed-by': 'fastish' };

function policyWithBinding(
  name: string,
  rule: { apiGroup: string; resources: string[] },
  expression: string,
  message: string,
  o: OwnCredentialsPolicyOptions,
): K8sObject[] {
  const policy: IValidatingAdmissionPolicy = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name, labels: LABELS },
    spec: {
      // An expression that cannot be evaluated refuses the request rather than letting it through.
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [
          {
            apiGroups: [rule.apiGroup],
            apiVersions: ['*'],
            operations: ['CREATE', 'UPDATE'],
            resources: rule.resources,
          },
        ],
      },
      validations: [{ expression, message, reason: 'Forbidden' }],
    },
  };
  const binding: IValidatingAdmissionPolicyBinding = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name, labels: LABELS },
    spec: {
      policyName: name,
      validationActions: ['Deny'],
      matchResources: {
        namespaceSelector: { matchExpressions: [{ key: o.namespaceLabel, operator: 'Exists' }] },
      },
    },
  };
  return [policy as unknown as K8sObject, binding as unknown as K8sObject];
}

/**
 * Two policies, each with a binding to the namespaces carrying `namespaceLabel`: SecretStores with an AWS
 * provider, and the AWS generators, must name credentials of their own (`auth.jwt` or `auth.secretRef`).
 */
export function ownCredentialsPolicies(o: OwnCredentialsPolicyOptions): K8sObject[] {
  const why =
    "without them it would read with the External Secrets controller's own identity, which may read platform secrets";
  return [
    ...policyWithBinding(
      'fastish-secret-stores-own-credentials',
      { apiGroup: 'external-secrets.io', resources: ['secretstores'] },
      SECRET_STORE_EXPRESSION,
      `A SecretStore in a team namespace must name its AWS credentials (spec.provider.aws.auth.jwt or .secretRef): ${why}`,
      o,
    ),
    ...policyWithBinding(
      'fastish-aws-generators-own-credentials',
      {
        apiGroup: 'generators.external-secrets.io',
        resources: ['ecrauthorizationtokens', 'stssessiontokens'],
      },
      AWS_GENERATOR_EXPRESSION,
      `An AWS generator in a team namespace must name its AWS credentials (spec.auth.jwt or .secretRef): ${why}`,
      o,
    ),
  ];
}
