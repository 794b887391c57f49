import { ExportkitError } from '@exportkit/core';

/**
 * The queue URL of an SQS queue ARN (`arn:{partition}:sqs:{region}:{account}:{name}`), as
 * SQS serves it in that region. China regions use `amazonaws.com.cn`.
 */
export function queueUrlFromArn(arn: string): string {
  const [prefix, partition, service, region, account, name] = arn.split(':');
  if (prefix !== 'arn' || service !== 'sqs' || !region || !account || !name) {
    throw new ExportkitError(
      'INVALID_CONFIG',
      `[exportkit] [sqs] Cannot derive a queue URL from eventSourceARN "${arn}"; pass the handler's \`queueUrl\` option.`,
    );
  }
  const domain = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sqs.${region}.${domain}/${account}/${name}`;
}
