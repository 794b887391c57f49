export * from './error-response.js';
export * from './event-stream.js';
export * from './export-handlers.js';
export * from './express-router.js';
export * from './lambda-handler.js';
export * from './openapi.js';
export * from './schemas.js';
export * from './types.js';
