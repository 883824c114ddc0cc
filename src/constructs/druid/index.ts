// The Druid architecture's public constructs (re-exported by src/index.ts).
export { DruidKubernetes } from './druid-kubernetes';
export type { DruidKubernetesProps } from './kubernetes/types';
export { DruidMetadataStore, type DruidMetadataStoreProps } from './metadata-store';
export { MetadataUser, type MetadataUserProps } from './metadata-user';
export { DruidStorage, type DruidStorageProps } from './storage';
export { DruidStreams, type DruidStreamsProps } from './streams';
