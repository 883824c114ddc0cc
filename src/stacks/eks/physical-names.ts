import { type IPhysicalNames, NamedResource } from '../../constructs/eks/naming';
import type { Naming } from '../../naming';

/** The naming module's names, for one architecture, in the shape the EKS and Druid constructs take. */
export function physicalNames(naming: Naming, architecture: string): IPhysicalNames {
  return {
    roleName: (purpose) => naming.roleName(purpose),
    kmsAlias: (purpose) => naming.kmsAlias(purpose),
    resourceName: (kind: NamedResource, purpose: string) => {
      if (kind === NamedResource.S3_BUCKET) return naming.bucketName(purpose);
      if (kind === NamedResource.LOG_GROUP) return naming.logGroupName(architecture, purpose);
      return purpose ? naming.name(kind, architecture, purpose) : naming.name(kind, architecture);
    },
  };
}
