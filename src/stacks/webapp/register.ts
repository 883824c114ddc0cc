import { ARCHITECTURE_FACTORIES } from '../../app/architectures';
import { WebappStack } from './webapp-stack';

ARCHITECTURE_FACTORIES.webapp = (ctx) =>
  new WebappStack(ctx.scope, 'webapp', { platform: ctx.platform, environment: ctx.environment });
