// The AWS deployment, runnable here: an Express API (POST /exports, GET /exports/:id) and an SQS
// runner (the Lambda handler fed like Lambda's SQS event source, or a long-running worker), with
// parts, manifests and job records in S3 and job messages in SQS. Local s3rver and
// local-aws-sqs stand in for AWS; swap the clients in local-aws.ts for real ones to deploy.
//
//   pnpm --filter @exportkit/example-aws start
//   pnpm --filter @exportkit/example-aws start -- --rows 1000000 --runner worker
import { parseArgs } from 'node:util';
import { runAwsExample } from './run-example.js';

const usage =
  'usage: pnpm --filter @exportkit/example-aws start [--rows N] [--runner lambda|worker]';
const values = parseExampleArgs(process.argv.slice(2));

console.log(
  `exportkit on AWS (local S3 + SQS): ${Number(values.rows).toLocaleString('en-US')} rows, ${values.runner} runner\n`,
);
const result = await runAwsExample({
  rows: Number(values.rows),
  runner: values.runner,
  log: (line) => console.log(line),
});
const { view } = result;
if (view.status !== 'succeeded' || !view.files) {
  console.error(`\nexport ${view.status}: ${view.error?.code} ${view.error?.message}`);
  process.exitCode = 1;
} else {
  console.log(
    `\n${view.result?.rows.toLocaleString('en-US')} rows, ${((view.result?.bytes ?? 0) / 1e6).toFixed(1)} MB in ${view.files.length} part(s). Presigned S3 URLs:`,
  );
  for (const file of view.files)
    console.log(
      `  part ${file.part} (${file.fileName}, sha256 ${file.sha256.slice(0, 12)}…)\n    ${file.url}`,
    );
  console.log(`\npart 1 via its URL: Content-Disposition: ${result.contentDisposition}`);
  for (const line of result.head) console.log(`  ${line}`);
  console.log('\n(The local servers are stopped now, so these URLs no longer answer.)');
}

/** The example's options; a mistyped one prints the usage instead of a stack trace. */
function parseExampleArgs(argv: string[]) {
  try {
    const { values } = parseArgs({
      // `pnpm ... start -- --rows 5` hands the script a literal `--` first.
      args: argv[0] === '--' ? argv.slice(1) : argv,
      options: {
        rows: { type: 'string', default: '250000' },
        runner: { type: 'string', default: 'lambda' },
      },
    });
    if (values.runner !== 'lambda' && values.runner !== 'worker') {
      throw new Error(`--runner is "lambda" or "worker", got "${values.runner}"`);
    }
    return { ...values, runner: values.runner as 'lambda' | 'worker' };
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
}
