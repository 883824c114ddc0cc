/**
 * AWS (and Kubernetes) limits for every kind of physical name Fastish derives.
 * `pattern` is what the service accepts; `maxLength` is its documented limit.
 */
export interface NameRule {
  readonly maxLength: number;
  readonly minLength: number;
  readonly pattern: RegExp;
  /** Characters allowed between parts; names are joined with '-' unless the kind forbids it. */
  readonly lowercase: boolean;
}

const dnsLabelish = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const iamName = /^[\w+=,.@-]+$/;

export const NAME_RULES = {
  stack: { maxLength: 128, minLength: 1, pattern: /^[A-Za-z][A-Za-z0-9-]*$/, lowercase: false },
  iamRole: { maxLength: 64, minLength: 1, pattern: iamName, lowercase: false },
  iamPolicy: { maxLength: 128, minLength: 1, pattern: iamName, lowercase: false },
  lambdaFunction: { maxLength: 64, minLength: 1, pattern: /^[a-zA-Z0-9-_]+$/, lowercase: false },
  s3Bucket: { maxLength: 63, minLength: 3, pattern: /^[a-z0-9][a-z0-9-]*[a-z0-9]$/, lowercase: true },
  loadBalancer: {
    maxLength: 32,
    minLength: 1,
    pattern: /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/,
    lowercase: false,
  },
  targetGroup: {
    maxLength: 32,
    minLength: 1,
    pattern: /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/,
    lowercase: false,
  },
  logGroup: { maxLength: 512, minLength: 1, pattern: /^[.\-_/#A-Za-z0-9]+$/, lowercase: false },
  ecrRepository: { maxLength: 256, minLength: 2, pattern: /^[a-z0-9]+([._/-][a-z0-9]+)*$/, lowercase: true },
  dynamodbTable: { maxLength: 255, minLength: 3, pattern: /^[a-zA-Z0-9_.-]+$/, lowercase: false },
  /** FIFO queues and topics end in `.fifo` (counted in the limit). */
  sqsQueue: { maxLength: 80, minLength: 1, pattern: /^[a-zA-Z0-9_-]+(\.fifo)?$/, lowercase: false },
  snsTopic: { maxLength: 256, minLength: 1, pattern: /^[a-zA-Z0-9_-]+(\.fifo)?$/, lowercase: false },
  kmsAlias: { maxLength: 256, minLength: 7, pattern: /^alias\/[a-zA-Z0-9/_-]+$/, lowercase: false },
  cognitoDomainPrefix: { maxLength: 63, minLength: 1, pattern: dnsLabelish, lowercase: true },
  eksCluster: { maxLength: 100, minLength: 1, pattern: /^[0-9A-Za-z][A-Za-z0-9\-_]*$/, lowercase: false },
  rdsCluster: { maxLength: 63, minLength: 1, pattern: /^[a-z]([a-z0-9-]*[a-z0-9])?$/, lowercase: true },
  mskCluster: { maxLength: 64, minLength: 1, pattern: /^[0-9A-Za-z][0-9A-Za-z-]*$/, lowercase: false },
  kinesisStream: { maxLength: 128, minLength: 1, pattern: /^[a-zA-Z0-9_.-]+$/, lowercase: false },
  secret: { maxLength: 512, minLength: 1, pattern: /^[\w/+=.@-]+$/, lowercase: false },
  wafWebAcl: { maxLength: 128, minLength: 1, pattern: /^[\w-]+$/, lowercase: false },
  apiGateway: { maxLength: 1024, minLength: 1, pattern: /^[\w -]+$/, lowercase: false },
  codePipeline: { maxLength: 100, minLength: 1, pattern: /^[A-Za-z0-9.@\-_]+$/, lowercase: false },
  codeBuildProject: {
    maxLength: 255,
    minLength: 2,
    pattern: /^[A-Za-z0-9][A-Za-z0-9\-_]*$/,
    lowercase: false,
  },
  k8sName: { maxLength: 63, minLength: 1, pattern: dnsLabelish, lowercase: true },
  k8sLabelValue: {
    maxLength: 63,
    minLength: 0,
    pattern: /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/,
    lowercase: false,
  },
  ssmParameter: { maxLength: 1011, minLength: 1, pattern: /^\/[a-zA-Z0-9_.\-/]+$/, lowercase: false },
  cdkQualifier: { maxLength: 10, minLength: 1, pattern: /^[a-z0-9]+$/, lowercase: true },
  amplifyApp: { maxLength: 255, minLength: 1, pattern: /^[\w -]+$/, lowercase: false },
  userPool: { maxLength: 128, minLength: 1, pattern: /^[\w\s+=,.@-]+$/, lowercase: false },
} as const satisfies Record<string, NameRule>;

export type NameKind = keyof typeof NAME_RULES;
