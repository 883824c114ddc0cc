import { CONTROLLER_POLICY_FACTS, KARPENTER_AMI_ALIAS_PARAMETERS } from '../../../upstream-facts';
import { at, type HelmRelease, keyCalls, known, PHASE, type RuntimeModel } from './model';
import { type PodSession, podCall, replayFacts } from './pod-session';

/** AMI families whose alias parameters are known (`amiSelectorTerms: [{ alias: '<family>@<version>' }]`). */
const ALIAS_PARAMETERS: Record<string, readonly string[]> = {
  bottlerocket: KARPENTER_AMI_ALIAS_PARAMETERS.bottlerocket,
};

/**
 * Karpenter: the calls its reference controller policy covers, once per NodePool (its name and its
 * EC2NodeClass's are request and resource tags), with the node role its EC2NodeClasses name, the SSM
 * parameters their AMI aliases resolve to, and the interruption queue from its Helm values (whose key
 * decrypts what it receives).
 */
export async function karpenterCalls(
  model: RuntimeModel,
  pod: PodSession,
  release: HelmRelease,
): Promise<void> {
  const { account, region } = pod.stack;
  const cluster = String(at(release.values, 'settings', 'clusterName') ?? pod.cluster);
  const objects = model.kubeObjects().filter((o) => o.stack.account === account && o.cluster === pod.cluster);
  const nodeClasses = new Map(objects.filter((o) => o.kind === 'EC2NodeClass').map((o) => [o.name, o.body]));
  const kubernetes = model
    .ofType('AWS::EKS::Cluster')
    .find((c) => c.stack.account === account && c.ref === pod.cluster)?.props.Version;
  const queueName = at(release.values, 'settings', 'interruptionQueue');
  const queue = model.find(queueName, account);
  if (known(queueName) && !queue) {
    model.ctx.finding(PHASE, pod.step, `interruption queue ${queueName} is not deployed`);
  }
  const features = new Set<string>();
  const bindings: Record<string, string>[] = [];
  for (const pool of objects.filter((o) => o.kind === 'NodePool')) {
    const className = String(at(pool.body, 'spec', 'template', 'spec', 'nodeClassRef', 'name'));
    const nodeClass = nodeClasses.get(className);
    if (!nodeClass) {
      model.ctx.finding(
        PHASE,
        pod.step,
        `NodePool ${pool.name} names EC2NodeClass ${className}, which is not applied`,
      );
      continue;
    }
    if (at(nodeClass, 'spec', 'capacityReservationSelectorTerms')) features.add('capacityReservations');
    const role = String(at(nodeClass, 'spec', 'role'));
    const parameters = aliasParameters(at(nodeClass, 'spec', 'amiSelectorTerms'), String(kubernetes));
    for (const amiParameter of parameters.length > 0 ? parameters : ['']) {
      bindings.push({
        partition: 'aws',
        region,
        account,
        cluster,
        nodepool: pool.name,
        nodeclass: className,
        nodeRole: role.startsWith('arn:') ? role : `arn:aws:iam::${account}:role/${role}`,
        ...(queue?.arn ? { queue: queue.arn } : {}),
        ...(amiParameter ? { amiParameter } : {}),
      });
    }
  }
  if (bindings.length === 0) {
    model.ctx.finding(
      PHASE,
      pod.step,
      `Karpenter in ${pod.cluster} has no NodePool: nothing it would launch is replayed`,
      false,
    );
    return;
  }
  await replayFacts(model, pod, 'Karpenter', CONTROLLER_POLICY_FACTS.karpenter.calls, bindings, features);
  if (queue)
    await keyCalls(
      model,
      `${pod.step}: Karpenter interruption queue`,
      pod.principal,
      queue,
      'read',
      pod.context,
    );
}

/** The SSM parameters an `amiSelectorTerms` alias resolves to, for the cluster's Kubernetes minor. */
function aliasParameters(terms: unknown, kubernetes: string): string[] {
  const out: string[] = [];
  for (const term of Array.isArray(terms) ? terms : []) {
    const [family = '', version = ''] = String(at(term, 'alias') ?? '').split('@');
    for (const path of ALIAS_PARAMETERS[family] ?? []) {
      out.push(path.replace('{kubernetes}', kubernetes).replace('{version}', version.replace(/^v/, '')));
    }
  }
  return out;
}

/** The AWS Load Balancer Controller: the calls of its published policy, for the cluster in its Helm values. */
export async function loadBalancerControllerCalls(
  model: RuntimeModel,
  pod: PodSession,
  release: HelmRelease,
): Promise<void> {
  const { account, region } = pod.stack;
  const cluster = String(at(release.values, 'clusterName') ?? pod.cluster);
  await replayFacts(
    model,
    pod,
    'load balancer controller',
    CONTROLLER_POLICY_FACTS.awsLoadBalancerController.calls,
    [{ partition: 'aws', region, account, cluster }],
  );
  // Ingresses that ask for a web ACL (the public class's parameters name it): associate it.
  for (const params of model
    .kubeObjects()
    .filter((o) => o.kind === 'IngressClassParams' && o.cluster === pod.cluster)) {
    const acl = at(params.body, 'spec', 'wafv2AclArn');
    if (!known(acl)) continue;
    const balancer = `arn:aws:elasticloadbalancing:${region}:${account}:loadbalancer/app/k8s-${params.name}/0123456789abcdef`;
    await podCall(model, pod, `IngressClassParams ${params.name}`, 'wafv2:AssociateWebACL', acl);
    await podCall(model, pod, `IngressClassParams ${params.name}`, 'wafv2:AssociateWebACL', balancer);
  }
}
