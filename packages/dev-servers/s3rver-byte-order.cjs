// Preloaded into the s3rver child process by src/s3rver.ts (`node --require`).
//
// s3rver 3.7.1 lists keys in the order it walks its data directory, where each key is a file
// name with a `._S3rver_object` suffix, so "a b" sorts before "a" (" " < "."). Real S3 lists
// in UTF-8 byte order. This wraps the store's listObjects to sort and page in byte order so the
// conformance suite checks the adapter, not the emulator's file layout. Delimiter listings are
// left alone (exportkit never uses them).
const path = require('node:path');

const s3rverDir = path.dirname(require.resolve('s3rver/package.json'));
const FilesystemStore = require(path.join(s3rverDir, 'lib', 'stores', 'filesystem.js'));
const listObjects = FilesystemStore.prototype.listObjects;
if (typeof listObjects !== 'function') {
  throw new Error(
    '[exportkit] s3rver internals changed: FilesystemStore.prototype.listObjects is missing',
  );
}

FilesystemStore.prototype.listObjects = async function listObjectsInByteOrder(bucket, options) {
  if (options.delimiter) return listObjects.call(this, bucket, options);
  const { startAfter = '', maxKeys = Number.POSITIVE_INFINITY } = options;
  const all = await listObjects.call(this, bucket, {
    ...options,
    startAfter: '',
    maxKeys: Number.POSITIVE_INFINITY,
  });
  const after = Buffer.from(startAfter);
  const objects = all.objects
    .map((object) => ({ object, bytes: Buffer.from(object.key) }))
    .filter(({ bytes }) => Buffer.compare(bytes, after) > 0)
    .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
    .map(({ object }) => object);
  return { ...all, objects: objects.slice(0, maxKeys), isTruncated: objects.length > maxKeys };
};
