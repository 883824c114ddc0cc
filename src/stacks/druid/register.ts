import { ARCHITECTURE_FACTORIES } from '../../app/architectures';
import { EksStack } from '../eks/eks-stack';
import { DruidStack, hostFromEksStack } from './druid-stack';

ARCHITECTURE_FACTORIES.druid = (ctx) => {
  const eksStack = ctx.built.get('eks');
  if (!(eksStack instanceof EksStack)) {
    throw new Error(
      `environments.${ctx.environment.name}: druid needs the eks architecture in the same environment`,
    );
  }
  return new DruidStack(ctx.scope, 'druid', {
    platform: ctx.platform,
    environment: ctx.environment,
    host: hostFromEksStack(eksStack),
  });
};
