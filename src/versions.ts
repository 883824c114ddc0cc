/**
 * Every pinned version in Fastish. One place, so an upgrade is one reviewed diff.
 * Architecture-specific pins (Kubernetes, add-ons, charts, Druid) are added below by their stacks.
 */
export const VERSIONS = {
  /** Version the bootstrap stack writes to `/cdk-bootstrap/<qualifier>/version` (CDK's bootstrap template v30 equivalent). */
  bootstrap: 30,
  /** Minimum bootstrap version the synthesizer demands of an environment. */
  minBootstrap: 30,
  /** Delivery pipeline (`release`): CodeBuild image and runtimes, CDK CLI for self-mutation and assets. */
  release: {
    codeBuildImage: 'aws/codebuild/standard:7.0',
    nodejs: '20',
    cdkCli: '2.1148.1',
  },
  /**
   * EKS platform (`eks` architecture). Kubernetes minor, the matching kubectl layer package (its major must
   * equal the Kubernetes minor), EKS managed add-on builds and Helm charts. Add-on builds are those EKS lists
   * for the Kubernetes version (`aws eks describe-addon-versions --kubernetes-version <v> --addon-name <n>`).
   */
  eks: {
    kubernetes: '1.34',
    /** npm package providing `KubectlV34Layer`; must match `kubernetes`. */
    kubectlLayer: '@aws-cdk/lambda-layer-kubectl-v34',
    /** Bottlerocket release pinned in Karpenter's `amiSelectorTerms` alias (never `@latest`). */
    bottlerocket: 'v1.53.0',
    addons: {
      vpcCni: 'v1.20.4-eksbuild.1',
      coreDns: 'v1.12.4-eksbuild.1',
      kubeProxy: 'v1.34.1-eksbuild.2',
      podIdentityAgent: 'v1.3.9-eksbuild.3',
      ebsCsi: 'v1.51.1-eksbuild.1',
      metricsServer: 'v0.8.0-eksbuild.3',
    },
    /** What each chart is trusted for at its pin (values keys, region sources): `CHART_FACTS` in upstream-facts.ts. */
    charts: {
      karpenter: {
        repository: 'oci://public.ecr.aws/karpenter/karpenter',
        chart: 'karpenter',
        version: '1.8.1',
      },
      /** Karpenter's CRDs as their own release (Helm never upgrades a chart's `crds/`); same version as `karpenter`. */
      karpenterCrd: {
        repository: 'oci://public.ecr.aws/karpenter/karpenter-crd',
        chart: 'karpenter-crd',
        version: '1.8.1',
      },
      awsLoadBalancerController: {
        repository: 'https://aws.github.io/eks-charts',
        chart: 'aws-load-balancer-controller',
        version: '3.2.2',
        /** Controller release whose published IAM policy ships with aws-cdk-lib (`alb-iam_policy-<v>.json`). */
        appVersion: 'v3.2.2',
      },
      certManager: { repository: 'https://charts.jetstack.io', chart: 'cert-manager', version: 'v1.19.1' },
      externalDns: {
        repository: 'https://kubernetes-sigs.github.io/external-dns',
        chart: 'external-dns',
        version: '1.19.0',
      },
      externalSecrets: {
        repository: 'https://charts.external-secrets.io',
        chart: 'external-secrets',
        version: '0.20.4',
      },
      k8sMonitoring: {
        repository: 'https://grafana.github.io/helm-charts',
        chart: 'k8s-monitoring',
        version: '2.1.4',
      },
    },
  },
  /**
   * Apache Druid (`druid` architecture): the Druid image every node runs, the druid-operator chart that
   * reconciles the `Druid` custom resource (datainfrahq/druid-operator, CRD `druids.druid.apache.org/v1alpha1`),
   * and the curl image of the Job that applies supervisor specs, rules and compaction configs. What each is
   * trusted for at its pin (start script, conf layout, AWS SDK): `upstream-facts-druid.ts`.
   */
  druid: {
    /** 34.0.0: its AWS SDK for Java v1 (1.12.784) reads EKS Pod Identity; 33.0.0's (1.12.638) does not. */
    image: 'apache/druid:34.0.0',
    /** Aurora PostgreSQL engine of the metadata store. */
    metadataEngine: '17.5',
    operatorChart: {
      repository: 'https://charts.datainfra.io',
      chart: 'druid-operator',
      version: '0.3.9',
    },
    /** curl-capable image for the Job that posts specs/rules to the coordinator (inside the VPC). */
    curlImage: 'curlimages/curl:8.11.1',
    /** Kafka's CLI for the Job creating MSK topics; same kafka-clients release as Druid 34's Kafka extension. */
    kafkaImage: 'apache/kafka:3.9.1',
    /** MSK IAM SASL library (shadow jar, Maven Central), downloaded at pod start and checked by SHA-256. */
    mskIamAuth: {
      version: '2.3.2',
      url: 'https://repo1.maven.org/maven2/software/amazon/msk/aws-msk-iam-auth/2.3.2/aws-msk-iam-auth-2.3.2-all.jar',
      sha256: '746f7a331eb02fd92fcad43935a97ce3d219e5f8a97a643012b2bb14c9020011',
    },
  },
} as const;

/** A Helm chart pin. */
export interface ChartVersion {
  readonly repository: string;
  readonly chart: string;
  readonly version: string;
}
