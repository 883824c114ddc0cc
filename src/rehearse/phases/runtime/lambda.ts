import { HANDLER_AWS_CALLS, type HandlerAwsCall } from '../../../runtime/aws-calls';
import { TENANT_ID_PATTERN } from '../../../runtime/contract';
import { at, type Deployed, keyCalls, known, PHASE, type RuntimeModel, runtimeCall } from './model';

/** The tenant the rehearsal's requests act for (any id the tenant-id pattern accepts). */
export const REHEARSAL_TENANT = 'rehearsal';
if (!TENANT_ID_PATTERN.test(REHEARSAL_TENANT)) throw new Error('REHEARSAL_TENANT must be a valid tenant id');

/**
 * What the Lambda service does with a function's role to poll an event source, per source service
 * (AWS Lambda Developer Guide, "execution role permissions" of each event source), and the verb it
 * uses to deliver a failed batch to an on-failure destination.
 */
const SOURCE_READS: Record<string, readonly string[]> = {
  dynamodb: [
    'dynamodb:DescribeStream',
    'dynamodb:GetRecords',
    'dynamodb:GetShardIterator',
    'dynamodb:ListStreams',
  ],
  sqs: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
  kinesis: [
    'kinesis:DescribeStream',
    'kinesis:DescribeStreamSummary',
    'kinesis:GetRecords',
    'kinesis:GetShardIterator',
    'kinesis:ListShards',
    'kinesis:ListStreams',
  ],
};
const DESTINATION_WRITES: Record<string, string> = { sqs: 'sqs:SendMessage', sns: 'sns:Publish' };

const READ_VERB = /^(Get|Query|Describe|List|Receive|Scan|BatchGet)/;
const modeOf = (action: string) => (READ_VERB.test(action.split(':')[1] ?? '') ? 'read' : 'write');

function environment(fn: Deployed): Record<string, string> {
  const vars = at(fn.props, 'Environment', 'Variables');
  return Object.fromEntries(
    Object.entries((vars ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
  );
}

/** Every Lambda function: its service assumes its role; its code's calls; secrets its environment names. */
export async function lambdaFlows(model: RuntimeModel): Promise<void> {
  for (const fn of model.ofType('AWS::Lambda::Function')) {
    const step = `run ${fn.source} (Lambda)`;
    const role = String(fn.props.Role);
    await runtimeCall(model, step, 'lambda.amazonaws.com', 'sts:AssumeRole', role);
    const env = environment(fn);
    const handler = HANDLER_AWS_CALLS[env.POWERTOOLS_SERVICE_NAME ?? ''];
    const done = new Set<string>();
    for (const call of handler?.calls ?? [])
      await handlerCall(model, step, fn, role, env, call, handler?.calls ?? [], done);
    // Any function reads the secrets its environment names (the authorizer's keys, say).
    for (const [name, value] of Object.entries(env)) {
      const secret = model.find(value, fn.stack.account);
      if (secret?.type !== 'AWS::SecretsManager::Secret' || done.has(`secret ${secret.arn}`)) continue;
      await readSecret(model, `${step}: ${name}`, role, secret);
    }
  }
  for (const mapping of model.ofType('AWS::Lambda::EventSourceMapping')) await eventSource(model, mapping);
}

async function readSecret(model: RuntimeModel, step: string, principal: string, secret: Deployed) {
  await runtimeCall(model, step, principal, 'secretsmanager:GetSecretValue', secret.arn);
  await keyCalls(model, step, principal, secret, 'read');
}

/** The ARNs an `HandlerAwsCall.resource` stands for, or a problem naming what is missing. */
function targets(model: RuntimeModel, fn: Deployed, env: Record<string, string>, resource: string) {
  const { account, region } = fn.stack;
  if (resource.startsWith('env:')) {
    // `env:<NAME>` or `env:<NAME>/<path>`: a path inside the named resource (an object, an index).
    const [name = '', ...path] = resource.slice(4).split('/');
    const value = env[name];
    if (value === undefined) return { problem: `sets no ${name}, which its code reads` };
    const d = model.find(value, account);
    if (!d?.arn) return { problem: `${name}=${value} names no resource any deployed stack creates` };
    return { arns: [[d.arn, ...path].join('/')], deployed: d };
  }
  let arns = [
    resource
      .replaceAll('{partition}', 'aws')
      .replaceAll('{region}', region)
      .replaceAll('{account}', account)
      .replaceAll('{id}', 'rehearsal0id'),
  ];
  const ids = /\{ids:(\w+)\}/.exec(resource);
  if (ids?.[1]) {
    const parameter = model.find(env[ids[1]], account);
    let values: string[] = [];
    try {
      values = Object.values(JSON.parse(String(parameter?.props.Value)) as Record<string, unknown>).map(
        String,
      );
    } catch {
      // reported below
    }
    if (values.length === 0)
      return { problem: `${ids[1]} names no SSM parameter holding a JSON object of ids` };
    arns = values.flatMap((v) => arns.map((a) => a.replace(ids[0], v)));
  }
  return { arns };
}

async function handlerCall(
  model: RuntimeModel,
  step: string,
  fn: Deployed,
  role: string,
  env: Record<string, string>,
  call: HandlerAwsCall,
  all: readonly HandlerAwsCall[],
  done: Set<string>,
): Promise<void> {
  const label = `${step}: ${call.commands.join(', ')}`;
  const target = targets(model, fn, env, call.resource);
  if ('problem' in target) {
    model.ctx.finding(PHASE, label, `${fn.source} ${target.problem}`);
    return;
  }
  let principal = role;
  let session: Record<string, string | string[]> = {};
  if (call.as) {
    // The session the function (or the one that vends it, e.g. the authorizer) assumed with its tags: the
    // tags become the session's principal tags.
    const vendor = call.vendedBy ? vendingFunction(model, fn, call.vendedBy) : { env, calls: all };
    principal = vendor.env[call.as] ?? '';
    if (!principal) {
      model.ctx.finding(
        PHASE,
        label,
        `${call.vendedBy ?? fn.source} sets no ${call.as}, whose role ${fn.source} uses`,
      );
      return;
    }
    const assume = vendor.calls.find((c) => c.resource === `env:${call.as}`);
    session = Object.fromEntries(
      (assume?.sessionTags ?? []).map((t) => [`aws:PrincipalTag/${t}`, REHEARSAL_TENANT]),
    );
  }
  const request: Record<string, string | string[]> = {};
  if (call.sessionTags?.length) {
    for (const tag of call.sessionTags) request[`aws:RequestTag/${tag}`] = REHEARSAL_TENANT;
    request['aws:TagKeys'] = [...call.sessionTags];
  }
  const keys = call.entities?.map((e) => [`${REHEARSAL_TENANT}#${e}`]) ?? [undefined];
  if (call.attributes) request['dynamodb:Attributes'] = [...call.attributes];
  for (const arn of target.arns) {
    if (target.deployed?.type === 'AWS::SecretsManager::Secret') done.add(`secret ${arn}`);
    for (const action of call.actions) {
      for (const leading of keys) {
        const context = { ...session, ...request, ...(leading ? { 'dynamodb:LeadingKeys': leading } : {}) };
        await runtimeCall(model, label, principal, action, arn, context);
      }
    }
  }
  if (target.deployed && !call.sessionTags) {
    const writes = call.actions.some((a) => modeOf(a) === 'write');
    await keyCalls(model, label, principal, target.deployed, writes ? 'write' : 'read', session);
  }
}

/** The environment and listed calls of the function in `fn`'s stack whose service name is `service`. */
function vendingFunction(model: RuntimeModel, fn: Deployed, service: string) {
  const vendor = model
    .ofType('AWS::Lambda::Function')
    .find((f) => f.stack === fn.stack && environment(f).POWERTOOLS_SERVICE_NAME === service);
  return { env: vendor ? environment(vendor) : {}, calls: HANDLER_AWS_CALLS[service]?.calls ?? [] };
}

/** The Lambda service polling a stream or queue with the function's role, and its on-failure destination. */
async function eventSource(model: RuntimeModel, mapping: Deployed): Promise<void> {
  const step = `poll ${mapping.source} (event source mapping)`;
  const fn = model.find(mapping.props.FunctionName, mapping.stack.account);
  const role = fn ? String(fn.props.Role) : '';
  if (!known(role) || fn?.type !== 'AWS::Lambda::Function') {
    model.ctx.finding(PHASE, step, `function ${String(mapping.props.FunctionName)} is not deployed`);
    return;
  }
  const sourceArn = String(mapping.props.EventSourceArn);
  const service = sourceArn.split(':')[2] ?? '';
  const reads = SOURCE_READS[service];
  if (!reads) {
    model.ctx.finding(PHASE, step, `event source ${sourceArn}: its service's reads are not modelled`, false);
    return;
  }
  // A DynamoDB stream belongs to its table (`<table ARN>/stream/<label>`), whose key encrypts it.
  const source = model.find(sourceArn.split('/stream/')[0], mapping.stack.account);
  for (const action of reads) await runtimeCall(model, step, role, action, sourceArn);
  if (source) await keyCalls(model, step, role, source, 'read');
  const destination = at(mapping.props, 'DestinationConfig', 'OnFailure', 'Destination');
  if (known(destination)) {
    const write = DESTINATION_WRITES[destination.split(':')[2] ?? ''];
    const target = model.find(destination, mapping.stack.account);
    if (!write || !target) {
      model.ctx.finding(PHASE, step, `on-failure destination ${destination} is not modelled`, false);
      return;
    }
    await runtimeCall(model, `${step}: on failure`, role, write, destination);
    await keyCalls(model, `${step}: on failure`, role, target, 'write');
  }
}
