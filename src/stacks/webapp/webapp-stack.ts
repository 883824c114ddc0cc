import type { Construct } from 'constructs';
import type { ConsoleHosting } from '../../constructs/webapp/console-hosting';
import type { OperatorDataRole } from '../../constructs/webapp/operator-data-role';
import { SaasWebApp, type SaasWebAppOutputs } from '../../constructs/webapp/saas-web-app';
import type { TenantApi } from '../../constructs/webapp/tenant-api';
import type { TenantDataRole } from '../../constructs/webapp/tenant-data-role';
import type { TenantTable } from '../../constructs/webapp/tenant-table';
import type { TenantUserPool } from '../../constructs/webapp/tenant-user-pool';
import { EnvironmentStack, type EnvironmentStackProps } from '../environment-stack';
import { webAppProps } from './props-from-config';

export type WebappStackProps = Omit<EnvironmentStackProps, 'architecture' | 'team'>;

/**
 * The environment's multi-tenant web application: the `SaasWebApp` construct built from the config,
 * owned by the `webapp` settings' team. The construct's id `Default` keeps its resources' logical ids
 * those of the stack's own children.
 */
export class WebappStack extends EnvironmentStack {
  readonly webapp: SaasWebApp;
  readonly userPool: TenantUserPool;
  readonly table: TenantTable;
  readonly api: TenantApi;
  readonly tenantRole: TenantDataRole;
  readonly operatorRole: OperatorDataRole;
  /** The console, when the environment enables it (`webapp.console`). */
  readonly console?: ConsoleHosting;
  /** Invoke URL of the API stage, ending in `/`. */
  readonly apiUrl: string;
  /** Unauthenticated liveness URL for post-deploy health checks. */
  readonly healthUrl: string;
  /** CloudFormation outputs, for pipelines (`useOutputs`) and health checks. */
  readonly outputs: SaasWebAppOutputs;

  constructor(scope: Construct, id: string, props: WebappStackProps) {
    super(scope, id, { ...props, architecture: 'webapp', team: props.environment.settings.webapp.team });
    const webapp = new SaasWebApp(this, 'Default', webAppProps(this.platform, this.fastishEnv));
    this.webapp = webapp;
    this.userPool = webapp.userPool;
    this.table = webapp.table;
    this.api = webapp.api;
    this.tenantRole = webapp.tenantRole;
    this.operatorRole = webapp.operatorRole;
    if (webapp.console) this.console = webapp.console;
    this.apiUrl = webapp.apiUrl;
    this.healthUrl = webapp.healthUrl;
    this.outputs = webapp.outputs;
  }
}
