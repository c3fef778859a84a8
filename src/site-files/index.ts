// Site files: where a site directory keeps each file (SitePaths), the one way state files are read
// (absent / unreadable / corrupt, with the policy per file) and written (replaceFile). Imports only
// node:, so the CLI's light commands reach a router without loading the config schemas.
export { sitePaths, type SitePaths } from './site-paths.js';
export { readStateFile, readStateText, type StateRead } from './state-file.js';
export { replaceFile } from './replace-file.js';
