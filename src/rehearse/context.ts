import type { RehearsalStack } from './assembly';
import { authorize, type Call, type CallResult, type Finding, type PhaseName } from './calls';
import type { CreatePermissionSource } from './create-permissions';
import type { Evaluate } from './evaluator';
import type { World } from './world';

/** What every phase works with: the world so far, the evaluator, and where results go. */
export class RehearsalContext {
  readonly results: CallResult[] = [];
  readonly findings: Finding[] = [];
  private readonly operators = new Map<string, string>();

  constructor(
    readonly world: World,
    private readonly evaluate: Evaluate,
    /** Every stack of the assembly, stage copies before the pipeline's copies. */
    readonly stacks: readonly RehearsalStack[],
    readonly createPermissions: CreatePermissionSource,
  ) {}

  /** Authorizes a call and records the result. */
  async call(call: Call): Promise<CallResult> {
    const result = await this.check(call);
    this.results.push(result);
    return result;
  }

  /** Authorizes a call without recording it (the caller decides what the result means). */
  check(call: Call): Promise<CallResult> {
    return authorize(this.world, this.evaluate, call);
  }

  record(result: CallResult): void {
    this.results.push(result);
  }

  finding(phase: PhaseName, step: string, problem: string, blocking = true): void {
    this.findings.push({ phase, step, problem, blocking });
  }

  /**
   * Who runs `fastish deploy` in an account once the bootstrap is in place: the role tagged
   * `fastish:deploys` (the deployment roles trust it by name). Without one, nobody could deploy: a
   * blocker, and the account administrator stands in so the rest of the rehearsal still runs.
   */
  deployOperator(account: string, phase: PhaseName, step: string): string {
    const tagged = [...this.world.roles.values()].find(
      (r) => r.account === account && r.tags[OPERATOR_TAG] === 'true',
    );
    if (tagged) return tagged.arn;
    if (!this.operators.has(account)) {
      this.finding(
        phase,
        step,
        `no role tagged ${OPERATOR_TAG}=true in account ${account}: nobody may deploy`,
      );
    }
    return this.operator(account);
  }

  /**
   * The person running the deploy in an account: an administrator of that account (a bootstrap stack
   * creates IAM roles, which needs administrator rights; docs/operations.md says so). Not created by
   * Fastish, so it is added to the world as the operator brings it.
   */
  operator(account: string): string {
    let arn = this.operators.get(account);
    if (!arn) {
      arn = `arn:aws:iam::${account}:role/operator`;
      this.world.addRole({
        arn,
        account,
        name: 'operator',
        trust: { Statement: [] },
        inline: [
          {
            name: 'operator (account administrator)',
            document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
          },
        ],
        source: 'the operator (outside Fastish)',
      });
      this.operators.set(account, arn);
    }
    return arn;
  }
}

/** The tag marking the role that deploys by hand (the platform team's admin role). */
export const OPERATOR_TAG = 'fastish:deploys';

/** Stage copies only: a stack the pipeline also carries (same account, region, name) counts once. */
export function distinctStacks(stacks: readonly RehearsalStack[]): RehearsalStack[] {
  const seen = new Set<string>();
  return stacks.filter((s) => {
    const key = `${s.account}/${s.region}/${s.stackName}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Stacks the operator deploys with their own credentials: those naming no deploy role, and those
 * naming a role no stack of the assembly creates (it would have to exist before the first deploy —
 * CDK's default bootstrap roles, say), which the rehearsal then reports as missing.
 */
export function isOperatorStack(stack: RehearsalStack, all: readonly RehearsalStack[]): boolean {
  const role = stack.assumeRoleArn;
  if (!role) return true;
  const name = role.split('/').pop();
  return !all.some(
    (s) =>
      s.account === stack.account &&
      Object.values(s.template.Resources ?? {}).some(
        (r) => r.Type === 'AWS::IAM::Role' && r.Properties?.RoleName === name,
      ),
  );
}

export function stackArn(s: Pick<RehearsalStack, 'account' | 'region' | 'stackName'>): string {
  return `arn:aws:cloudformation:${s.region}:${s.account}:stack/${s.stackName}/00000000-0000-4000-8000-000000000000`;
}
