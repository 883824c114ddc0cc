import { createHash } from 'node:crypto';
import type { RehearsalStack } from '../../assembly';
import { certManagerCalls, externalDnsCalls, externalSecretsCalls } from './cluster-addons';
import { karpenterCalls, loadBalancerControllerCalls } from './controllers';
import { druidCalls } from './druid';
import { at, type HelmRelease, known, PHASE, type RuntimeModel, runtimeCall } from './model';
import type { PodSession } from './pod-session';

interface Association {
  readonly stack: RehearsalStack;
  readonly source: string;
  readonly cluster: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly role: string;
  /** The EKS add-on whose association it is (its pods' calls are the add-on's own). */
  readonly addon?: string;
}

/** Every Pod Identity association: standalone ones and those of EKS add-ons (in `kube-system`). */
function associations(model: RuntimeModel): Association[] {
  const out: Association[] = model.ofType('AWS::EKS::PodIdentityAssociation').map((d) => ({
    stack: d.stack,
    source: d.source,
    cluster: String(d.props.ClusterName),
    namespace: String(d.props.Namespace),
    serviceAccount: String(d.props.ServiceAccount),
    role: String(d.props.RoleArn),
  }));
  for (const addon of model.ofType('AWS::EKS::Addon')) {
    const list = Array.isArray(addon.props.PodIdentityAssociations)
      ? addon.props.PodIdentityAssociations
      : [];
    for (const a of list) {
      out.push({
        stack: addon.stack,
        source: addon.source,
        cluster: String(addon.props.ClusterName),
        namespace: 'kube-system',
        serviceAccount: String(at(a, 'ServiceAccount')),
        role: String(at(a, 'RoleArn')),
        addon: String(addon.props.AddonName),
      });
    }
  }
  return out;
}

const uid = (seed: string) => {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

/**
 * EKS Pod Identity assuming the association's role for a pod: `sts:AssumeRole` and `sts:TagSession` by
 * `pods.eks.amazonaws.com`, with the six session tags it always sets (EKS User Guide, "Pod Identity
 * session tags") and the cluster as source. Returns the session, or undefined when it was refused.
 */
async function assume(model: RuntimeModel, a: Association): Promise<PodSession | undefined> {
  const step = `pod ${a.namespace}/${a.serviceAccount} (${a.source})`;
  const cluster = model.find(a.cluster, a.stack.account);
  if (!known(a.cluster) || cluster?.type !== 'AWS::EKS::Cluster') {
    model.ctx.finding(PHASE, step, `cluster ${a.cluster} is not deployed`);
    return undefined;
  }
  const tags: Record<string, string> = {
    'eks-cluster-arn': cluster.arn,
    'eks-cluster-name': a.cluster,
    'kubernetes-namespace': a.namespace,
    'kubernetes-service-account': a.serviceAccount,
    'kubernetes-pod-name': `${a.serviceAccount}-rehearsal`,
    'kubernetes-pod-uid': uid(`${a.cluster}/${a.namespace}/${a.serviceAccount}`),
  };
  const request = {
    ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
    'aws:TagKeys': Object.keys(tags),
    'aws:SourceAccount': a.stack.account,
    'aws:SourceArn': cluster.arn,
  };
  let allowed = true;
  for (const action of ['sts:AssumeRole', 'sts:TagSession']) {
    allowed = (await runtimeCall(model, step, 'pods.eks.amazonaws.com', action, a.role, request)) && allowed;
  }
  if (!allowed) return undefined;
  return {
    step,
    principal: a.role,
    context: Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:PrincipalTag/${k}`, v])),
    stack: a.stack,
    cluster: a.cluster,
    clusterArn: cluster.arn,
    namespace: a.namespace,
    serviceAccount: a.serviceAccount,
  };
}

type ControllerCalls = (model: RuntimeModel, pod: PodSession, release: HelmRelease) => Promise<void>;

/** The controllers whose run-time calls are replayed, by Helm chart name. */
const CONTROLLERS: Record<string, ControllerCalls> = {
  karpenter: karpenterCalls,
  'aws-load-balancer-controller': loadBalancerControllerCalls,
  'external-secrets': externalSecretsCalls,
  'cert-manager': certManagerCalls,
  'external-dns': externalDnsCalls,
};

/** The Helm release whose pods run as the association's service account, in its cluster. */
function releaseOf(model: RuntimeModel, a: Association): HelmRelease | undefined {
  return model
    .helmReleases()
    .find(
      (r) =>
        r.stack.account === a.stack.account &&
        r.cluster === a.cluster &&
        r.namespace === a.namespace &&
        at(r.values, 'serviceAccount', 'name') === a.serviceAccount,
    );
}

/** Every pod with a Pod Identity role: the role's assumption, then what the workload calls with it. */
export async function podFlows(model: RuntimeModel): Promise<void> {
  for (const a of associations(model)) {
    const pod = await assume(model, a);
    if (!pod) continue;
    if (a.addon) {
      model.ctx.finding(PHASE, pod.step, `EKS add-on ${a.addon}: its run-time calls are not replayed`, false);
      continue;
    }
    const release = releaseOf(model, a);
    const controller = release ? CONTROLLERS[release.chart] : undefined;
    if (release && controller) {
      await controller(model, pod, release);
    } else if (!(await druidCalls(model, pod))) {
      model.ctx.finding(
        PHASE,
        pod.step,
        `no workload known to run as ${a.namespace}/${a.serviceAccount}: only the role's assumption is replayed`,
        false,
      );
    }
  }
}
