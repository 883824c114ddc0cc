// Constructs every architecture shares (re-exported by src/index.ts).

export type { NamingContext } from '../naming';
export { EncryptionKey, type EncryptionKeyProps } from './encryption-key';
export { FastishStack, type FastishStackProps, StackDeployment } from './fastish-stack';
export { SecureBucket, type SecureBucketProps } from './secure-bucket';
