import { CfnOutput } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import type { Naming } from '../naming';

export interface PublishedValueProps {
  readonly naming: Naming;
  /** Architecture namespace of the parameter: `/fastish/<env>/<architecture>/<key>`. */
  readonly architecture: string;
  /** Parameter key below the architecture, e.g. `api/url`. */
  readonly key: string;
  readonly value: string;
  readonly description: string;
}

/**
 * A non-secret value later stacks and users need: a CloudFormation output plus an SSM parameter
 * under `/fastish/<env>/<arch>/...`. Secrets never go here: publish the secret's ARN instead.
 */
export class PublishedValue extends Construct {
  readonly parameter: ssm.StringParameter;
  readonly parameterName: string;
  /** The CloudFormation output (pipelines and health checks read it, e.g. with `useOutputs`). */
  readonly output: CfnOutput;

  constructor(scope: Construct, id: string, props: PublishedValueProps) {
    super(scope, id);
    this.parameterName = props.naming.parameterName(props.architecture, ...props.key.split('/'));
    this.parameter = new ssm.StringParameter(this, 'Parameter', {
      parameterName: this.parameterName,
      stringValue: props.value,
      description: props.description,
    });
    this.output = new CfnOutput(this, 'Output', {
      value: props.value,
      description: `${props.description} (SSM: ${this.parameterName})`,
    });
  }
}
