import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { slug } from '../../src/config/primitives';
import { NAME_LIMITS } from '../../src/config/schema';
import { assertName, defaultQualifier, NAME_RULES, type NameKind, Naming } from '../../src/naming';

/** Names valid per the config schema: lowercase segments joined by single hyphens, within the limit. */
function schemaName(max: number): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'),
      fc.array(fc.stringMatching(/^[a-z0-9]{1,8}$/), { maxLength: 4 }),
      fc.stringMatching(/^[a-z0-9]{0,6}$/),
    )
    .map(([first, segments, tail]) => [`${first}${tail}`, ...segments].join('-'))
    .filter((n) => n.length <= max);
}

const orgs = schemaName(NAME_LIMITS.organization);
const envs = schemaName(NAME_LIMITS.environment);
const teams = schemaName(NAME_LIMITS.team);
const accounts = fc.stringMatching(/^\d{12}$/);
const regions = fc.constantFrom(
  'eu-west-1',
  'us-east-1',
  'ap-southeast-5',
  'us-gov-west-1',
  'cn-northwest-1',
);
const ARCHS = ['bootstrap', 'webapp', 'eks', 'druid', 'release'];
const LEVELS = ['admin', 'developer', 'read-only'];

/** Every name a stack derives for an environment (with the purposes the stacks use), by kind. */
function derivedNames(n: Naming, teamNames: readonly string[]): [NameKind, string][] {
  const out: [NameKind, string][] = [];
  for (const arch of ARCHS) {
    out.push(['stack', n.stackName(arch)]);
    out.push(['ssmParameter', n.parameterName(arch, 'api', 'url')]);
    out.push(['logGroup', n.logGroupName(arch, 'access')]);
  }
  for (const p of ['deploy', 'cfn-exec', 'file-publishing', 'image-publishing', 'lookup'] as const)
    out.push(['iamRole', n.bootstrapRoleName(p)]);
  out.push(['s3Bucket', n.bootstrapBucketName()], ['ecrRepository', n.bootstrapRepositoryName()]);
  out.push(['s3Bucket', n.bucketName('access-logs')], ['iamRole', n.roleName('handshake')]);
  out.push(['kmsAlias', n.kmsAlias('bootstrap')]);
  for (const team of teamNames) {
    for (const level of LEVELS) out.push(['iamRole', n.roleName(`team-${team}-${level}`)]);
    out.push(['k8sName', n.k8sName(team)], ['k8sName', n.k8sName('team', team, 'quota')]);
    out.push(['ssmParameter', n.parameterName('bootstrap', 'team-roles', `${team}-admin`)]);
  }
  for (const kind of Object.keys(NAME_RULES) as NameKind[]) {
    if (kind === 'kmsAlias' || kind === 'ssmParameter' || kind === 'cdkQualifier') continue;
    out.push([kind, n.name(kind, 'api')]);
  }
  return out;
}

function naming(org: string, env: string, account: string, region: string): Naming {
  return new Naming({
    organization: org,
    environment: env,
    account,
    region,
    qualifier: defaultQualifier(org, env),
  });
}

describe('naming (property-based over schema-valid names)', () => {
  it('the generators produce names the schema accepts', () => {
    fc.assert(
      fc.property(orgs, envs, teams, (o, e, t) => {
        expect(slug(NAME_LIMITS.organization, 'o').safeParse(o).success).toBe(true);
        expect(slug(NAME_LIMITS.environment, 'e').safeParse(e).success).toBe(true);
        expect(slug(NAME_LIMITS.team, 't').safeParse(t).success).toBe(true);
      }),
    );
  });

  it('every derived name fits the AWS rule of its kind', () => {
    fc.assert(
      fc.property(
        orgs,
        envs,
        fc.uniqueArray(teams, { minLength: 1, maxLength: 4 }),
        accounts,
        regions,
        (o, e, ts, a, r) => {
          for (const [kind, name] of derivedNames(naming(o, e, a, r), ts)) {
            expect(() => assertName(kind, name), `${kind} ${name}`).not.toThrow();
            expect(name.length).toBeLessThanOrEqual(NAME_RULES[kind].maxLength);
          }
          expect(() => assertName('cdkQualifier', defaultQualifier(o, e))).not.toThrow();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('distinct environments and teams of one organization, account and region never share a name', () => {
    const platform = fc
      .tuple(
        orgs,
        fc.uniqueArray(envs, { minLength: 2, maxLength: 4 }),
        fc.uniqueArray(teams, { minLength: 1, maxLength: 4 }),
      )
      // the config rejects an environment extending another's name in one account and region
      .filter(([, es]) => !es.some((a) => es.some((b) => b.startsWith(`${a}-`))));
    fc.assert(
      fc.property(platform, accounts, regions, ([o, es, ts], a, r) => {
        const seen = new Map<string, string>();
        for (const e of es) {
          for (const [kind, name] of derivedNames(naming(o, e, a, r), ts)) {
            if (kind === 'k8sName') continue; // namespaced per cluster, and clusters are per environment
            const key = `${kind}:${name}`;
            const owner = e;
            const previous = seen.get(key);
            if (previous !== undefined && previous !== owner)
              throw new Error(`${key} derived by ${previous} and ${owner}`);
            seen.set(key, owner);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('distinct (organization, environment) pairs get distinct qualifiers; one organization, distinct stack names', () => {
    fc.assert(
      fc.property(orgs, envs, orgs, envs, (o1, e1, o2, e2) => {
        fc.pre(o1 !== o2 || e1 !== e2);
        expect(defaultQualifier(o1, e1)).not.toBe(defaultQualifier(o2, e2));
        const stack = (o: string, e: string) => naming(o, e, '123456789012', 'eu-west-1').stackName('webapp');
        if (o1 === o2) expect(stack(o1, e1)).not.toBe(stack(o2, e2));
      }),
      { numRuns: 500 },
    );
  });

  it('names over the limit are cut with a hash of the full name: stable and still distinct', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{30,60}$/), fc.stringMatching(/^[a-z]{30,60}$/), (p1, p2) => {
        fc.pre(p1 !== p2);
        const n = naming('acme', 'prod', '123456789012', 'ap-southeast-5');
        const a = n.name('loadBalancer', p1);
        expect(a.length).toBeLessThanOrEqual(32);
        expect(n.name('loadBalancer', p1)).toBe(a);
        expect(n.name('loadBalancer', p2)).not.toBe(a);
      }),
    );
  });
});
