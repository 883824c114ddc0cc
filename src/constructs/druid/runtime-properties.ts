import { z } from 'zod';

/**
 * Typed model of the Druid runtime properties Fastish sets. One zod schema gives both the compile-time
 * type (a misspelled key or a wrong value type is a TypeScript error) and the synth-time check (values
 * computed from config are parsed before rendering, so a bad value throws at synth, never at pod start).
 * Names and value types follow the Druid configuration reference.
 */

/** Extensions Fastish may load (`druid.extensions.loadList`). */
export const DRUID_EXTENSIONS = [
  'druid-s3-extensions',
  'postgresql-metadata-storage',
  'druid-kafka-indexing-service',
  'druid-kinesis-indexing-service',
  'druid-kubernetes-extensions',
  'druid-basic-security',
  'prometheus-emitter',
  'druid-datasketches',
  'druid-multi-stage-query',
  'simple-client-sslcontext',
] as const;
export type DruidExtension = (typeof DRUID_EXTENSIONS)[number];

/** A password never appears in properties: Druid reads it from an environment variable at runtime. */
export const environmentPassword = z.strictObject({
  type: z.literal('environment'),
  variable: z.string().regex(/^[A-Z_][A-Z0-9_]*$/),
});
export type EnvironmentPassword = z.infer<typeof environmentPassword>;

const bool = z.boolean();
const int = z.number().int();
const positiveInt = z.number().int().positive();
const bytes = z.number().int().positive();
const str = z.string().min(1);
const period = z
  .string()
  .regex(/^P(?!$)(\d+[YMWD])*(T(\d+[HMS])+)?$/, { message: 'is not an ISO-8601 period' });
const jsonList = z.array(z.string());
const path = z.string().regex(/^\/[^\s]*$/, { message: 'is not an absolute path' });
const port = z.number().int().min(1).max(65_535);
const segmentCacheLocation = z.strictObject({ path, maxSize: bytes });

export const druidPropertiesSchema = z.strictObject({
  // Extensions
  'druid.extensions.loadList': z.array(z.enum(DRUID_EXTENSIONS)),
  'druid.extensions.directory': path,
  // ZooKeeper-less: Kubernetes discovery, HTTP server view, HTTP task runner
  'druid.zk.service.enabled': bool,
  'druid.discovery.type': z.enum(['k8s', 'curator']),
  'druid.discovery.k8s.clusterIdentifier': z.string().regex(/^[a-z0-9][a-z0-9-]*[a-z0-9]$/),
  'druid.serverview.type': z.enum(['http', 'batch']),
  'druid.indexer.runner.type': z.enum(['httpRemote', 'remote', 'local', 'k8s']),
  // Service identity
  'druid.service': z.string().regex(/^druid\/[a-z]+$/),
  'druid.host': str,
  'druid.plaintextPort': port,
  'druid.tlsPort': port,
  'druid.enablePlaintextPort': bool,
  'druid.enableTlsPort': bool,
  'druid.server.tier': z.string().regex(/^[_a-z0-9-]+$/),
  'druid.server.priority': int,
  'druid.server.maxSize': bytes,
  // TLS (server and internal client); keystore password comes from the environment
  'druid.server.https.keyStorePath': path,
  'druid.server.https.keyStoreType': z.enum(['pkcs12', 'jks']),
  'druid.server.https.certAlias': str,
  'druid.server.https.keyStorePassword': environmentPassword,
  'druid.server.https.requireClientCertificate': bool,
  'druid.server.https.reloadSslContext': bool,
  'druid.server.https.reloadSslContextSeconds': positiveInt,
  'druid.client.https.protocol': z.enum(['TLSv1.2', 'TLSv1.3']),
  'druid.client.https.trustStorePath': path,
  'druid.client.https.trustStoreType': z.enum(['pkcs12', 'jks']),
  'druid.client.https.trustStorePassword': environmentPassword,
  'druid.client.https.validateHostnames': bool,
  // Metadata store
  'druid.metadata.storage.type': z.enum(['postgresql', 'mysql', 'derby']),
  'druid.metadata.storage.connector.connectURI': z.string().regex(/^jdbc:postgresql:\/\/[^\s]+$/),
  'druid.metadata.storage.connector.user': str,
  'druid.metadata.storage.connector.password': environmentPassword,
  'druid.metadata.postgres.ssl.useSSL': bool,
  'druid.metadata.postgres.ssl.sslMode': z.enum(['require', 'verify-ca', 'verify-full']),
  // Deep storage, task logs, MSQ durable storage
  'druid.storage.type': z.literal('s3'),
  'druid.storage.bucket': str,
  'druid.storage.baseKey': str,
  'druid.storage.sse.type': z.enum(['s3', 'kms']),
  'druid.storage.sse.kms.keyId': str,
  'druid.storage.disableAcl': bool,
  'druid.s3.enablePathStyleAccess': bool,
  'druid.indexer.logs.type': z.literal('s3'),
  'druid.indexer.logs.s3Bucket': str,
  'druid.indexer.logs.s3Prefix': str,
  'druid.indexer.logs.disableAcl': bool,
  'druid.msq.intermediate.storage.enable': bool,
  'druid.msq.intermediate.storage.type': z.literal('s3'),
  'druid.msq.intermediate.storage.bucket': str,
  'druid.msq.intermediate.storage.prefix': str,
  'druid.msq.intermediate.storage.tempDir': path,
  // Basic security (passwords from the environment; the metadata-backed validator stores users)
  'druid.auth.authenticatorChain': jsonList,
  'druid.auth.authenticator.basic.type': z.literal('basic'),
  'druid.auth.authenticator.basic.initialAdminPassword': environmentPassword,
  'druid.auth.authenticator.basic.initialInternalClientPassword': environmentPassword,
  'druid.auth.authenticator.basic.credentialsValidator.type': z.literal('metadata'),
  'druid.auth.authenticator.basic.skipOnFailure': bool,
  'druid.auth.authenticator.basic.authorizerName': str,
  'druid.auth.authorizers': jsonList,
  'druid.auth.authorizer.basic.type': z.literal('basic'),
  'druid.escalator.type': z.literal('basic'),
  'druid.escalator.internalClientUsername': str,
  'druid.escalator.internalClientPassword': environmentPassword,
  'druid.escalator.authorizerName': str,
  // Monitoring
  'druid.emitter': z.enum(['prometheus', 'logging', 'noop', 'composing']),
  'druid.emitter.prometheus.strategy': z.enum(['exporter', 'pushgateway']),
  'druid.emitter.prometheus.port': port,
  'druid.emitter.prometheus.namespace': z.string().regex(/^[a-z_]+$/),
  'druid.emitter.prometheus.addServiceAsLabel': bool,
  'druid.monitoring.monitors': jsonList,
  'druid.monitoring.emissionPeriod': period,
  'druid.startup.logging.logProperties': bool,
  'druid.request.logging.type': z.enum(['noop', 'emitter', 'slf4j']),
  'druid.sql.enable': bool,
  'druid.sql.avatica.enable': bool,
  // Processing pools (direct memory)
  'druid.processing.numThreads': positiveInt,
  'druid.processing.numMergeBuffers': z.number().int().min(0),
  'druid.processing.buffer.sizeBytes': bytes,
  'druid.processing.tmpDir': path,
  // Coordinator / overlord
  'druid.coordinator.asOverlord.enabled': bool,
  'druid.coordinator.asOverlord.overlordService': z.string().regex(/^druid\/[a-z]+$/),
  'druid.coordinator.startDelay': period,
  'druid.coordinator.period': period,
  'druid.coordinator.kill.on': bool,
  'druid.coordinator.kill.period': period,
  'druid.coordinator.kill.durationToRetain': period,
  'druid.coordinator.kill.maxSegments': positiveInt,
  'druid.indexer.storage.type': z.enum(['metadata', 'local']),
  'druid.indexer.queue.startDelay': period,
  // Broker
  'druid.broker.http.numConnections': positiveInt,
  'druid.server.http.numThreads': positiveInt,
  'druid.broker.cache.useCache': bool,
  'druid.broker.cache.populateCache': bool,
  // Historical
  'druid.segmentCache.locations': z.array(segmentCacheLocation).min(1),
  'druid.historical.cache.useCache': bool,
  'druid.historical.cache.populateCache': bool,
  'druid.cache.type': z.enum(['caffeine', 'local', 'memcached']),
  'druid.cache.sizeInBytes': bytes,
  // Router
  'druid.router.managementProxy.enabled': bool,
  'druid.router.defaultBrokerServiceName': z.string().regex(/^druid\/[a-z]+$/),
  'druid.router.coordinatorServiceName': z.string().regex(/^druid\/[a-z]+$/),
  'druid.router.http.numConnections': positiveInt,
  // MiddleManager and its peons
  'druid.worker.capacity': positiveInt,
  'druid.worker.category': str,
  'druid.indexer.runner.javaOptsArray': jsonList,
  'druid.indexer.task.baseTaskDir': path,
  'druid.indexer.fork.property.druid.processing.numThreads': positiveInt,
  'druid.indexer.fork.property.druid.processing.numMergeBuffers': z.number().int().min(0),
  'druid.indexer.fork.property.druid.processing.buffer.sizeBytes': bytes,
  'druid.indexer.fork.property.druid.server.http.numThreads': positiveInt,
  'druid.indexer.fork.property.druid.emitter': z.enum(['noop', 'logging']),
});

/** Every property Fastish may set, with the value type Druid expects. */
export type DruidPropertyTypes = z.infer<typeof druidPropertiesSchema>;
/** A set of Druid runtime properties: any subset of the known keys, each with its typed value. */
export type DruidProperties = Partial<DruidPropertyTypes>;

const partialSchema = druidPropertiesSchema.partial();

/**
 * Validates properties computed at synth (values from config arrive as plain data). Throws with the
 * construct path, the key and Druid's expected type, so a bad size or a misspelling never deploys.
 */
export function validateDruidProperties(props: Record<string, unknown>, where: string): DruidProperties {
  const result = partialSchema.safeParse(props);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => {
    const key = i.path.length > 0 ? String(i.path[0]) : '(properties)';
    const sub = i.path.length > 1 ? `${i.path.slice(1).join('.')}: ` : '';
    return i.code === 'unrecognized_keys'
      ? `unknown Druid property ${i.keys.map((k) => `"${k}"`).join(', ')}`
      : `${key}: ${sub}${i.message}`;
  });
  throw new Error(`${where}: invalid Druid runtime properties: ${problems.join('; ')}`);
}

function renderValue(value: unknown): string {
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/**
 * Renders `runtime.properties` text: validated, keys sorted (deterministic output), booleans and
 * numbers as Druid parses them, lists and password providers as JSON.
 */
export function renderRuntimeProperties(props: DruidProperties, where: string): string {
  const valid = validateDruidProperties(props as Record<string, unknown>, where);
  return Object.keys(valid)
    .sort()
    .map((key) => {
      const value = valid[key as keyof DruidProperties];
      return value === undefined ? undefined : `${key}=${renderValue(value)}`;
    })
    .filter((line): line is string => line !== undefined)
    .join('\n')
    .concat('\n');
}

/** Parses rendered properties back into key/value text (used by tests and `fastish druid specs`). */
export function parseRuntimeProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    out[trimmed.slice(0, eq)] = trimmed.slice(eq + 1);
  }
  return out;
}
