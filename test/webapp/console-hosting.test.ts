/* biome-ignore-all lint/suspicious/noExplicitAny: synthesized CloudFormation templates are untyped JSON */
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONSOLE_ENV } from '../../src/constructs/webapp/console-wiring';
import { CONSOLE_ENV as WEB_CONSOLE_ENV } from '../../web/lib/config';
import { exampleConfig, type SynthesizedWebapp, synthWebapp } from './fixture';

const ofType = (json: any, type: string): [string, any][] =>
  Object.entries<any>(json.Resources).filter(([, r]) => r.Type === type);
const onlyOne = (json: any, type: string): [string, any] => {
  const all = ofType(json, type);
  expect(all, type).toHaveLength(1);
  return all[0] as [string, any];
};
const consoleClient = (json: any) =>
  ofType(json, 'AWS::Cognito::UserPoolClient').find(([, c]) => c.Properties.ClientName === 'console')?.[1]
    .Properties;
const apiFunctionEnv = (json: any) =>
  ofType(json, 'AWS::Lambda::Function').find(([id]) => id.startsWith('ApiFunction'))?.[1].Properties
    .Environment.Variables;
const dynamicReference =
  /^\{\{resolve:secretsmanager:acme-[a-z]+-webapp-console-repository-token:SecretString\}\}$/;

let synth: SynthesizedWebapp;
/** dev and prod as in the example (GitHub; previews in dev only), `lab` on GitLab with a custom domain, `api` without a console. */
let dev: any;
let prod: any;
let lab: any;
let api: any;

beforeAll(() => {
  synth = synthWebapp(
    exampleConfig((raw) => {
      raw.environments.lab = {
        ...raw.environments.dev,
        account: '444444444444',
        overrides: {
          webapp: {
            console: {
              repository: 'https://gitlab.com/acme/web/platform',
              branch: 'release/main',
              domain: 'console.acme.example.com',
            },
          },
        },
      };
      raw.environments.api = {
        ...raw.environments.dev,
        account: '555555555555',
        overrides: { webapp: { console: { enabled: false } } },
      };
    }),
  );
  [dev, prod, lab, api] = ['dev', 'prod', 'lab', 'api'].map((e) => synth.json.get(e));
});

describe('console repository', () => {
  it('serves the SSR console from the connected repository, building the production branch on push', () => {
    const app = onlyOne(dev, 'AWS::Amplify::App')[1].Properties;
    expect(app.Platform).toBe('WEB_COMPUTE');
    expect(app.Repository).toBe('https://github.com/acme/platform');
    const branch = onlyOne(dev, 'AWS::Amplify::Branch')[1].Properties;
    expect(branch).toMatchObject({ BranchName: 'main', Stage: 'PRODUCTION', EnableAutoBuild: true });
    expect(branch.Framework).toBe('Next.js - SSR');
  });

  it('passes a GitHub token as AccessToken, a GitLab one as OauthToken, both as Secrets Manager references', () => {
    const github = onlyOne(dev, 'AWS::Amplify::App')[1].Properties;
    expect(github.AccessToken).toMatch(dynamicReference);
    expect(github.OauthToken).toBeUndefined();
    const gitlab = onlyOne(lab, 'AWS::Amplify::App')[1].Properties;
    expect(gitlab.Repository).toBe('https://gitlab.com/acme/web/platform');
    expect(gitlab.OauthToken).toMatch(dynamicReference);
    expect(gitlab.AccessToken).toBeUndefined();
    expect(onlyOne(lab, 'AWS::Amplify::Branch')[1].Properties.BranchName).toBe('release/main');
  });
});

describe('console configuration (no stale API URL)', () => {
  const publishedVariables = ['apiUrl', 'userPoolId', 'clientId', 'cognitoDomain', 'consoleOrigin'] as const;

  it('names the same variables as the console reads', () => {
    for (const [key, name] of Object.entries(CONSOLE_ENV)) {
      expect(WEB_CONSOLE_ENV[key as keyof typeof WEB_CONSOLE_ENV], key).toBe(name);
    }
  });

  it('has every build (previews too) read the published values into .env.production', () => {
    const app = onlyOne(dev, 'AWS::Amplify::App')[1].Properties;
    // Nothing that could go stale (or depend on the API) is an Amplify variable.
    expect(app.EnvironmentVariables).toEqual([{ Name: 'AMPLIFY_MONOREPO_APP_ROOT', Value: 'web' }]);
    const spec = parse(app.BuildSpec);
    const commands: string[] = spec.applications[0].frontend.phases.preBuild.commands;
    const keys = { apiUrl: 'api/url', userPoolId: 'user-pool/id', clientId: 'user-pool/client-id' } as const;
    const parameterOf = {
      ...keys,
      cognitoDomain: 'user-pool/domain',
      consoleOrigin: 'console/url',
    } as const;
    for (const key of publishedVariables) {
      const read = commands.find((c) => c.includes(`echo "${CONSOLE_ENV[key]}=$V" >> .env.production`));
      expect(read, key).toContain(
        `aws ssm get-parameter --region eu-west-1 --name /fastish/dev/webapp/${parameterOf[key]} `,
      );
      expect(read, key).toMatch(/^V=\$\(.*\) && echo/); // a failed read fails the build
    }
    expect(commands).toContain('echo "NEXT_PUBLIC_AWS_REGION=eu-west-1" > .env.production');
    expect(commands).toContain(
      'echo "NEXT_PUBLIC_CONSOLE_PREVIEW_ORIGINS=https://pr-*.$AWS_APP_ID.amplifyapp.com" >> .env.production',
    );
    const prodSpec = parse(onlyOne(prod, 'AWS::Amplify::App')[1].Properties.BuildSpec);
    expect(prodSpec.applications[0].frontend.phases.preBuild.commands.join('\n')).not.toContain('PREVIEW');
  });

  it('lets the service role read exactly those parameters', () => {
    const [roleId] = ofType(dev, 'AWS::IAM::Role').find(([id]) => id.startsWith('ConsoleServiceRole')) ?? [];
    const policy = ofType(dev, 'AWS::IAM::Policy').find(([, p]) =>
      p.Properties.Roles.some((r: any) => r.Ref === roleId),
    )?.[1];
    const ssm = policy.Properties.PolicyDocument.Statement.filter((s: any) =>
      [s.Action].flat().some((a: string) => a.startsWith('ssm:')),
    );
    expect([...new Set(ssm.flatMap((s: any) => [s.Action].flat()))]).toEqual(['ssm:GetParameter']);
    const arns = ssm.flatMap((s: any) => [s.Resource].flat());
    expect(arns).toHaveLength(5);
    const resources = JSON.stringify(arns);
    for (const key of ['api/url', 'user-pool/id', 'user-pool/client-id', 'user-pool/domain', 'console/url']) {
      expect(resources).toContain(`:parameter/fastish/dev/webapp/${key}`);
    }
    expect(resources).not.toContain('*');
  });

  it('starts the first build on create and a new one whenever a published value changes', () => {
    const [triggerId, trigger] = onlyOne(dev, 'Custom::AWS');
    for (const phase of ['Create', 'Update']) {
      // The SDK call is a JSON string (joined with the app id): unescape it to read it.
      const call = JSON.stringify(trigger.Properties[phase]).replace(/\\"/g, '"');
      for (const part of [
        '"service":"Amplify"',
        '"action":"startJob"',
        '"jobType":"RELEASE"',
        '"branchName":"main"',
      ])
        expect(call, `${phase} ${part}`).toContain(part);
      expect(call, phase).toContain(`"Fn::GetAtt":["${onlyOne(dev, 'AWS::Amplify::App')[0]}","AppId"]`);
    }
    // The configuration is a property: a new API URL (another RestApi id or stage) updates the resource,
    // and its update starts a build that reads the new parameter value.
    const configuration = trigger.Properties.ConsoleConfiguration;
    expect(Object.keys(configuration).sort()).toEqual(publishedVariables.map((k) => CONSOLE_ENV[k]).sort());
    const [restApiId] = onlyOne(dev, 'AWS::ApiGateway::RestApi');
    expect(JSON.stringify(configuration.NEXT_PUBLIC_API_URL)).toContain(`"Ref":"${restApiId}"`);
    // After the branch, the role's policy and every parameter it reads.
    const dependsOn: string[] = trigger.DependsOn;
    expect(dependsOn).toEqual(expect.arrayContaining([onlyOne(dev, 'AWS::Amplify::Branch')[0]]));
    for (const [paramId, param] of ofType(dev, 'AWS::SSM::Parameter')) {
      if (/(api\/url|user-pool|console\/url)$/.test(param.Properties.Name))
        expect(dependsOn, `${triggerId} after ${paramId}`).toContain(paramId);
    }
  });

  it('may start jobs of the production branch only', () => {
    const policy = ofType(dev, 'AWS::IAM::Policy').find(([id]) => id.startsWith('ConsoleBuildTrigger'))?.[1];
    const [branchId] = onlyOne(dev, 'AWS::Amplify::Branch');
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'amplify:StartJob',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [branchId, 'Arn'] }, '/jobs/*']] },
      },
    ]);
  });
});

describe('pull-request previews', () => {
  /** The preflight's origin regex with the app's default domain resolved to `domain`. */
  const previewRegex = (json: any, domain: string): RegExp | undefined => {
    const options = ofType(json, 'AWS::ApiGateway::Method').filter(
      ([, m]) => m.Properties.HttpMethod === 'OPTIONS',
    );
    expect(options.length).toBeGreaterThan(0);
    const templates = options.map(
      ([, m]) => m.Properties.Integration.IntegrationResponses[0].ResponseTemplates?.['application/json'],
    );
    if (templates.every((t) => t === undefined)) return undefined;
    // The template joins the app's default domain, split at its dots and rejoined with `[.]`.
    const resolve = (part: any): string =>
      typeof part === 'string'
        ? part
        : part['Fn::Join']?.[0] === '[.]'
          ? domain.replace(/\./g, '[.]')
          : part['Fn::Join'][1].map(resolve).join(part['Fn::Join'][0]);
    const resolved = templates.map((t) => resolve(t));
    expect(new Set(resolved).size).toBe(1); // every preflight admits the same origins
    const vtl = resolved[0] as string;
    const match = /\$origin\.matches\("([^"]+)"\)/.exec(vtl);
    expect(vtl).toContain('#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)');
    return new RegExp(`^(?:${match?.[1]})$`); // Java's String.matches is a whole-string match
  };

  it('admits https://pr-<n>.<appId>.amplifyapp.com in the API preflight, nothing else', () => {
    const admits = previewRegex(dev, 'd1a2b3.amplifyapp.com') as RegExp;
    expect(admits.test('https://pr-12.d1a2b3.amplifyapp.com')).toBe(true);
    expect(admits.test('https://pr-7.d1a2b3.amplifyapp.com')).toBe(true);
    for (const other of [
      'https://pr-x.d1a2b3.amplifyapp.com',
      'https://pr-12.d9999.amplifyapp.com',
      'https://pr-12.d1a2b3.amplifyapp.com.evil.example',
      'https://pr-12.d1a2b3Xamplifyapp.com',
      'https://main.d1a2b3.amplifyapp.com',
      'http://pr-12.d1a2b3.amplifyapp.com',
    ]) {
      expect(admits.test(other), other).toBe(false);
    }
  });

  it('admits the previews in the API function and keeps the exact console origin for sign-in', () => {
    const [appId] = onlyOne(dev, 'AWS::Amplify::App');
    const domain = { 'Fn::GetAtt': [appId, 'DefaultDomain'] };
    expect(apiFunctionEnv(dev).CORS_ALLOW_ORIGIN).toEqual({
      'Fn::Join': ['', ['https://main.', domain, ' https://pr-*.', domain]],
    });
    // Cognito takes no wildcards: previews sign in through the console's own callback (web/lib/session.ts).
    const client = consoleClient(dev);
    expect(client.CallbackURLs).toEqual([{ 'Fn::Join': ['', ['https://main.', domain, '/auth/callback']] }]);
    expect(client.LogoutURLs).toEqual([{ 'Fn::Join': ['', ['https://main.', domain, '/']] }]);
  });

  it('are off where configured: no preview origin anywhere', () => {
    expect(onlyOne(prod, 'AWS::Amplify::Branch')[1].Properties.EnablePullRequestPreview).toBe(false);
    expect(onlyOne(dev, 'AWS::Amplify::Branch')[1].Properties.EnablePullRequestPreview).toBe(true);
    expect(previewRegex(prod, 'd1a2b3.amplifyapp.com')).toBeUndefined();
    expect(JSON.stringify(apiFunctionEnv(prod).CORS_ALLOW_ORIGIN)).not.toContain('pr-');
  });
});

describe('an environment without a console', () => {
  it('has no Amplify app, no CORS, no console URL and no hosted sign-in', () => {
    for (const type of ['AWS::Amplify::App', 'AWS::Amplify::Branch', 'Custom::AWS']) {
      expect(ofType(api, type), type).toEqual([]);
    }
    const methods = ofType(api, 'AWS::ApiGateway::Method').map(([, m]) => m.Properties.HttpMethod);
    expect(methods).not.toContain('OPTIONS');
    expect(apiFunctionEnv(api).CORS_ALLOW_ORIGIN).toBeUndefined();
    expect(JSON.stringify(api)).not.toContain('Access-Control-Allow-Origin');
    const client = consoleClient(api);
    expect(client.AllowedOAuthFlows).toBeUndefined();
    expect(client.CallbackURLs).toBeUndefined();
    const names = ofType(api, 'AWS::SSM::Parameter').map(([, p]) => p.Properties.Name);
    expect(names).toContain('/fastish/api/webapp/api/url');
    expect(names).not.toContain('/fastish/api/webapp/console/url');
  });
});
