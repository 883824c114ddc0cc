/**
 * What Fastish relies on from upstream sources, read at the versions pinned in `versions.ts` and kept as data
 * so contract tests can hold the synthesized output against it (DESIGN.md §6–7). Every fact names the
 * repository, tag, commit and path it was read from. When a pin moves, the contract tests fail until the
 * facts are re-read at the new tag and their `version` updated.
 */

import type { UpstreamSource } from './upstream-source';
import type { VERSIONS } from './versions';

export type { UpstreamSource };

/** How a controller's AWS SDK clients learn the region (and VPC) when the node's IMDS is out of reach. */
export interface AwsRegionFact {
  /** Values key holding a list of container env vars (`{ name, value }`) the SDK's pod gets. */
  readonly envValuesKey?: string;
  /** Env var names the app's SDK reads the region from, in order. */
  readonly envNames?: readonly string[];
  /** Values keys the chart turns into the controller's region and VPC flags. */
  readonly regionValuesKey?: string;
  readonly vpcIdValuesKey?: string;
  /** Kind of the custom resource whose spec carries the region the controller uses. */
  readonly regionInSpecOf?: string;
  /** What the upstream code does without it, with the paths read. */
  readonly evidence: readonly string[];
}

/** Facts about one Helm chart at one version. */
export interface ChartFacts {
  /** Chart version the facts were read at; must equal the pin in `VERSIONS.eks.charts`. */
  readonly version: string;
  readonly source: UpstreamSource;
  /** Directory of the chart in the repository. */
  readonly chartPath: string;
  /**
   * Values keys (dot paths) Fastish may set that exist in the chart's `values.yaml` at the tag (or, where
   * `values.yaml` shows one only as a comment, in its `values.schema.json`). The subtree of a listed key is
   * the chart's to interpret (lists, free-form maps such as `resources`).
   */
  readonly valuesKeys: readonly string[];
  /** Absent for charts whose pods call no AWS API. */
  readonly awsRegion?: AwsRegionFact;
  /** ClusterRoles the chart labels for aggregation into Kubernetes' user-facing roles. */
  readonly aggregatedRoles?: readonly AggregatedRoleFact[];
}

/** Kubernetes' user-facing ClusterRoles (`view`, `edit`, `admin`). */
export type UserFacingRole = 'view' | 'edit' | 'admin';

/** A chart's ClusterRole that Kubernetes aggregates into user-facing roles through its labels. */
export interface AggregatedRoleFact {
  readonly clusterRole: string;
  readonly apiGroup: string;
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  /** Per user-facing role: the values key that turns the aggregation label on, or `true` if always set. */
  readonly aggregateTo: Readonly<Partial<Record<UserFacingRole, string | true>>>;
}

/**
 * How Kubernetes builds its user-facing roles: each aggregates the ClusterRoles labelled
 * `rbac.authorization.k8s.io/aggregate-to-<role>`, and `view` itself is labelled aggregate-to-edit, `edit`
 * aggregate-to-admin, so what reaches `view` reaches `edit` and `admin` too.
 */
export const KUBERNETES_RBAC_FACTS = {
  source: {
    repository: 'kubernetes/kubernetes',
    tag: 'master',
    commit: '53f1b9d6f8de259644c05a25aa7ac8c6a67258e2',
  } satisfies UpstreamSource,
  path: 'plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go (clusterRoles: admin, edit, view)',
  /** The user-facing roles whose aggregated rules each one also receives. */
  includes: { view: [], edit: ['view'], admin: ['edit', 'view'] } as Readonly<
    Record<UserFacingRole, readonly UserFacingRole[]>
  >,
};

/** The AWS SDK for Go v2 reads the region from these env vars, in this order (then shared config, then IMDS). */
const GO_SDK_V2_REGION_ENV = ['AWS_REGION', 'AWS_DEFAULT_REGION'] as const;
const GO_SDK_V2_EVIDENCE =
  'aws/aws-sdk-go-v2 config/env_config.go: regionEnvKeys = [AWS_REGION, AWS_DEFAULT_REGION]; EKS Pod Identity sets only AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (AWS SDKs and Tools Reference Guide, "Container credential provider")';

export const CHART_FACTS: Record<keyof typeof VERSIONS.eks.charts, ChartFacts> = {
  karpenter: {
    version: '1.8.1',
    source: {
      repository: 'aws/karpenter-provider-aws',
      tag: 'v1.8.1',
      commit: '1ad0d78f8fa452cf27f4cf607377dd092489e2a0',
    },
    chartPath: 'charts/karpenter',
    valuesKeys: [
      'settings.clusterName',
      // values.yaml: "Cluster endpoint. If not set, will be discovered during startup (EKS only)";
      // templates/deployment.yaml renders it as CLUSTER_ENDPOINT.
      'settings.clusterEndpoint',
      'settings.interruptionQueue',
      'serviceAccount.create',
      'serviceAccount.name',
      'replicas',
      'dnsPolicy',
      'tolerations',
      // values.yaml: "Additional environment variables for the controller pod" (its commented example is
      // AWS_REGION); templates/deployment.yaml appends the list to the controller container's env.
      'controller.env',
      'controller.resources',
      'podDisruptionBudget.name',
      'podDisruptionBudget.maxUnavailable',
    ],
    awsRegion: {
      envValuesKey: 'controller.env',
      envNames: GO_SDK_V2_REGION_ENV,
      evidence: [
        'pkg/operator/operator.go NewOperator: config.LoadDefaultConfig, then if cfg.Region == "" lo.Must(imds...GetRegion) — a panic, so the pod crash-loops without a region when IMDS is unreachable',
        'pkg/operator/operator.go ResolveClusterEndpoint: options.ClusterEndpoint if set, else eks:DescribeCluster at startup',
        GO_SDK_V2_EVIDENCE,
      ],
    },
  },
  karpenterCrd: {
    version: '1.8.1',
    source: {
      repository: 'aws/karpenter-provider-aws',
      tag: 'v1.8.1',
      commit: '1ad0d78f8fa452cf27f4cf607377dd092489e2a0',
    },
    // templates/*.yaml are the CRDs; the only value is `additionalAnnotations`, which Fastish leaves empty.
    // hack/release/common.sh publishes karpenter and karpenter-crd with the same chart version;
    // website/content/en/v1.8/upgrading/upgrade-guide.md ("CRD Upgrades"): the `karpenter` chart's crds/ are
    // installed on the first install only, so upgrades need the karpenter-crd chart.
    chartPath: 'charts/karpenter-crd',
    valuesKeys: [],
  },
  awsLoadBalancerController: {
    version: '3.2.2',
    source: {
      repository: 'kubernetes-sigs/aws-load-balancer-controller',
      tag: 'v3.2.2',
      commit: '32e047bc1709597dbb9a496b36d6d87fb903661c',
    },
    chartPath: 'helm/aws-load-balancer-controller',
    valuesKeys: [
      'clusterName',
      'region',
      'vpcId',
      'replicaCount',
      'serviceAccount.create',
      'serviceAccount.name',
      'defaultTargetType',
      'createIngressClassResource',
      'enableServiceMutatorWebhook',
      'tolerations',
      'resources',
    ],
    awsRegion: {
      regionValuesKey: 'region',
      vpcIdValuesKey: 'vpcId',
      evidence: [
        'templates/deployment.yaml: region -> --aws-region, vpcId -> --aws-vpc-id',
        'pkg/aws/cloud.go NewCloud: without --aws-region, AWS_DEFAULT_REGION, AWS_REGION, then EC2 metadata (error "specify --aws-region instead if EC2Metadata is unavailable"); getVpcID: without --aws-vpc-id or --aws-vpc-tags, EC2 metadata',
      ],
    },
  },
  certManager: {
    version: 'v1.19.1',
    source: {
      repository: 'cert-manager/cert-manager',
      tag: 'v1.19.1',
      commit: 'a22e21ea38f6a8e031af99471b0a50287fed8e7f',
    },
    chartPath: 'deploy/charts/cert-manager',
    valuesKeys: [
      'crds.enabled',
      'crds.keep',
      'replicaCount',
      'serviceAccount.create',
      // values.yaml has it only as a comment (`# name: ""`, +docs:property); values.schema.json defines
      // helm-values.serviceAccount.name and _helpers.tpl uses it for the controller's service account.
      'serviceAccount.name',
      'tolerations',
      'webhook.tolerations',
      'cainjector.tolerations',
      'startupapicheck.tolerations',
      'securityContext.runAsNonRoot',
      'enableCertificateOwnerRef',
    ],
    awsRegion: {
      regionInSpecOf: 'ClusterIssuer',
      evidence: [
        'pkg/issuer/acme/dns/route53/route53.go GetSession: the Issuer region (spec.acme.solvers[].dns01.route53.region) is used unless AWS_REGION/AWS_DEFAULT_REGION is set with ambient credentials',
      ],
    },
  },
  externalDns: {
    version: '1.19.0',
    source: {
      repository: 'kubernetes-sigs/external-dns',
      tag: 'external-dns-helm-chart-1.19.0',
      commit: 'b740777701f0684cbc2ab664af3eaa7ec3f7576f',
    },
    chartPath: 'charts/external-dns',
    valuesKeys: [
      'provider.name',
      'domainFilters',
      'extraArgs',
      'policy',
      'registry',
      'txtOwnerId',
      'sources',
      'serviceAccount.create',
      'serviceAccount.name',
      'tolerations',
      // templates/deployment.yaml: the list becomes the container's env.
      'env',
    ],
    awsRegion: {
      envValuesKey: 'env',
      envNames: GO_SDK_V2_REGION_ENV,
      evidence: [
        'provider/aws/config.go (tag v0.19.0, eafce22825a6565c5f228e49bcfc117b128786a9) newV2Config: config.LoadDefaultConfig with no region option',
        GO_SDK_V2_EVIDENCE,
      ],
    },
  },
  externalSecrets: {
    version: '0.20.4',
    source: {
      repository: 'external-secrets/external-secrets',
      tag: 'helm-chart-0.20.4',
      commit: 'e594d361184afb8bd76f246490fff2d74c9a4849',
    },
    chartPath: 'deploy/charts/external-secrets',
    valuesKeys: [
      'installCRDs',
      'serviceAccount.create',
      'serviceAccount.name',
      'tolerations',
      'webhook.tolerations',
      'certController.tolerations',
      'rbac.aggregateToView',
      'rbac.aggregateToEdit',
    ],
    // templates/rbac.yaml (with processClusterStore, processPushSecret, processClusterPushSecret at their
    // defaults, true): `<fullname>-view` and `<fullname>-edit`; the aggregate-to-admin label is unconditional.
    aggregatedRoles: [
      {
        clusterRole: 'external-secrets-view',
        apiGroup: 'external-secrets.io',
        resources: [
          'externalsecrets',
          'secretstores',
          'clustersecretstores',
          'pushsecrets',
          'clusterpushsecrets',
        ],
        verbs: ['get', 'watch', 'list'],
        aggregateTo: { view: 'rbac.aggregateToView', edit: 'rbac.aggregateToEdit', admin: true },
      },
      {
        clusterRole: 'external-secrets-edit',
        apiGroup: 'external-secrets.io',
        resources: [
          'externalsecrets',
          'secretstores',
          'clustersecretstores',
          'pushsecrets',
          'clusterpushsecrets',
        ],
        verbs: ['create', 'delete', 'deletecollection', 'patch', 'update'],
        aggregateTo: { edit: 'rbac.aggregateToEdit', admin: true },
      },
    ],
    awsRegion: {
      regionInSpecOf: 'SecretStore',
      evidence: [
        'apis/externalsecrets/v1/secretstore_aws_types.go: AWSProvider.Region `json:"region"` (required)',
        'pkg/provider/aws/auth/auth.go New: config.WithRegion(prov.Region) for the store',
      ],
    },
  },
  k8sMonitoring: {
    version: '2.1.4',
    source: {
      repository: 'grafana/k8s-monitoring-helm',
      tag: 'v2.1.4',
      commit: '597e4992da00bec50cddf274eed6fa4eb92587b3',
    },
    chartPath: 'charts/k8s-monitoring',
    valuesKeys: [
      'cluster.name',
      'destinations',
      'clusterMetrics.enabled',
      'clusterEvents.enabled',
      'podLogs.enabled',
      'alloy-metrics.enabled',
      'alloy-singleton.enabled',
      'alloy-logs.enabled',
      // values.yaml: the annotation autodiscovery feature (default off); its subchart reads
      // k8s.grafana.com/scrape and k8s.grafana.com/metrics.portNumber (K8S_MONITORING_DISCOVERY_FACTS).
      'annotationAutodiscovery.enabled',
    ],
  },
};

/**
 * When an External Secrets store or AWS generator reads with the controller's own credentials, and how a
 * ClusterSecretStore limits who may use it (chart 0.20.4, the facts above).
 */
export const EXTERNAL_SECRETS_FACTS = {
  source: CHART_FACTS.externalSecrets.source,
  /**
   * `auth` is a struct, not a pointer (`json:"auth,omitempty"`): a store with `auth: {}` or none both fall to
   * the default credential chain, the controller's Pod Identity. Only these members bring other credentials.
   */
  awsAuthMembers: ['secretRef', 'jwt'],
  /** Generators (generators.external-secrets.io) whose `spec.auth` has the same AWSAuth shape. */
  awsGenerators: ['ecrauthorizationtokens', 'stssessiontokens'],
  evidence: [
    'apis/externalsecrets/v1/secretstore_aws_types.go: AWSProvider.Auth AWSAuth `json:"auth,omitempty"`; AWSAuth{SecretRef `json:"secretRef"`, JWTAuth `json:"jwt"`}',
    "pkg/provider/aws/auth/auth.go constructCredsProvider: jwt → service-account token, secretRef → static keys, default → nil (config.LoadDefaultConfig: the pod's own credentials)",
    'apis/generators/v1alpha1/types_ecr.go, types_sts.go: ECRAuthorizationTokenSpec / STSSessionTokenSpec Auth AWSAuth `json:"auth,omitempty"`, Role',
    'pkg/provider/kubernetes/auth.go getAuth: without auth or authRef, "no auth provider given" (no ambient credentials)',
    'pkg/controllers/secretstore/client_manager.go shouldProcessSecret: a ClusterSecretStore with conditions serves an ExternalSecret only if its namespace matches namespaces, namespaceSelector or namespaceRegexes',
  ],
} as const;

/** Facts about the Helm binary aws-cdk-lib's kubectl handler runs (shipped in the kubectl layer). */
export interface HelmFacts {
  /** Helm release in the kubectl layer pinned by `VERSIONS.eks.kubectlLayer` (its `layer/Dockerfile`). */
  readonly version: string;
  readonly source: UpstreamSource;
  /** `--timeout` when none is given. */
  readonly defaultTimeoutSeconds: number;
  /**
   * Times Helm may wait for a release that fails under `--atomic` (rollback-on-failure): the install or
   * upgrade, then the uninstall or rollback, each with the same `--timeout`.
   */
  readonly atomicWaits: number;
  readonly evidence: readonly string[];
}

export const HELM_FACTS: HelmFacts = {
  version: '4.1.4',
  source: { repository: 'helm/helm', tag: 'v4.1.4', commit: '05fa37973dc9e42b76e1d2883494c87174b6074f' },
  defaultTimeoutSeconds: 300,
  atomicWaits: 2,
  evidence: [
    'pkg/cmd/upgrade.go: --timeout defaults to 300s; --atomic is a deprecated alias of --rollback-on-failure',
    'pkg/action/install.go failRelease: with RollbackOnFailure, uninstall with Timeout = i.Timeout and the same wait strategy',
    'pkg/action/upgrade.go failRelease: with RollbackOnFailure, rollback with Timeout = u.Timeout and the same wait strategy',
  ],
};

/** Facts about an EKS managed add-on's configuration, read from the chart its configuration schema follows. */
export interface AddonFacts {
  /** Upstream release of the pinned add-on build (`VERSIONS.eks.addons`, without `-eksbuild.N`). */
  readonly version: string;
  readonly source: UpstreamSource;
  readonly chartPath: string;
  /** `configurationValues` keys (dot paths) Fastish sets, each in the chart's values.yaml at the tag. */
  readonly configurationKeys: Readonly<Record<string, 'string' | 'object'>>;
  readonly evidence: readonly string[];
}

export const ADDON_FACTS = {
  vpcCni: {
    version: 'v1.20.4',
    source: {
      repository: 'aws/amazon-vpc-cni-k8s',
      tag: 'v1.20.4',
      commit: 'db19d13cd19abed1334112da3c8de9613328aa00',
    },
    chartPath: 'charts/aws-vpc-cni',
    configurationKeys: {
      'env.ENABLE_PREFIX_DELEGATION': 'string',
      'env.WARM_PREFIX_TARGET': 'string',
      enableNetworkPolicy: 'string',
    },
    evidence: [
      'values.yaml: enableNetworkPolicy: "false" (a string), nodeAgent.enabled: true; env.ENABLE_PREFIX_DELEGATION: "false", env.WARM_PREFIX_TARGET: "1"',
      'templates/configmap.yaml: amazon-vpc-cni ConfigMap enable-network-policy-controller: {{ .Values.enableNetworkPolicy | quote }} (the policy controller, which EKS runs in the control plane, reads it)',
      'templates/daemonset.yaml: aws-network-policy-agent container args --enable-network-policy={{ .Values.enableNetworkPolicy }}',
      'Without it NetworkPolicies are accepted by the API server and enforced by nobody. The EKS add-on schema itself (DescribeAddonConfiguration) needs an account: `fastish preflight` reads it',
    ],
  },
} as const satisfies Record<string, AddonFacts>;

/** Where pods reach the EKS Pod Identity agent (a host-network DaemonSet on every node). */
export const POD_IDENTITY_AGENT_FACTS = {
  source: {
    repository: 'aws/eks-pod-identity-agent',
    tag: 'main',
    commit: 'd4dc0f3fedd795b26ac88755238867a2110c7460',
  } satisfies UpstreamSource,
  ipv4: '169.254.170.23',
  port: 80,
  evidence: [
    'configuration/config.go: DefaultIpv4TargetHost = "169.254.170.23"',
    'charts/eks-pod-identity-agent/templates/daemonset.yaml: hostNetwork: true; server args --port "80" (--probe-port 2703 is for the kubelet, not pods)',
  ],
} as const;

/**
 * Bottlerocket's public SSM parameters. The managed node group's `releaseVersion` for Bottlerocket AMI types is
 * the release's `image_version` (`<version>-<build>`); EKS rejects the bare version.
 */
export const BOTTLEROCKET_FACTS = {
  // The stored snapshot ends at the 1.26 line (develop); v1.53.0 is not in it. The parameter layout is the
  // one Karpenter v1.8.1 also reads (KARPENTER_AMI_ALIAS_PARAMETERS), so it still holds at the pin.
  source: {
    repository: 'bottlerocket-os/bottlerocket',
    tag: 'develop',
    commit: '91632ff50cafaae1d5b3710a8f799141b5966595',
  } satisfies UpstreamSource,
  imageVersionParameter: '/aws/service/bottlerocket/aws-k8s-{kubernetes}/{arch}/{version}/image_version',
  evidence: [
    'QUICKSTART-EKS.md "Finding an AMI": parameters /aws/service/bottlerocket/aws-k8s-<minor>/<x86_64|arm64>/latest/image_id and .../image_version; "if you know a specific Bottlerocket version ... replace latest with that version"',
    'cloudposse/terraform-aws-eks-node-group#209: CreateNodegroup refused releaseVersion "1.34.0" and accepted "1.34.0-18d04e52"',
  ],
} as const;

/**
 * The IAM policies controllers publish (Karpenter, the AWS Load Balancer Controller), as the calls they
 * make, and the SSM parameters Karpenter's AMI aliases resolve to: replayed by the deploy rehearsal.
 */
export {
  CONTROLLER_POLICY_FACTS,
  type ControllerCallFact,
  type ControllerPolicyFacts,
  KARPENTER_AMI_ALIAS_PARAMETERS,
} from './upstream-controller-policies';

/** Druid's image, operator, AWS SDK, MSK IAM library and node-allocatable facts. */
export * from './upstream-facts-druid';
