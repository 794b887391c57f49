// The Express demo: an existing app with the export endpoints mounted and a page that requests
// an export, shows its progress from the events stream and offers the download links.
//
//   pnpm --filter @exportkit/example-express start      # memory job store, local-disk files
//   DATABASE_URL=postgres://postgres@127.0.0.1/test S3_BUCKET=my-bucket pnpm --filter @exportkit/example-express start
import { resolve } from 'node:path';
import { startDemo } from './demo-app.js';
import { storesFromEnvironment } from './stores-from-env.js';

const stores = await storesFromEnvironment();
const demo = await startDemo({
  dataDir: resolve('exports/express-demo'),
  port: Number(process.env.PORT ?? 3000),
  ...(stores.jobStore ? { jobStore: stores.jobStore } : {}),
  ...(stores.store ? { store: stores.store } : {}),
});
console.log(`Open ${demo.url} and click "Export orders". Ctrl+C to stop.`);
process.once('SIGINT', () => {
  void demo
    .close()
    .then(() => stores.close())
    .then(() => process.exit(0));
});
