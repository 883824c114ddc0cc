import type { FastishRule } from '../types';

/** Largest template body CloudFormation accepts from S3 (CDK uploads templates as assets). */
export const MAX_TEMPLATE_BYTES = 1_000_000;
/** Largest template body CloudFormation accepts inline (without S3); above it deploys need the assets bucket. */
export const INLINE_TEMPLATE_BYTES = 51_200;

/** FST-CFN2: template body ≤ 1 MB (error), warning above the 51,200-byte inline limit. */
export const templateSize: FastishRule = {
  id: 'FST-CFN2',
  name: 'template-size',
  description:
    'Template bodies stay under 1 MB (CloudFormation limit for templates in S3); above 51,200 bytes they can only be deployed through the assets bucket (warning).',
  severity: 'error',
  check({ templateBytes }) {
    if (templateBytes > MAX_TEMPLATE_BYTES)
      return [
        {
          message: `template is ${templateBytes} bytes; CloudFormation accepts at most ${MAX_TEMPLATE_BYTES}`,
        },
      ];
    if (templateBytes > INLINE_TEMPLATE_BYTES)
      return [
        {
          severity: 'warning',
          message: `template is ${templateBytes} bytes (> ${INLINE_TEMPLATE_BYTES}): deployable only via S3 (the bootstrap assets bucket)`,
        },
      ];
    return [];
  },
};
