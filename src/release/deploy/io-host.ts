import type { IIoHost, IoMessage, IoRequest } from '@aws-cdk/toolkit-lib';

/** Toolkit requests that ask a person to approve a deployment (change-set preview + question). */
const CONFIRMATION_CODES = new Set(['CDK_TOOLKIT_I5060', 'CDK_TOOLKIT_I5050']);
const STACK_ACTIVITY = 'CDK_TOOLKIT_I5502';
const STACK_DEPLOYED = 'CDK_TOOLKIT_I5900';
const STACK_PROGRESS = 'CDK_TOOLKIT_I5100';

export interface StackStatus {
  /** Last CloudFormation stack status seen (e.g. `UPDATE_ROLLBACK_COMPLETE`). */
  readonly status: string;
  readonly reason?: string;
}

export interface DeployIoHostProps {
  /** Approve every confirmation (`--yes`). */
  readonly yes: boolean;
  /** Asks the person; called with the toolkit's question (the change-set diff and the motivation). */
  readonly confirm: (question: string) => Promise<boolean>;
  /** Progress lines. */
  readonly progress: (line: string) => void;
  /** Print info-level toolkit messages too. @default false */
  readonly verbose?: boolean;
}

interface ActivityData {
  readonly event?: {
    readonly StackName?: string;
    readonly LogicalResourceId?: string;
    readonly ResourceType?: string;
    readonly ResourceStatus?: string;
    readonly ResourceStatusReason?: string;
  };
}

/**
 * The toolkit's IoHost for `fastish deploy`: shows progress, answers the change-set confirmation
 * (yes with `--yes`, otherwise asks the person), and remembers what happened for the report:
 * declined confirmations, failed resources and each stack's last status (rollbacks).
 */
export class DeployIoHost implements IIoHost {
  readonly stackStatus = new Map<string, StackStatus>();
  readonly failedResources: string[] = [];
  readonly deployedStacks: string[] = [];
  declined = false;
  confirmations = 0;

  constructor(private readonly props: DeployIoHostProps) {}

  async notify(msg: IoMessage<unknown>): Promise<void> {
    if (msg.code === STACK_ACTIVITY) {
      const e = (msg.data as ActivityData).event;
      if (!e?.StackName || !e.ResourceStatus) return;
      if (e.ResourceType === 'AWS::CloudFormation::Stack') {
        this.stackStatus.set(e.StackName, {
          status: e.ResourceStatus,
          ...(e.ResourceStatusReason ? { reason: e.ResourceStatusReason } : {}),
        });
        this.props.progress(`  ${e.StackName}: ${e.ResourceStatus}`);
      } else if (e.ResourceStatus.endsWith('_FAILED')) {
        const line = `${e.StackName} ${e.LogicalResourceId} (${e.ResourceType}) ${e.ResourceStatus}: ${e.ResourceStatusReason ?? ''}`;
        this.failedResources.push(line.trim());
        this.props.progress(`  FAILED ${line}`);
      }
      return;
    }
    if (msg.code === STACK_PROGRESS) {
      const d = msg.data as { current?: number; total?: number; stack?: { stackName?: string } };
      this.props.progress(`[${d.current}/${d.total}] deploying ${d.stack?.stackName ?? ''}`);
      return;
    }
    if (msg.code === STACK_DEPLOYED) {
      const d = msg.data as { stackArn?: string };
      const name = d.stackArn?.split('/')[1];
      if (name) this.deployedStacks.push(name);
      this.props.progress(msg.message.trim());
      return;
    }
    if (msg.level === 'error' || msg.level === 'warn' || (this.props.verbose && msg.level === 'info')) {
      this.props.progress(msg.message);
    }
  }

  async requestResponse<T>(msg: IoRequest<unknown, T>): Promise<T> {
    if (!CONFIRMATION_CODES.has(msg.code)) return msg.defaultResponse;
    this.confirmations += 1;
    if (this.props.yes) {
      this.props.progress(`${firstLines(msg.message)}\n(--yes: approved)`);
      return true as T;
    }
    const ok = await this.props.confirm(msg.message);
    if (!ok) this.declined = true;
    return ok as T;
  }
}

function firstLines(text: string, n = 60): string {
  const lines = text.split('\n');
  return lines.length > n ? [...lines.slice(0, n), `… (${lines.length - n} more lines)`].join('\n') : text;
}
