import { z } from 'zod';
import { networkCidr, parseCidr } from './ipv4';
import { isKnownRegion } from './regions';

/**
 * Shared value schemas. Each carries an error message that says what is accepted, because the
 * loader prints `path: value — message` and the user should not need the docs to fix it.
 */

/** A name that is safe inside every physical name derived from it (S3, IAM, k8s, stacks). */
export function slug(maxLength: number, what: string) {
  return z
    .string()
    .regex(/^[a-z][a-z0-9-]*[a-z0-9]$|^[a-z]$/, {
      message: `${what} must be lowercase letters, digits and single hyphens, start with a letter and not end with a hyphen`,
    })
    .refine((s) => !s.includes('--'), { message: `${what} must not contain "--"` })
    .refine((s) => s.length <= maxLength, { message: `${what} must be at most ${maxLength} characters` })
    .meta({ description: `${what}: lowercase letters, digits and hyphens, 1-${maxLength} characters` });
}

/**
 * A mapping of at most `max` entries. The count is checked before any entry is parsed, so a file with
 * tens of thousands of entries fails at once instead of after validating each.
 */
export function atMostEntries<T extends z.ZodType>(max: number, what: string, why: string, inner: T) {
  return z.preprocess((value, ctx) => {
    const count = value !== null && typeof value === 'object' ? Object.keys(value).length : 0;
    if (count > max)
      ctx.issues.push({
        code: 'custom',
        input: value,
        message: `has ${count} ${what}; Fastish takes at most ${max} (${why})`,
      });
    return value;
  }, inner);
}

export const accountId = z
  .string({ message: 'must be a 12-digit AWS account id, quoted as a string (e.g. "123456789012")' })
  .regex(/^\d{12}$/, { message: 'is not a 12-digit AWS account id' })
  .meta({ description: '12-digit AWS account id (quote it in YAML so leading zeros survive)' });

export const region = z
  .string()
  .refine(isKnownRegion, { message: 'is not an AWS region (commercial, China or GovCloud)' })
  .meta({ description: 'AWS region name, e.g. eu-west-1' });

export const zoneName = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, { message: 'is not an availability zone name (e.g. eu-west-1a)' });

/** What is wrong with an IPv4 CIDR, or undefined. A CIDR must be exactly a network address. */
function cidrProblem(text: string): string | undefined {
  if (!CIDR_SHAPE.test(text)) return undefined; // the regex reports it
  const parsed = parseCidr(text);
  if (!parsed) return 'has an octet above 255 or a prefix above /32';
  const network = networkCidr(parsed);
  // Deployed as-is, AWS (or CDK) would silently use another network than the one written.
  if (network !== text)
    return `has host bits set: as a /${parsed.prefix} it is the network ${network}; write ${network} (or the prefix you meant)`;
  return undefined;
}

const CIDR_SHAPE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

export const cidr = z
  .string()
  .regex(CIDR_SHAPE, { message: 'is not an IPv4 CIDR block (e.g. 10.0.0.0/16)' })
  .superRefine((s, ctx) => {
    const message = cidrProblem(s);
    if (message) ctx.addIssue({ code: 'custom', message });
  });

/** A VPC's IPv4 block: a network address with a prefix AWS accepts for a VPC (/16 to /28). */
export const vpcCidr = cidr.superRefine((s, ctx) => {
  const parsed = parseCidr(s);
  if (parsed && (parsed.prefix < 16 || parsed.prefix > 28))
    ctx.addIssue({
      code: 'custom',
      message: `has prefix /${parsed.prefix}; an AWS VPC block is /16 (65,536 addresses) to /28`,
    });
});

export const iamPrincipalArn = z
  .string()
  .regex(
    /^arn:aws(-cn|-us-gov)?:(iam::\d{12}:(user|role)\/[\w+=,.@/-]{1,512}|sts::\d{12}:assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+)$/,
    {
      message: 'is not an IAM user or role ARN (arn:aws:iam::<account>:role/<name> or :user/<name>)',
    },
  );

export const dnsName = z
  .string()
  .max(253)
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
    message: 'is not a lowercase DNS name (e.g. example.com)',
  });

export const tagValue = z
  .string()
  .max(256, { message: 'tag values are at most 256 characters' })
  .regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u, { message: 'contains characters AWS tags do not accept' });

export const tagKey = z
  .string()
  .min(1)
  .max(128, { message: 'tag keys are at most 128 characters' })
  .regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u, { message: 'contains characters AWS tags do not accept' })
  .refine((k) => !k.toLowerCase().startsWith('aws:'), { message: 'tag keys must not start with "aws:"' })
  .refine((k) => !k.startsWith('fastish:'), {
    message: 'the "fastish:" prefix is reserved for tags Fastish sets',
  });

export const retentionDays = z
  .union(
    [
      1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
    ].map((n) => z.literal(n)) as unknown as [z.ZodLiteral<number>, z.ZodLiteral<number>],
    {
      message:
        'is not a CloudWatch Logs retention (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 days)',
    },
  )
  .meta({ description: 'CloudWatch Logs retention in days' });
