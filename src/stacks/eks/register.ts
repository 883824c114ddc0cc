import { ARCHITECTURE_FACTORIES } from '../../app/architectures';
import { EksStack } from './eks-stack';

ARCHITECTURE_FACTORIES.eks = (ctx) =>
  new EksStack(ctx.scope, 'eks', { platform: ctx.platform, environment: ctx.environment });
