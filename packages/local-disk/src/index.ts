export { contentDisposition } from './content-disposition.js';
export {
  createDownloadHandler,
  type DownloadHandler,
  type DownloadHandlerOptions,
} from './download-handler.js';
export {
  type LocalDiskDirent,
  type LocalDiskFileHandle,
  type LocalDiskFs,
  type LocalDiskStats,
  nodeFs,
} from './fs-like.js';
export {
  LocalDiskObjectStore,
  type LocalDiskObjectStoreOptions,
} from './local-disk-object-store.js';
export type { LocalDiskSigningOptions } from './signed-url.js';
export { minSecretBytes, type SigningSecret } from './signing.js';
export {
  type SignedUrlParams,
  type VerifiedSignedUrl,
  type VerifySignedUrlOptions,
  verifySignedUrl,
} from './verify-signed-url.js';
