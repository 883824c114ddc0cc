import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/platform';
import { TEMPLATE_RULE_PREFIX, TemplateValidation } from '../../src/checks/template-validation';

function synthStack(build: (stack: Stack) => void): { stack: Stack; templatePath: string } {
  const app = createApp();
  const stack = new Stack(app, 'Subject', { env: { account: '111111111111', region: 'eu-west-1' } });
  build(stack);
  const assembly = app.synth();
  return { stack, templatePath: assembly.getStackArtifact(stack.artifactId).templateFullPath };
}

describe('template validation gate', () => {
  it('is off during plain synth: a broken template synthesizes', () => {
    expect(() =>
      synthStack(
        (s) => new CfnResource(s, 'Broken', { type: 'AWS::SQS::Queue', properties: { NoSuchProperty: 1 } }),
      ),
    ).not.toThrow();
  });

  it('reports a schema error on the resource, with its construct path, unacknowledged', () => {
    const { stack, templatePath } = synthStack((s) => {
      new CfnResource(s, 'Broken', { type: 'AWS::SQS::Queue', properties: { NoSuchProperty: 1 } });
      new CfnResource(s, 'Fine', { type: 'AWS::SQS::Queue', properties: { VisibilityTimeout: 30 } });
    });
    const findings = new TemplateValidation().validate(stack, templatePath);
    const errors = findings.filter((f) => f.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(
      errors.every((f) => f.path === 'Subject/Broken' && f.ruleId.startsWith(TEMPLATE_RULE_PREFIX)),
    ).toBe(true);
    expect(errors.every((f) => f.acknowledged === undefined)).toBe(true);
    expect(findings.some((f) => f.path === 'Subject/Fine')).toBe(false);
  });

  it('honours an acknowledgement with its reason', () => {
    const probe = synthStack((s) => {
      new CfnResource(s, 'Broken', { type: 'AWS::SQS::Queue', properties: { NoSuchProperty: 1 } });
    });
    const ruleId = new TemplateValidation().validate(probe.stack, probe.templatePath)[0]?.ruleId ?? '';
    const reason = 'A fixture that is broken on purpose to prove acknowledgements are honoured.';
    const { stack, templatePath } = synthStack((s) => {
      const broken = new CfnResource(s, 'Broken', {
        type: 'AWS::SQS::Queue',
        properties: { NoSuchProperty: 1 },
      });
      Validations.of(broken).acknowledge({ id: ruleId, reason });
    });
    const finding = new TemplateValidation().validate(stack, templatePath).find((f) => f.ruleId === ruleId);
    expect(finding?.acknowledged?.reason).toBe(reason);
  });
});
