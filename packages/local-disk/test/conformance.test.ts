import { createDownloadHandler, LocalDiskObjectStore } from '@exportkit/local-disk';
import { objectStoreConformance } from '@exportkit/testkit';
import { startServer } from './support/download-server.js';
import { makeTempRoot } from './support/temp-root.js';

const secret = 'conformance-secret-of-at-least-32-bytes!';

objectStoreConformance(
  'local-disk',
  async () => {
    const root = await makeTempRoot();
    const server = await startServer();
    const store = new LocalDiskObjectStore({
      root: root.dir,
      signing: { secret, baseUrl: `${server.origin}/downloads` },
    });
    server.use(createDownloadHandler(store, { secret, basePath: '/downloads' }));
    return {
      store,
      cleanup: async () => {
        await server.close();
        await root.cleanup();
      },
    };
  },
  { capabilities: { signedUrls: true } },
);
